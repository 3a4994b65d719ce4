"""Alignment: how often actors agree across topics, as a heatmap, and one actor's closest peers."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data, state
from dashboard.widgets import source_or_stop

HEATMAP_ACTORS = 40  # the actors with the most statements in the window; more make an unreadable matrix

src = source_or_stop()
st.title("Alignment")
if not data.alignment_available():
    st.info("Alignment not available yet: this page fills in once `etl.alignment` is installed.")
    st.stop()

lk = data.lookups(src.path, src.stamp)
names = {a["id"]: a["name"] for a in lk["actors"]}
topic_names = {t["id"]: t["label"] or t["id"] for t in lk["topics"]}
wanted_topics = [t for t in state.url_list("topic") if t in topic_names]
if "al_topics" not in st.session_state:
    st.session_state["al_topics"] = wanted_topics
LINE_LEVELS = {"all": "People and groups", "person": "People only", "group": "Groups only"}
wanted_level = state.url_get("level")
if "al_level" not in st.session_state:
    st.session_state["al_level"] = wanted_level if wanted_level in LINE_LEVELS else "all"
cols = st.columns([3, 2, 3])
level = cols[1].radio("Lines", list(LINE_LEVELS), key="al_level", format_func=LINE_LEVELS.get)
topics = cols[0].multiselect("Topics (none: all)", list(topic_names), key="al_topics",
                             format_func=lambda t: topic_names.get(t, t))
with cols[2]:
    f, _, params = state.filter_widgets(lk, prefix="al", fields=("dates",))
state.sync_url({**params, **({"topic": topics} if topics else {}), **({"level": level} if level != "all" else {})})

try:
    pairs = data.alignment(src.path, src.stamp, f.since, f.until, tuple(topics) or None, level,
                           max_actors=HEATMAP_ACTORS)
except Exception as exc:  # the alignment module is another part of the project
    st.error(f"Alignment failed: {exc}")
    st.stop()
if not pairs:
    st.caption("No pair of actors shares enough statements on these topics.")
    st.stop()
st.plotly_chart(charts.alignment_heatmap(pairs, max_actors=HEATMAP_ACTORS,
                                         title="Agreement between actors (−1 to +1)"), key="al_heatmap")
st.caption("Agreement on a topic is 1 − |difference of mean scores|; a pair's agreement is the mean over the"
           " topics both spoke on. A person is not paired with a group whose line holds their own statements.")

present = sorted({p["actor_a_id"] for p in pairs} | {p["actor_b_id"] for p in pairs},
                 key=lambda a: names.get(a, a).lower())
if "al_who" in st.session_state and st.session_state["al_who"] not in present:
    del st.session_state["al_who"]
who = st.selectbox("Closest to", present, key="al_who", format_func=lambda a: names.get(a, a))
closest = data.closest_actors(src.path, src.stamp, who, f.since, f.until, tuple(topics) or None, level)
st.dataframe([{"actor": c["actor"], "kind": c["actor_kind"], "agreement": c["agreement"],
               "topics": ", ".join(c["topics"]), "statements compared": c.get("statements", 0)}
              for c in closest], hide_index=True)
