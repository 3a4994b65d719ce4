"""Statements: full-text search and filters over a paged table, and one statement's evidence in detail."""

from __future__ import annotations

import math

import streamlit as st

from dashboard import data, state
from dashboard.widgets import download, source_or_stop, statement_card

PAGE_SIZE = 50

src = source_or_stop()
st.title("Statements")
lk = data.lookups(src.path, src.stamp)

with st.container(border=True):
    r1, r2, r3 = st.columns([3, 2, 2]), st.columns([3, 3, 2]), st.columns([3, 3, 2])
    f, _, params = state.filter_widgets(
        lk, prefix="st", fields=("search", "topic", "stances", "actors", "groups", "quote_types", "source",
                                 "dates", "min_confidence"),
        place={"search": r1[0], "topic": r1[1], "stances": r1[2], "actors": r2[0], "groups": r2[1],
               "quote_types": r2[2], "source": r3[0], "dates": r3[1], "min_confidence": r3[2]})

try:
    wanted_page = int(state.url_get("page") or 1)
except ValueError:
    wanted_page = 1
if "st_page" not in st.session_state:
    st.session_state["st_page"] = max(1, wanted_page)
# A new filter starts again on page 1.
if st.session_state.get("st_last_filter") not in (None, f):
    st.session_state["st_page"] = 1
st.session_state["st_last_filter"] = f

first_rows, total = data.statements_page(src.path, src.stamp, f, PAGE_SIZE, 0)
pages = max(1, math.ceil(total / PAGE_SIZE))
st.session_state["st_page"] = min(st.session_state["st_page"], pages)
head = st.columns([3, 2, 2])
head[0].markdown(f"**{data.count_text(total)} statement(s)** match"
                 + (" (the pages show the newest; narrow the filter or export the CSV for all)"
                    if total > data.COUNT_CAP else ""))
page = head[1].number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key="st_page")
rows = first_rows if page == 1 else data.statements_page(src.path, src.stamp, f, PAGE_SIZE,
                                                          (page - 1) * PAGE_SIZE)[0]
with head[2]:
    download("Export CSV", src, "statements", f, key="st_dl", file_name="statements.csv")

table = st.dataframe(
    [{"date": r["date"], "actor": r["actor"], "group": r["group_name"], "stances": r["stances"] or "",
      "quote type": r["quote_type"], "confidence": r["confidence"], "statement": r["excerpt"],
      "source": r["source"], "id": r["statement_id"]} for r in rows],
    hide_index=True, key="st_table", on_select="rerun", selection_mode="single-row",
    column_config={"statement": st.column_config.TextColumn(width="large"),
                   "confidence": st.column_config.NumberColumn(format="%.2f")})

selected_rows = table.selection.rows if table else []
ids = [r["statement_id"] for r in rows]
wanted_sid = state.url_get("sid")
if "st_sid" not in st.session_state:
    st.session_state["st_sid"] = wanted_sid if wanted_sid in ids else ""
# A new row selection opens that statement; the picker below still works while a row stays selected.
if selected_rows and selected_rows != st.session_state.get("st_prev_rows") and selected_rows[0] < len(ids):
    st.session_state["st_sid"] = ids[selected_rows[0]]
st.session_state["st_prev_rows"] = selected_rows
labels = {r["statement_id"]: f"{r['date'] or 'undated'} · {r['actor']} · {r['excerpt'][:90]}" for r in rows}
if wanted_sid and wanted_sid not in labels:
    labels[wanted_sid] = f"statement {wanted_sid}"
if st.session_state["st_sid"] not in labels:
    st.session_state["st_sid"] = ""
sid = st.selectbox("Statement detail", [""] + list(labels), key="st_sid",
                   format_func=lambda s: labels.get(s, s) if s else "— select a row above, or choose —")

state.sync_url({**params, **({"page": str(page)} if page > 1 else {}), **({"sid": sid} if sid else {})})
if sid:
    with st.container(border=True):
        statement_card(src, sid)
