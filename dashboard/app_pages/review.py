"""Review: confirm, correct or reject uncertain statements and newly seen actors; the audit list of who did what."""

from __future__ import annotations

import streamlit as st

from dashboard import data, state
from dashboard.widgets import md_escape, source_or_stop
from db.queries_filter import STANCES
from db.queries_statements import REVIEW_THRESHOLD

QUEUE_PAGE = 10
ACTIONS = {
    "confirm": "Confirm: attribution, topics and stances are right",
    "reject": "Reject the statement (not a statement, or not this speaker's)",
    "actor": "Correct the actor",
    "tag": "Correct a topic / stance (or reject that tag)",
    "add": "Add a topic and stance",
}

src = source_or_stop()
st.title("Review")
lk = data.lookups(src.path, src.stamp)
actor_names = {a["id"]: f"{a['name']} ({a['kind']})" for a in lk["actors"]}
topic_names = {t["id"]: t["label"] or t["id"] for t in lk["topics"]}

if "rv_flash" in st.session_state:
    st.success(st.session_state.pop("rv_flash"))

analyst = st.text_input("Your name (recorded with every decision)", key="rv_analyst").strip()
threshold = st.slider("Queue statements below this confidence", 0.0, 1.0, REVIEW_THRESHOLD, 0.05,
                      key="rv_threshold")


def apply(statement_id: str, detail: dict, values: dict) -> str:
    """Carry out one review decision through db.review; returns what was done."""
    note = values["note"].strip() or None
    action = values["action"]
    if action == "confirm":
        data.write_review(src.path, "confirm_statement", statement_id, analyst, note)
        return "confirmed"
    if action == "reject":
        data.write_review(src.path, "reject_statement", statement_id, analyst, note)
        return "rejected"
    if action == "actor":
        if not values["actor"]:
            raise ValueError("choose the actor who really said it")
        data.write_review(src.path, "correct_actor", statement_id, values["actor"], analyst, note)
        return f"re-attributed to {actor_names.get(values['actor'], values['actor'])}"
    if action == "tag":
        if not values["tag"]:
            raise ValueError("this statement has no tag to correct: use 'Add a topic and stance'")
        if values["reject_tag"]:
            data.write_review(src.path, "correct_tag", values["tag"], analyst, reject=True, note=note)
            return "tag rejected"
        old = next(t for t in detail["tags"] if t["tag_id"] == values["tag"])
        topic = values["topic"] if values["topic"] and values["topic"] != old["topic_id"] else None
        stance = values["stance"] if values["stance"] and values["stance"] != old["stance"] else None
        if topic is None and stance is None:
            raise ValueError("choose a different topic or stance")
        data.write_review(src.path, "correct_tag", values["tag"], analyst, topic_id=topic, stance=stance, note=note)
        return "tag corrected"
    if not values["topic"] or not values["stance"]:
        raise ValueError("choose a topic and a stance")
    data.write_review(src.path, "add_tag", statement_id, values["topic"], values["stance"], analyst, note=note)
    return "topic added"


def review_form(statement_id: str, where: str) -> None:
    """One statement's evidence and the form to decide on it (`where` keeps widget keys apart per tab)."""
    detail = data.statement_detail(src.path, src.stamp, statement_id)
    if detail is None:
        st.warning(f"No statement {statement_id}.")
        return
    speaker = detail["corrected_actor"] or detail["actor"]
    st.markdown(f"**{md_escape(speaker)}** · {md_escape(detail['date'] or 'undated')} ·"
                f" {md_escape(detail['quote_type'])} · confidence {detail['confidence']:.2f}"
                + (" · flagged by the engine" if detail["needs_review"] else ""))
    st.markdown("> " + md_escape(detail["text"]))
    tags = {t["tag_id"]: f"{t['corrected_topic'] or t['topic_id']}: {t['corrected_stance'] or t['stance']}"
                         f" (confidence {t['confidence']:.2f}, cue {t['cue'] or '—'})" for t in detail["tags"]}
    st.caption("Tags: " + (md_escape("; ".join(tags.values())) if tags else "none"))
    def key(name: str) -> str:
        return f"rv_{name}_{where}_{statement_id}"

    with st.form(key=key("form")):
        values = {
            "action": st.radio("Decision", list(ACTIONS), format_func=ACTIONS.get, key=key("action")),
            "actor": st.selectbox("Actor (for a correction)", [""] + list(actor_names), key=key("actor"),
                                  format_func=lambda a: actor_names.get(a, "—") if a else "—"),
            "tag": st.selectbox("Tag (for a correction)", list(tags) or [""], key=key("tag"),
                                format_func=lambda t: tags.get(t, "no tags")),
            "topic": st.selectbox("Topic", [""] + list(topic_names), key=key("topic"),
                                  format_func=lambda t: topic_names.get(t, "—") if t else "—"),
            "stance": st.selectbox("Stance", [""] + list(STANCES), key=key("stance"), format_func=lambda s: s or "—"),
            "reject_tag": st.checkbox("Reject this tag", key=key("rejecttag")),
            "note": st.text_input("Note", key=key("note")),
        }
        submitted = st.form_submit_button("Save decision")
    if submitted:
        if not analyst:
            st.error("Enter your name above first: every decision records who made it.")
            return
        try:
            done = apply(statement_id, detail, values)
        except (ValueError, KeyError) as exc:
            st.error(str(exc))
            return
        st.session_state["rv_flash"] = f"Saved: statement {statement_id} {done}."
        st.rerun()


tab_queue, tab_one, tab_actors, tab_log = st.tabs(["Statements to review", "Review by id", "New actors",
                                                    "Audit list"])
queue_page = int(st.session_state.get("rv_queue_page", 1))
items = data.review_items(src.path, src.stamp, threshold, QUEUE_PAGE, (queue_page - 1) * QUEUE_PAGE)
with tab_queue:
    pages = max(1, -(-items["total"] // QUEUE_PAGE))
    head = st.columns([4, 1])
    head[0].markdown(f"**{data.count_text(items['total'])} statement(s)** flagged by the engine or below {threshold:.2f}"
                     " confidence, least certain first. Decided ones leave the queue.")
    head[1].number_input(f"Page (of {pages})", 1, max(pages, queue_page), step=1, key="rv_queue_page")
    for item in items["queue"]:
        with st.expander(md_escape(f"{item['date'] or 'undated'} · {item['actor']} · {item['excerpt'][:90]}")):
            review_form(item["statement_id"], "queue")

with tab_one:
    wanted = state.url_get("sid") or ""
    if "rv_sid" not in st.session_state:
        st.session_state["rv_sid"] = wanted
    sid = st.text_input("Statement id (shown in each statement's detail)", key="rv_sid").strip()
    state.sync_url({"sid": sid} if sid else {})
    if sid:
        review_form(sid, "byid")

with tab_actors:
    st.markdown(f"**{len(items['new_actors'])} newly seen actor(s)** not in the codebook")
    known = actor_names
    for a in items["new_actors"]:
        with st.container(border=True):
            title = f" — {md_escape(a['title'])}" if a["title"] else ""
            group = f", {md_escape(a['group_name'] or a['group_id'])}" if a["group_id"] else ""
            st.markdown(f"**{md_escape(a['name'])}**{title}{group} · {a['kind']} · {a['statements']} statement(s)")
            with st.form(key=f"rv_actor_form_{a['id']}"):
                verdict = st.radio("Decision", ["confirm", "merge"], horizontal=True, key=f"rv_av_{a['id']}",
                                   format_func={"confirm": "A distinct actor: keep",
                                                "merge": "Same as an existing actor: merge"}.get)
                into = st.selectbox("Merge into", [""] + [k for k in known if k != a["id"]], key=f"rv_into_{a['id']}",
                                    format_func=lambda k: known.get(k, "—") if k else "—")
                note = st.text_input("Note", key=f"rv_anote_{a['id']}")
                if st.form_submit_button("Save decision"):
                    if not analyst:
                        st.error("Enter your name above first.")
                    elif verdict == "merge" and not into:
                        st.error("Choose the actor to merge into.")
                    else:
                        if verdict == "confirm":
                            data.write_review(src.path, "confirm_actor", a["id"], analyst, note or None)
                        else:
                            data.write_review(src.path, "merge_actor", a["id"], into, analyst, note or None)
                        st.session_state["rv_flash"] = f"Saved: {a['name']} {verdict}ed."
                        st.rerun()

with tab_log:
    st.caption("Every decision, newest first. Corrections are kept apart from the engine's output, so they"
               " survive refresh and retag, and show in every chart and export.")
    st.dataframe(items["log"], hide_index=True)
