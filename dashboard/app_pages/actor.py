"""Actor profile: who they are, roles over time, stance per topic over time, latest statements, shifts."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data, state
from dashboard.widgets import download, md_escape, source_or_stop

SHIFTS_SHOWN = 20  # with quotes; a busy actor can have hundreds of shifts

src = source_or_stop()
st.title("Actor profile")
lk = data.lookups(src.path, src.stamp)
actors = {a["id"]: a for a in lk["actors"]}
if not actors:
    st.info("No actors in the database yet.")
    st.stop()

wanted = state.url_get("actor")
if "ac_actor" not in st.session_state:
    most_quoted = max(actors.values(), key=lambda a: a["statements"])["id"]
    st.session_state["ac_actor"] = wanted if wanted in actors else most_quoted
actor_id = st.selectbox("Actor", list(actors), key="ac_actor",
                        format_func=lambda a: f"{actors[a]['name']} ({actors[a]['kind']})")
state.sync_url({"actor": actor_id})

row, roles = data.actor(src.path, src.stamp, actor_id)
if row is None:
    st.warning("That actor is no longer in the database.")
    st.stop()
is_group = row["kind"] == "group"
facts = [f"**{md_escape(row['name'])}** — {'group' if is_group else 'person'}"]
if not row["known"]:
    facts.append("newly seen in the text, not in the codebook" + (
        f" (title: {md_escape(row['title'])})" if row["title"] else ""))
facts.append(f"{row['statements']} statement(s) as speaker")
if is_group:
    facts.append(f"{row['group_statements']} on its group line (its own plus its people's)")
st.markdown(" · ".join(facts))

# For a group, chart the roles of the people who spoke for it; every member is in the table.
charted = [r for r in roles if r["statements"]] if is_group else roles
if charted:
    st.plotly_chart(charts.roles_figure(charted, title="Roles of its people who were quoted" if is_group
                                        else "Roles over time"), key="ac_roles")
if roles:
    with st.expander(f"All {len(roles)} roles as a table"):
        st.dataframe(roles, hide_index=True)
elif not is_group:
    st.caption("No dated roles recorded for this person.")

# A group's line is its own statements plus its people's; a person's line is their own.
f = state.ViewFilter(groups=(actor_id,), level="group") if is_group else state.ViewFilter(
    actors=(actor_id,), level="person")
st.subheader("Stance per topic over time")
points, total = data.stance_points(src.path, src.stamp, f)
if points:
    names = {t["id"]: t["label"] or t["id"] for t in lk["topics"]}
    by_topic = [{**p, "series": names.get(p["topic_id"], p["topic_id"])} for p in points]
    actor_shifts, problem = data.shifts_shown(src.path, src.stamp, None, actor_id, None,
                                              "group" if is_group else "person")
    if problem:
        st.warning(problem)
    st.plotly_chart(charts.timeline_figure(by_topic, shifts=actor_shifts), key="ac_chart")
else:
    actor_shifts = []
    st.caption("No tagged statements for this actor yet.")

st.subheader("Latest statements")
rows, count = data.statements_page(src.path, src.stamp, f, 15, 0)
if rows:
    st.dataframe([{"date": r["date"], "speaker": r["actor"], "stances": r["stances"] or "",
                   "quote type": r["quote_type"], "statement": r["excerpt"], "source": r["source"]}
                  for r in rows], hide_index=True)
    st.caption(f"{len(rows)} of {data.count_text(count)}; the Statements page lists and searches all of them.")
    download("Export this actor's statements", src, "statements", f, key="ac_dl",
             file_name=f"statements-{actor_id}.csv")
else:
    st.caption("No statements.")

st.subheader("Shifts")
if not data.shifts_available():
    st.caption("Shift detection not available yet.")
elif actor_shifts:
    newest = sorted(actor_shifts, key=lambda s: s["shift_date"], reverse=True)[:SHIFTS_SHOWN]
    if len(actor_shifts) > SHIFTS_SHOWN:
        st.caption(f"The newest {SHIFTS_SHOWN} of {len(actor_shifts)} shifts; the Shifts page lists them all.")
    texts = data.statement_texts(src.path, src.stamp,
                                 tuple(s[k] for s in newest for k in ("before_statement", "after_statement")))
    for s in newest:
        st.markdown(f"**{md_escape(s.get('topic'))}**: {md_escape(s.get('from_stance'))} →"
                    f" {md_escape(s.get('to_stance'))} on {md_escape(s.get('shift_date'))}")
        cols = st.columns(2)
        before, after = texts.get(s.get("before_statement")), texts.get(s.get("after_statement"))
        cols[0].markdown(f"Before ({md_escape(s.get('from_date'))})  \n> {md_escape(before)}")
        cols[1].markdown(f"After ({md_escape(s.get('shift_date'))})  \n> {md_escape(after)}")
else:
    st.caption("No shift detected for this actor.")
