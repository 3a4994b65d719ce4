"""Filters that live in the URL: widgets start from st.query_params and write back, so a view can be shared."""

from __future__ import annotations

from datetime import date

import streamlit as st

from db.queries_filter import GRANULARITIES, LEVELS, QUOTE_TYPES, STANCES, ViewFilter

# URL parameter for each filter field (lists repeat the parameter: ?actor=a&actor=b).
PARAM = {
    "topic": "topic", "actors": "actor", "groups": "group", "level": "level", "since": "since",
    "until": "until", "granularity": "gran", "stances": "stance", "quote_types": "qtype",
    "source": "source", "min_confidence": "minconf", "search": "q",
}
LIST_FIELDS = {"actors", "groups", "stances", "quote_types"}
DATE_MIN, DATE_MAX = date(1945, 1, 1), date(2100, 12, 31)
LEVEL_LABELS = {"group": "Groups (a group plus the people who spoke for it)", "person": "Each actor"}
GRANULARITY_LABELS = {"statement": "Each statement", "week": "Weekly mean", "month": "Monthly mean"}


def url_get(name: str) -> str | None:
    """One query-string value, or None."""
    value = st.query_params.get(name)
    return value or None


def url_list(name: str) -> list[str]:
    """Every value of a repeated query-string parameter."""
    return [v for v in st.query_params.get_all(name) if v]


def iso_date(value: str | None) -> date | None:
    """An ISO date string as a date, or None when empty or malformed."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _float(value: str | None, default: float) -> float:
    try:
        return min(1.0, max(0.0, float(value))) if value else default
    except ValueError:
        return default


def _init(key: str, value) -> None:
    # A widget's first value comes from the URL; after that the widget owns it.
    if key not in st.session_state:
        st.session_state[key] = value


def filter_widgets(lookups: dict, *, prefix: str, fields: tuple[str, ...], topic_required: bool = False,
                   default_level: str = "group", default_granularity: str = "statement",
                   place: dict | None = None) -> tuple[ViewFilter, str, dict]:
    """Render the chosen filter widgets (in `place[field]`, else the page).

    Returns the filter, the granularity and the URL parameters of this view.
    """
    place = place or {}

    def box(field: str):
        return place.get(field, st)

    topics = [t["id"] for t in lookups["topics"]]
    topic_names = {t["id"]: t["label"] or t["id"] for t in lookups["topics"]}
    actor_names = {a["id"]: a["name"] for a in lookups["actors"]}
    group_names = {g["id"]: g["name"] for g in lookups["groups"]}
    values: dict = {}

    def key(field: str) -> str:
        return f"{prefix}_{field}"

    if "topic" in fields:
        options = topics if topic_required else [""] + topics
        wanted = url_get(PARAM["topic"])
        _init(key("topic"), wanted if wanted in options else (options[0] if options else ""))
        values["topic"] = box("topic").selectbox("Topic", options, key=key("topic"),
                                        format_func=lambda t: topic_names.get(t, t) if t else "All topics")
    if "level" in fields:
        wanted = url_get(PARAM["level"])
        _init(key("level"), wanted if wanted in LEVELS else default_level)
        values["level"] = box("level").radio("Lines", list(LEVELS)[::-1], key=key("level"), horizontal=True,
                                    format_func=LEVEL_LABELS.get)
    if "actors" in fields:
        _init(key("actors"), [a for a in url_list(PARAM["actors"]) if a in actor_names])
        values["actors"] = box("actors").multiselect("Actors", list(actor_names), key=key("actors"),
                                           format_func=lambda a: actor_names.get(a, a))
    if "groups" in fields:
        _init(key("groups"), [g for g in url_list(PARAM["groups"]) if g in group_names])
        values["groups"] = box("groups").multiselect("Groups", list(group_names), key=key("groups"),
                                           format_func=lambda g: group_names.get(g, g))
    if "dates" in fields:
        _init(key("since"), iso_date(url_get(PARAM["since"])))
        _init(key("until"), iso_date(url_get(PARAM["until"])))
        cols = box("dates").columns(2)
        since = cols[0].date_input("From", key=key("since"), min_value=DATE_MIN, max_value=DATE_MAX)
        until = cols[1].date_input("To", key=key("until"), min_value=DATE_MIN, max_value=DATE_MAX)
        values["since"] = since.isoformat() if isinstance(since, date) else None
        values["until"] = until.isoformat() if isinstance(until, date) else None
    if "granularity" in fields:
        wanted = url_get(PARAM["granularity"])
        _init(key("granularity"), wanted if wanted in GRANULARITIES else default_granularity)
        values["granularity"] = box("granularity").radio("Granularity", list(GRANULARITIES), key=key("granularity"),
                                          horizontal=True, format_func=GRANULARITY_LABELS.get)
    if "stances" in fields:
        _init(key("stances"), [s for s in url_list(PARAM["stances"]) if s in STANCES])
        values["stances"] = box("stances").multiselect("Stance", list(STANCES), key=key("stances"))
    if "quote_types" in fields:
        _init(key("quote_types"), [q for q in url_list(PARAM["quote_types"]) if q in QUOTE_TYPES])
        values["quote_types"] = box("quote_types").multiselect("Quote type", list(QUOTE_TYPES), key=key("quote_types"))
    if "source" in fields:
        sources = [""] + [s["source"] for s in lookups["sources"]]
        wanted = url_get(PARAM["source"])
        _init(key("source"), wanted if wanted in sources else "")
        values["source"] = box("source").selectbox("Source", sources, key=key("source"),
                                         format_func=lambda s: s or "All sources")
    if "min_confidence" in fields:
        _init(key("min_confidence"), _float(url_get(PARAM["min_confidence"]), 0.0))
        values["min_confidence"] = box("min_confidence").slider("Minimum confidence", 0.0, 1.0, step=0.05,
                                              key=key("min_confidence"))
    if "search" in fields:
        _init(key("search"), url_get(PARAM["search"]) or "")
        values["search"] = box("search").text_input("Search statement text", key=key("search"),
                                          placeholder="words or prefixes, e.g. troops Ukrain")

    granularity = values.pop("granularity", default_granularity)
    f = ViewFilter(
        topic=values.get("topic") or None,
        actors=tuple(values.get("actors", ())),
        groups=tuple(values.get("groups", ())),
        level=values.get("level", default_level),
        since=values.get("since"),
        until=values.get("until"),
        stances=tuple(values.get("stances", ())),
        quote_types=tuple(values.get("quote_types", ())),
        source=values.get("source") or None,
        min_confidence=float(values.get("min_confidence") or 0.0),
        search=(values.get("search") or "").strip() or None,
    )
    return f, granularity, url_params(f, granularity if "granularity" in fields else None, fields)


def url_params(f: ViewFilter, granularity: str | None, fields: tuple[str, ...]) -> dict:
    """The query-string form of a filter (only fields the view shows, only non-empty values)."""
    out: dict = {}
    shown = set(fields) | ({"since", "until"} if "dates" in fields else set())
    for field, name in PARAM.items():
        if field not in shown:
            continue
        value = granularity if field == "granularity" else getattr(f, field, None)
        if field in LIST_FIELDS:
            if value:
                out[name] = list(value)
        elif field == "min_confidence":
            if value:
                out[name] = f"{value:g}"
        elif value:
            out[name] = str(value)
    return out


def sync_url(params: dict) -> None:
    """Make the query string hold exactly `params` (no write when it already does)."""
    current = {k: (st.query_params.get_all(k) if len(st.query_params.get_all(k)) > 1 else st.query_params.get(k))
               for k in st.query_params.keys()}
    wanted = {k: (v if isinstance(v, list) and len(v) > 1 else (v[0] if isinstance(v, list) else v))
              for k, v in params.items()}
    if current != wanted:
        st.query_params.from_dict(params)
