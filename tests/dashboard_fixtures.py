"""A small real database for dashboard, query and export tests, written through db.store.

Import the fixtures into a test module with `from dashboard_fixtures import sample_db, ...` (tests/ is on sys.path).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from db import store
from db.connection import open_db
from etl.codebook_model import ActorEntry, Codebook, Role, Topic
from etl.models import Actor, Document, Extraction, Statement, Tag, content_id

CODEBOOK_VERSION = "test-1"

TOPICS = (
    Topic("nato_membership", "Ukraine in NATO", "Ukraine should become a member of NATO.", ("NATO",)),
    Topic("troop_deployment", "Troops to Ukraine", "Foreign troops should be deployed in Ukraine.", ("troops",)),
    Topic("burden_sharing", "Burden-sharing", "European allies should carry a larger share.", ("spend",)),
)

ACTORS = (
    ActorEntry("united_states", "United States", "group"),
    ActorEntry("france", "France", "group"),
    ActorEntry("germany", "Germany", "group"),
    ActorEntry("russia", "Russia", "group"),
    ActorEntry("joe_biden", "Joe Biden", "person", roles=(
        Role("united_states", "head_of_state", "President", date(2021, 1, 20), date(2025, 1, 20)),)),
    ActorEntry("donald_trump", "Donald Trump", "person", roles=(
        Role("united_states", "head_of_state", "President", date(2017, 1, 20), date(2021, 1, 20)),
        Role("united_states", "head_of_state", "President", date(2025, 1, 20), None))),
    ActorEntry("emmanuel_macron", "Emmanuel Macron", "person", roles=(
        Role("france", "head_of_state", "President", date(2017, 5, 14), None),)),
    ActorEntry("olaf_scholz", "Olaf Scholz", "person", roles=(
        Role("germany", "head_of_government", "Chancellor", date(2021, 12, 8), date(2025, 5, 6)),)),
)

SCRIPT_TEXT = '"<script>alert(1)</script> Europe must pay its way," Trump wrote.'
FORMULA_TEXT = '=HYPERLINK("http://evil.example","x") Europe must carry the load, Macron said.'

# (key, actor id, actor kind, group id, sentence, quote type, cue, confidence, [(topic, stance, score, conf)])
ARTICLES = [
    ("Bucharest summit", "2008-04-03", "Reuters", "https://example.org/bucharest", [
        ("us_2008", "united_states", "group", "united_states",
         "The United States said Ukraine will become a member of NATO.", "indirect", "said", 0.9,
         [("nato_membership", "support", 0.8, 0.9)]),
    ]),
    ("Irreversible path", "2024-07-10", "AP", "https://example.org/washington", [
        ("biden_2024", "joe_biden", "person", "united_states",
         '"Ukraine\'s path to NATO membership is irreversible," Biden said.', "direct", "said", 0.95,
         [("nato_membership", "support", 0.9, 0.9)]),
        ("us_2024", "united_states", "group", "united_states",
         "The United States said Ukraine's future is in NATO.", "indirect", "said", 0.9,
         [("nato_membership", "support", 0.8, 0.85)]),
    ]),
    ("Nothing excluded", "2024-02-26", "Le Monde", "https://example.org/paris", [
        ("macron_troops", "emmanuel_macron", "person", "france",
         '"Nothing should be excluded," Macron said of sending Western troops to Ukraine.', "direct", "said", 0.85,
         [("troop_deployment", "support", 0.4, 0.7)]),
        ("macron_untagged", "emmanuel_macron", "person", "france",
         "Macron said the meeting had been productive.", "indirect", "said", 0.8, []),
    ]),
    ("No ground troops", "2024-02-27", "DW", "https://example.org/berlin", [
        ("scholz_troops", "olaf_scholz", "person", "germany",
         "Scholz said there would be no ground troops sent by European states.", "indirect", "said", 0.9,
         [("troop_deployment", "oppose", -0.9, 0.9)]),
    ]),
    ("Not realistic", "2025-02-12", "Reuters", "https://example.org/brussels", [
        ("trump_2025", "donald_trump", "person", "united_states",
         "Trump said he did not think membership for Ukraine was realistic.", "indirect", "said", 0.9,
         [("nato_membership", "oppose", -0.8, 0.85)]),
        ("whitehouse_2025", "united_states", "group", "united_states",
         "The White House said NATO membership for Ukraine was off the table.", "indirect", "said", 0.85,
         [("nato_membership", "oppose", -0.8, 0.8)]),
        ("moscow_2025", "russia", "group", "russia",
         "Moscow demands that Kyiv renounce its NATO ambitions for good.", "reported", "demands", 0.8,
         [("nato_membership", "oppose", -0.9, 0.8)]),
    ]),
    ("Spending debate", "2025-03-05", "ERR", "javascript:alert(2)", [
        ("michal_2025", "kristen_michal", "person", None,
         "Estonian Prime Minister Kristen Michal said Europe must spend more on defence.", "indirect", "said", 0.45,
         [("burden_sharing", "support", 0.7, 0.5)]),
        ("script_2025", "donald_trump", "person", "united_states", SCRIPT_TEXT, "direct", "wrote", 0.55,
         [("burden_sharing", "support", 0.6, 0.55)]),
        ("formula_2025", "emmanuel_macron", "person", "france", FORMULA_TEXT, "indirect", "said", 0.8,
         [("burden_sharing", "support", 0.7, 0.8)]),
    ]),
]


def build_sample_db(path: Path) -> dict[str, str]:
    """Write the sample articles, statements and tags into a new database; returns key -> statement id."""
    db = open_db(path)
    store.sync_codebook(db, Codebook(CODEBOOK_VERSION, "test", ACTORS, (), (), TOPICS, (), (), ()))
    run_id = store.start_run(db, "ingest", codebook_version=CODEBOOK_VERSION)
    ids: dict[str, str] = {}
    n_statements = 0
    for title, day, source, url, items in ARTICLES:
        text = title + ".\n\n" + " ".join(item[4] for item in items) + "\n\nThe article goes on."
        doc = Document(content_id(text), f"{title}.md", "markdown", title, text, url, source,
                       date.fromisoformat(day), "metadata")
        statements, tags, actors = [], [], []
        for key, actor_id, kind, group_id, sentence, qtype, cue, conf, topic_tags in items:
            start = text.index(sentence)
            st = Statement(doc.id, start, start + len(sentence), sentence, actor_id, actor_id, kind, group_id,
                           actor_id, cue, qtype, date.fromisoformat(day), None, conf, "fixture",
                           needs_review=conf < 0.5)
            statements.append(st)
            ids[key] = st.id
            for topic, stance, score, tconf in topic_tags:
                tags.append(Tag(st.id, topic, stance, score, tconf, "cue", "fixture", CODEBOOK_VERSION))
            if actor_id == "kristen_michal":
                actors.append(Actor(actor_id, "Kristen Michal", "person", "estonia", "Prime Minister", known=False))
        store.store_document(db, doc, Extraction(tuple(statements), tuple(tags), tuple(actors)), run_id)
        n_statements += len(statements)
    store.finish_run(db, run_id, "ok", {"docs_new": len(ARTICLES), "statements": n_statements},
                     f"run {run_id} ingest ok: {len(ARTICLES)} new documents")
    db.close()
    return ids


@pytest.fixture
def sample_db(tmp_path) -> tuple[Path, dict[str, str]]:
    """(path, key -> statement id) of a fresh sample database."""
    path = tmp_path / "sample.db"
    return path, build_sample_db(path)


@pytest.fixture
def empty_db(tmp_path) -> Path:
    """A database with the schema and no rows."""
    path = tmp_path / "empty.db"
    open_db(path).close()
    return path
