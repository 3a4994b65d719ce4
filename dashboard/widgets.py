"""Pieces several pages share: the database check, safe text, a statement's evidence, CSV downloads."""

from __future__ import annotations

import re

import streamlit as st

from dashboard import data
from db.queries_filter import ViewFilter

# Every character Markdown (or Streamlit's directives, LaTeX, emoji shortcodes) could read as syntax.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&\"'=])")
CONTEXT_CHARS = 600


def md_escape(text: object) -> str:
    """Untrusted text made inert for st.markdown: each syntax character backslash-escaped, lines kept."""
    escaped = _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))
    return escaped.replace("\n", "  \n")


def source_or_stop() -> data.Source:
    """The database source; when it cannot be shown, say what to run and stop the page."""
    src = data.source()
    if src.problem:
        st.info(src.problem)
        st.stop()
    return src


def highlighted(text: str, start: int, end: int, *, context: int | None = CONTEXT_CHARS) -> str:
    """Markdown of `text` with [start, end) highlighted, everything escaped; cut to `context` around it."""
    lo, hi = 0, len(text)
    if context is not None:
        lo, hi = max(0, start - context), min(len(text), end + context)
    before, span, after = text[lo:start], text[start:end], text[end:hi]
    return ("…" if lo > 0 else "") + md_escape(before) + ":orange-background[**" + md_escape(span) + "**]" \
        + md_escape(after) + ("…" if hi < len(text) else "")


def safe_url(url: str | None) -> str | None:
    """The URL when it is plain http(s), else None (never a javascript: or data: link)."""
    if url and re.match(r"^https?://[^\s]+$", url, re.IGNORECASE):
        return url
    return None


def statement_card(src: data.Source, statement_id: str) -> dict | None:
    """Show one statement's evidence: article with the statement highlighted, cue, tags, review history."""
    detail = data.statement_detail(src.path, src.stamp, statement_id)
    if not detail:
        st.warning("That statement is no longer in the database (a refresh may have replaced it).")
        return None
    actor = detail["corrected_actor"] or detail["actor"]
    flags = []
    if detail["rejected"]:
        flags.append(":red[rejected by an analyst]")
    if detail["corrected_actor_id"]:
        flags.append(f"actor corrected from {md_escape(detail['actor'])}")
    if detail["confirmed"]:
        flags.append(":green[confirmed]")
    st.markdown(f"#### {md_escape(actor)} · {md_escape(detail['date'] or 'undated')}"
                + (" — " + ", ".join(flags) if flags else ""))
    st.markdown("> " + md_escape(detail["text"]).replace("  \n", "  \n> "))
    cols = st.columns(4)
    cols[0].markdown(f"**Quote type**  \n{md_escape(detail['quote_type'])}")
    cols[1].markdown(f"**Speech cue**  \n{md_escape(detail['cue'] or '—')}")
    cols[2].markdown(f"**Confidence**  \n{detail['confidence']:.2f}")
    cols[3].markdown(f"**Extraction rule**  \n{md_escape(detail['rule'] or '—')}")
    e = md_escape
    st.caption(f"Article: {e(detail['title'] or 'untitled')} — {e(detail['source'] or 'unknown source')},"
               f" published {e(detail['published'] or 'undated')}; mention: {e(detail['mention'] or '—')};"
               f" date cue: {e(detail['date_cue'] or 'publication date')}; statement id {e(detail['id'])}")
    url = safe_url(detail["url"])
    if url:
        st.link_button("Open the source article", url)
    elif detail["url"]:
        st.caption("Source address (not a web link):")
        st.text(detail["url"])
    if detail["tags"]:
        st.markdown("**Topics and stance** (engine verdict, then any analyst correction)")
        st.dataframe([{
            "topic": t["topic_id"], "stance": t["stance"], "score": t["score"], "confidence": t["confidence"],
            "stance cue": t["cue"], "topic cue": t["topic_cue"], "target": t["target"], "rule": t["rule"],
            "negated": bool(t["negated"]), "modality": t["modality"], "codebook": t["codebook_version"],
            "corrected topic": t["corrected_topic"], "corrected stance": t["corrected_stance"],
            "tag rejected": bool(t["rejected"]),
        } for t in detail["tags"]], hide_index=True)
    else:
        st.caption("No topic tag: the statement is on none of the tracked topics.")
    st.markdown("**In the article**")
    st.markdown(highlighted(detail["doc_text"], detail["start"], detail["end"]))
    with st.expander("Whole article"):
        st.markdown(highlighted(detail["doc_text"], detail["start"], detail["end"], context=None))
    if detail["history"]:
        st.markdown("**Review history**")
        st.dataframe(detail["history"], hide_index=True)
    return detail


def download(label: str, src: data.Source, kind: str, f: ViewFilter, *, file_name: str, key: str,
             granularity: str = "statement", shift_actor: str | None = None) -> None:
    """A CSV download built only when clicked, from the same filter as the view."""
    st.download_button(label, data=data.csv_maker(src.path, kind, f, granularity, shift_actor),
                       file_name=file_name, mime="text/csv", key=key, on_click="ignore", icon=":material/download:")


def freshness_line(src: data.Source) -> None:
    """Last refresh, its status, and what it added."""
    fr = data.freshness(src.path, src.stamp)
    run = fr["last_run"]
    cols = st.columns([3, 2, 2, 2])
    if run:
        cols[0].metric("Last refresh (UTC)", (run["ended_at"] or run["started_at"] or "")[:16].replace("T", " "),
                       help=md_escape(run["summary"]) if run["summary"] else None)
        cols[1].metric("Status", run["status"])
    else:
        cols[0].metric("Last refresh", "never")
        cols[1].metric("Status", "—")
    cols[2].metric("New statements in that run", fr["new_statements"])
    cols[3].metric("Statements / articles", f"{fr['statements']} / {fr['documents']}",
                   help=f"latest statement dated {fr['latest_statement'] or '—'}")
