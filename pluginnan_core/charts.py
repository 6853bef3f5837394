# Chart builders: Plotly figures as plain dict specs (fast to build), one colour-blind-safe
# palette, Swedish number formats; shared by the pages and the slide export.
"""Figures for every view, built without Streamlit.

Why dict specs: building a figure from a dict is about 15x cheaper than Plotly Express here,
and a dict is what both `st.plotly_chart` and kaleido accept. Why one module: the same chart
must look the same on screen, on a projector and on a slide, with the same colour for the
same kommun everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .i18n import PLOTLY_SEPARATORS, fmt_value

#: Okabe–Ito colours, safe for the common kinds of colour blindness (yellow left out: too
#: little contrast on white). Selected kommuner take them in selection order.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000", "#882255")
FORBUND_COLOUR = "#595959"  # reference line: the kommunalförbund
REGION_COLOUR = "#1a1a1a"   # reference line: the whole region
FONT = "Source Sans Pro, Segoe UI, Arial, sans-serif"


def colour_for(kommun_kod: str, selection: Sequence[str]) -> str:
    """A kommun's colour: its place in the user's selection (the same on every page).

    Kommuner outside the selection get a stable colour from their code, so a chart that shows
    more kommuner than were picked still colours each one the same way each time.
    """
    if kommun_kod in selection:
        return PALETTE[list(selection).index(kommun_kod) % len(PALETTE)]
    return PALETTE[int(kommun_kod) % len(PALETTE)] if kommun_kod.isdigit() else PALETTE[0]


@dataclass
class Line:
    """One series of a trend chart."""

    name: str
    x: list[Any]
    y: list[float | None]
    kind: str = "entity"  # entity | forbund | region
    colour: str | None = None
    counts: list[Any] = field(default_factory=list)  # pupils behind each point, for the hover
    markers: list[str | None] = field(default_factory=list)  # '..' etc. where y is missing


def _clean(values: Sequence[Any]) -> list[float | None]:
    out = []
    for v in values:
        try:
            f = float(v)
        except (TypeError, ValueError):
            out.append(None)
            continue
        out.append(None if math.isnan(f) else f)
    return out


def base_layout(title: str, unit: str, lang: str, *, height: int = 420, y_title: str = "") -> dict:
    suffix = "\u00a0%" if unit == "%" else ""
    return {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 18}},
        "separators": PLOTLY_SEPARATORS.get(lang, ",\u00a0"),
        "font": {"family": FONT, "size": 14, "color": "#1a1a1a"},
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 60, "b": 40},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hovermode": "x unified",
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "font": {"size": 13}},
        "xaxis": {"showgrid": False, "linecolor": "#8c8c8c", "ticks": "outside", "type": "category"},
        "yaxis": {"title": {"text": y_title}, "gridcolor": "#e6e6e6", "zeroline": False,
                  "ticksuffix": suffix, "separatethousands": True},
    }


def trend_figure(lines: Sequence[Line], title: str, unit: str, lang: str = "sv", *,
                 y_range: tuple[float, float] | None = None, height: int = 420) -> dict:
    """A line chart of one measure over time, reference lines dashed and grey."""
    traces = []
    pupils_word = "elever" if lang == "sv" else "pupils"
    for line in lines:
        y = _clean(line.y)
        style = {"entity": {"width": 3}, "forbund": {"width": 2, "dash": "dash"},
                 "region": {"width": 2, "dash": "dot"}}[line.kind]
        colour = line.colour or {"forbund": FORBUND_COLOUR, "region": REGION_COLOUR}.get(line.kind, PALETTE[0])
        texts = []
        for i, val in enumerate(y):
            marker = line.markers[i] if i < len(line.markers) else None
            n = line.counts[i] if i < len(line.counts) else None
            shown = fmt_value(val, unit, lang, marker)
            n_text = fmt_value(n, "st", lang) if n is not None and not _isnan(n) else ".."
            texts.append(f"{shown} ({n_text} {pupils_word})")
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": line.name,
            "x": [str(x) for x in line.x], "y": y,
            "line": {"color": colour, **style}, "marker": {"size": 7 if line.kind == "entity" else 5,
                                                            "color": colour},
            "text": texts, "hovertemplate": "%{fullData.name}: %{text}<extra></extra>",
            "connectgaps": False,
        })
    layout = base_layout(title, unit, lang, height=height)
    if y_range:
        layout["yaxis"]["range"] = list(y_range)
    return {"data": traces, "layout": layout}


def _isnan(v: Any) -> bool:
    try:
        return math.isnan(float(v))
    except (TypeError, ValueError):
        return True


def nice_range(values: Sequence[Any], unit: str, pad: float = 0.15) -> tuple[float, float] | None:
    """A y range around the data that does not exaggerate small changes (shares: at least 10 points)."""
    vals = [v for v in _clean(values) if v is not None]
    if not vals:
        return None
    lo, hi = min(vals), max(vals)
    span = max(hi - lo, 10.0 if unit == "%" else 1.0)
    lo, hi = lo - span * pad, hi + span * pad
    if unit == "%":
        lo, hi = max(0.0, lo), min(100.0, hi)
    return (math.floor(lo), math.ceil(hi))
