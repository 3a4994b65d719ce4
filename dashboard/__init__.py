"""The Streamlit analyst dashboard: `stance dashboard` serves `dashboard/app.py`."""
