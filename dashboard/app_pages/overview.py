"""Overview: freshness, stance over time per topic (shifts marked), latest stance per actor and topic."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data, state
from dashboard.widgets import freshness_line, md_escape, source_or_stop
from db.queries_filter import LEVELS

MAX_LINES = 10  # lines per overview chart, so it stays readable on a large database

src = source_or_stop()
st.title("Who stands where")
freshness_line(src)

lk = data.lookups(src.path, src.stamp)
wanted = state.url_get("level")
if "ov_level" not in st.session_state:
    st.session_state["ov_level"] = wanted if wanted in LEVELS else "group"
level = st.radio("Lines", ["group", "person"], key="ov_level", horizontal=True, format_func=state.LEVEL_LABELS.get)
state.sync_url({"level": level} if level != "group" else {})

if not data.shifts_available():
    st.caption("Shift detection not available yet: lines are drawn without shift marks.")

for topic in lk["topics"]:
    f = state.ViewFilter(topic=topic["id"], level=level)
    points, total = data.stance_points(src.path, src.stamp, f, 2000)
    st.subheader(topic["label"] or topic["id"])
    if topic["proposition"]:
        st.caption("Proposition: " + md_escape(topic["proposition"]))
    if not points:
        st.caption("No statements on this topic yet.")
        continue
    if total > len(points):
        st.caption(f"Showing the latest {len(points)} of {total} statements; the Timeline explorer"
                   " shows weekly or monthly means of all of them.")
    points, n_series = charts.top_series(points, MAX_LINES)
    if n_series > MAX_LINES:
        st.caption(f"The {MAX_LINES} most quoted of {n_series} lines; the Timeline explorer shows any of them.")
    # Only the drawn lines' shifts, in the drawn period, are read: a large archive holds tens of
    # thousands per topic.
    since = min(p["date"] for p in points) if total > len(points) else None
    shifts, problem = data.shifts_shown(src.path, src.stamp, topic["id"], None, since, data.shift_line_level(level),
                                        tuple(sorted({p["series_id"] for p in points})))
    if problem:
        st.warning(problem)
    fig = charts.timeline_figure(points, shifts=charts.shifts_for_level(shifts, level))
    st.plotly_chart(fig, key=f"ov_chart_{topic['id']}")

st.subheader("Latest stance per topic")
latest = data.latest_stances(src.path, src.stamp, state.ViewFilter(level=level))
if latest:
    st.plotly_chart(charts.latest_heatmap(latest), key="ov_heatmap")
else:
    st.caption("No tagged statements yet.")
