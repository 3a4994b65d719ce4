"""Shifts: who changed their stance on which topic, with the last statement before and the first after."""

from __future__ import annotations

import streamlit as st

from dashboard import data, state
from dashboard.widgets import download, md_escape, source_or_stop

PAGE_SIZE = 25

src = source_or_stop()
st.title("Shifts")
if not data.shifts_available():
    st.info("Shift detection not available yet: this page fills in once `etl.shifts` is installed.")
    st.stop()

lk = data.lookups(src.path, src.stamp)
actors = {a["id"]: a["name"] for a in lk["actors"]}
topic_names = {t["id"]: t["label"] or t["id"] for t in lk["topics"]}
cols = st.columns([2, 3, 2])
f, _, params = state.filter_widgets(lk, prefix="sh", fields=("topic",), place={"topic": cols[0]})
wanted = state.url_get("actor")
if "sh_actor" not in st.session_state:
    st.session_state["sh_actor"] = wanted if wanted in actors else ""
actor_id = cols[1].selectbox("Actor", [""] + list(actors), key="sh_actor",
                             format_func=lambda a: actors.get(a, a) if a else "All actors")
since_wanted = state.url_get("since")
if "sh_since" not in st.session_state:
    st.session_state["sh_since"] = state.iso_date(since_wanted)
since = cols[2].date_input("Shifts since", key="sh_since", min_value=state.DATE_MIN, max_value=state.DATE_MAX)
since_iso = since.isoformat() if since else None
state.sync_url({**params, **({"actor": actor_id} if actor_id else {}), **({"since": since_iso} if since_iso else {})})

try:
    rows, total = data.shift_page(src.path, src.stamp, f.topic, actor_id or None, since_iso, PAGE_SIZE, 0)
except Exception as exc:  # the detector is another module: report its failure, keep the page up
    st.error(f"Shift detection failed: {exc}")
    st.stop()

head = st.columns([3, 2])
head[0].markdown(f"**{total} shift(s)**")
if total:
    download("Export shifts CSV", src, "shifts", f.with_(since=since_iso), key="sh_dl", file_name="shifts.csv",
             shift_actor=actor_id or None)
# A large archive can hold thousands of shifts: they are read and drawn one page at a time.
pages = max(1, -(-total // PAGE_SIZE))
page = head[1].number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key="sh_page") \
    if pages > 1 else 1
if page > 1:
    rows, _ = data.shift_page(src.path, src.stamp, f.topic, actor_id or None, since_iso, PAGE_SIZE,
                              (page - 1) * PAGE_SIZE)
for s in rows:
    with st.container(border=True):
        topic = topic_names.get(s.get("topic"), s.get("topic"))
        st.markdown(f"**{md_escape(s.get('actor'))}** on **{md_escape(topic)}**:"
                    f" {md_escape(s.get('from_stance'))} → {md_escape(s.get('to_stance'))}"
                    f" — {md_escape(s.get('magnitude'))}, mean score moved {float(s.get('delta') or 0):+.2f}"
                    f" ({md_escape(s.get('level'))} line; {s.get('before_count')} statements before,"
                    f" {s.get('after_count')} after)")
        before, after = st.columns(2)
        before.markdown(f"*Last before* — {md_escape(s.get('from_date'))}")
        before.markdown("> " + md_escape(s.get("before_text")))
        after.markdown(f"*First after* — {md_escape(s.get('shift_date'))}")
        after.markdown("> " + md_escape(s.get("after_text")))
        st.caption(f"Evidence statement ids (open them on Statements or Review): before"
                   f" {md_escape(s.get('before_statement'))}, after {md_escape(s.get('after_statement'))}")
