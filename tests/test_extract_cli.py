"""`stance extract`: JSON Lines per (statement, topic), --all, --date, input problems and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from etl.cli import cli

ARTICLE = """---
title: Berlin rules out troops
date: 2024-02-28
source: Test Wire
---
BERLIN — German Chancellor Olaf Scholz said on Tuesday that Germany would not send troops to Ukraine.

"There will be no ground troops from European states in Ukraine," Scholz told reporters.

Scholz also said that the weather in Berlin had been mild for the season.
"""

REQUIRED = {"doc", "actor", "actor_kind", "group", "topic", "stance", "score", "confidence", "date",
            "text", "quote_type", "cue", "start", "end", "target", "stance_cue", "rule",
            "codebook_version", "statement_id", "needs_review", "title", "published"}


def invoke(*args):
    return CliRunner().invoke(cli, ["extract", *args], catch_exceptions=False)


def rows(result):
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "corpus" / "scholz.md"
    path.parent.mkdir()
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_json_rows_carry_the_contract_fields(article):
    result = invoke(str(article))
    assert result.exit_code == 0
    got = rows(result)
    assert got, result.stderr
    text = article.read_text(encoding="utf-8").split("---\n", 2)[2]
    for row in got:
        assert REQUIRED <= set(row)
        assert row["doc"] == str(article)
        assert row["actor"] == "Olaf Scholz" and row["actor_kind"] == "person"
        assert row["group"] == "Germany"
        assert row["topic"] == "troop_deployment" and row["stance"] == "oppose"
        assert -1 <= row["score"] < 0 and 0 < row["confidence"] <= 1
        assert row["date"] == "2024-02-27" and row["published"] == "2024-02-28"
        assert row["text"] in text
    assert {r["quote_type"] for r in got} == {"indirect", "direct"}


def test_all_adds_untagged_statements(article):
    tagged = rows(invoke(str(article)))
    everything = rows(invoke("--all", str(article)))
    untagged = [r for r in everything if r["topic"] is None]
    assert len(everything) == len(tagged) + len(untagged)
    assert [r["text"] for r in untagged] == ["Scholz also said that the weather in Berlin had been mild "
                                             "for the season."]
    assert untagged[0]["stance"] is None


def test_date_option_sets_the_publication_date(tmp_path):
    path = tmp_path / "undated.txt"
    path.write_text("Olaf Scholz said on Monday that Germany would not send troops to Ukraine.\n",
                    encoding="utf-8")
    (row,) = rows(invoke("--date", "2024-02-28", str(path)))
    assert row["date"] == "2024-02-26" and row["date_cue"] == "on Monday"


def test_document_without_statements_exits_zero_silently(tmp_path):
    path = tmp_path / "quiet.md"
    path.write_text("---\ndate: 2024-01-01\n---\nThe weather in Brussels was grey all week.\n",
                    encoding="utf-8")
    result = invoke(str(path))
    assert result.exit_code == 0 and result.stdout == ""


def test_empty_file_is_reported_but_not_a_failure(tmp_path):
    path = tmp_path / "empty.md"
    path.write_text("", encoding="utf-8")
    result = invoke(str(path))
    assert result.exit_code == 0 and result.stdout == ""
    assert "empty.md" in result.stderr


def test_bad_input_is_named_and_the_run_goes_on(article, tmp_path):
    missing = tmp_path / "nowhere.md"
    result = invoke(str(missing), str(article))
    assert result.exit_code == 0
    assert "nowhere.md" in result.stderr
    assert rows(result)


def test_nothing_readable_exits_one(tmp_path):
    result = invoke(str(tmp_path / "nowhere.md"))
    assert result.exit_code == 1
    assert "nowhere.md" in result.stderr


def test_bad_date_option_is_a_usage_error(article):
    result = invoke("--date", "28/02/2024", str(article))
    assert result.exit_code == 2


def test_new_person_found_by_on_demand_entities(tmp_path):
    path = tmp_path / "vilnius.md"
    path.write_text("---\ndate: 2025-03-04\n---\nLithuanian Defence Minister Dovile Sakaliene said on "
                    "Monday that Lithuania was ready to send troops to Ukraine.\n", encoding="utf-8")
    (row,) = rows(invoke("--all", str(path)))
    assert row["actor"] == "Dovile Sakaliene" and row["actor_id"] == "person:dovile-sakaliene"
    assert row["needs_review"] is True and row["group"] == "Lithuania"
    assert row["title"] == "Defence Minister" and row["date"] == "2025-03-03"
