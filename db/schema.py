"""The database schema, as sqlite-utils migrations: one function per migration, applied in order."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "stancewatch"
migrations = Migrations(MIGRATION_SET)


def _run(db: Database, statements: list[str]) -> None:
    for sql in statements:
        db.execute(sql)


@migrations()
def m001_core_tables(db: Database) -> None:
    """Documents, statements, tags, actors, roles, topics, overrides, runs and errors."""
    _run(db, [
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,               -- ingest | refresh | retag
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL,             -- running | ok | partial | failed | interrupted
            pid INTEGER,
            args TEXT,
            inputs INTEGER DEFAULT 0,
            docs_new INTEGER DEFAULT 0,
            docs_retagged INTEGER DEFAULT 0,
            docs_duplicate INTEGER DEFAULT 0,
            docs_unchanged INTEGER DEFAULT 0,
            docs_failed INTEGER DEFAULT 0,
            docs_undated INTEGER DEFAULT 0,
            statements INTEGER DEFAULT 0,
            tags INTEGER DEFAULT 0,
            errors INTEGER DEFAULT 0,
            codebook_version TEXT,
            software_version TEXT,
            summary TEXT
        )""",
        """CREATE TABLE documents (
            id TEXT PRIMARY KEY,              -- hash of the normalised text
            url TEXT,
            source TEXT,
            title TEXT,
            published TEXT,                   -- YYYY-MM-DD or NULL
            date_source TEXT NOT NULL,        -- cli | metadata | filename | none
            undated INTEGER NOT NULL DEFAULT 0,
            text TEXT NOT NULL,
            raw_format TEXT NOT NULL,
            origin TEXT NOT NULL,
            ingest_run INTEGER REFERENCES runs(id),
            ingested_at TEXT NOT NULL,
            extracted_run INTEGER,            -- last run that extracted statements from it
            extractor_version TEXT
        )""",
        "CREATE UNIQUE INDEX idx_documents_url ON documents(url) WHERE url IS NOT NULL",
        "CREATE INDEX idx_documents_published ON documents(published)",
        "CREATE INDEX idx_documents_run ON documents(ingest_run)",
        """CREATE TABLE seen_inputs (
            key TEXT PRIMARY KEY,             -- path+size+mtime, or feed+guid
            origin TEXT NOT NULL,
            doc_id TEXT,                      -- NULL when the input held no article
            run_id INTEGER,
            seen_at TEXT NOT NULL
        )""",
        """CREATE TABLE actors (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,               -- person | group
            group_id TEXT,                    -- for a newly seen person: the group their title gives
            title TEXT,
            known INTEGER NOT NULL DEFAULT 1, -- 0: not in the codebook, flagged for review
            first_seen_run INTEGER,
            codebook_version TEXT
        )""",
        """CREATE TABLE actor_roles (
            id TEXT PRIMARY KEY,
            actor_id TEXT NOT NULL REFERENCES actors(id),
            group_id TEXT NOT NULL,
            office TEXT,
            title TEXT,
            start_date TEXT,
            end_date TEXT
        )""",
        "CREATE INDEX idx_roles_actor ON actor_roles(actor_id)",
        "CREATE INDEX idx_roles_group ON actor_roles(group_id)",
        """CREATE TABLE topics (
            id TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            proposition TEXT NOT NULL,
            codebook_version TEXT
        )""",
        """CREATE TABLE statements (
            id TEXT PRIMARY KEY,              -- hash of doc id and offsets
            doc_id TEXT NOT NULL REFERENCES documents(id),
            actor_id TEXT NOT NULL,
            group_id TEXT,                    -- the group itself, or the person's group on the statement date
            mention TEXT,
            text TEXT NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            cue TEXT,
            quote_type TEXT NOT NULL,
            date TEXT,
            date_cue TEXT,
            confidence REAL NOT NULL,
            rule TEXT,
            needs_review INTEGER NOT NULL DEFAULT 0,
            run_id INTEGER
        )""",
        "CREATE INDEX idx_statements_doc ON statements(doc_id)",
        "CREATE INDEX idx_statements_actor_date ON statements(actor_id, date)",
        "CREATE INDEX idx_statements_group_date ON statements(group_id, date)",
        "CREATE INDEX idx_statements_date ON statements(date)",
        """CREATE TABLE tags (
            id TEXT PRIMARY KEY,              -- hash of statement id, topic, target
            statement_id TEXT NOT NULL REFERENCES statements(id),
            topic_id TEXT NOT NULL,
            stance TEXT NOT NULL,
            score REAL NOT NULL,
            confidence REAL NOT NULL,
            target TEXT,
            cue TEXT,
            topic_cue TEXT,
            rule TEXT NOT NULL,
            negated INTEGER NOT NULL DEFAULT 0,
            modality TEXT,
            codebook_version TEXT NOT NULL,
            origin TEXT NOT NULL DEFAULT 'engine', -- engine | analyst
            run_id INTEGER
        )""",
        "CREATE INDEX idx_tags_statement ON tags(statement_id)",
        "CREATE INDEX idx_tags_topic ON tags(topic_id)",
        # Analyst corrections. `overrides` is the audit log (never deleted); the two
        # *_current tables hold the correction in force, keyed so that the ETL's
        # content-derived ids find them again after a refresh or retag.
        """CREATE TABLE overrides (
            id INTEGER PRIMARY KEY,
            statement_id TEXT NOT NULL,
            tag_id TEXT,
            action TEXT NOT NULL,             -- confirm | correct | reject
            field TEXT,                       -- actor | topic | stance | statement
            old_value TEXT,
            new_value TEXT,
            analyst TEXT NOT NULL,
            note TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_overrides_statement ON overrides(statement_id)",
        """CREATE TABLE statement_overrides (
            statement_id TEXT PRIMARY KEY,
            actor_id TEXT,                    -- corrected actor, or NULL
            rejected INTEGER NOT NULL DEFAULT 0,
            confirmed INTEGER NOT NULL DEFAULT 0,
            analyst TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE tag_overrides (
            tag_id TEXT PRIMARY KEY,
            statement_id TEXT NOT NULL,
            topic_id TEXT,                    -- corrected topic, or NULL
            stance TEXT,                      -- corrected stance, or NULL
            rejected INTEGER NOT NULL DEFAULT 0,
            analyst TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_tag_overrides_statement ON tag_overrides(statement_id)",
        """CREATE TABLE ingest_errors (
            id INTEGER PRIMARY KEY,
            run_id INTEGER REFERENCES runs(id),
            input TEXT NOT NULL,
            level TEXT NOT NULL,              -- error | warning | skipped
            message TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_ingest_errors_run ON ingest_errors(run_id)",
    ])


@migrations()
def m002_full_text_search(db: Database) -> None:
    """FTS5 over document and statement text, kept in sync by triggers."""
    db["documents"].enable_fts(["title", "text"], fts_version="FTS5", create_triggers=True)
    db["statements"].enable_fts(["text"], fts_version="FTS5", create_triggers=True)


@migrations()
def m003_effective_tags_view(db: Database) -> None:
    """One row per stance point with analyst corrections applied and rejections removed."""
    db.execute("""
        CREATE VIEW effective_tags AS
        SELECT
            t.id AS tag_id,
            s.id AS statement_id,
            s.doc_id,
            COALESCE(so.actor_id, s.actor_id) AS actor_id,
            CASE
                WHEN so.actor_id IS NULL THEN s.group_id
                WHEN (SELECT kind FROM actors a WHERE a.id = so.actor_id) = 'group' THEN so.actor_id
                ELSE (SELECT r.group_id FROM actor_roles r
                      WHERE r.actor_id = so.actor_id
                        AND (r.start_date IS NULL OR r.start_date <= s.date)
                        AND (r.end_date IS NULL OR r.end_date >= s.date)
                      ORDER BY r.start_date DESC LIMIT 1)
            END AS group_id,
            COALESCE(tov.topic_id, t.topic_id) AS topic_id,
            COALESCE(tov.stance, t.stance) AS stance,
            CASE
                WHEN tov.stance IS NULL THEN t.score
                WHEN tov.stance = 'support' THEN 1.0
                WHEN tov.stance = 'oppose' THEN -1.0
                ELSE 0.0
            END AS score,
            CASE WHEN so.statement_id IS NOT NULL OR tov.tag_id IS NOT NULL
                 THEN 1.0 ELSE t.confidence END AS confidence,
            t.target, t.cue, t.rule, t.codebook_version,
            s.date, s.quote_type, s.text, s.start, s.end, s.cue AS speech_cue,
            (so.statement_id IS NOT NULL OR tov.tag_id IS NOT NULL) AS corrected
        FROM tags t
        JOIN statements s ON s.id = t.statement_id
        LEFT JOIN statement_overrides so ON so.statement_id = s.id
        LEFT JOIN tag_overrides tov ON tov.tag_id = t.id
        WHERE COALESCE(so.rejected, 0) = 0 AND COALESCE(tov.rejected, 0) = 0
    """)


@migrations()
def m004_actor_reviews_and_read_indexes(db: Database) -> None:
    """Analyst verdicts on newly seen actors (kept apart from ETL tables); indexes for dashboard reads."""
    _run(db, [
        """CREATE TABLE actor_reviews (
            id INTEGER PRIMARY KEY,
            actor_id TEXT NOT NULL,
            action TEXT NOT NULL,             -- confirm | merge
            merged_into TEXT,                 -- for merge: the actor its statements now belong to
            analyst TEXT NOT NULL,
            note TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_actor_reviews_actor ON actor_reviews(actor_id)",
        "CREATE INDEX idx_statements_run ON statements(run_id)",
        "CREATE INDEX idx_documents_source ON documents(source)",
        "CREATE INDEX idx_tags_topic_statement ON tags(topic_id, statement_id)",
    ])


@migrations()
def m005_effective_statements_view(db: Database) -> None:
    """One definition of a statement with corrections applied; `effective_tags` builds on it.

    Before this, the rule for a corrected actor's group stood twice (in `effective_tags` and in
    the statement queries); now both read `effective_statements`, so they cannot drift apart.
    """
    _run(db, [
        """CREATE VIEW effective_statements AS
        SELECT
            s.id AS statement_id, s.doc_id,
            COALESCE(so.actor_id, s.actor_id) AS actor_id,
            CASE
                WHEN so.actor_id IS NULL THEN s.group_id
                WHEN (SELECT kind FROM actors a WHERE a.id = so.actor_id) = 'group' THEN so.actor_id
                ELSE (SELECT r.group_id FROM actor_roles r
                      WHERE r.actor_id = so.actor_id
                        AND (r.start_date IS NULL OR r.start_date <= s.date)
                        AND (r.end_date IS NULL OR r.end_date >= s.date)
                      ORDER BY r.start_date DESC LIMIT 1)
            END AS group_id,
            s.actor_id AS engine_actor_id, s.mention, s.text, s.start, s.end, s.cue, s.quote_type,
            s.date, s.date_cue, s.confidence, s.rule, s.needs_review, s.run_id,
            COALESCE(so.confirmed, 0) AS confirmed,
            (so.actor_id IS NOT NULL) AS actor_corrected,
            (so.statement_id IS NOT NULL) AS reviewed
        FROM statements s
        LEFT JOIN statement_overrides so ON so.statement_id = s.id
        WHERE COALESCE(so.rejected, 0) = 0""",
        "DROP VIEW effective_tags",
        """CREATE VIEW effective_tags AS
        SELECT
            t.id AS tag_id,
            e.statement_id,
            e.doc_id,
            e.actor_id,
            e.group_id,
            COALESCE(tov.topic_id, t.topic_id) AS topic_id,
            COALESCE(tov.stance, t.stance) AS stance,
            CASE
                WHEN tov.stance IS NULL THEN t.score
                WHEN tov.stance = 'support' THEN 1.0
                WHEN tov.stance = 'oppose' THEN -1.0
                ELSE 0.0
            END AS score,
            CASE WHEN e.reviewed OR tov.tag_id IS NOT NULL THEN 1.0 ELSE t.confidence END AS confidence,
            t.target, t.cue, t.rule, t.codebook_version,
            e.date, e.quote_type, e.text, e.start, e.end, e.cue AS speech_cue,
            (e.reviewed OR tov.tag_id IS NOT NULL) AS corrected
        FROM tags t
        JOIN effective_statements e ON e.statement_id = t.statement_id
        LEFT JOIN tag_overrides tov ON tov.tag_id = t.id
        WHERE COALESCE(tov.rejected, 0) = 0""",
    ])


@migrations()
def m006_scale_read_indexes(db: Database) -> None:
    """Indexes that keep the dashboard's reads quick at a million statements.

    The statements list orders by `date IS NULL, date DESC, id`; an index on exactly those
    expressions lets SQLite read a page in order instead of sorting every statement. Counting
    an actor's statements per group (actor profile roles) reads (actor_id, group_id) alone.
    """
    _run(db, [
        "CREATE INDEX idx_statements_newest ON statements(date IS NULL, date DESC, id)",
        "CREATE INDEX idx_statements_actor_group ON statements(actor_id, group_id)",
    ])


@migrations()
def m007_review_queue_indexes(db: Database) -> None:
    """Confidence indexes, so the review queue walks the least sure statements and tags in order."""
    _run(db, [
        "CREATE INDEX idx_statements_review ON statements(needs_review, confidence)",
        "CREATE INDEX idx_tags_confidence ON tags(confidence)",
    ])


# Columns of `stance_points_cache`, all taken from `effective_tags` under the same names.
_CACHE_COLUMNS = ("tag_id, statement_id, doc_id, actor_id, group_id, topic_id, stance, score,"
                  " confidence, date, quote_type, corrected")


def _cache_refresh(statement_ids_sql: str) -> str:
    """Trigger body: rebuild the cache rows of the statements `statement_ids_sql` names, from the view."""
    return (f"DELETE FROM stance_points_cache WHERE statement_id IN ({statement_ids_sql});"
            f" INSERT INTO stance_points_cache ({_CACHE_COLUMNS}) SELECT {_CACHE_COLUMNS}"
            f" FROM effective_tags WHERE statement_id IN ({statement_ids_sql});")


# The statement and tag triggers of the points cache, as (event, statements to rebuild):
# created by m008, gated by m009.
_STATEMENT_TAG_TRIGGERS = {
    "tags_ai": ("AFTER INSERT ON tags", "NEW.statement_id"),
    "tags_ad": ("AFTER DELETE ON tags", "OLD.statement_id"),
    "tags_au": ("AFTER UPDATE OF id, statement_id, topic_id, stance, score, confidence ON tags",
                "OLD.statement_id, NEW.statement_id"),
    "statements_ai": ("AFTER INSERT ON statements", "NEW.id"),
    "statements_ad": ("AFTER DELETE ON statements", "OLD.id"),
    "statements_au": ("AFTER UPDATE OF id, doc_id, actor_id, group_id, date, quote_type ON statements",
                      "OLD.id, NEW.id"),
}


@migrations()
def m008_stance_points_cache(db: Database) -> None:
    """A stored copy of `effective_tags`' narrow columns, kept equal to the view by triggers.

    Counting or averaging a whole topic through the view joins a million tags with statements
    and both override tables on every read. The cache holds the same rows, indexed by topic,
    actor and group. Triggers on every table the view reads (tags, statements, both override
    tables, and actors and roles, which decide a re-attributed statement's group) rebuild the
    touched statements' rows from the view itself, so the rule stays defined once, and writes
    made outside db/ (tests, the synthetic benchmark builder) keep it right too.
    """
    by_actor = "SELECT statement_id FROM statement_overrides WHERE actor_id = {}"
    triggers = {
        **_STATEMENT_TAG_TRIGGERS,
        "so_ai": ("AFTER INSERT ON statement_overrides", "NEW.statement_id"),
        "so_ad": ("AFTER DELETE ON statement_overrides", "OLD.statement_id"),
        "so_au": ("AFTER UPDATE ON statement_overrides", "OLD.statement_id, NEW.statement_id"),
        # The view joins a tag override by tag id, so the statement it touches is the tag's.
        "tov_ai": ("AFTER INSERT ON tag_overrides", "SELECT statement_id FROM tags WHERE id = NEW.tag_id"),
        "tov_ad": ("AFTER DELETE ON tag_overrides", "SELECT statement_id FROM tags WHERE id = OLD.tag_id"),
        "tov_au": ("AFTER UPDATE ON tag_overrides",
                   "SELECT statement_id FROM tags WHERE id IN (OLD.tag_id, NEW.tag_id)"),
        "actors_ai": ("AFTER INSERT ON actors", by_actor.format("NEW.id")),
        "actors_ad": ("AFTER DELETE ON actors", by_actor.format("OLD.id")),
        "actors_au": ("AFTER UPDATE OF id, kind ON actors",
                      "SELECT statement_id FROM statement_overrides WHERE actor_id IN (OLD.id, NEW.id)"),
        "roles_ai": ("AFTER INSERT ON actor_roles", by_actor.format("NEW.actor_id")),
        "roles_ad": ("AFTER DELETE ON actor_roles", by_actor.format("OLD.actor_id")),
        "roles_au": ("AFTER UPDATE ON actor_roles",
                     "SELECT statement_id FROM statement_overrides WHERE actor_id IN (OLD.actor_id, NEW.actor_id)"),
    }
    _run(db, [
        """CREATE TABLE stance_points_cache (
            tag_id TEXT PRIMARY KEY,
            statement_id TEXT NOT NULL,
            doc_id TEXT,
            actor_id TEXT,
            group_id TEXT,
            topic_id TEXT,
            stance TEXT,
            score REAL,
            confidence REAL,
            date TEXT,
            quote_type TEXT,
            corrected INTEGER
        )""",
        f"INSERT INTO stance_points_cache ({_CACHE_COLUMNS}) SELECT {_CACHE_COLUMNS} FROM effective_tags",
        "CREATE INDEX idx_points_statement ON stance_points_cache(statement_id)",
        # Covers the per-topic counts, period means and latest stances without reading the table.
        "CREATE INDEX idx_points_topic_date"
        " ON stance_points_cache(topic_id, date, score, stance, actor_id, group_id)",
        "CREATE INDEX idx_points_actor_date ON stance_points_cache(actor_id, date)",
        "CREATE INDEX idx_points_group_date ON stance_points_cache(group_id, date)",
        "CREATE INDEX idx_statement_overrides_actor ON statement_overrides(actor_id)",
        *(f"CREATE TRIGGER points_cache_{name} {event} BEGIN {_cache_refresh(ids)} END"
          for name, (event, ids) in triggers.items()),
    ])


# m009 gates the statement and tag triggers of m008.
_DEFERRABLE_TRIGGERS = _STATEMENT_TAG_TRIGGERS


@migrations()
def m009_points_cache_deferral(db: Database) -> None:
    """Let a transaction that stores a document rebuild its statements' cache rows once, not once per row.

    Under m008 a statement with k tags has its cache rows rebuilt k + 1 times as the rows go in.
    The statement and tag triggers now stand aside while `points_cache_deferrals` holds a row;
    `db.points_cache.deferred_points` writes that row inside the writer's own transaction and
    rebuilds the statements it names before taking the row away. Every other writer (analyst
    review, plain SQL, the override, actor and role triggers) sees no row and works as before.
    """
    # A missing row means "not deferred", so losing the table's contents can never switch the triggers off.
    gate = "WHEN NOT EXISTS (SELECT 1 FROM points_cache_deferrals)"
    _run(db, [
        "CREATE TABLE points_cache_deferrals (id INTEGER PRIMARY KEY)",
        *(f"DROP TRIGGER points_cache_{name}" for name in _DEFERRABLE_TRIGGERS),
        *(f"CREATE TRIGGER points_cache_{name} {event} {gate} BEGIN {_cache_refresh(ids)} END"
          for name, (event, ids) in _DEFERRABLE_TRIGGERS.items()),
    ])


@migrations()
def m010_shift_store(db: Database) -> None:
    """Stored shifts for the default detector parameters, and a log of the lines whose points changed.

    Detecting shifts on every line of a large archive takes seconds to minutes, too slow for a
    page view. `stance ingest`, `refresh` and `retag` store each line's shifts; a trigger on the
    stance points cache notes every (actor, group, topic) whose points change afterwards, by any
    writer (analyst corrections included), so readers recompute just those lines and take the
    rest from the store until the next run brings it up to date.
    """
    # NOT EXISTS rather than INSERT OR IGNORE: an outer statement's conflict clause (an upsert)
    # would override the trigger's and fail on a line already noted.
    note = ("INSERT INTO shift_lines_changed (actor_id, group_id, topic_id)"
            " SELECT COALESCE({0}.actor_id, ''), COALESCE({0}.group_id, ''), COALESCE({0}.topic_id, '')"
            " WHERE NOT EXISTS (SELECT 1 FROM shift_lines_changed WHERE actor_id = COALESCE({0}.actor_id, '')"
            " AND group_id = COALESCE({0}.group_id, '') AND topic_id = COALESCE({0}.topic_id, ''));")
    _run(db, [
        """CREATE TABLE stored_shifts (
            level TEXT NOT NULL,
            line_id TEXT NOT NULL,
            topic TEXT NOT NULL,
            shift_date TEXT NOT NULL,
            shift TEXT NOT NULL
        )""",
        "CREATE INDEX idx_stored_shifts_line ON stored_shifts(level, line_id, topic)",
        "CREATE INDEX idx_stored_shifts_topic ON stored_shifts(topic, shift_date)",
        """CREATE TABLE shift_store_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            params TEXT NOT NULL,
            built_at TEXT NOT NULL
        )""",
        """CREATE TABLE shift_lines_changed (
            actor_id TEXT NOT NULL,
            group_id TEXT NOT NULL,
            topic_id TEXT NOT NULL,
            PRIMARY KEY (actor_id, group_id, topic_id)
        ) WITHOUT ROWID""",
        f"CREATE TRIGGER shift_lines_changed_ai AFTER INSERT ON stance_points_cache BEGIN {note.format('NEW')} END",
        f"CREATE TRIGGER shift_lines_changed_ad AFTER DELETE ON stance_points_cache BEGIN {note.format('OLD')} END",
        "CREATE TRIGGER shift_lines_changed_au AFTER UPDATE ON stance_points_cache BEGIN "
        f"{note.format('OLD')} {note.format('NEW')} END",
    ])


@migrations()
def m011_alignment_totals_index(db: Database) -> None:
    """An index in the order alignment groups the points by (topic, speaker, group), covering what it sums."""
    _run(db, ["CREATE INDEX idx_points_topic_speaker ON stance_points_cache"
              "(topic_id, actor_id, group_id, date, score, statement_id)"])


# Trigger body: mark every line actor NEW.id's statements are on as changed (m012, m014).
_LOG_ACTOR_LINES = ("INSERT INTO shift_lines_changed (actor_id, group_id, topic_id)"
                    " SELECT DISTINCT c.actor_id, COALESCE(c.group_id, ''), c.topic_id FROM stance_points_cache c"
                    " WHERE c.actor_id = NEW.id AND c.topic_id IS NOT NULL"
                    " AND NOT EXISTS (SELECT 1 FROM shift_lines_changed l WHERE l.actor_id = c.actor_id"
                    " AND l.group_id = COALESCE(c.group_id, '') AND l.topic_id = c.topic_id);")


@migrations()
def m012_shift_log_roles(db: Database) -> None:
    """A role added, ended or removed, or an actor's kind changed, also marks shift lines changed.

    A statement stored without a group counts on the group line its speaker's dated role gives
    when it is read, so a role change moves it between group lines without touching the stance
    points cache. Each such speaker's topics are logged with no group, which
    `db.shift_store.changed_lines` expands to every group the speaker ever had a role in.
    """
    note = ("INSERT INTO shift_lines_changed (actor_id, group_id, topic_id)"
            " SELECT DISTINCT c.actor_id, '', c.topic_id FROM stance_points_cache c"
            " WHERE c.actor_id = {0}.actor_id AND c.group_id IS NULL AND c.topic_id IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM shift_lines_changed l WHERE l.actor_id = c.actor_id"
            " AND l.group_id = '' AND l.topic_id = c.topic_id);")
    # An actor turned from person to group (or back) moves every line its statements are on.
    kind = _LOG_ACTOR_LINES
    _run(db, [
        f"CREATE TRIGGER shift_lines_changed_roles_ai AFTER INSERT ON actor_roles BEGIN {note.format('NEW')} END",
        f"CREATE TRIGGER shift_lines_changed_roles_ad AFTER DELETE ON actor_roles BEGIN {note.format('OLD')} END",
        "CREATE TRIGGER shift_lines_changed_roles_au AFTER UPDATE ON actor_roles BEGIN "
        f"{note.format('OLD')} {note.format('NEW')} END",
        f"CREATE TRIGGER shift_lines_changed_kind AFTER UPDATE OF kind ON actors BEGIN {kind} END",
    ])


@migrations()
def m013_period_means(db: Database) -> None:
    """Weekly and monthly means per line and topic, stored by each run (see db.period_means)."""
    _run(db, [
        """CREATE TABLE period_means (
            level TEXT NOT NULL,
            granularity TEXT NOT NULL,
            period TEXT NOT NULL,
            series_id TEXT,
            topic_id TEXT NOT NULL,
            mean_score REAL,
            n INTEGER,
            n_support INTEGER,
            n_oppose INTEGER,
            n_neutral INTEGER,
            first_date TEXT,
            last_date TEXT
        )""",
        "CREATE INDEX idx_period_means_view ON period_means(level, granularity, topic_id, period, series_id)",
        "CREATE INDEX idx_period_means_topic ON period_means(topic_id)",
        """CREATE TABLE period_means_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            built_at TEXT NOT NULL
        )""",
    ])


@migrations()
def m014_shift_log_kind_only_on_change(db: Database) -> None:
    """The kind trigger of m012 fires only when the kind really changes.

    Each run mirrors the codebook into `actors` with an upsert that sets `kind` even when it is
    the same, and m012's trigger then marked every actor's lines changed on every run.
    """
    _run(db, [
        "DROP TRIGGER shift_lines_changed_kind",
        "CREATE TRIGGER shift_lines_changed_kind AFTER UPDATE OF kind ON actors"
        f" WHEN OLD.kind IS NOT NEW.kind BEGIN {_LOG_ACTOR_LINES} END",
    ])


@migrations()
def m015_speaker_totals(db: Database) -> None:
    """All-time totals per topic, speaker and group line, stored by each run for alignment's default view."""
    _run(db, [
        """CREATE TABLE speaker_totals (
            topic TEXT NOT NULL,
            actor_id TEXT,
            group_line TEXT,
            n INTEGER NOT NULL,
            total REAL NOT NULL,
            last_date TEXT,
            last_statement TEXT
        )""",
        "CREATE INDEX idx_speaker_totals_topic ON speaker_totals(topic)",
        """CREATE TABLE speaker_totals_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            built_at TEXT NOT NULL
        )""",
    ])


# Trigger bodies (m016). NOT EXISTS, not INSERT OR IGNORE: an outer statement's own conflict
# clause (an upsert's) would override the trigger's. {0} is NEW or OLD.
_NOT_LOGGED = (" WHERE NOT EXISTS (SELECT 1 FROM point_days_changed l WHERE l.actor_id = k.actor_id"
               " AND l.group_id = k.group_id AND l.topic_id = k.topic_id AND l.date = k.date AND l.doc_id = k.doc_id);")
# The day and document of one changed stance point row.
_LOG_POINT_DAY = ("INSERT INTO point_days_changed (actor_id, group_id, topic_id, date, doc_id)"
                  " SELECT * FROM (SELECT COALESCE({0}.actor_id, '') AS actor_id, COALESCE({0}.group_id, '') AS group_id,"
                  " COALESCE({0}.topic_id, '') AS topic_id, COALESCE({0}.date, '') AS date,"
                  " COALESCE({0}.doc_id, '') AS doc_id) k" + _NOT_LOGGED)
# A role or kind change moves points between lines without touching the cache: whole lines ('*').
_LOG_ROLE_WHOLE = ("INSERT INTO point_days_changed (actor_id, group_id, topic_id, date, doc_id)"
                   " SELECT * FROM (SELECT DISTINCT c.actor_id, '' AS group_id, c.topic_id, '*' AS date, '' AS doc_id"
                   " FROM stance_points_cache c WHERE c.actor_id = {0}.actor_id AND c.group_id IS NULL"
                   " AND c.topic_id IS NOT NULL) k" + _NOT_LOGGED)
_LOG_KIND_WHOLE = ("INSERT INTO point_days_changed (actor_id, group_id, topic_id, date, doc_id)"
                   " SELECT * FROM (SELECT DISTINCT c.actor_id, COALESCE(c.group_id, '') AS group_id, c.topic_id,"
                   " '*' AS date, '' AS doc_id FROM stance_points_cache c WHERE c.actor_id = NEW.id"
                   " AND c.topic_id IS NOT NULL) k" + _NOT_LOGGED)


@migrations()
def m016_shift_store_by_day(db: Database) -> None:
    """Keep the shift store by the days that changed, not by whole lines (see etl.line_update).

    `point_days_changed` logs the day and document of every changed stance point beside m010's
    line log ('*' for a whole line: a role or kind change). Each line keeps its usable points
    counted per day and all its candidate shifts, so a run re-reads only the days around a
    change; speaker totals are kept per day too, so a run sums again only the changed days.
    The stores are marked unbuilt so the next run builds the new tables whole.
    """
    _run(db, [
        """CREATE TABLE point_days_changed (
            actor_id TEXT NOT NULL,
            group_id TEXT NOT NULL,
            topic_id TEXT NOT NULL,
            date TEXT NOT NULL,
            doc_id TEXT NOT NULL,
            PRIMARY KEY (actor_id, group_id, topic_id, date, doc_id)
        ) WITHOUT ROWID""",
        """CREATE TABLE line_day_counts (
            level TEXT NOT NULL,
            line_id TEXT NOT NULL,
            topic TEXT NOT NULL,
            date TEXT NOT NULL,
            support INTEGER NOT NULL,
            oppose INTEGER NOT NULL,
            neutral INTEGER NOT NULL,
            PRIMARY KEY (level, line_id, topic, date)
        ) WITHOUT ROWID""",
        """CREATE TABLE shift_candidates (
            level TEXT NOT NULL,
            line_id TEXT NOT NULL,
            topic TEXT NOT NULL,
            shift_date TEXT NOT NULL,
            candidate TEXT NOT NULL,
            PRIMARY KEY (level, line_id, topic, shift_date)
        ) WITHOUT ROWID""",
        f"CREATE TRIGGER point_days_changed_ai AFTER INSERT ON stance_points_cache BEGIN {_LOG_POINT_DAY.format('NEW')} END",
        f"CREATE TRIGGER point_days_changed_ad AFTER DELETE ON stance_points_cache BEGIN {_LOG_POINT_DAY.format('OLD')} END",
        "CREATE TRIGGER point_days_changed_au AFTER UPDATE ON stance_points_cache BEGIN "
        f"{_LOG_POINT_DAY.format('OLD')} {_LOG_POINT_DAY.format('NEW')} END",
        f"CREATE TRIGGER point_days_changed_roles_ai AFTER INSERT ON actor_roles BEGIN {_LOG_ROLE_WHOLE.format('NEW')} END",
        f"CREATE TRIGGER point_days_changed_roles_ad AFTER DELETE ON actor_roles BEGIN {_LOG_ROLE_WHOLE.format('OLD')} END",
        "CREATE TRIGGER point_days_changed_roles_au AFTER UPDATE ON actor_roles BEGIN "
        f"{_LOG_ROLE_WHOLE.format('OLD')} {_LOG_ROLE_WHOLE.format('NEW')} END",
        "CREATE TRIGGER point_days_changed_kind AFTER UPDATE OF kind ON actors"
        f" WHEN OLD.kind IS NOT NEW.kind BEGIN {_LOG_KIND_WHOLE} END",
        """CREATE TABLE speaker_day_totals (
            topic TEXT NOT NULL,
            actor_id TEXT,
            group_line TEXT,
            date TEXT NOT NULL,
            n INTEGER NOT NULL,
            total REAL NOT NULL,
            last_statement TEXT
        )""",
        "CREATE INDEX idx_speaker_day_totals ON speaker_day_totals(topic, actor_id, date)",
        "DELETE FROM shift_store_state",
        "DELETE FROM speaker_totals_state",
    ])


def apply_migrations(db: Database) -> None:
    """Bring the schema up to date; a no-op when it already is."""
    migrations.apply(db)
