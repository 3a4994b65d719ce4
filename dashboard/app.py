"""Dashboard entrypoint: `streamlit run dashboard/app.py -- --db FILE` (or `stance dashboard`)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import data
from dashboard.widgets import md_escape

PAGES_DIR = Path(__file__).parent / "app_pages"

st.set_page_config(page_title="stancewatch", page_icon=":material/record_voice_over:", layout="wide")

PAGES = [
    st.Page(PAGES_DIR / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page(PAGES_DIR / "timeline.py", title="Timeline explorer", icon=":material/timeline:", url_path="timeline"),
    st.Page(PAGES_DIR / "actor.py", title="Actor profile", icon=":material/person:", url_path="actor"),
    st.Page(PAGES_DIR / "statements.py", title="Statements", icon=":material/format_quote:", url_path="statements"),
    st.Page(PAGES_DIR / "shifts.py", title="Shifts", icon=":material/swap_vert:", url_path="shifts"),
    st.Page(PAGES_DIR / "alignment.py", title="Alignment", icon=":material/grid_on:", url_path="alignment"),
    st.Page(PAGES_DIR / "review.py", title="Review", icon=":material/rule:", url_path="review"),
]

page = st.navigation(PAGES)
st.sidebar.caption("Database: " + md_escape(data.db_path()))
page.run()
