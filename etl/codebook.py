"""Load and check the codebook YAML: actors, offices, topics and cues, with file:line problems.

The file is composed with `yaml.compose` so every node keeps its line; checking walks those
nodes and collects every problem before giving up, so an analyst fixes them in one pass.
The default file is `etl/data/codebook.yaml`; the environment variable STANCE_CODEBOOK
points elsewhere.
"""

from __future__ import annotations

import logging
import os
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from etl.codebook_model import ActorEntry, Codebook, Office, OfficePhrase, Role, Topic
from etl.errors import CodebookError

log = logging.getLogger(__name__)

CODEBOOK_ENV = "STANCE_CODEBOOK"
DEFAULT_CODEBOOK = Path(__file__).parent / "data" / "codebook.yaml"

KINDS = ("person", "group")
STRING_LISTS = ("speech_verbs", "reported_verbs", "according_to", "negations")
TOP_KEYS = {"version", "actors", "offices", "office_phrases", "topics", "stance", *STRING_LISTS}
ACTOR_KEYS = {"id", "name", "kind", "aliases", "metonyms", "adjectives", "roles"}
ROLE_KEYS = {"group", "office", "title", "from", "to"}
OFFICE_KEYS = {"id", "titles", "shared"}
PHRASE_KEYS = {"phrase", "group", "office"}
TOPIC_KEYS = {"id", "label", "proposition", "cues", "context", "exclude",
              "support", "oppose", "neutral", "targets", "complaints", "followups", "framings"}
STANCE_KEYS = {"support", "oppose", "neutral"}


def default_codebook_path() -> Path:
    """$STANCE_CODEBOOK when set, else the codebook shipped with the package."""
    env = os.environ.get(CODEBOOK_ENV)
    return Path(env) if env else DEFAULT_CODEBOOK


@dataclass
class CheckResult:
    """The outcome of checking a codebook file: the codebook (None when broken) and problems."""

    path: str
    codebook: Codebook | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings allowed)."""
        return not self.errors


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load a codebook, raising CodebookError listing every problem when it is broken."""
    result = check_codebook(path)
    for warning in result.warnings:
        log.warning("codebook: %s", warning)
    if result.errors or result.codebook is None:
        raise CodebookError(result.errors)
    return result.codebook


def check_codebook(path: str | Path | None = None) -> CheckResult:
    """Read and check a codebook file, collecting every error and warning with its line."""
    file = Path(path) if path is not None else default_codebook_path()
    result = CheckResult(path=str(file))
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        result.errors.append(f"{file}: cannot read codebook: {exc}")
        return result
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file}:{mark.line + 1}" if mark is not None else str(file)
        problem = getattr(exc, "problem", None) or str(exc)
        result.errors.append(f"{where}: YAML syntax error: {problem}")
        return result
    builder = _Builder(str(file), result)
    codebook = builder.build(root)
    if not result.errors:
        result.codebook = codebook
    return result


def _line(node: Node) -> int:
    return node.start_mark.line + 1


class _Builder:
    """Walks the composed YAML nodes, building the Codebook and noting problems."""

    def __init__(self, path: str, result: CheckResult):
        self.path = path
        self.result = result
        self.shared: set[str] = set()  # offices several persons may hold at once
        self._role_lines: dict[tuple, int] = {}

    # --- problem reporting ------------------------------------------------------
    def error(self, node: Node | None, message: str) -> None:
        line = _line(node) if node is not None else 1
        self.result.errors.append(f"{self.path}:{line}: {message}")

    def warn(self, node: Node | None, message: str) -> None:
        line = _line(node) if node is not None else 1
        self.result.warnings.append(f"{self.path}:{line}: {message}")

    # --- node helpers -----------------------------------------------------------
    def mapping(self, node: Node, what: str, allowed: set[str]) -> dict[str, Node] | None:
        """The mapping's keys -> value nodes; warns about unknown keys and duplicates."""
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping")
            return None
        out: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else str(key_node)
            if key in out:
                self.error(key_node, f"{what}: key '{key}' given twice")
            elif key not in allowed:
                self.warn(key_node, f"{what}: unknown key '{key}' (ignored)")
            out[key] = value_node
        return out

    def text(self, fields: dict[str, Node], key: str, what: str, parent: Node,
             required: bool = True) -> str | None:
        node = fields.get(key)
        if node is None:
            if required:
                self.error(parent, f"{what}: missing required field '{key}'")
            return None
        if not isinstance(node, ScalarNode) or not str(node.value).strip():
            self.error(node, f"{what}: '{key}' must be a non-empty string")
            return None
        return str(node.value).strip()

    def strings(self, node: Node | None, what: str) -> tuple[str, ...]:
        if node is None:
            return ()
        if isinstance(node, ScalarNode) and node.value in ("", "~", "null"):
            return ()
        if not isinstance(node, SequenceNode):
            self.error(node, f"{what} must be a list of strings")
            return ()
        out = []
        for item in node.value:
            if not isinstance(item, ScalarNode) or not str(item.value).strip():
                self.error(item, f"{what}: every entry must be a non-empty string")
                continue
            out.append(str(item.value).strip())
        return tuple(out)

    def items(self, node: Node | None, what: str) -> list[Node]:
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            self.error(node, f"{what} must be a list")
            return []
        return list(node.value)

    def day(self, node: Node | None, what: str, end: bool) -> date | None:
        """A YYYY-MM-DD date; YYYY-MM and YYYY widen to the first or last day."""
        if node is None:
            return None
        if not isinstance(node, ScalarNode):
            self.error(node, f"{what}: a date must be a single value (want YYYY-MM-DD)")
            return None
        raw = str(node.value).strip()
        if raw in ("", "~", "null"):
            return None
        parts = raw.split("-")
        try:
            if len(parts) == 3:
                return date.fromisoformat(raw)
            year = int(parts[0])
            if len(parts) == 2:
                month = int(parts[1])
                return date(year, month, monthrange(year, month)[1] if end else 1)
            if len(parts) == 1 and len(raw) == 4:
                return date(year, 12, 31) if end else date(year, 1, 1)
        except ValueError:
            pass
        self.error(node, f"{what}: bad date '{raw}' (want YYYY-MM-DD)")
        return None

    # --- sections ---------------------------------------------------------------
    def build(self, root: Node | None) -> Codebook | None:
        if root is None:
            self.error(None, "codebook is empty")
            return None
        top = self.mapping(root, "codebook", TOP_KEYS)
        if top is None:
            return None
        for key in ("version", "actors", "offices", "topics", "speech_verbs"):
            if key not in top:
                self.error(root, f"codebook: missing required section '{key}'")
        version = self.text(top, "version", "codebook", root, required=False) or ""
        offices = self.offices(top.get("offices"))
        office_ids = {o.id for o in offices}
        actors = self.actors(top.get("actors"), office_ids)
        groups = {a.id for a in actors if a.kind == "group"}
        phrases = self.office_phrases(top.get("office_phrases"), groups, office_ids)
        topics = self.topics(top.get("topics"))
        stance: dict[str, tuple[str, ...]] = {}
        if "stance" in top:
            fields = self.mapping(top["stance"], "stance", STANCE_KEYS) or {}
            stance = {k: self.strings(fields.get(k), f"stance.{k}") for k in STANCE_KEYS}
        lists = {k: self.strings(top.get(k), k) for k in STRING_LISTS}
        self.check_overlaps(actors, offices)
        return Codebook(
            version=version, path=self.path, actors=tuple(actors), offices=tuple(offices),
            office_phrases=tuple(phrases), topics=tuple(topics),
            speech_verbs=lists["speech_verbs"], reported_verbs=lists["reported_verbs"],
            according_to=lists["according_to"], negations=lists["negations"],
            stance_support=stance.get("support", ()), stance_oppose=stance.get("oppose", ()),
            stance_neutral=stance.get("neutral", ()),
            extra={"shared_offices": {o.id for o in offices if o.id in self.shared}},
        )

    def offices(self, node: Node | None) -> list[Office]:
        out: list[Office] = []
        seen: set[str] = set()
        for item in self.items(node, "offices"):
            fields = self.mapping(item, "office", OFFICE_KEYS)
            if fields is None:
                continue
            oid = self.text(fields, "id", "office", item)
            titles = self.strings(fields.get("titles"), f"office {oid}: titles")
            if oid is None:
                continue
            if oid in seen:
                self.error(item, f"office '{oid}' defined twice")
                continue
            seen.add(oid)
            shared = fields.get("shared")
            flag = str(shared.value).lower() if isinstance(shared, ScalarNode) else None
            if shared is not None and flag not in ("true", "yes", "false", "no"):
                self.error(shared, f"office '{oid}': 'shared' must be true or false")
            elif flag in ("true", "yes"):
                self.shared.add(oid)
            out.append(Office(id=oid, titles=titles))
        return out

    def actors(self, node: Node | None, office_ids: set[str]) -> list[ActorEntry]:
        parsed = []  # (entry fields, item node, role nodes)
        ids: dict[str, int] = {}
        for item in self.items(node, "actors"):
            fields = self.mapping(item, "actor", ACTOR_KEYS)
            if fields is None:
                continue
            aid = self.text(fields, "id", "actor", item)
            what = f"actor '{aid}'" if aid else "actor"
            name = self.text(fields, "name", what, item)
            kind = self.text(fields, "kind", what, item)
            if kind is not None and kind not in KINDS:
                self.error(fields["kind"], f"{what}: unknown kind '{kind}' (person or group)")
            if aid is not None:
                if aid in ids:
                    self.error(item, f"duplicate actor id '{aid}' (first at line {ids[aid]})")
                    continue
                ids[aid] = _line(item)
            if kind == "person":
                for key in ("metonyms", "adjectives"):
                    if key in fields:
                        self.warn(fields[key], f"{what}: '{key}' is for groups only (ignored)")
            if kind == "group" and "roles" in fields:
                self.error(fields["roles"], f"{what}: a group has no roles")
            parsed.append((aid, name, kind, fields, item))
        groups = {aid for aid, _, kind, _, _ in parsed if kind == "group"}
        out: list[ActorEntry] = []
        claimed: dict[str, tuple[str, int]] = {}
        for aid, name, kind, fields, item in parsed:
            what = f"actor '{aid}'"
            aliases = self.strings(fields.get("aliases"), f"{what}: aliases")
            metonyms = self.strings(fields.get("metonyms"), f"{what}: metonyms")
            adjectives = self.strings(fields.get("adjectives"), f"{what}: adjectives")
            for phrase_node, phrase in self.named(fields, name, aliases, metonyms):
                key = phrase.casefold()
                owner = claimed.get(key)
                if owner is not None and owner[0] != aid:
                    self.error(phrase_node, f"{what}: name or alias '{phrase}' is already claimed"
                                            f" by '{owner[0]}' (line {owner[1]})")
                elif owner is None:
                    claimed[key] = (aid, _line(phrase_node))
            roles = tuple(self.roles(fields.get("roles"), what, groups, office_ids))
            if aid and name and kind in KINDS:
                out.append(ActorEntry(
                    id=aid, name=name, kind=kind, aliases=aliases,
                    metonyms=metonyms if kind == "group" else (),
                    adjectives=adjectives if kind == "group" else (),
                    roles=roles if kind == "person" else (), line=_line(item)))
        return out

    def named(self, fields, name, aliases, metonyms):
        """(node, phrase) for every phrase that names the actor as a speaker."""
        out = []
        if name and "name" in fields:
            out.append((fields["name"], name))
        for key, values in (("aliases", aliases), ("metonyms", metonyms)):
            node = fields.get(key)
            if isinstance(node, SequenceNode):
                out.extend(zip(node.value, values))
        return out

    def roles(self, node: Node | None, what: str, groups: set[str],
              office_ids: set[str]) -> list[Role]:
        out = []
        for item in self.items(node, f"{what}: roles"):
            fields = self.mapping(item, f"{what}: role", ROLE_KEYS)
            if fields is None:
                continue
            group = self.text(fields, "group", f"{what}: role", item)
            office = self.text(fields, "office", f"{what}: role", item)
            title = self.text(fields, "title", f"{what}: role", item, required=False)
            start = self.day(fields.get("from"), f"{what}: role 'from'", end=False)
            end = self.day(fields.get("to"), f"{what}: role 'to'", end=True)
            if group is not None and group not in groups:
                self.error(fields["group"], f"{what}: role names unknown group '{group}'")
            if office is not None and office not in office_ids:
                self.error(fields["office"], f"{what}: role names unknown office '{office}'")
            if start and end and end < start:
                self.error(item, f"{what}: role ends ({end}) before it starts ({start})")
            if group and office:
                title = title or office.replace("_", " ")
                out.append(Role(group=group, office=office, title=title, start=start, end=end))
                self._role_lines[(what, group, office, start)] = _line(item)
        return out

    def check_overlaps(self, actors: list[ActorEntry], offices: list[Office]) -> None:
        """Warn when two persons hold the same unshared office in one group at once."""
        holders: dict[tuple[str, str], list[tuple[ActorEntry, Role]]] = {}
        for actor in actors:
            for role in actor.roles:
                if role.office not in self.shared:
                    holders.setdefault((role.group, role.office), []).append((actor, role))
        for (group, office), entries in holders.items():
            for i, (a, ra) in enumerate(entries):
                for b, rb in entries[i + 1:]:
                    if a.id == b.id or not _overlap(ra, rb):
                        continue
                    line = self._role_lines.get((f"actor '{b.id}'", group, office, rb.start),
                                                b.line)
                    self.result.warnings.append(
                        f"{self.path}:{line}: '{a.id}' and '{b.id}' both hold {office} of"
                        f" {group} at once ({_span(ra)} / {_span(rb)})")

    def office_phrases(self, node: Node | None, groups: set[str],
                       office_ids: set[str]) -> list[OfficePhrase]:
        out = []
        for item in self.items(node, "office_phrases"):
            fields = self.mapping(item, "office phrase", PHRASE_KEYS)
            if fields is None:
                continue
            phrase = self.text(fields, "phrase", "office phrase", item)
            group = self.text(fields, "group", f"office phrase '{phrase}'", item)
            office = self.text(fields, "office", f"office phrase '{phrase}'", item)
            if group is not None and group not in groups:
                self.error(fields["group"], f"office phrase '{phrase}': unknown group '{group}'")
            if office is not None and office not in office_ids:
                self.error(fields["office"], f"office phrase '{phrase}': unknown office '{office}'")
            if phrase and any(p.phrase.casefold() == phrase.casefold() for p in out):
                self.warn(item, f"office phrase '{phrase}' given twice")
            elif phrase and group and office:
                out.append(OfficePhrase(phrase=phrase, group=group, office=office))
        return out

    def topics(self, node: Node | None) -> list[Topic]:
        out = []
        seen: dict[str, int] = {}
        for item in self.items(node, "topics"):
            fields = self.mapping(item, "topic", TOPIC_KEYS)
            if fields is None:
                continue
            tid = self.text(fields, "id", "topic", item)
            what = f"topic '{tid}'"
            label = self.text(fields, "label", what, item, required=False) or tid
            proposition = self.text(fields, "proposition", what, item)
            lists = {k: self.strings(fields.get(k), f"{what}: {k}")
                     for k in ("cues", "context", "exclude", "support", "oppose", "neutral",
                               "targets", "complaints", "followups", "framings")}
            if not lists["cues"]:
                self.error(item, f"{what}: no cues (a topic needs at least one cue phrase)")
            both = {p.casefold() for p in lists["support"]} & {p.casefold() for p in lists["oppose"]}
            for phrase in sorted(both):
                self.warn(fields.get("oppose", item), f"{what}: '{phrase}' is both a support"
                                                      " and an oppose cue")
            if tid in seen:
                self.error(item, f"duplicate topic id '{tid}' (first at line {seen[tid]})")
                continue
            if tid:
                seen[tid] = _line(item)
            if tid and proposition and lists["cues"]:
                out.append(Topic(id=tid, label=label, proposition=proposition, **lists))
        return out


def _overlap(a: Role, b: Role) -> bool:
    """True when two roles share more than a handover day."""
    a_start, b_start = a.start or date.min, b.start or date.min
    a_end, b_end = a.end or date.max, b.end or date.max
    return a_start < b_end and b_start < a_end


def _span(role: Role) -> str:
    return f"{role.start or '…'} to {role.end or 'now'}"
