"""Scoring the extractor against the labeled corpus: detection, stance, full triple and date."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import yaml

from etl.errors import InputError, StanceError

log = logging.getLogger(__name__)

CORPUS_DIR = Path(__file__).parent / "corpus"
SPLITS = ("dev", "test")
TOPICS = ("nato_membership", "troop_deployment", "burden_sharing")


class LabelError(StanceError):
    """A labels file cannot be read or an entry lacks what scoring needs."""


@dataclass(frozen=True)
class Label:
    """One labeled statement: who said what on which topic, with a verbatim evidence string."""

    doc: str
    actor: str
    topic: str
    stance: str
    evidence: str
    date: date | None = None
    actor_kind: str | None = None
    quote_type: str | None = None
    target: str | None = None


@dataclass(frozen=True)
class Prediction:
    """One (statement, topic) pair as `stance extract` prints it, reduced to what is scored."""

    doc: str
    actor: str
    topic: str
    stance: str
    text: str
    date: date | None
    quote_type: str | None = None


@dataclass
class Scores:
    """Counts and rates for one topic (or all topics together)."""

    labels: int = 0
    predictions: int = 0
    detected: int = 0
    stance_correct: int = 0
    dated: int = 0
    date_correct: int = 0

    @staticmethod
    def _ratio(num: int, den: int) -> float | None:
        return num / den if den else None

    @staticmethod
    def _f1(p: float | None, r: float | None) -> float | None:
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        """Counts plus precision, recall, F1 and accuracies (None where undefined)."""
        p = self._ratio(self.detected, self.predictions)
        r = self._ratio(self.detected, self.labels)
        tp = self._ratio(self.stance_correct, self.predictions)
        tr = self._ratio(self.stance_correct, self.labels)
        return {
            **asdict(self),
            "detection_precision": p, "detection_recall": r, "detection_f1": self._f1(p, r),
            "stance_accuracy": self._ratio(self.stance_correct, self.detected),
            "triple_precision": tp, "triple_recall": tr, "triple_f1": self._f1(tp, tr),
            "date_accuracy": self._ratio(self.date_correct, self.dated),
        }


@dataclass
class Report:
    """The outcome of one evaluation: scores per topic and overall, and every error listed."""

    split: str
    per_topic: dict[str, Scores] = field(default_factory=dict)
    overall: Scores = field(default_factory=Scores)
    misses: list[Label] = field(default_factory=list)
    false_positives: list[Prediction] = field(default_factory=list)
    wrong_stance: list[tuple[Label, Prediction]] = field(default_factory=list)
    wrong_date: list[tuple[Label, Prediction]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(ascii_text.lower().split())


def squash(text: str) -> str:
    """Whitespace normalised to single spaces (quote marks are compared as they are)."""
    return " ".join(text.split())


def doc_key(origin: str) -> str:
    """The label's doc name for a document origin: base name, plus "#n" for a feed item."""
    path, sep, item = origin.partition("#")
    name = re.split(r"[\\/]", path.rstrip("/\\"))[-1]
    return f"{name}#{item}" if sep else name


def _as_date(value, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise LabelError(f"{where}: date {value!r} is not YYYY-MM-DD") from exc


def load_labels(path: Path) -> list[Label]:
    """The labels of one split file, raising LabelError naming the file and entry on problems."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LabelError(f"{path}: cannot read labels: {exc}") from exc
    if not isinstance(data, list):
        raise LabelError(f"{path}: expected a list of label entries")
    labels = []
    for n, entry in enumerate(data, 1):
        where = f"{path}: entry {n}"
        if not isinstance(entry, dict):
            raise LabelError(f"{where}: not a mapping")
        missing = [k for k in ("doc", "actor", "topic", "stance", "evidence") if not entry.get(k)]
        if missing:
            raise LabelError(f"{where}: missing {', '.join(missing)}")
        labels.append(Label(
            doc=str(entry["doc"]), actor=str(entry["actor"]), topic=str(entry["topic"]),
            stance=str(entry["stance"]), evidence=str(entry["evidence"]),
            date=_as_date(entry.get("date"), where), actor_kind=entry.get("actor_kind"),
            quote_type=entry.get("quote_type"), target=entry.get("target"),
        ))
    return labels


def prediction_from_row(row: dict) -> Prediction:
    """A Prediction from one `stance extract` row."""
    day = row.get("date")
    return Prediction(doc=doc_key(row["doc"]), actor=row["actor"], topic=row["topic"],
                      stance=row["stance"], text=row["text"],
                      date=date.fromisoformat(day) if day else None, quote_type=row.get("quote_type"))


def predict(engine, folder: Path, problems: list[str]) -> list[Prediction]:
    """Run the full extract path over a folder of articles; input problems go to `problems`."""
    from etl.documents import load_documents
    from etl.statement_rows import extraction_rows

    def on_error(error: InputError) -> None:
        problems.append(str(error))

    out = []
    for document, extraction in engine.extract_many(load_documents([str(folder)], on_error=on_error)):
        for row in extraction_rows(document, extraction, engine.codebook):
            out.append(prediction_from_row(row))
    return out


def _candidates(label: Label, predictions: list[Prediction], used: set[int]) -> list[int]:
    evidence = squash(label.evidence)
    return [
        i for i, p in enumerate(predictions)
        if i not in used and p.doc == label.doc and p.topic == label.topic
        and fold(p.actor) == fold(label.actor) and evidence in squash(p.text)
    ]


def score(labels: Iterable[Label], predictions: list[Prediction], split: str = "") -> Report:
    """Match predictions to labels one to one and count every metric, per topic and overall."""
    labels = list(labels)
    report = Report(split=split)
    topics = sorted({*TOPICS, *(l.topic for l in labels), *(p.topic for p in predictions)})
    report.per_topic = {t: Scores() for t in topics}
    used: set[int] = set()
    # Labels with fewer candidate predictions choose first, so a shared prediction goes where needed.
    order = sorted(range(len(labels)), key=lambda i: len(_candidates(labels[i], predictions, set())))
    matched: dict[int, int] = {}
    for i in order:
        label = labels[i]
        options = _candidates(label, predictions, used)
        if not options:
            continue
        # The best-agreeing prediction: same stance, then same date, then the tightest text.
        options.sort(key=lambda j: (predictions[j].stance != label.stance,
                                    label.date is not None and predictions[j].date != label.date,
                                    len(predictions[j].text)))
        matched[i] = options[0]
        used.add(options[0])
    for i, label in enumerate(labels):
        for scores in (report.per_topic[label.topic], report.overall):
            scores.labels += 1
        if i not in matched:
            report.misses.append(label)
            continue
        pred = predictions[matched[i]]
        for scores in (report.per_topic[label.topic], report.overall):
            scores.detected += 1
            scores.stance_correct += pred.stance == label.stance
            if label.date is not None:
                scores.dated += 1
                scores.date_correct += pred.date == label.date
        if pred.stance != label.stance:
            report.wrong_stance.append((label, pred))
        if label.date is not None and pred.date != label.date:
            report.wrong_date.append((label, pred))
    for j, pred in enumerate(predictions):
        for scores in (report.per_topic[pred.topic], report.overall):
            scores.predictions += 1
        if j not in used:
            report.false_positives.append(pred)
    return report


def split_paths(corpus: Path, split: str) -> list[tuple[str, Path, Path]]:
    """(split, articles folder, labels file) for "all" (dev and test) or one named split."""
    names = SPLITS if split == "all" else (split,)
    return [(name, corpus / "articles" / name, corpus / "labels" / f"{name}.yaml") for name in names]


def evaluate(engine, corpus: Path = CORPUS_DIR, split: str = "dev") -> Report:
    """Extract over a split's articles and score against its labels."""
    labels: list[Label] = []
    predictions: list[Prediction] = []
    problems: list[str] = []
    for name, articles, labels_file in split_paths(corpus, split):
        if not articles.is_dir():
            raise LabelError(f"{articles}: no such articles folder")
        if not labels_file.is_file():
            raise LabelError(f"{labels_file}: no such labels file")
        labels.extend(load_labels(labels_file))
        predictions.extend(predict(engine, articles, problems))
    report = score(labels, predictions, split)
    report.problems = problems
    return report
