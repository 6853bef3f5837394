# The Översikt page's content: KPI tiles for the selection and one eligibility trend with the
# kommunalförbund and the whole region as reference lines.
"""Overview: where the selection stands and whether it improves, at one glance."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .. import charts, queries
from ..db import Database
from ..exports import display_table
from ..i18n import fmt_change, fmt_value, kalla_label, measure_label, t
from . import Visual, partial_note, selection_name, year_span

MAX_LINES = 8


@dataclass
class Tile:
    label: str
    value: str
    delta: str | None
    help: str
    delta_color: str = "normal"  # 'inverse' where lower is better (absence)


def _latest_pair(df: pd.DataFrame, period: str, measure: str) -> tuple[pd.Series | None, pd.Series | None]:
    rows = df.sort_values(period)
    if rows.empty:
        return None, None
    last = rows.iloc[-1]
    prev = rows.iloc[-2] if len(rows) > 1 else None
    return last, prev


def _num(v: object) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _pupils(row: pd.Series, lang: str) -> str:
    """The pupil count a tile is based on, '..' when it is withheld (not '.', which means missing)."""
    mk = row.get("antal_elever_marker")
    return fmt_value(row["antal_elever"], "st", lang, mk if isinstance(mk, str) else None)


def selection_tiles(db: Database, sel: queries.Selection, lang: str) -> list[Tile]:
    """The page's tiles for a selection (one call, so the UI can cache tiles and query together)."""
    return tiles(queries.overview(db, sel), lang)


def tiles(ov: dict, lang: str) -> list[Tile]:
    """Latest eligibility and absence with change since the year before; sub-projects and reach."""
    out = []
    last, prev = _latest_pair(ov["eligibility"], "lasar", "behorig_yrk")
    if last is not None:
        v, p = _num(last["behorig_yrk"]), _num(prev["behorig_yrk"]) if prev is not None else None
        marker = last.get("behorig_yrk_marker")
        out.append(Tile(
            f"{measure_label('behorig_yrk', lang)} {last['lasar']}",
            fmt_value(v, "%", lang, marker if isinstance(marker, str) else None),
            fmt_change(v - p, "%", lang) + (f" sedan {prev['lasar']}" if lang == "sv" else f" since {prev['lasar']}")
            if v is not None and p is not None else None,
            t("tile_elig_help", lang, n=_pupils(last, lang))
            + partial_note(last, len(ov["kommuner"]), lang),
        ))
    else:
        out.append(Tile(measure_label("behorig_yrk", lang), "–", None, t("no_data", lang)))
    last, prev = _latest_pair(ov["absence"], "lasar", "franvaro_pct")
    if last is not None:
        v, p = _num(last["franvaro_pct"]), _num(prev["franvaro_pct"]) if prev is not None else None
        marker = last.get("franvaro_pct_marker")
        out.append(Tile(
            f"{measure_label('franvaro_pct', lang)} {last['lasar']}",
            fmt_value(v, "%", lang, marker if isinstance(marker, str) else None),
            fmt_change(v - p, "%", lang) + (f" sedan {prev['lasar']}" if lang == "sv" else f" since {prev['lasar']}")
            if v is not None and p is not None else None,
            t("tile_abs_help", lang, n=_pupils(last, lang)) + partial_note(last, len(ov["kommuner"]), lang),
            delta_color="inverse",
        ))
    else:
        out.append(Tile(measure_label("franvaro_pct", lang), "–", None, t("no_data", lang)))
    sp = ov["subprojects"]
    running = int((sp["status"] == "pagar").sum()) if len(sp) else 0
    out.append(Tile(t("tile_subprojects", lang), fmt_value(ov["n_subprojects"], "st", lang),
                    t("tile_running", lang, n=running) if len(sp) else None, t("tile_subprojects_help", lang),
                    delta_color="off"))
    out.append(Tile(t("tile_reached", lang), fmt_value(ov["pupils_reached"], "st", lang), None,
                    t("tile_reached_help", lang)))
    return out


def trend(db: Database, sel: queries.Selection, lang: str, measure: str = "behorig_yrk") -> Visual:
    """The measure over the years for the selection, with förbund and region reference lines."""
    years = queries._years_between(queries.eligibility_years(db), sel.lasar_from, sel.lasar_to)
    names = queries.kommun_names(db)
    forbund = queries.forbund_table(db)
    fnames = dict(zip(forbund["forbund_id"], forbund["kortnamn"], strict=True))
    kommuner = list(sel.kommuner)[:MAX_LINES]
    frames = []
    if kommuner:
        frames.append(queries.eligibility(db, "kommun", kommuner, years, sel.grupp))
        parents = sorted(set(frames[0]["forbund_id"].dropna()))
        if parents:
            frames.append(queries.eligibility(db, "forbund", parents, years, sel.grupp))
    else:
        frames.append(queries.eligibility(db, "forbund", list(sel.forbund) or None, years, sel.grupp))
    frames.append(queries.eligibility(db, "region", None, years, sel.grupp))
    data = pd.concat([f for f in frames if not f.empty], ignore_index=True) if any(
        not f.empty for f in frames) else frames[0]
    lines = []
    for (niva, ident), g in data.groupby(["niva", "id"], sort=False):
        kind = {"kommun": "entity", "forbund": "forbund", "region": "region"}[niva]
        if not kommuner and niva == "forbund":
            kind = "entity"  # förbund are the subject when no kommun is picked
        colour = charts.colour_for(ident, kommuner) if niva == "kommun" else (
            charts.PALETTE[list(fnames).index(ident) % len(charts.PALETTE)] if kind == "entity" else None)
        label = g["namn"].iloc[0] if niva != "region" else t("region_vg", lang)
        if niva == "forbund" and kommuner:
            label = f"{label} ({t('forbund_short', lang)})"
        lines.append(charts.Line(label, list(g["lasar"]), list(g[measure]), kind, colour,
                                 list(g["antal_elever"]), list(g[f"{measure}_marker"])))
    subject = selection_name(names, kommuner, sel.forbund, fnames, lang)
    title = f"{measure_label(measure, lang)}, {subject} {year_span(years)}"
    if sel.grupp != "alla":
        title += f" ({t('grupp_' + sel.grupp, lang).lower()})"
    figure = charts.trend_figure(lines, title, "%", lang, y_range=charts.nice_range(data[measure], "%")) \
        if len(data) else None
    table = display_table(
        data.assign(niva_namn=data["namn"].where(data["niva"] != "region", t("region_vg", lang)),
                    kalla_text=data["kalla"].map(lambda k: kalla_label(k, lang))),
        {"niva_namn": (t("col_area", lang), None), "lasar": (t("col_lasar", lang), None),
         measure: (measure_label(measure, lang) + " (%)", 1),
         "antal_elever": (t("col_pupils", lang), 0), "kalla_text": (t("col_kalla", lang), None)},
        lang,
    )
    return Visual("oversikt_trend", title, figure, table, _trend_summary(data, measure, subject, lang), data=data)


def _trend_summary(data: pd.DataFrame, measure: str, subject: str, lang: str) -> str:
    """One sentence: the subject's latest level and change, or the spread across kommuner, and the region."""
    if data.empty:
        return t("no_data", lang)
    sv = lang == "sv"
    label = measure_label(measure, lang).lower()
    if sv and label.startswith("andel "):
        label = "andelen " + label.removeprefix("andel ")
    parts = []
    level = "kommun" if (data["niva"] == "kommun").any() else "forbund"
    kommun = data[data["niva"] == level]
    if kommun["id"].nunique() == 1:
        rows = kommun.sort_values("lasar")
        last = rows.iloc[-1]
        v = _num(last[measure])
        marker = last.get(f"{measure}_marker")
        text = fmt_value(v, "%", lang, marker if isinstance(marker, str) else None)
        change = ""
        if len(rows) > 1 and v is not None and _num(rows.iloc[-2][measure]) is not None:
            d = fmt_change(v - _num(rows.iloc[-2][measure]), "%", lang)
            change = f", {d} jämfört med {rows.iloc[-2]['lasar']}" if sv else f", {d} compared with {rows.iloc[-2]['lasar']}"
        parts.append(f"I {subject} var {label} {text} läsåret {last['lasar']}{change}" if sv
                     else f"In {subject} the {label} was {text} in {last['lasar']}{change}")
    elif kommun["id"].nunique() > 1:
        latest = kommun[kommun["lasar"] == kommun["lasar"].max()].dropna(subset=[measure])
        if not latest.empty:
            hi, lo = latest.loc[latest[measure].idxmax()], latest.loc[latest[measure].idxmin()]
            year = latest["lasar"].iloc[0]
            parts.append(
                f"Läsåret {year} var {label} högst i {hi['namn']} ({fmt_value(hi[measure], '%', lang)}) och lägst i "
                f"{lo['namn']} ({fmt_value(lo[measure], '%', lang)}) av de valda områdena" if sv else
                f"In {year} the {label} was highest in {hi['namn']} ({fmt_value(hi[measure], '%', lang)}) and lowest "
                f"in {lo['namn']} ({fmt_value(lo[measure], '%', lang)}) of the selected areas")
    region = data[data["niva"] == "region"].sort_values("lasar")
    if not region.empty:
        rv, first = _num(region.iloc[-1][measure]), _num(region.iloc[0][measure])
        year = region.iloc[-1]["lasar"]
        if parts:
            parts.append(f"hela regionen låg på {fmt_value(rv, '%', lang)}" if sv
                         else f"the whole region stood at {fmt_value(rv, '%', lang)}")
        else:
            since = ""
            if first is not None and rv is not None and len(region) > 1:
                d = fmt_change(rv - first, "%", lang)
                since = f" ({d} sedan {region.iloc[0]['lasar']})" if sv else f" ({d} since {region.iloc[0]['lasar']})"
            parts.append(f"I hela Plug Innan-regionen var {label} {fmt_value(rv, '%', lang)} läsåret {year}{since}"
                         if sv else f"In the whole Plug Innan region the {label} was {fmt_value(rv, '%', lang)} "
                         f"in {year}{since}")
    sentence = "; ".join(parts) + "."
    return sentence[0].upper() + sentence[1:]
