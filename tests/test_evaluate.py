"""Evaluation: one-to-one matching and metric arithmetic, on hand-built and real extractions."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from etl.cli import cli
from etl.evaluate import Label, Prediction, doc_key, load_labels, LabelError, score

D = date(2024, 2, 27)


def label(doc="a.md", actor="Olaf Scholz", topic="troop_deployment", stance="oppose",
          evidence="would not send troops", day=D):
    return Label(doc=doc, actor=actor, topic=topic, stance=stance, evidence=evidence, date=day)


def pred(doc="a.md", actor="Olaf Scholz", topic="troop_deployment", stance="oppose",
         text="Scholz said Germany would not send troops to Ukraine.", day=D):
    return Prediction(doc=doc, actor=actor, topic=topic, stance=stance, text=text, date=day)


def test_metric_arithmetic():
    labels = [
        label(),                                                     # hit, right stance, right date
        label(actor="Stéphane Séjourné", stance="support", evidence="new actions"),  # hit, wrong stance
        label(actor="Mark Rutte", topic="burden_sharing", stance="support", evidence="pay more",
              day=None),                                             # hit, date not scored
        label(actor="Keir Starmer", evidence="boots on the ground"),  # miss
    ]
    predictions = [
        pred(),
        pred(actor="Stephane SEJOURNE", stance="oppose", text="He said Paris  was thinking of\nnew actions."),
        pred(actor="Mark Rutte", topic="burden_sharing", stance="support", text="Allies must pay more.",
             day=date(2024, 1, 1)),
        pred(actor="Viktor Orbán", topic="nato_membership", stance="oppose", text="Orbán said no."),  # FP
        pred(day=date(2024, 2, 20), text="Scholz said again that Berlin would not send troops."),  # FP
    ]
    report = score(labels, predictions, "dev")
    o = report.overall.as_dict()
    assert (o["labels"], o["predictions"], o["detected"], o["stance_correct"]) == (4, 5, 3, 2)
    assert o["detection_precision"] == pytest.approx(3 / 5)
    assert o["detection_recall"] == pytest.approx(3 / 4)
    assert o["detection_f1"] == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert o["stance_accuracy"] == pytest.approx(2 / 3)
    assert o["triple_precision"] == pytest.approx(2 / 5) and o["triple_recall"] == pytest.approx(2 / 4)
    assert o["triple_f1"] == pytest.approx(2 * 0.4 * 0.5 / 0.9)
    assert (o["dated"], o["date_correct"]) == (2, 2)
    troops = report.per_topic["troop_deployment"].as_dict()
    assert (troops["labels"], troops["predictions"], troops["detected"]) == (3, 3, 2)
    assert report.per_topic["nato_membership"].as_dict()["detection_recall"] is None
    assert [l.actor for l in report.misses] == ["Keir Starmer"]
    assert sorted(p.actor for p in report.false_positives) == ["Olaf Scholz", "Viktor Orbán"]
    assert [(l.actor, p.stance) for l, p in report.wrong_stance] == [("Stéphane Séjourné", "oppose")]


def test_one_prediction_matches_one_label():
    labels = [label(evidence="would not send"), label(evidence="send troops")]
    report = score(labels, [pred()])
    assert report.overall.detected == 1 and len(report.misses) == 1


def test_matching_prefers_the_prediction_with_the_right_stance():
    report = score([label()], [pred(stance="support"), pred()])
    assert report.overall.stance_correct == 1 and len(report.false_positives) == 1


def test_exact_actor_topic_and_evidence_are_required():
    labels = [label()]
    assert score(labels, [pred(actor="Germany")]).overall.detected == 0
    assert score(labels, [pred(topic="nato_membership")]).overall.detected == 0
    assert score(labels, [pred(text="Scholz said Germany would “not” send troops.")]).overall.detected == 0
    assert score(labels, [pred(doc="b.md")]).overall.detected == 0


def test_wrong_date_is_listed():
    report = score([label()], [pred(day=date(2024, 2, 28))])
    assert report.overall.as_dict()["date_accuracy"] == 0.0 and len(report.wrong_date) == 1


@pytest.mark.parametrize("origin, key", [
    ("etl/corpus/articles/dev/d01.md", "d01.md"),
    ("corpus/feed.xml#3", "feed.xml#3"),
    ("C:\\data\\x.html", "x.html"),
])
def test_doc_key(origin, key):
    assert doc_key(origin) == key


def test_bad_labels_name_the_file_and_entry(tmp_path):
    path = tmp_path / "dev.yaml"
    path.write_text("- doc: a.md\n  actor: X\n  topic: t\n  stance: support\n", encoding="utf-8")
    with pytest.raises(LabelError, match=r"dev.yaml: entry 1: missing evidence"):
        load_labels(path)


ARTICLE = """---
date: 2024-02-28
---
German Chancellor Olaf Scholz said on Tuesday that Germany would not send troops to Ukraine.

Scholz also said that the weather in Berlin had been mild for the season.
"""

LABELS = """
- doc: a.md
  actor: Olaf Scholz
  actor_kind: person
  topic: troop_deployment
  stance: oppose
  evidence: Germany would not send troops to Ukraine
  date: 2024-02-27
  quote_type: indirect
- doc: a.md
  actor: Emmanuel Macron
  actor_kind: person
  topic: troop_deployment
  stance: support
  evidence: nothing can be ruled out
  date: 2024-02-26
  quote_type: direct
"""


def test_evaluate_command_on_a_tiny_corpus(tmp_path):
    (tmp_path / "articles" / "dev").mkdir(parents=True)
    (tmp_path / "labels").mkdir()
    (tmp_path / "articles" / "dev" / "a.md").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "labels" / "dev.yaml").write_text(LABELS, encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", "--corpus", str(tmp_path), "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    o = report["overall"]
    assert (o["labels"], o["predictions"], o["detected"], o["stance_correct"]) == (2, 1, 1, 1)
    assert o["detection_recall"] == 0.5 and o["detection_precision"] == 1.0
    assert o["date_accuracy"] == 1.0
    assert [m["actor"] for m in report["misses"]] == ["Emmanuel Macron"]
    assert report["false_positives"] == []

    text = CliRunner().invoke(cli, ["evaluate", "--corpus", str(tmp_path)], catch_exceptions=False)
    assert "misses (1):" in text.stdout and "Emmanuel Macron" in text.stdout
    assert "overall" in text.stdout


def test_missing_split_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["evaluate", "--corpus", str(tmp_path), "--split", "test"],
                                catch_exceptions=False)
    assert result.exit_code == 1 and "no such articles folder" in result.stderr
