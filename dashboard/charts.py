"""Pure functions from query rows to plotly figures; no Streamlit, testable on their own.

Text from articles is untrusted, and plotly reads a little HTML in hover and legend text, so every
string that reaches a figure is HTML-escaped first.
"""

from __future__ import annotations

import html
from datetime import date, timedelta
from itertools import groupby

import plotly.graph_objects as go

STANCE_SCORE = {"support": 1.0, "neutral": 0.0, "oppose": -1.0}
STANCE_COLOR = {"support": "#1a9850", "neutral": "#999999", "oppose": "#d73027"}
DIVERGING = [[0.0, "#d73027"], [0.5, "#f7f7f7"], [1.0, "#1a9850"]]
Y_AXIS = dict(range=[-1.15, 1.15], tickvals=[-1, -0.5, 0, 0.5, 1],
              ticktext=["oppose −1", "−0.5", "neutral 0", "0.5", "support +1"], zeroline=True)


def esc(value: object, limit: int | None = None) -> str:
    """Text safe for plotly's hover/legend HTML subset, optionally cut to `limit` characters."""
    text = "" if value is None else str(value)
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=False)


def _layout(fig: go.Figure, title: str | None, height: int = 380) -> go.Figure:
    fig.update_layout(title=esc(title) if title else None, height=height, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="v", x=1.01, y=1, yanchor="top"), hovermode="closest")
    return fig


def timeline_figure(points: list[dict], *, shifts: list[dict] | None = None, title: str | None = None) -> go.Figure:
    """Stance over time: one line per series, a marker per statement; hover shows who, when, quote, source."""
    fig = go.Figure()
    ordered = sorted(points, key=lambda p: (p["series"] or "", p["date"]))
    for series, rows in groupby(ordered, key=lambda p: p["series"] or ""):
        rows = list(rows)
        fig.add_trace(go.Scatter(
            x=[r["date"] for r in rows], y=[r["score"] for r in rows], mode="lines+markers", name=esc(series),
            marker=dict(size=9, color=[STANCE_COLOR.get(r["stance"], "#555") for r in rows],
                        line=dict(width=1, color="#333")),
            customdata=[[r["statement_id"], esc(r["actor"]), r["date"], esc(r["excerpt"], 160),
                         esc(r.get("source") or "unknown source"), r["stance"],
                         " (corrected)" if r.get("corrected") else ""] for r in rows],
            hovertemplate="<b>%{customdata[1]}</b> · %{customdata[2]}<br>%{customdata[5]}%{customdata[6]}"
                          " (%{y:.2f})<br>“%{customdata[3]}”<br><i>%{customdata[4]}</i><extra></extra>",
        ))
    if shifts:
        _add_shift_markers(fig, shifts)
    fig.update_yaxes(**Y_AXIS, title="stance score")
    fig.update_xaxes(title="statement date", **_date_axis([p["date"] for p in points]))
    return _layout(fig, title)


def _date_axis(days: list[str], pad_below: int = 90) -> dict:
    """A date x-axis; a short span is widened so plotly does not fall back to hour ticks."""
    axis: dict = dict(type="date", hoverformat="%Y-%m-%d")
    if days:
        lo, hi = date.fromisoformat(min(days)[:10]), date.fromisoformat(max(days)[:10])
        if (hi - lo).days < pad_below:
            pad = timedelta(days=(pad_below - (hi - lo).days) // 2 + 1)
            axis["range"] = [(lo - pad).isoformat(), (hi + pad).isoformat()]
    return axis


def _add_shift_markers(fig: go.Figure, shifts: list[dict]) -> None:
    fig.add_trace(go.Scatter(
        x=[s["shift_date"] for s in shifts],
        y=[STANCE_SCORE.get(s.get("to_stance"), 0.0) for s in shifts],
        mode="markers", name="detected shift",
        marker=dict(symbol="star-diamond", size=18, color="rgba(0,0,0,0)", line=dict(width=2, color="#6a3d9a")),
        customdata=[[_statement_ref(s.get("after_statement")), esc(s.get("actor")), s.get("shift_date"),
                     esc(s.get("from_stance")), esc(s.get("to_stance")), s.get("from_date")] for s in shifts],
        hovertemplate="<b>Shift: %{customdata[1]}</b><br>%{customdata[3]} (until %{customdata[5]}) →"
                      " %{customdata[4]} (%{customdata[2]})<extra></extra>",
    ))


def _statement_ref(value: object) -> object:
    if isinstance(value, dict):
        return value.get("statement_id") or value.get("id")
    return value


def aggregate_figure(rows: list[dict], *, granularity: str, title: str | None = None,
                     shifts: list[dict] | None = None) -> go.Figure:
    """Weekly or monthly mean stance per series; marker size grows with the number of statements."""
    fig = go.Figure()
    ordered = sorted(rows, key=lambda r: (r["series"] or "", r["period"]))
    for series, group in groupby(ordered, key=lambda r: r["series"] or ""):
        group = list(group)
        fig.add_trace(go.Scatter(
            x=[r["period"] for r in group], y=[r["mean_score"] for r in group], mode="lines+markers",
            name=esc(series),
            marker=dict(size=[min(24, 6 + 2 * r["n"]) for r in group]),
            customdata=[[esc(series), r["period"], r["n"], r["n_support"], r["n_oppose"], r["n_neutral"],
                         r["series_id"]] for r in group],
            hovertemplate="<b>%{customdata[0]}</b> · " + granularity + " of %{customdata[1]}<br>mean %{y:.2f}"
                          " over %{customdata[2]} statement(s)<br>support %{customdata[3]}, oppose"
                          " %{customdata[4]}, neutral %{customdata[5]}<extra></extra>",
        ))
    if shifts:
        _add_shift_markers(fig, shifts)
    fig.update_yaxes(**Y_AXIS, title=f"mean stance ({granularity})")
    fig.update_xaxes(title=f"{granularity} starting", **_date_axis([r["period"] for r in rows]))
    return _layout(fig, title)


def latest_heatmap(rows: list[dict], *, title: str | None = None) -> go.Figure:
    """Each actor's (or group's) latest stance per topic: rows are actors, columns topics."""
    series = sorted({r["series"] for r in rows}, key=str.lower)
    topics = sorted({r["topic"] for r in rows})
    cell = {(r["series"], r["topic"]): r for r in rows}
    z, text = [], []
    for s in series:
        z.append([cell[(s, t)]["score"] if (s, t) in cell else None for t in topics])
        text.append([f"{cell[(s, t)]['score']:+.2f} on {cell[(s, t)]['date']}" if (s, t) in cell else ""
                     for t in topics])
    fig = go.Figure(go.Heatmap(
        z=z, x=[esc(t) for t in topics], y=[esc(s) for s in series], text=text, texttemplate="%{text}",
        colorscale=DIVERGING, zmin=-1, zmax=1, colorbar=dict(title="stance"),
        hovertemplate="<b>%{y}</b><br>%{x}<br>latest: %{text}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, height=max(260, 60 + 28 * len(series)))


def roles_figure(roles: list[dict], *, today: date | None = None, title: str = "Roles over time") -> go.Figure:
    """Dated roles as horizontal bars (an open-ended role runs to today)."""
    end_default = (today or date.today()).isoformat()
    fig = go.Figure()
    for r in roles:
        label = esc(f"{r['person']}: {r['title'] or r['office'] or ''}, {r['group_name']}")
        start = r["start_date"] or "1990-01-01"
        end = r["end_date"] or end_default
        fig.add_trace(go.Scatter(x=[start, end], y=[label, label], mode="lines", line=dict(width=14),
                                 name=label, showlegend=False,
                                 hovertemplate=f"{label}<br>{esc(start)} to {esc(r['end_date'] or 'now')}"
                                               "<extra></extra>"))
    fig.update_xaxes(type="date")
    return _layout(fig, title, height=max(160, 60 + 32 * len({r["actor_id"] + (r["title"] or "") for r in roles})))


def alignment_heatmap(pairs: list[dict], *, max_actors: int = 40, title: str | None = None) -> go.Figure:
    """Pairwise agreement in [-1, 1] between actors (pairs from etl.alignment) as a symmetric matrix."""
    names: dict[str, str] = {}
    weight: dict[str, int] = {}
    for p in pairs:
        for side in ("a", "b"):
            key = p.get(f"actor_{side}_id") or p[f"actor_{side}"]
            names[key] = p[f"actor_{side}"]
            weight[key] = weight.get(key, 0) + 1
    # The most connected actors, so a large database still gives a readable matrix.
    keep = sorted(sorted(weight, key=lambda a: -weight[a])[:max_actors], key=lambda a: names[a].lower())
    index = {a: i for i, a in enumerate(keep)}
    z = [[1.0 if i == j else None for j in range(len(keep))] for i in range(len(keep))]
    info = [["" for _ in keep] for _ in keep]
    for p in pairs:
        a, b = p.get("actor_a_id") or p["actor_a"], p.get("actor_b_id") or p["actor_b"]
        if a not in index or b not in index:
            continue
        i, j = index[a], index[b]
        z[i][j] = z[j][i] = p["agreement"]
        info[i][j] = info[j][i] = esc(", ".join(p.get("topics") or [])) + f"; {p.get('statements', 0)} statements"
    labels = [esc(names[a]) for a in keep]
    fig = go.Figure(go.Heatmap(
        z=z, x=labels, y=labels, customdata=info, colorscale=DIVERGING, zmin=-1, zmax=1,
        colorbar=dict(title="agreement"),
        hovertemplate="%{y} / %{x}<br>agreement %{z:.2f}<br>on %{customdata}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, height=max(320, 80 + 30 * len(keep)))


def top_series(points: list[dict], n: int) -> tuple[list[dict], int]:
    """The points of the `n` series with the most points, and how many series there were."""
    counts: dict[str, int] = {}
    for p in points:
        counts[p["series_id"]] = counts.get(p["series_id"], 0) + 1
    keep = set(sorted(counts, key=lambda s: (-counts[s], s))[:n])
    return [p for p in points if p["series_id"] in keep], len(counts)


def shifts_for_level(shifts: list[dict], level: str) -> list[dict]:
    """The shifts that belong on a chart drawn at this level: group lines' at group level, persons' otherwise."""
    kind = "group" if level == "group" else "person"
    return [s for s in shifts or [] if (s.get("level") or s.get("actor_kind") or kind) == kind]
