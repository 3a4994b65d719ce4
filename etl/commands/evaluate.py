"""`stance evaluate`: the extractor scored against the labeled corpus."""

from __future__ import annotations

import json
from pathlib import Path

import click

from etl.commands.common import load_engine
from etl.evaluate import CORPUS_DIR, LabelError, Report, Scores, evaluate

EXCERPT = 110


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[:EXCERPT - 1] + "…"


def _line(name: str, scores: Scores) -> str:
    d = scores.as_dict()
    return (f"{name:<18} {d['labels']:>6} {d['predictions']:>6} {d['detected']:>6}  "
            f"{_pct(d['detection_precision'])} {_pct(d['detection_recall'])} {_pct(d['detection_f1'])}  "
            f"{_pct(d['stance_accuracy'])}  {_pct(d['triple_f1'])}  {_pct(d['date_accuracy'])}")


def print_report(report: Report, show_misses: bool) -> None:
    """The score table, then every miss, false positive, wrong stance and wrong date."""
    echo = click.echo
    echo(f"split: {report.split}")
    echo(f"{'topic':<18} {'labels':>6} {'preds':>6} {'found':>6}  {'det P':>6} {'det R':>6} "
         f"{'det F1':>6}  {'stance':>6}  {'tripF1':>6}  {'date':>6}")
    for topic, scores in report.per_topic.items():
        echo(_line(topic, scores))
    echo(_line("overall", report.overall))
    for problem in report.problems:
        echo(f"input problem: {problem}", err=True)
    if not show_misses:
        return
    echo(f"\nmisses ({len(report.misses)}):")
    for label in report.misses:
        echo(f"  {label.doc} | {label.actor} | {label.topic} | {label.stance} | {_excerpt(label.evidence)}")
    echo(f"\nfalse positives ({len(report.false_positives)}):")
    for pred in report.false_positives:
        echo(f"  {pred.doc} | {pred.actor} | {pred.topic} | {pred.stance} | {_excerpt(pred.text)}")
    echo(f"\nwrong stance ({len(report.wrong_stance)}):")
    for label, pred in report.wrong_stance:
        echo(f"  {label.doc} | {label.actor} | {label.topic} | want {label.stance}, got {pred.stance}"
             f" | {_excerpt(pred.text)}")
    echo(f"\nwrong date ({len(report.wrong_date)}):")
    for label, pred in report.wrong_date:
        echo(f"  {label.doc} | {label.actor} | {label.topic} | want {label.date}, got {pred.date}"
             f" | {_excerpt(pred.text)}")


def report_json(report: Report) -> dict:
    """The report as plain JSON-ready data."""
    def label(l):
        return {"doc": l.doc, "actor": l.actor, "topic": l.topic, "stance": l.stance,
                "evidence": l.evidence, "date": l.date.isoformat() if l.date else None}

    def pred(p):
        return {"doc": p.doc, "actor": p.actor, "topic": p.topic, "stance": p.stance,
                "text": p.text, "date": p.date.isoformat() if p.date else None}

    return {
        "split": report.split,
        "overall": report.overall.as_dict(),
        "per_topic": {t: s.as_dict() for t, s in report.per_topic.items()},
        "misses": [label(l) for l in report.misses],
        "false_positives": [pred(p) for p in report.false_positives],
        "wrong_stance": [{"label": label(l), "prediction": pred(p)} for l, p in report.wrong_stance],
        "wrong_date": [{"label": label(l), "prediction": pred(p)} for l, p in report.wrong_date],
        "problems": report.problems,
    }


@click.command("evaluate")
@click.option("--split", default="dev", show_default=True,
              help="Which labeled split to score on: dev, test, all (dev and test), or any other split "
                   "folder of the corpus.")
@click.option("--corpus", "corpus", type=click.Path(file_okay=False, path_type=Path), default=CORPUS_DIR,
              show_default=True, help="Corpus folder holding articles/<split>/ and labels/<split>.yaml.")
@click.option("--codebook", "codebook_path", type=click.Path(dir_okay=False),
              help="Codebook YAML to use instead of the default.")
@click.option("--show-misses/--no-show-misses", default=True, show_default=True,
              help="List every miss, false positive, wrong stance and wrong date.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as one JSON object.")
def command(split: str, corpus: Path, codebook_path: str | None, show_misses: bool, as_json: bool) -> None:
    """Score extraction against the labeled corpus: detection, stance, full triple and date."""
    engine = load_engine(codebook_path)
    try:
        report = evaluate(engine, corpus, split)
    except LabelError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        print_report(report, show_misses)
