"""Build a large synthetic stancewatch database through the real schema, for dashboard and export benchmarks.

Run: `.venv/bin/python tests/benchmarks/make_synthetic_db.py OUT.db [--statements 1000000] [--seed 7]`.
Prints how long it took. The mix imitates a news archive: a few hundred actors quoted with a
Zipf-like skew, persons holding dated roles in about 40 groups, four topics, statements from 2008
to 2026 with volume growing over recent years, documents of several statements, ~1.2 tags per
statement, a few thousand analyst corrections and a small review backlog.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from db.connection import open_db, refresh_statistics
from etl.upkeep import update_stored_results

TOPICS = {
    "nato_membership": ("NATO membership for Ukraine", "Ukraine should join NATO."),
    "troop_deployment": ("European troops in Ukraine", "European countries should deploy troops to Ukraine."),
    "burden_sharing": ("European burden-sharing", "Europe should carry more of its own defence."),
    "sanctions_russia": ("Sanctions on Russia", "Sanctions on Russia should be kept or tightened."),
}
# Support / oppose / neutral shares per topic: the stance mix differs by topic, as in the news.
STANCE_MIX = {"nato_membership": (0.45, 0.35, 0.20), "troop_deployment": (0.30, 0.50, 0.20),
              "burden_sharing": (0.60, 0.20, 0.20), "sanctions_russia": (0.55, 0.25, 0.20)}
COUNTRIES = ("Germany", "France", "Poland", "Italy", "Spain", "Netherlands", "Belgium", "Sweden", "Finland",
             "Denmark", "Norway", "Estonia", "Latvia", "Lithuania", "Czechia", "Slovakia", "Hungary", "Romania",
             "Bulgaria", "Greece", "Portugal", "Austria", "Ireland", "Croatia", "Slovenia", "United Kingdom",
             "United States", "Canada", "Turkey", "Ukraine", "Russia", "Belarus", "Georgia", "Moldova")
BODIES = ("NATO", "European Union", "European Commission", "European Parliament", "OSCE", "United Nations")
FIRST = ("Anna", "Jan", "Marta", "Pierre", "Olaf", "Giorgia", "Pedro", "Mark", "Ulf", "Sanna", "Mette", "Kaja",
         "Petr", "Viktor", "Klaus", "Ursula", "Jens", "Antonio", "Donald", "Justin", "Recep", "Maia", "Ilze",
         "Gitanas", "Robert", "Karl", "Sophie", "Lars", "Elena", "Tomas", "Rishi", "Keir", "Annalena", "Boris")
LAST = ("Novak", "Dupont", "Schmidt", "Rossi", "Garcia", "Jansen", "Nowak", "Larsen", "Virtanen", "Kask",
        "Ozols", "Kazlauskas", "Horvat", "Popescu", "Ivanov", "Papadopoulos", "Silva", "Murphy", "Berg",
        "Kowalski", "Meyer", "Laurent", "Moreau", "Fischer", "Weber", "Bianchi", "Costa", "Koch", "Lindqvist")
OFFICES = ("President", "Prime Minister", "Foreign Minister", "Defence Minister", "Chancellor", "Secretary General",
           "Finance Minister", "Ambassador", "opposition leader", "spokesperson")
SOURCES = ("Reuters", "AP", "AFP", "BBC", "Politico Europe", "The Guardian", "Le Monde", "Der Spiegel", "DW",
           "Financial Times", "Euronews", "Kyiv Independent", "ERR", "LRT", "Yle", "RFI", "El País", "ANSA",
           "Notes from Poland", "Defense News", "Breaking Defense", "The Economist", "NYT", "Washington Post",
           "Al Jazeera", "Sky News", "France 24", "NOS", "SVT", "Rzeczpospolita")
CUES = ("said", "told reporters", "argued", "warned", "stressed", "wrote", "insisted", "added", "called for",
        "made clear", "said in a statement", "told parliament")
QUOTE_TYPES = (("direct", 0.45), ("indirect", 0.35), ("mixed", 0.1), ("according_to", 0.06), ("reported", 0.04))
CLAIMS = {
    "nato_membership": ("Ukraine's future lies in the alliance", "the door to NATO must stay open for Kyiv",
                        "membership for Ukraine is not on the table", "an invitation to join NATO would be premature",
                        "Kyiv's path to the alliance is irreversible"),
    "troop_deployment": ("European troops could help secure a ceasefire", "no ground troops will be sent to Ukraine",
                         "a reassurance force should be ready to deploy", "sending soldiers would escalate the war",
                         "instructors could train Ukrainian brigades on Ukrainian soil"),
    "burden_sharing": ("Europe must spend far more on its own defence", "allies must meet the two per cent target",
                       "Europe cannot keep outsourcing its security to Washington",
                       "higher military budgets are unaffordable now", "the alliance needs every member to pay its share"),
    "sanctions_russia": ("the sanctions on Moscow must be tightened", "the next sanctions package must target oil revenue",
                         "sanctions hurt Europe more than Russia", "frozen Russian assets should fund Ukraine's recovery",
                         "the restrictions on Russian banks must stay in place"),
}
FILLER = ("The remarks came at a summit in Brussels.", "Talks are expected to continue next week.",
          "Officials did not give a timetable.", "The ministers met behind closed doors for several hours.",
          "Opposition parties criticised the government's approach.", "The statement followed a phone call with Kyiv.",
          "Markets reacted calmly to the news.", "Analysts said the position had hardened in recent months.",
          "The ceasefire talks in Geneva remain stalled.", "A vote in parliament is scheduled for the autumn.")
FIRST_DAY, LAST_DAY = date(2008, 1, 1), date(2026, 11, 20)


def hid(*parts: object) -> str:
    """A 16-hex id from content, like the ETL's content ids."""
    return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


def slug(name: str) -> str:
    """An actor id from a name, as the codebook writes them."""
    return name.lower().replace(" ", "_").replace("'", "")


def make_actors(rng: random.Random, n_persons: int) -> tuple[list[dict], list[dict], list[str]]:
    """Every actor (groups and persons), the persons' dated roles, and speaker ids in Zipf rank order."""
    groups = [{"id": slug(n), "name": n, "kind": "group", "known": 1} for n in COUNTRIES + BODIES]
    group_ids = [g["id"] for g in groups]
    persons, roles = [], []
    names = rng.sample([f"{a} {b}" for a in FIRST for b in LAST], n_persons)
    for i, name in enumerate(names):
        known = int(rng.random() > 0.08)
        home = group_ids[min(int(rng.paretovariate(1.2)) - 1, len(group_ids) - 1)] if i % 3 else rng.choice(group_ids)
        persons.append({"id": slug(name), "name": name, "kind": "person", "known": known,
                        "group_id": None if known else home, "title": None if known else rng.choice(OFFICES)})
        start = FIRST_DAY + timedelta(days=rng.randrange(-1500, 3000))
        for k in range(4):
            end = start + timedelta(days=rng.randrange(900, 4500))
            group = home if k == 0 else rng.choice(group_ids)
            roles.append({"id": hid("role", name, k), "actor_id": slug(name), "group_id": group,
                          "office": rng.choice(OFFICES), "title": None, "start_date": start.isoformat(),
                          "end_date": None if end > LAST_DAY else end.isoformat()})
            start = end + timedelta(days=1)
            if start > LAST_DAY:
                break
    speakers = [a["id"] for a in persons + groups]
    rng.shuffle(speakers)
    return groups + persons, roles, speakers


def day_sampler(rng: random.Random):
    """Statement days 2008-2026, each year about 18% busier than the one before."""
    days = (LAST_DAY - FIRST_DAY).days + 1
    weights = [1.18 ** ((FIRST_DAY + timedelta(d)).year - 2008) for d in range(days)]
    cum = list(itertools.accumulate(weights))
    return lambda: FIRST_DAY + timedelta(days=bisect.bisect(cum, rng.random() * cum[-1]))


def role_index(roles: list[dict]) -> dict[str, list[tuple[str, str, str]]]:
    """Per person: (start, end, group) of each role."""
    out: dict[str, list] = {}
    for r in roles:
        out.setdefault(r["actor_id"], []).append((r["start_date"], r["end_date"] or "9999", r["group_id"]))
    return out


def group_on(roles: list, day: str) -> str | None:
    """The group a person spoke for on `day`, if a role covers it."""
    for start, end, group in roles:
        if start <= day <= end:
            return group
    return None


def build(path: Path, n: int, seed: int) -> dict:
    """Write n statements (and their documents, tags, runs, overrides) into a new database at `path`."""
    rng = random.Random(seed)
    actors, roles, speakers = make_actors(rng, 300)
    kinds = {a["id"]: a for a in actors}
    by_person = role_index(roles)
    weights = list(itertools.accumulate(1 / (rank + 1) ** 0.95 for rank in range(len(speakers))))
    pick_day = day_sampler(rng)
    db = open_db(path)
    conn = db.conn
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("BEGIN")
    db["actors"].insert_all(actors)
    db["actor_roles"].insert_all(roles)
    db["topics"].insert_all([{"id": t, "label": lab, "proposition": prop, "codebook_version": "synthetic-1"}
                             for t, (lab, prop) in TOPICS.items()])
    n_runs = 60
    conn.executemany("INSERT INTO runs (id, kind, started_at, ended_at, status, codebook_version, summary)"
                     " VALUES (?, ?, ?, ?, 'ok', 'synthetic-1', 'synthetic')",
                     [(r + 1, "ingest" if r == 0 else "refresh", f"2026-{1 + r // 6:02d}-{1 + r % 6 * 4:02d}T06:00:00",
                       f"2026-{1 + r // 6:02d}-{1 + r % 6 * 4:02d}T06:20:00") for r in range(n_runs)])
    topic_ids = list(TOPICS)
    counts = {"documents": 0, "statements": 0, "tags": 0}
    statement_ids: list[str] = []
    tag_ids: list[tuple[str, str]] = []
    done = 0
    while done < n:
        size = min(n - done, rng.choice((2, 3, 4, 5, 5, 6, 7, 9)))
        day = pick_day().isoformat()
        doc_id = hid("doc", seed, done)
        source = SOURCES[min(int(rng.paretovariate(0.8)) - 1, len(SOURCES) - 1)]
        main_topic = rng.choice(topic_ids)
        run = 1 if rng.random() < 0.9 else rng.randrange(2, n_runs + 1)
        sentences, stmts, tags = [], [], []
        pos = 0
        for k in range(size):
            speaker = speakers[bisect.bisect(weights, rng.random() * weights[-1])]
            who = kinds[speaker]
            group = speaker if who["kind"] == "group" else group_on(by_person.get(speaker, []), day)
            topic_k = main_topic if rng.random() < 0.7 else rng.choice(topic_ids)
            cue = rng.choice(CUES)
            claim = rng.choice(CLAIMS[topic_k])
            qt = rng.choices([q for q, _ in QUOTE_TYPES], [w for _, w in QUOTE_TYPES])[0]
            text = (f'"{claim[0].upper()}{claim[1:]}," {who["name"]} {cue}.' if qt == "direct"
                    else f"{who['name']} {cue} that {claim}.")
            filler = rng.choice(FILLER) + " "
            start = pos + len(filler)
            sentences.append(filler + text)
            pos = start + len(text) + 1
            sid = hid("st", doc_id, k)
            conf = min(1.0, max(0.05, rng.gauss(0.8, 0.15)))
            stmts.append((sid, doc_id, speaker, group, who["name"].split()[-1], text, start, start + len(text),
                          cue, qt, day, None, round(conf, 3), "synthetic", int(rng.random() < 0.02), run))
            statement_ids.append(sid)
            r = rng.random()
            n_tags = 0 if r < 0.10 else 1 if r < 0.72 else 2 if r < 0.96 else 3
            for topic in ([topic_k] + rng.sample([t for t in topic_ids if t != topic_k], max(0, n_tags - 1)))[:n_tags]:
                stance = rng.choices(("support", "oppose", "neutral"), STANCE_MIX[topic])[0]
                score = {"support": 1, "oppose": -1, "neutral": 0}[stance] * round(rng.uniform(0.4, 1.0), 2)
                tid = hid("tag", sid, topic)
                tags.append((tid, sid, topic, stance, score, round(min(1.0, max(0.05, rng.gauss(0.75, 0.18))), 3),
                             None, "cue", "topic cue", "synthetic", 0, None, "synthetic-1", "engine", run))
                tag_ids.append((tid, sid))
        body = " ".join(sentences) + " " + " ".join(rng.sample(FILLER, 3))
        conn.execute("INSERT INTO documents (id, url, source, title, published, date_source, text, raw_format,"
                     " origin, ingest_run, ingested_at, extracted_run, extractor_version)"
                     " VALUES (?, ?, ?, ?, ?, 'metadata', ?, 'html', 'synthetic', ?, ?, ?, 'synthetic')",
                     (doc_id, f"https://news.example/{doc_id}", source, f"{TOPICS[main_topic][0]}: latest",
                      day, body, run, day + "T08:00:00", run))
        conn.executemany("INSERT INTO statements (id, doc_id, actor_id, group_id, mention, text, start, end, cue,"
                         " quote_type, date, date_cue, confidence, rule, needs_review, run_id)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", stmts)
        conn.executemany("INSERT INTO tags (id, statement_id, topic_id, stance, score, confidence, target, cue,"
                         " topic_cue, rule, negated, modality, codebook_version, origin, run_id)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tags)
        counts["documents"] += 1
        counts["statements"] += len(stmts)
        counts["tags"] += len(tags)
        done += size
    counts.update(add_reviews(conn, rng, statement_ids, tag_ids, [a["id"] for a in actors]))
    conn.execute("COMMIT")
    db.close()
    return counts


def add_reviews(conn, rng: random.Random, statement_ids: list[str], tag_ids: list[tuple[str, str]],
                actor_ids: list[str]) -> dict:
    """Analyst decisions on about 0.3% of statements: confirmations, actor corrections, rejections, tag fixes."""
    n = max(10, len(statement_ids) // 300)
    chosen = rng.sample(statement_ids, n)
    log, current = [], []
    for i, sid in enumerate(chosen):
        when = f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}T10:{i % 60:02d}:00"
        action = ("confirm", "correct", "reject")[i % 3]
        actor = rng.choice(actor_ids) if action == "correct" else None
        current.append((sid, actor, int(action == "reject"), int(action == "confirm"), "analyst", when))
        log.append((sid, None, action, "actor" if actor else "statement", None, actor, "analyst", None, when))
    conn.executemany("INSERT INTO statement_overrides (statement_id, actor_id, rejected, confirmed, analyst,"
                     " updated_at) VALUES (?, ?, ?, ?, ?, ?)", current)
    tag_fix = []
    for i, (tid, sid) in enumerate(rng.sample(tag_ids, n // 2)):
        when = f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}T11:{i % 60:02d}:00"
        reject = i % 4 == 0
        stance = None if reject else rng.choice(("support", "oppose", "neutral"))
        tag_fix.append((tid, sid, None, stance, int(reject), "analyst", when))
        log.append((sid, tid, "reject" if reject else "correct", "stance", None, stance, "analyst", None, when))
    conn.executemany("INSERT INTO tag_overrides (tag_id, statement_id, topic_id, stance, rejected, analyst,"
                     " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", tag_fix)
    log.sort(key=lambda row: row[-1])
    conn.executemany("INSERT INTO overrides (statement_id, tag_id, action, field, old_value, new_value, analyst,"
                     " note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", log)
    return {"statement_overrides": len(current), "tag_overrides": len(tag_fix)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.out.exists():
        sys.exit(f"{args.out} exists; give a new path")
    start = time.perf_counter()
    counts = build(args.out, args.statements, args.seed)
    took = time.perf_counter() - start
    # As `stance ingest` ends: store every line's shifts and the period means (the dashboard reads them)
    # and sample the planner's statistics.
    start = time.perf_counter()
    db = open_db(args.out)
    stored = update_stored_results(db)["shifts"]
    refresh_statistics(db)
    db.close()
    size = args.out.stat().st_size / 1e6
    print(", ".join(f"{v} {k}" for k, v in counts.items()) + f"; {size:.0f} MB; built in {took:.1f}s;"
          f" {stored['shifts']} shifts stored in {time.perf_counter() - start:.1f}s")


if __name__ == "__main__":
    main()
