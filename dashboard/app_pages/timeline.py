"""Timeline explorer: one topic's stance over time by actor or group; select a point to read its statements."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import streamlit as st

from dashboard import charts, data, state
from dashboard.widgets import download, source_or_stop, statement_card

src = source_or_stop()
st.title("Timeline explorer")
lk = data.lookups(src.path, src.stamp)
if not lk["topics"]:
    st.info("No topics in the database yet: run `stance ingest PATH` with a codebook.")
    st.stop()

with st.container(border=True):
    row1, row2 = st.columns([2, 3, 3]), st.columns([3, 3, 2])
    f, granularity, params = state.filter_widgets(
        lk, prefix="tl", fields=("topic", "level", "granularity", "actors", "groups", "stances", "dates"),
        topic_required=True,
        place={"topic": row1[0], "level": row1[1], "granularity": row1[2], "actors": row2[0],
               "groups": row2[1], "stances": row2[2]})
state.sync_url(params)


def period_end(start: str, granularity: str) -> str:
    """The last day of the week or month that starts on `start`."""
    day = date.fromisoformat(start)
    if granularity == "week":
        return (day + timedelta(days=6)).isoformat()
    return day.replace(day=calendar.monthrange(day.year, day.month)[1]).isoformat()


topic_label = next((t["label"] for t in lk["topics"] if t["id"] == f.topic), f.topic)


def chart_shifts(lines: set[str], since: str | None) -> list[dict]:
    """Shifts of the lines drawn, from `since` (the first day drawn), with a warning if detection failed."""
    if f.actors or f.groups:
        lines &= set(f.actors) | set(f.groups)
    found, problem = data.shifts_shown(src.path, src.stamp, f.topic, None, since, data.shift_line_level(f.level),
                                       tuple(sorted(lines)))
    if problem:
        st.warning(problem)
    return found


picked: list[dict] = []
if granularity == "statement":
    points, total = data.stance_points(src.path, src.stamp, f)
    if not points:
        st.info("No statements match these filters.")
        st.stop()
    first_drawn = f.since
    if total > len(points):
        st.caption(f"Showing the latest {len(points)} of {total} statements; choose a weekly or monthly mean"
                   " to see all of them.")
        first_drawn = min(p["date"] for p in points)
    shifts = chart_shifts({p["series_id"] for p in points}, first_drawn)
    event = st.plotly_chart(charts.timeline_figure(points, shifts=shifts, title=topic_label), key="tl_chart",
                            on_select="rerun", selection_mode=("points", "box", "lasso"))
    chosen = {p["customdata"][0] for p in (event.selection.points if event else []) if p.get("customdata")}
    picked = [p for p in points if p["statement_id"] in chosen]
else:
    rows = data.stance_aggregates(src.path, src.stamp, f, granularity)
    if not rows:
        st.info("No statements match these filters.")
        st.stop()
    shifts = chart_shifts({r["series_id"] for r in rows}, f.since)
    event = st.plotly_chart(charts.aggregate_figure(rows, granularity=granularity, title=topic_label,
                                                    shifts=shifts), key="tl_agg_chart",
                            on_select="rerun", selection_mode=("points", "box", "lasso"))
    for p in (event.selection.points if event else []):
        cd = p.get("customdata") or []
        if len(cd) >= 7:
            start = cd[1]
            points, _ = data.stance_points(src.path, src.stamp, f.with_(since=start,
                                                                      until=period_end(start, granularity)))
            picked.extend(pt for pt in points if pt["series_id"] == cd[6])

st.caption("Select points on the chart (click, or drag a box) to read their statements, or pick one below.")
if picked:
    st.markdown(f"**{len(picked)} selected statement(s)**")
    st.dataframe([{"date": p["date"], "actor": p["actor"], "stance": p["stance"], "score": p["score"],
                   "quote": p["excerpt"], "source": p["source"]} for p in picked], hide_index=True)

candidates = picked or data.stance_points(src.path, src.stamp, f, 500)[0]
labels = {p["statement_id"]: f"{p['date']} · {p['actor']} · {p['stance']} · {p['excerpt'][:80]}" for p in candidates}
choice = st.selectbox("Open a statement", [""] + list(labels)[::-1], key="tl_pick",
                      format_func=lambda sid: labels.get(sid, "— choose —") if sid else "— choose —")
if choice:
    with st.container(border=True):
        statement_card(src, choice)

st.divider()
st.markdown("**Export this view** (UTF-8 CSV, built when you click)")
cols = st.columns(2)
with cols[0]:
    download("Timeline CSV", src, "timeline", f, granularity=granularity, key="tl_dl_timeline",
             file_name=f"timeline-{f.topic}-{granularity}.csv")
with cols[1]:
    download("Statements CSV", src, "statements", f, key="tl_dl_statements",
             file_name=f"statements-{f.topic}.csv")
if shifts:
    st.markdown("**Detected shifts on this chart**")
    st.dataframe([{k: s.get(k) for k in ("actor", "from_stance", "to_stance", "from_date", "shift_date",
                                         "magnitude")} for s in shifts], hide_index=True)
