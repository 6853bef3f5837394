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
from pathlib import Path
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


def zero_based_range(values: Sequence[Any], unit: str, pad: float = 0.15) -> tuple[float, float] | None:
    """`nice_range` from 0 (absence shares: the level matters, not only the change); None when no
    value is shown (every figure withheld), so the chart keeps Plotly's own range."""
    nice = nice_range(values, unit, pad)
    return None if nice is None else (0, nice[1])


# --------------------------------------------------------------------------- Behörighet / Jämför kommuner

OTHER_BAR_COLOUR = "#c7c7c7"  # bars of kommuner/schools that are not picked: quiet grey


def wrap_title(text: str, width: int = 78) -> str:
    """Break a long title onto two lines (Plotly titles do not wrap and get cut off)."""
    if len(text) <= width:
        return text
    cut = text.rfind(", ", 0, width)
    cut = cut + 1 if cut > width // 2 else text.rfind(" ", 0, width)
    if cut <= 0:
        return text
    return text[:cut].rstrip() + "<br>" + text[cut:].lstrip()


def _title_layout(layout: dict, title: str) -> None:
    wrapped = wrap_title(title)
    layout["title"]["text"] = wrapped
    if "<br>" in wrapped:
        layout["margin"]["t"] = layout["margin"].get("t", 60) + 24


@dataclass
class Bar:
    """One bar of a ranked bar chart (a kommun or a school)."""

    label: str
    value: float | None
    colour: str = OTHER_BAR_COLOUR
    text: str = ""  # printed at the bar's end (value, change, or the marker when value is missing)
    hover: str = ""
    previous: float | None = None  # the year before, drawn as an open marker


def ranked_bars(bars: Sequence[Bar], title: str, unit: str, lang: str = "sv", *,
                reference: tuple[str, float] | None = None, previous_name: str = "",
                x_title: str = "", x_max: float | None = None) -> dict:
    """Horizontal bars in the given order (first on top), starting at zero.

    Why from zero: bar length must be proportional to the value. Missing values (markers)
    get no bar, only their marker as text, so a withheld figure never looks like a zero.
    """
    labels = [b.label for b in bars]
    values = _clean([b.value for b in bars])
    suffix = "\u00a0%" if unit == "%" else ""
    traces: list[dict] = [{
        "type": "bar", "orientation": "h", "y": labels, "x": values, "name": title,
        "marker": {"color": [b.colour for b in bars], "line": {"width": 0}},
        "hovertext": [b.hover for b in bars], "hovertemplate": "%{hovertext}<extra></extra>", "showlegend": False,
    }]
    # the figures as a column right of the plot: never covered by the reference line or markers
    annotations = [{"x": 1, "xref": "paper", "y": b.label, "yref": "y", "text": b.text, "showarrow": False,
                    "xanchor": "left", "xshift": 8, "font": {"size": 13}} for b in bars if b.text]
    if any(b.previous is not None for b in bars):
        traces.append({
            "type": "scatter", "mode": "markers", "y": labels, "x": _clean([b.previous for b in bars]),
            "name": previous_name, "marker": {"symbol": "line-ns", "size": 16, "color": "#1a1a1a",
                                              "line": {"width": 2, "color": "#1a1a1a"}},
            "hoverinfo": "skip", "showlegend": True,
        })
    if reference is not None and reference[1] is not None and bars:
        traces.append({
            "type": "scatter", "mode": "lines", "x": [reference[1], reference[1]],
            "y": [labels[0], labels[-1]], "name": reference[0],
            "line": {"color": REGION_COLOUR, "dash": "dot", "width": 2}, "hoverinfo": "skip",
        })
    layout = base_layout(title, unit, lang, height=max(300, 24 * len(bars) + 170))
    _title_layout(layout, title)
    shown = [v for v in values if v is not None] + ([reference[1]] if reference and reference[1] else [])
    top = x_max if x_max is not None else (100.0 if unit == "%" else (max(shown) * 1.05 if shown else 1))
    width = max((len(b.text) for b in bars), default=4)
    layout.update({
        "hovermode": "closest", "bargap": 0.25, "annotations": annotations,
        "margin": {**layout["margin"], "t": layout["margin"]["t"] + 30, "l": 10, "r": 20 + 8 * width},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "font": {"size": 13}},
        "xaxis": {"type": "linear", "range": [0, top], "ticksuffix": suffix, "separatethousands": True,
                  "gridcolor": "#e6e6e6", "zeroline": True, "zerolinecolor": "#8c8c8c",
                  "title": {"text": x_title}},
        "yaxis": {"type": "category", "autorange": "reversed", "automargin": True, "ticks": "",
                  "tickfont": {"size": 13}},
    })
    return {"data": traces, "layout": layout}


def small_multiples(panels: Sequence[tuple[str, Sequence[Line]]], title: str, unit: str, lang: str = "sv", *,
                    y_range: tuple[float, float] | None = None, cols: int = 2, row_height: int = 290) -> dict:
    """One small line chart per panel, on the same y axis, side by side.

    Why the same axis: small multiples are read by comparing shapes and levels across panels,
    which only works when every panel uses the same scale.
    """
    n = max(1, len(panels))
    cols = max(1, min(cols, n))
    rows = math.ceil(n / cols)
    gap_x, gap_y = 0.08, (0.2 if rows > 1 else 0.0)
    width = (1 - gap_x * (cols - 1)) / cols
    height = (1 - gap_y * (rows - 1)) / rows
    layout = base_layout(title, unit, lang, height=rows * row_height + 150)
    _title_layout(layout, title)
    layout["margin"]["b"] = 70
    layout["legend"] = {"orientation": "h", "yanchor": "top", "y": -0.08 if rows > 1 else -0.16, "x": 0,
                        "font": {"size": 13}}
    layout.pop("xaxis"), layout.pop("yaxis")
    cats = list(dict.fromkeys(str(x) for _, lines in panels for line in lines for x in line.x))
    step = max(1, math.ceil(len(cats) / (4 if cols > 1 else 6)))
    shown = cats[::-1][::step][::-1]  # always label the latest year
    base_x = {"showgrid": False, "linecolor": "#8c8c8c", "ticks": "outside", "type": "category",
              "tickfont": {"size": 12}, "tickangle": 0, "tickvals": shown, "ticktext": shown,
              "categoryorder": "array", "categoryarray": cats}
    base_y = {"gridcolor": "#e6e6e6", "zeroline": False, "ticksuffix": "\u00a0%" if unit == "%" else "",
              "separatethousands": True, "tickfont": {"size": 12}}
    annotations, traces, seen = [], [], set()
    pupils_word = "elever" if lang == "sv" else "pupils"
    for i, (name, lines) in enumerate(panels):
        r, c = divmod(i, cols)
        x0 = c * (width + gap_x)
        y1 = 1 - r * (height + gap_y)
        suffix = "" if i == 0 else str(i + 1)
        x_dom = [max(0.0, round(x0, 6)), min(1.0, round(x0 + width, 6))]  # float noise: -5e-17 is invalid
        y_dom = [max(0.0, round(y1 - height, 6)), min(1.0, round(y1, 6))]
        layout[f"xaxis{suffix}"] = {**base_x, "domain": x_dom, "anchor": f"y{suffix}"}
        layout[f"yaxis{suffix}"] = {**base_y, "domain": y_dom, "anchor": f"x{suffix}",
                                    **({"range": list(y_range)} if y_range else {}),
                                    **({"matches": "y"} if i else {})}
        annotations.append({"text": f"<b>{name}</b>", "x": x0, "y": y1, "xref": "paper", "yref": "paper",
                            "xanchor": "left", "yanchor": "bottom", "showarrow": False, "font": {"size": 15}})
        for line in lines:
            y = _clean(line.y)
            style = {"entity": {"width": 3}, "forbund": {"width": 2, "dash": "dash"},
                     "region": {"width": 2, "dash": "dot"}}[line.kind]
            colour = line.colour or {"forbund": FORBUND_COLOUR, "region": REGION_COLOUR}.get(line.kind, PALETTE[0])
            texts = []
            for j, val in enumerate(y):
                marker = line.markers[j] if j < len(line.markers) else None
                cnt = line.counts[j] if j < len(line.counts) else None
                n_text = fmt_value(cnt, "st", lang) if cnt is not None and not _isnan(cnt) else ".."
                texts.append(f"{fmt_value(val, unit, lang, marker)} ({n_text} {pupils_word})")
            legend_key = line.name if line.kind != "entity" else None
            traces.append({
                "type": "scatter", "mode": "lines+markers", "name": line.name, "x": [str(x) for x in line.x],
                "y": y, "xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "line": {"color": colour, **style},
                "marker": {"size": 6 if line.kind == "entity" else 4, "color": colour}, "text": texts,
                "hovertemplate": "%{fullData.name}: %{text}<extra></extra>", "connectgaps": False,
                "legendgroup": line.name, "showlegend": legend_key is not None and legend_key not in seen,
            })
            if legend_key:
                seen.add(legend_key)
    layout["annotations"] = annotations
    layout["margin"]["t"] += 36
    return {"data": traces, "layout": layout}


def gap_figure(lines: Sequence[Line], title: str, unit: str, lang: str = "sv", *, y_title: str = "",
               height: int = 420) -> dict:
    """The difference between two groups over time (e.g. flickor − pojkar), zero line marked.

    `unit` is the measure's unit ('%' gives procentenheter); `counts` on each Line may hold
    ready texts (e.g. '212 flickor, 220 pojkar') for the hover.
    """
    from .i18n import fmt_change

    traces = []
    for line in lines:
        y = _clean(line.y)
        style = {"entity": {"width": 3}, "forbund": {"width": 2, "dash": "dash"},
                 "region": {"width": 2, "dash": "dot"}}[line.kind]
        colour = line.colour or {"forbund": FORBUND_COLOUR, "region": REGION_COLOUR}.get(line.kind, PALETTE[0])
        texts = []
        for i, val in enumerate(y):
            marker = line.markers[i] if i < len(line.markers) else None
            cnt = line.counts[i] if i < len(line.counts) else ""
            shown = marker if (val is None and marker) else fmt_change(val, unit, lang)
            texts.append(f"{shown} ({cnt})" if cnt else shown)
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": line.name, "x": [str(x) for x in line.x], "y": y,
            "line": {"color": colour, **style}, "marker": {"size": 7 if line.kind == "entity" else 5,
                                                            "color": colour},
            "text": texts, "hovertemplate": "%{fullData.name}: %{text}<extra></extra>", "connectgaps": False,
        })
    layout = base_layout(title, "", lang, height=height, y_title=y_title)
    _title_layout(layout, title)
    vals = [v for line in lines for v in _clean(line.y) if v is not None]
    bound = max([abs(v) for v in vals] + [1.0]) * 1.2
    layout["yaxis"].update({"zeroline": True, "zerolinecolor": "#595959", "zerolinewidth": 1.5,
                            "range": [-bound, bound], "automargin": True,
                            "title": {"text": y_title, "font": {"size": 13}, "standoff": 8}})
    layout["margin"]["l"] = 80
    return {"data": traces, "layout": layout}


@dataclass
class BarSeries:
    """One group of bars (an area) in a grouped bar chart, one value per category."""

    name: str
    values: list[float | None]
    markers: list[str | None]
    colour: str
    counts: list[Any] = field(default_factory=list)
    extra: float | None = None  # the value in the side panel (e.g. meritvärde)
    extra_marker: str | None = None


def grouped_bars(categories: Sequence[str], series: Sequence[BarSeries], title: str, unit: str,
                 lang: str = "sv", *, extra: tuple[str, str] | None = None, height: int = 460) -> dict:
    """Vertical grouped bars, one group per category; with `extra` = (label, unit) a second,
    narrower panel on its own axis (e.g. meritvärde next to the shares). Markers are printed
    where a value is missing, so '..' never looks like zero."""
    main_w = 0.74 if extra else 1.0
    traces: list[dict] = []
    pupils_word = "elever" if lang == "sv" else "pupils"
    for s in series:
        vals = _clean(s.values)
        texts, hovers = [], []
        for i, v in enumerate(vals):
            marker = s.markers[i] if i < len(s.markers) else None
            cnt = s.counts[i] if i < len(s.counts) else None
            texts.append(fmt_number_short(v, marker, lang))
            n_text = fmt_value(cnt, "st", lang) if cnt is not None and not _isnan(cnt) else ".."
            hovers.append(f"{s.name}: {fmt_value(v, unit, lang, marker)} ({n_text} {pupils_word})")
        traces.append({"type": "bar", "name": s.name, "x": list(categories), "y": [v or 0 for v in vals],
                       "marker": {"color": s.colour}, "legendgroup": s.name, "text": texts,
                       "textposition": "outside", "cliponaxis": False, "textfont": {"size": 11},
                       "hovertext": hovers, "hovertemplate": "%{hovertext}<extra></extra>"})
        if extra:
            ev = _clean([s.extra])[0]
            traces.append({"type": "bar", "name": s.name, "x": [extra[0]], "y": [ev or 0], "xaxis": "x2",
                           "yaxis": "y2", "marker": {"color": s.colour}, "legendgroup": s.name,
                           "showlegend": False, "text": [fmt_number_short(ev, s.extra_marker, lang)],
                           "textposition": "outside", "cliponaxis": False, "textfont": {"size": 11},
                           "hovertext": [f"{s.name}: {fmt_value(ev, extra[1], lang, s.extra_marker)}"],
                           "hovertemplate": "%{hovertext}<extra></extra>"})
    layout = base_layout(title, unit, lang, height=height)
    _title_layout(layout, title)
    layout.update({"hovermode": "closest", "barmode": "group", "bargap": 0.22, "bargroupgap": 0.05,
                   "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "font": {"size": 13}}})
    layout["margin"]["t"] += 30
    layout["xaxis"].update({"domain": [0, main_w], "tickfont": {"size": 12}, "tickangle": 0})
    if unit == "%":
        layout["yaxis"]["range"] = [0, 109]
    if extra:
        ev = [v for v in _clean([s.extra for s in series]) if v is not None]
        layout["xaxis2"] = {"domain": [main_w + 0.08, 1], "anchor": "y2", "type": "category", "showgrid": False,
                            "linecolor": "#8c8c8c", "tickfont": {"size": 12}}
        layout["yaxis2"] = {"anchor": "x2", "gridcolor": "#e6e6e6", "separatethousands": True,
                            "range": [0, max(ev) * 1.15 if ev else 340]}
    return {"data": traces, "layout": layout}


def fmt_number_short(value: float | None, marker: str | None, lang: str) -> str:
    """A bar label: the value with one decimal, or the marker ('..', '~100')."""
    if marker:
        return marker
    from .i18n import fmt_number
    return fmt_number(value, 1, lang) if value is not None else ""


# --------------------------------------------------------------------------- Frånvaro / Karta

#: Sequential blues (ColorBrewer "Blues" without its near-white end, so the lightest value is
#: still visibly coloured and a white cell can only mean "no figure"). One hue from light to
#: dark reads the same with every kind of colour blindness and in greyscale.
SEQUENTIAL_BLUES = [[0.0, "#deebf7"], [0.25, "#9ecae1"], [0.5, "#6baed6"], [0.75, "#2171b5"],
                    [1.0, "#08306b"]]
WITHHELD_FILL = "#ffffff"  # map areas / heatmap cells without a figure: white with a grey edge
GAP_FILL = "#f2f2f2"        # heatmap cells without a figure: light grey, with their marker as text

#: Folder with the local world topojson stub (Plotly's geo fetches one even with the base map off).
TOPOJSON_DIR = Path(__file__).resolve().parents[1] / "static" / "topojson"


def local_topojson_url() -> str:
    """`file://` URL of static/topojson/ (with the trailing slash Plotly appends file names to)."""
    return TOPOJSON_DIR.as_uri() + "/"


def use_local_topojson() -> None:
    """Make kaleido (static images, slides) read the topojson stub from disk, never from a CDN.

    Why: kaleido renders geo figures with Plotly.js, which fetches `world_110m.json` from a CDN
    unless told otherwise; with no internet the map then stays blank.
    """
    import plotly.io as pio

    pio.defaults.topojson = local_topojson_url()


def month_ticks(layout: dict, labels: Sequence[str], groups: Sequence[str]) -> None:
    """On a monthly category axis, put one tick per school year (at its first month), labelled with it.

    Why: 60+ month labels overlap; a tick per läsår reads at a glance and the hover still
    names the month.
    """
    vals, texts, seen = [], [], set()
    for label, group in zip(labels, groups, strict=True):
        if group not in seen:
            seen.add(group)
            vals.append(label)
            texts.append(group)
    layout["xaxis"].update({"tickmode": "array", "tickvals": vals, "ticktext": texts,
                            "categoryorder": "array", "categoryarray": list(dict.fromkeys(labels))})


def seasonal_figure(lines: Sequence[Line], categories: Sequence[str], title: str, unit: str, lang: str = "sv", *,
                    y_range: tuple[float, float] | None = None, height: int = 420) -> dict:
    """The same months (Aug..Jun) side by side for each school year: the last line stands out.

    Why: absence has a strong season, so "is this winter worse than usual?" is answered by
    laying this year over the earlier ones, not by a running line.
    """
    fig = trend_figure(lines, title, unit, lang, y_range=y_range, height=height)
    n = len(fig["data"])
    for i, trace in enumerate(fig["data"]):
        latest = i == n - 1
        trace["line"]["width"] = 3.5 if latest else 1.6
        trace["marker"]["size"] = 7 if latest else 4
    fig["layout"]["xaxis"].update({"categoryorder": "array", "categoryarray": list(categories)})
    fig["layout"]["hovermode"] = "x unified"
    _title_layout(fig["layout"], title)
    return fig


def heatmap_figure(z: Sequence[Sequence[float | None]], x: Sequence[str], y: Sequence[str],
                   text: Sequence[Sequence[str]], hover: Sequence[Sequence[str]], title: str, lang: str = "sv", *,
                   unit: str = "%", colorbar_title: str = "", show_text: bool = True,
                   zrange: tuple[float, float] | None = None) -> dict:
    """Rows (schools) × columns (months), coloured by value; cells without a figure stay white.

    Why grey gaps with text: a withheld figure must never look like a low value, so it gets no
    colour of the scale, and its marker ('..') is printed in the cell and shown in the hover.
    Height grows with the rows so names stay readable.
    """
    suffix = "\u00a0%" if unit == "%" else ""
    rows = len(y)
    trace = {
        "type": "heatmap", "z": [_clean(r) for r in z], "x": list(x), "y": list(y),
        "colorscale": SEQUENTIAL_BLUES, "xgap": 1, "ygap": 1, "hoverongaps": True,
        "customdata": [list(r) for r in hover], "hovertemplate": "%{customdata}<extra></extra>",
        "colorbar": {"title": {"text": colorbar_title, "side": "right"}, "ticksuffix": suffix,
                     "separatethousands": True, "thickness": 14, "len": min(1.0, max(0.3, 300 / max(rows * 24, 1)))},
    }
    if zrange:
        trace["zmin"], trace["zmax"] = zrange
    if show_text:
        trace["text"] = [list(r) for r in text]
        trace["texttemplate"] = "%{text}"
        trace["textfont"] = {"size": 11}
    gaps = [(xv, yv, tv, hv) for zr, yv, tr, hr in zip(z, y, text, hover, strict=True)
            for v, xv, tv, hv in zip(_clean(zr), x, tr, hr, strict=True) if v is None]
    data = [trace]
    if gaps:  # withheld / missing cells: their marker printed on the empty (light grey) cell
        data.append({"type": "scatter", "mode": "text", "x": [g[0] for g in gaps], "y": [g[1] for g in gaps],
                     "text": [g[2] for g in gaps], "textfont": {"size": 12, "color": "#1a1a1a"},
                     "hovertext": [g[3] for g in gaps], "hovertemplate": "%{hovertext}<extra></extra>",
                     "showlegend": False})
    row_h = 24 if rows <= 40 else 19
    layout = base_layout(title, unit, lang, height=max(320, 150 + row_h * rows))
    _title_layout(layout, title)
    layout.update({
        "hovermode": "closest", "plot_bgcolor": GAP_FILL,
        "margin": {**layout["margin"], "l": 10, "r": 10, "b": 30},
        "xaxis": {"type": "category", "side": "top", "showgrid": False, "ticks": "", "tickfont": {"size": 12},
                  "categoryorder": "array", "categoryarray": list(x), "tickangle": 0,
                  "tickvals": list(x), "ticktext": [str(v).replace(" ", "<br>", 1) for v in x]},
        "yaxis": {"type": "category", "autorange": "reversed", "automargin": True, "showgrid": False,
                  "ticks": "", "tickfont": {"size": 12}},
    })
    layout["margin"]["t"] += 40  # room for the two-line month labels above the grid
    return {"data": data, "layout": layout}


def change_bars_figure(labels: Sequence[str], values: Sequence[float | None], texts: Sequence[str],
                       hovers: Sequence[str], title: str, lang: str = "sv", *, x_title: str = "",
                       colour: str = PALETTE[1]) -> dict:
    """Horizontal bars of a change in percentage points, first label on top, from zero both ways.

    Why from zero: the bar's length is the change itself; a fall is drawn left of zero in grey.
    """
    vals = _clean(values)
    colours = [colour if (v or 0) > 0 else OTHER_BAR_COLOUR for v in vals]
    trace = {"type": "bar", "orientation": "h", "y": list(labels), "x": vals, "marker": {"color": colours},
             "text": list(texts), "textposition": "outside", "cliponaxis": False, "textfont": {"size": 13},
             "hovertext": list(hovers), "hovertemplate": "%{hovertext}<extra></extra>", "showlegend": False}
    shown = [v for v in vals if v is not None] or [0.0]
    lo, hi = min(0.0, min(shown)), max(0.0, max(shown))
    span = max(hi - lo, 0.5)
    layout = base_layout(title, "", lang, height=max(300, 34 * len(labels) + 170))
    _title_layout(layout, title)
    layout.update({
        "hovermode": "closest", "bargap": 0.3,
        "margin": {**layout["margin"], "l": 10, "r": 40},
        "xaxis": {"type": "linear", "range": [lo - (0.25 * span if lo < 0 else 0), hi + 0.3 * span],
                  "gridcolor": "#e6e6e6", "zeroline": True, "zerolinecolor": "#595959", "zerolinewidth": 2,
                  "separatethousands": True, "title": {"text": x_title}},
        "yaxis": {"type": "category", "autorange": "reversed", "automargin": True, "ticks": "",
                  "tickfont": {"size": 13}},
    })
    return {"data": [trace], "layout": layout}


def _areas(geojson: dict, ids: Sequence[str]) -> dict:
    """The FeatureCollection cut to the features with these ids (in the collection's own order)."""
    wanted = set(ids)
    return {**geojson, "features": [f for f in geojson["features"] if f.get("id") in wanted]}


def choropleth_figure(geojson: dict, locations: Sequence[str], z: Sequence[float | None], hovers: Sequence[str],
                      title: str, lang: str = "sv", *, unit: str = "%", colorbar_title: str = "",
                      selected: Sequence[str] = (), missing: Sequence[str] = (),
                      missing_hovers: Sequence[str] = (), zrange: tuple[float, float] | None = None,
                      height: int = 700) -> dict:
    """A map of areas in `geojson` (features with `id` = kommun_kod) coloured by `z`.

    Areas in `missing` (withheld or no figure) are drawn white with their marker in the hover,
    so a gap never looks like a low value. Selected kommuner get a thick dark outline. The
    world base map is switched off (`geo.visible: false`); Plotly still fetches a world
    topojson, which the app serves locally (ui.components.PLOTLY_CONFIG / use_local_topojson).
    Each trace carries only the areas it draws (`_areas`): with the whole map in both traces the
    boundaries were sent twice (Karta's figure 83 kB, now 48).
    """
    suffix = "\u00a0%" if unit == "%" else ""
    chosen = set(selected)
    locs = list(locations)
    traces: list[dict] = []
    if missing:
        traces.append({
            "type": "choropleth", "geojson": _areas(geojson, missing), "featureidkey": "id",
            "locations": list(missing),
            "z": [0] * len(missing), "customdata": list(missing),
            "colorscale": [[0, WITHHELD_FILL], [1, WITHHELD_FILL]], "showscale": False,
            "marker": {"line": {"color": ["#1a1a1a" if k in chosen else "#8c8c8c" for k in missing],
                                "width": [2.5 if k in chosen else 0.6 for k in missing]}},
            "hovertext": list(missing_hovers), "hovertemplate": "%{hovertext}<extra></extra>", "name": "..",
        })
    main = {
        "type": "choropleth", "geojson": _areas(geojson, locs), "featureidkey": "id", "locations": locs,
        "z": _clean(z),
        "customdata": locs, "colorscale": SEQUENTIAL_BLUES,
        "marker": {"line": {"color": ["#1a1a1a" if k in chosen else "#ffffff" for k in locs],
                            "width": [2.5 if k in chosen else 0.6 for k in locs]}},
        "hovertext": list(hovers), "hovertemplate": "%{hovertext}<extra></extra>", "name": title,
        "colorbar": {"title": {"text": colorbar_title, "side": "right"}, "ticksuffix": suffix,
                     "separatethousands": True, "thickness": 16, "len": 0.75},
    }
    if zrange:
        main["zmin"], main["zmax"] = zrange
    traces.append(main)
    layout = base_layout(title, unit, lang, height=height)
    _title_layout(layout, title)
    layout.update({
        "hovermode": "closest", "dragmode": False,
        "margin": {"l": 0, "r": 0, "t": layout["margin"]["t"], "b": 0},
        "geo": {"visible": False, "fitbounds": "locations", "projection": {"type": "mercator"},
                "bgcolor": "rgba(0,0,0,0)"},
    })
    layout.pop("xaxis", None)
    layout.pop("yaxis", None)
    return {"data": traces, "layout": layout}


# --------------------------------------------------------------------------- Presentation / slides

#: Smallest font (px) on a projector: read from the back of a room on a 1920×1080 screen.
PROJECTOR_MIN_FONT = 24
PROJECTOR_SCALE = 1.8  # fonts grow by this much (at least to PROJECTOR_MIN_FONT)
PROJECTOR_LINE_SCALE = 1.6  # line widths and marker sizes grow by this much


def projector_layout(fig: dict, *, min_font: int = PROJECTOR_MIN_FONT, scale: float = PROJECTOR_SCALE,
                     height: int | None = None, width: int | None = None, title: bool = True) -> dict:
    """A copy of `fig` for a projector or a slide: every text at least `min_font` px, thicker lines.

    Why a copy and not another builder: the projector must show exactly the chart the page
    shows (same data, colours, markers), only readable from the back of a room. With
    `title=False` the title is left out, for screens and slides that print it as a heading.
    A legend placed under the plot moves to its right, where bigger text cannot collide with
    the x-axis labels.
    """
    import copy
    import re

    out = copy.deepcopy(fig)
    layout = out.setdefault("layout", {})

    def big(size: Any, default: float = 14) -> int:
        try:
            base = float(size)
        except (TypeError, ValueError):
            base = default
        return max(min_font, round(base * scale))

    def grow_font(holder: dict, key: str = "font", default: float = 14) -> None:
        font = holder.setdefault(key, {})
        if isinstance(font, dict):
            font["size"] = big(font.get("size"), default)

    def thicker(value: Any) -> Any:
        return round(float(value) * PROJECTOR_LINE_SCALE, 1) if isinstance(value, int | float) else value

    grow_font(layout)
    margin = layout.setdefault("margin", {})
    for side in ("l", "r", "b"):
        if isinstance(margin.get(side), int | float):
            margin[side] = round(margin[side] * 1.3)
    if title:
        layout.setdefault("title", {})
        if isinstance(layout["title"], str):
            layout["title"] = {"text": layout["title"]}
        grow_font(layout["title"], default=18)
        layout["title"].setdefault("pad", {"l": 16})  # maps have no left margin: keep the title off the edge
        margin["t"] = round(margin.get("t", 60) * 1.6)
    else:
        lines = str((layout.get("title") or {}).get("text", "") if isinstance(layout.get("title"), dict)
                    else layout.get("title", "")).count("<br>") + 1
        layout["title"] = {"text": ""}
        top_legend = isinstance(layout.get("legend"), dict) and float(layout["legend"].get("y", 0) or 0) >= 1
        margin["t"] = max(24, round(margin.get("t", 60) - 40 - 24 * (lines - 1))) + (30 if top_legend else 0)
    legend = layout.setdefault("legend", {})
    grow_font(legend, default=13)
    if legend.get("orientation") == "h" and float(legend.get("y", 1) or 0) < 0:
        legend.update({"orientation": "v", "x": 1.01, "xanchor": "left", "y": 1, "yanchor": "top"})
        margin["b"] = min(margin.get("b", 40), 60)  # the room kept for the legend below is not needed
    layout.setdefault("hoverlabel", {})
    grow_font(layout["hoverlabel"], default=13)
    for key, axis in list(layout.items()):
        if re.fullmatch(r"[xy]axis\d*", key) and isinstance(axis, dict):
            grow_font(axis, "tickfont")
            axis["automargin"] = True
            if isinstance(axis.get("title"), dict):
                grow_font(axis["title"])
            elif isinstance(axis.get("title"), str):
                axis["title"] = {"text": axis["title"], "font": {"size": big(None)}}
            for width_key in ("linewidth", "zerolinewidth"):
                if isinstance(axis.get(width_key), int | float):
                    axis[width_key] = thicker(axis[width_key])
        if re.fullmatch(r"coloraxis\d*", key) and isinstance(axis, dict) and isinstance(axis.get("colorbar"), dict):
            _grow_colorbar(axis["colorbar"], big)
    for note in layout.get("annotations") or []:
        if isinstance(note, dict):
            grow_font(note, default=14)
    for trace in out.get("data") or []:
        if "textfont" in trace or trace.get("text") is not None or trace.get("texttemplate"):
            grow_font(trace, "textfont", default=13)
        line = trace.get("line")
        if isinstance(line, dict) and "width" in line:
            line["width"] = thicker(line["width"])
        marker = trace.get("marker")
        if isinstance(marker, dict):
            if "size" in marker:
                marker["size"] = thicker(marker["size"])
            if isinstance(marker.get("line"), dict) and "width" in marker["line"]:
                mline = marker["line"]
                mline["width"] = [thicker(w) for w in mline["width"]] if isinstance(mline["width"], list) \
                    else thicker(mline["width"])
        if isinstance(trace.get("colorbar"), dict):
            _grow_colorbar(trace["colorbar"], big)
    if height is not None:
        layout["height"] = height
    if width is not None:
        layout["width"] = width
    return out


def _grow_colorbar(colorbar: dict, big: Any) -> None:
    colorbar.setdefault("tickfont", {})["size"] = big(colorbar.get("tickfont", {}).get("size"))
    title = colorbar.get("title")
    if isinstance(title, dict):
        title.setdefault("font", {})["size"] = big(title.get("font", {}).get("size"))
        if isinstance(title.get("text"), str):  # Plotly places a turned title by its first line only
            title["text"] = title["text"].replace("<br>", " ")
    if isinstance(colorbar.get("thickness"), int | float):
        colorbar["thickness"] = round(colorbar["thickness"] * PROJECTOR_LINE_SCALE)


# --------------------------------------------------------------------------- Delprojekt (sub-projects)

#: Evidence level -> colour and marker: darker and filled for stronger evidence, so the label
#: never rests on colour alone (the text beside each row names it too).
EVIDENCE_STYLE: dict[str, tuple[str, str]] = {
    "stark": ("#08306b", "diamond"),
    "mattlig": ("#2171b5", "circle"),
    "svag": ("#6e6e6e", "circle-open"),
    "for_lite": ("#bdbdbd", "x-thin-open"),
}
PROJECT_COLOUR = PALETTE[0]       # the project schools' line
COMPARISON_COLOUR = FORBUND_COLOUR  # the comparison schools' line (dashed grey)
STATUS_COLOURS = {"planerat": "#E69F00", "pagar": "#009E73", "avslutat": "#595959"}


@dataclass
class ForestRow:
    """One row of a forest plot: an estimate with its interval, or only a text when there is none."""

    label: str  # left, as the y tick label (may hold '<br>' for a second line)
    estimate: float | None
    low: float | None
    high: float | None
    level: str = "for_lite"  # evidence level code (EVIDENCE_STYLE)
    text: str = ""  # right of the plot: the figures and the evidence label
    hover: str = ""
    points: list[float] = field(default_factory=list)  # the single estimates behind a pooled one
    points_hover: list[str] = field(default_factory=list)


def forest_figure(rows: Sequence[ForestRow], title: str, lang: str = "sv", *, x_title: str = "",
                  level_names: dict[str, str] | None = None, points_name: str = "",
                  row_height: int = 58) -> dict:
    """Horizontal points with 95 % interval whiskers, first row on top, a zero line.

    Why this shape (EEF / Cochrane style): the estimate and its uncertainty are read together,
    and the zero line shows at once whether "no effect" lies inside the interval. Rows keep the
    order given (never sorted by size: the page must not rank projects on raw figures). Rows
    without an estimate keep their place with their text, so a missing estimate is visible.
    """
    labels = [r.label for r in rows]
    names = level_names or {}
    traces: list[dict] = [{  # holds every category, so rows without an estimate keep their place
        "type": "scatter", "mode": "markers", "x": [0] * len(rows), "y": labels, "marker": {"opacity": 0},
        "hoverinfo": "skip", "showlegend": False,
    }]
    dots = [(p, r.label, (r.points_hover[i] if i < len(r.points_hover) else ""))
            for r in rows for i, p in enumerate(_clean(r.points)) if p is not None]
    if dots:
        traces.append({
            "type": "scatter", "mode": "markers", "name": points_name, "x": [d[0] for d in dots],
            "y": [d[1] for d in dots], "hovertext": [d[2] for d in dots],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "marker": {"symbol": "circle-open", "size": 8, "color": "#8c8c8c", "line": {"width": 1.2}},
        })
    for level, (colour, symbol) in EVIDENCE_STYLE.items():
        picked = [r for r in rows if r.level == level and _clean([r.estimate])[0] is not None]
        if not picked:
            continue
        est = [float(r.estimate) for r in picked]  # type: ignore[arg-type]
        lows = [v if v is not None else e for v, e in zip(_clean([r.low for r in picked]), est, strict=True)]
        highs = [v if v is not None else e for v, e in zip(_clean([r.high for r in picked]), est, strict=True)]
        lo = [e - v for e, v in zip(est, lows, strict=True)]
        hi = [v - e for e, v in zip(est, highs, strict=True)]
        traces.append({
            "type": "scatter", "mode": "markers", "name": names.get(level, level), "x": est,
            "y": [r.label for r in picked], "hovertext": [r.hover for r in picked],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "marker": {"symbol": symbol, "size": 14, "color": colour, "line": {"width": 2, "color": colour}},
            "error_x": {"type": "data", "symmetric": False, "array": hi, "arrayminus": lo, "color": colour,
                        "thickness": 2.5, "width": 7},
        })
    values = [v for r in rows for v in _clean([r.low, r.high, r.estimate, *r.points]) if v is not None] + [0.0]
    lo_x, hi_x = min(values), max(values)
    pad = max((hi_x - lo_x) * 0.08, 0.05)
    annotations = [{"x": 1, "xref": "paper", "y": r.label, "yref": "y", "text": r.text, "showarrow": False,
                    "xanchor": "left", "xshift": 10, "align": "left", "font": {"size": 13}} for r in rows if r.text]
    width = max((max((len(part) for part in r.text.split("<br>")), default=0) for r in rows), default=10)
    layout = base_layout(title, "", lang, height=max(260, row_height * len(rows) + 190))
    _title_layout(layout, title)
    layout.update({
        "hovermode": "closest", "annotations": annotations,
        "margin": {**layout["margin"], "l": 10, "r": 24 + int(7.2 * width), "b": 100},
        # under the axis title, anchored to the figure's bottom: a legend that wraps onto two lines on a
        # narrow screen grows downwards instead of into the title
        "legend": {"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0,
                   "font": {"size": 13}},
        "xaxis": {"type": "linear", "range": [lo_x - pad, hi_x + pad], "gridcolor": "#e6e6e6",
                  "zeroline": True, "zerolinecolor": "#1a1a1a", "zerolinewidth": 2, "separatethousands": True,
                  "title": {"text": x_title, "font": {"size": 13}}, "automargin": True},
        "yaxis": {"type": "category", "autorange": "reversed", "automargin": True, "ticks": "",
                  "tickfont": {"size": 13}, "categoryorder": "array", "categoryarray": labels, "showgrid": True,
                  "gridcolor": "#f2f2f2"},
    })
    return {"data": traces, "layout": layout}


@dataclass
class TimelineRow:
    """One bar of a timeline: a sub-project from its start to its end."""

    label: str
    start: Any  # date
    end: Any  # date
    group: str  # status code: planerat / pagar / avslutat
    hover: str = ""


def timeline_figure(rows: Sequence[TimelineRow], title: str, lang: str = "sv", *,
                    group_names: dict[str, str] | None = None, today: Any = None, today_label: str = "",
                    ticks: tuple[list[str], list[str]] | None = None) -> dict:
    """Horizontal bars from start to end on a date axis, one per row (first on top), a 'today' line.

    Bars are coloured by status with a legend naming it (and the hover says it too). `ticks`
    are (ISO dates, labels): Plotly's own date labels would be English month names.
    """
    import datetime as _dt

    names = group_names or {}
    labels = [r.label for r in rows]
    traces: list[dict] = []
    for group, colour in STATUS_COLOURS.items():
        picked = [r for r in rows if r.group == group]
        if not picked:
            continue
        ms = [(_dt.datetime.combine(r.end, _dt.time()) - _dt.datetime.combine(r.start, _dt.time())).days
              * 86_400_000 for r in picked]
        traces.append({
            "type": "bar", "orientation": "h", "name": names.get(group, group), "y": [r.label for r in picked],
            "x": ms, "base": [r.start.isoformat() for r in picked], "marker": {"color": colour},
            "hovertext": [r.hover for r in picked], "hovertemplate": "%{hovertext}<extra></extra>",
        })
    layout = base_layout(title, "", lang, height=max(300, 26 * len(rows) + 170))
    _title_layout(layout, title)
    shapes, notes = [], []
    if today is not None:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": today.isoformat(),
                       "x1": today.isoformat(), "y0": 0, "y1": 1, "line": {"color": "#1a1a1a", "dash": "dot",
                                                                         "width": 2}})
        notes.append({"x": today.isoformat(), "xref": "x", "y": 1, "yref": "paper", "text": today_label,
                      "showarrow": False, "xanchor": "left", "yanchor": "bottom", "xshift": 4, "font": {"size": 12}})
    layout.update({
        "hovermode": "closest", "barmode": "overlay", "bargap": 0.3, "shapes": shapes, "annotations": notes,
        "margin": {**layout["margin"], "l": 10, "b": 80},
        "legend": {"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0,
                   "font": {"size": 13}},
        "xaxis": {"type": "date", "gridcolor": "#e6e6e6", "linecolor": "#8c8c8c", "ticks": "outside",
                  **({"tickmode": "array", "tickvals": ticks[0], "ticktext": ticks[1]} if ticks else {})},
        "yaxis": {"type": "category", "autorange": "reversed", "automargin": True, "ticks": "",
                  "tickfont": {"size": 12}, "categoryorder": "array", "categoryarray": labels},
    })
    return {"data": traces, "layout": layout}


def before_after_figure(lines: Sequence[Line], title: str, unit: str, lang: str = "sv", *, start: Any,
                        start_label: str, hover_texts: Sequence[Sequence[str]] = (),
                        ticks: tuple[list[str], list[str]] | None = None,
                        y_range: tuple[float, float] | None = None, height: int = 430,
                        band: tuple[str, str, str] | None = None) -> dict:
    """Two lines on a date axis (project schools, comparison schools) with a vertical line at the start.

    `x` of each Line holds ISO dates; a None in `y` breaks the line (between the periods
    before and after). `hover_texts` (one list per line) give the full hover text per point,
    e.g. '2023-01: 8,3 % (593 elever)', so the hover never shows Plotly's English dates.
    `band` = (from, to, label) shades a period left out of the comparison (the starting läsår).
    """
    traces = []
    for i, line in enumerate(lines):
        style = {"entity": {"width": 3}, "forbund": {"width": 2.5, "dash": "dash"},
                 "region": {"width": 2, "dash": "dot"}}[line.kind]
        colour = line.colour or {"forbund": FORBUND_COLOUR, "region": REGION_COLOUR}.get(line.kind, PALETTE[0])
        texts = list(hover_texts[i]) if i < len(hover_texts) else ["" for _ in line.x]
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": line.name, "x": [str(x) for x in line.x],
            "y": _clean(line.y), "line": {"color": colour, **style},
            "marker": {"size": 6 if line.kind == "entity" else 5, "color": colour},
            "text": texts, "hovertemplate": "%{fullData.name}<br>%{text}<extra></extra>", "connectgaps": False,
        })
    layout = base_layout(title, unit, lang, height=height)
    _title_layout(layout, title)
    layout.update({
        "hovermode": "closest",
        "shapes": [{"type": "line", "xref": "x", "yref": "paper", "x0": start.isoformat(), "x1": start.isoformat(),
                    "y0": 0, "y1": 1, "line": {"color": "#1a1a1a", "width": 2}}],
        "annotations": [{"x": start.isoformat(), "xref": "x", "y": 1, "yref": "paper", "text": start_label,
                         "showarrow": False, "xanchor": "left", "yanchor": "bottom", "xshift": 4,
                         "font": {"size": 13}}],
    })
    if band:
        layout["shapes"].insert(0, {"type": "rect", "xref": "x", "yref": "paper", "x0": band[0], "x1": band[1],
                                    "y0": 0, "y1": 1, "fillcolor": GAP_FILL, "line": {"width": 0},
                                    "layer": "below"})
        traces.append({"type": "scatter", "mode": "markers", "x": [None], "y": [None], "name": band[2],
                       "marker": {"symbol": "square", "size": 14, "color": GAP_FILL,
                                  "line": {"color": "#bdbdbd", "width": 1}}, "hoverinfo": "skip"})
    layout["margin"]["t"] += 20
    layout["xaxis"] = {"type": "date", "showgrid": False, "linecolor": "#8c8c8c", "ticks": "outside",
                       **({"tickmode": "array", "tickvals": ticks[0], "ticktext": ticks[1]} if ticks else {})}
    if y_range:
        layout["yaxis"]["range"] = list(y_range)
    return {"data": traces, "layout": layout}
