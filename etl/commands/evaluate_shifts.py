"""`stance evaluate-shifts`: detected shifts against labeled ones (precision, recall, misses, false alarms)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from etl.commands.common import db_option, open_for_reading
from etl.commands.shifts import param_options, params_from
from etl.errors import StanceError
from etl.shift_eval import evaluate, load_labels, points_from_statement_labels
from etl.shift_lines import find_shifts
from etl.shifts import shifts_on_lines

LABEL_DIR = Path(__file__).resolve().parents[1] / "corpus" / "labels"
DEFAULT_LABELS = (LABEL_DIR / "shifts.yaml", LABEL_DIR / "shifts-test.yaml")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _line(d: dict) -> str:
    return (f"{d['actor']} ({d['level']}) {d['topic']}: {d['from_stance']} -> {d['to_stance']} "
            f"on {d['shift_date']} [before {d['from_date']}, n={d['before_count']}/{d['after_count']}]")


def _label(label: dict) -> str:
    start, end = label["window"]
    return f"{label['actor']} ({label['actor_kind']}) {label['topic']}: {label['from']} -> {label['to']} in {start}..{end}"


@click.command("evaluate-shifts")
@db_option
@click.option("--labels", "label_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Shift label files (repeatable; default etl/corpus/labels/shifts.yaml and shifts-test.yaml).")
@click.option("--gold", "gold_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Detect on labeled statements (e.g. etl/corpus/labels/dev.yaml) instead of the database: "
                   "measures detection alone, as if extraction were perfect.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@param_options
def command(db_path, label_files, gold_files, fmt, config, **values):
    """Compare detected shifts with labeled ones: precision, recall, found, missed, false alarms."""
    params = params_from(config, **values)
    try:
        labels = load_labels(label_files or DEFAULT_LABELS)
        if gold_files:
            points, problems = points_from_statement_labels(gold_files)
            labels.problems += problems
            detected = shifts_on_lines(points, params)
        else:
            detected = find_shifts(open_for_reading(db_path), params=params)
        result = evaluate(detected, labels)
    except StanceError as exc:
        raise click.ClickException(str(exc)) from exc
    for problem in labels.problems:
        click.echo(f"warning: {problem}", err=True)
    if fmt == "json":
        click.echo(json.dumps({**result, "files": labels.files, "problems": labels.problems},
                              ensure_ascii=False, indent=2, default=str))
        return
    echo = click.echo
    echo(f"labels: {', '.join(labels.files)}")
    echo(f"labeled shifts {result['labels']}, stable lines {result['stable_lines']}, detected {result['detected']}")
    echo(f"precision {_pct(result['precision'])}  recall {_pct(result['recall'])}  "
         f"precision on labeled lines {_pct(result['precision_on_labeled_lines'])}")
    echo(f"\nfound ({len(result['found'])}):")
    for f in result["found"]:
        echo(f"  + {_label(f)} <- {f['detected']['shift_date']}")
    echo(f"\nmissed ({len(result['missed'])}):")
    for m in result["missed"]:
        seen = "; detected on this line: " + ", ".join(m["detected_on_line"]) if m["detected_on_line"] else ""
        echo(f"  - {_label(m)}{seen}")
    echo(f"\nfalse alarms ({len(result['false_alarms'])}, of which on stable lines "
         f"{len(result['false_alarms_on_stable'])}, on labeled lines {len(result['false_alarms_on_labeled_lines'])}):")
    stable = {id(d) for d in result["false_alarms_on_stable"]}
    for d in result["false_alarms"]:
        echo(f"  ! {_line(d)}{'  [labeled stable]' if id(d) in stable else ''}")
