# The Behörighet page's content: tiles, the trend against förbund and region, kommuner ranked
# for the latest year, the flickor/pojkar gap, the programme kinds with meritvärde, and the
# schools of the picked kommuner with one school's history. No Streamlit here.
"""Eligibility: where do we stand, is it improving, how do we compare, where is it worst?

Why one `Context`: every visual on the page reads the same few protected frames (every kommun,
every förbund, the region, all years and groups), so they are queried once per rerun and
filtered in pandas. Kommun figures are always queried for all kommuner, never for the picked
ones only, because secondary suppression treats the kommuner of a förbund as one partition:
a subset would be protected differently from what other views show.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from .. import charts, queries
from ..db import Database
from ..exports import display_table
from ..i18n import fmt_change, fmt_number, fmt_value, kalla_label, measure_label, measure_unit, t
from . import Visual, partial_note, selection_name, year_span
from .overview import Tile

MEASURES: tuple[str, ...] = queries.ELIGIBILITY_MEASURES
DEFAULT_MEASURE = "behorig_yrk"
SHARES = tuple(m for m in MEASURES if m != "meritvarde")
MAX_LINES = 8  # lines in one trend chart before it becomes unreadable
REGION_BAR = "#7f7f7f"  # the whole region as a bar: a neutral reference, not a kommun colour
LEVEL_KIND = {"kommun": "entity", "forbund": "forbund", "region": "region"}


@dataclass
class Context:
    """The protected frames and names every visual on the page is built from."""

    db: Database
    sel: queries.Selection
    lang: str
    all_years: list[str]  # every läsår with eligibility data
    years: list[str]  # those in the selected range
    names: dict[str, str]
    fnames: dict[str, str]
    kommun: pd.DataFrame  # every kommun, läsår and group
    forbund: pd.DataFrame
    region: pd.DataFrame
    picked: list[str]  # kommuner picked in the sidebar (at most MAX_LINES)
    scope: list[str]  # kommuner ranked: the picked förbund's, else all in Plug Innan, plus the picked

    def group(self, df: pd.DataFrame) -> pd.DataFrame:
        """Rows of the gender group picked in the sidebar (frames hold all groups, protected together)."""
        return df[df["grupp"] == self.sel.grupp]

    @property
    def subject(self) -> str:
        return selection_name(self.names, self.picked, self.sel.forbund, self.fnames, self.lang)


def is_measure(value: object) -> bool:
    return isinstance(value, str) and value in MEASURES


@dataclass
class Base:
    """The selection-independent frames: cheap to cache per database file (pages key it by db.token)."""

    all_years: list[str]
    kommun_table: pd.DataFrame
    forbund_table: pd.DataFrame
    kommun: pd.DataFrame
    forbund: pd.DataFrame
    region: pd.DataFrame


def base_frames(db: Database) -> Base:
    """Every kommun, förbund and the region, all years and groups, protected."""
    return Base(
        all_years=queries.eligibility_years(db),
        kommun_table=queries.kommun_table(db),
        forbund_table=queries.forbund_table(db),
        kommun=queries.eligibility(db, "kommun"),  # all: secondary suppression needs every part of a förbund
        forbund=queries.eligibility(db, "forbund"),
        region=queries.eligibility(db, "region"),
    )


def load(db: Database, sel: queries.Selection, lang: str, base: Base | None = None) -> Context:
    base = base or base_frames(db)
    table, ft = base.kommun_table, base.forbund_table
    members = table[table["forbund_id"].isin(sel.forbund)] if sel.forbund else table[table["forbund_id"].notna()]
    return Context(
        db=db, sel=sel, lang=lang, all_years=base.all_years,
        years=queries._years_between(base.all_years, sel.lasar_from, sel.lasar_to),
        names=dict(zip(table["kommun_kod"], table["namn"], strict=True)),
        fnames=dict(zip(ft["forbund_id"], ft["kortnamn"], strict=True)),
        kommun=base.kommun, forbund=base.forbund, region=base.region,
        picked=list(sel.kommuner)[:MAX_LINES],
        scope=list(dict.fromkeys([*members["kommun_kod"], *sel.kommuner])),
    )


# --------------------------------------------------------------------------- small helpers

def num(v: object) -> float | None:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def marker(row: pd.Series | dict, measure: str) -> str | None:
    m = row.get(f"{measure}_marker")
    return m if isinstance(m, str) and m else None


def pair_marker(a: object, b: object, value: object) -> str | None:
    """The marker of a difference of two figures: none when it exists, '..' when either part
    was withheld, '.' otherwise (e.g. '~100' or a missing year: the difference is unknown)."""
    if num(value) is not None:
        return None
    return ".." if ".." in (a, b) else "."


def rank_order(df: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Highest first; '~100' (almost all, value unknown) above them, withheld and missing last.

    '~100' rows get no rank: 1–4 pupils lacking can be below a shown 97 % in a small group.
    """
    key = [0 if m == "~100" else (1 if pd.notna(v) else 2)
           for m, v in zip(df[f"{measure}_marker"], df[measure], strict=True)]
    return (df.assign(_k=key).sort_values(["_k", measure, "namn"], ascending=[True, False, True])
            .drop(columns="_k").reset_index(drop=True))


def short_change(d: float | None, lang: str) -> str:
    """'+1,2' / '−0,4' / '±0,0': the change without its unit, for bar labels and tables."""
    if d is None:
        return ""
    sign = "+" if d > 0.05 else ("\u2212" if d < -0.05 else "±")
    return sign + fmt_number(abs(d), 1, lang)


def subject_label(measure: str, lang: str) -> str:
    """The measure as the subject of a sentence: 'andelen behöriga till yrkesprogram'."""
    label = measure_label(measure, lang)
    if lang == "sv":
        if measure == "meritvarde":
            return "det genomsnittliga meritvärdet"
        return "andelen " + label.removeprefix("Andel ")
    return "the " + label[0].lower() + label[1:]


def cap(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


def grupp_suffix(sel: queries.Selection, lang: str) -> str:
    return f" ({t('grupp_' + sel.grupp, lang).lower()})" if sel.grupp != "alla" else ""


def latest_year(ctx: Context, measure: str) -> str | None:
    """The latest läsår in the range where any kommun in scope has the measure (or a marker)."""
    rows = ctx.group(ctx.kommun)
    rows = rows[rows["lasar"].isin(ctx.years) & rows["id"].isin(ctx.scope)]
    has = rows[rows[measure].notna() | rows[f"{measure}_marker"].notna()]
    if not has.empty:
        return str(has["lasar"].max())
    return ctx.years[-1] if ctx.years else None


def previous_year(ctx: Context, year: str | None) -> str | None:
    if year is None or year not in ctx.all_years:
        return None
    i = ctx.all_years.index(year)
    return ctx.all_years[i - 1] if i > 0 else None


def kalla_sentence(rows: pd.DataFrame, names: dict[str, str], lang: str) -> str:
    """Whether the kommun figures shown are published or computed from the schools."""
    if "kalla" not in rows or rows.empty:
        return ""
    if "niva" in rows and not (rows["niva"] == "kommun").any():
        agg = rows[rows["niva"].isin(["forbund", "region"])]
        if agg.empty:
            return ""
        return t("be_kalla_agg_published" if (agg["kalla"] == "publicerad").all() else "be_kalla_agg_computed", lang)
    rows = rows[rows["niva"] == "kommun"] if "niva" in rows else rows
    computed = sorted({names.get(k, k) for k in rows.loc[rows["kalla"] == "beraknad", "id"]})
    if not computed:
        return t("be_kalla_all_published", lang)
    if len(computed) == rows["id"].nunique():
        return t("be_kalla_all_computed", lang)
    listed = ", ".join(computed[:5]) + (" …" if len(computed) > 5 else "")
    return t("be_kalla_mixed", lang, names=listed)


def with_kalla(summary: str, rows: pd.DataFrame, names: dict[str, str], lang: str) -> str:
    extra = kalla_sentence(rows, names, lang)
    return f"{summary} {extra}" if extra else summary


def _kalla_text(df: pd.DataFrame, lang: str) -> pd.Series:
    return df["kalla"].map(lambda k: kalla_label(k, lang))


def _area_names(df: pd.DataFrame, lang: str) -> pd.Series:
    return df["namn"].where(df["niva"] != "region", t("region_vg", lang))


def measure_col(measure: str, lang: str) -> str:
    unit = measure_unit(measure)
    return measure_label(measure, lang) + (" (%)" if unit == "%" else "")


# --------------------------------------------------------------------------- tiles

def selection_series(ctx: Context) -> pd.DataFrame:
    """The selection as one protected series over all years and groups (for the tiles)."""
    if len(ctx.sel.kommuner) == 1:
        return ctx.kommun[ctx.kommun["id"] == ctx.sel.kommuner[0]]
    if ctx.sel.kommuner:
        return queries.selection_eligibility(ctx.db, list(ctx.sel.kommuner), ctx.all_years)
    if len(ctx.sel.forbund) == 1:
        return ctx.forbund[ctx.forbund["id"] == ctx.sel.forbund[0]]
    return ctx.region


def tiles(ctx: Context, measure: str) -> list[Tile]:
    """The measure and meritvärde for the latest year with change, the gender split, the pupils."""
    lang = ctx.lang
    series = selection_series(ctx)
    year = latest_year(ctx, measure)
    prev = previous_year(ctx, year)
    out: list[Tile] = []
    cur = ctx.group(series)
    second = "meritvarde" if measure != "meritvarde" else "behorig_yrk"
    for m in (measure, second):
        unit = measure_unit(m)
        last = cur[cur["lasar"] == year]
        before = cur[cur["lasar"] == prev]
        if last.empty:
            out.append(Tile(measure_label(m, lang), "–", None, t("no_data", lang)))
            continue
        v, mk = num(last[m].iloc[0]), marker(last.iloc[0], m)
        p = num(before[m].iloc[0]) if not before.empty else None
        delta = None
        if v is not None and p is not None:
            delta = fmt_change(v - p, unit, lang) + t("be_since_year", lang, year=prev)
        out.append(Tile(f"{measure_label(m, lang)} {year}", fmt_value(v, unit, lang, mk), delta,
                        t("be_tile_based_on", lang, subject=ctx.subject,
                          n=fmt_value(last["antal_elever"].iloc[0], "st", lang))
                        + partial_note(last.iloc[0], len(ctx.sel.kommuner), lang)))
    unit = measure_unit(measure)
    f = series[(series["lasar"] == year) & (series["grupp"] == "flickor")]
    b = series[(series["lasar"] == year) & (series["grupp"] == "pojkar")]
    if not f.empty and not b.empty:
        fv, bv = num(f[measure].iloc[0]), num(b[measure].iloc[0])
        value = (f"{fmt_value(fv, unit, lang, marker(f.iloc[0], measure))} / "
                 f"{fmt_value(bv, unit, lang, marker(b.iloc[0], measure))}")
        gap = fmt_change(fv - bv, unit, lang) if fv is not None and bv is not None else ".."
        out.append(Tile(t("be_tile_gender", lang, year=year), value, None, t("be_tile_gender_help", lang, gap=gap),
                        delta_color="off"))
    else:
        out.append(Tile(t("be_tile_gender", lang, year=year or ""), "–", None, t("no_data", lang)))
    rows = cur[cur["lasar"] == year]
    n = rows["antal_elever"].iloc[0] if not rows.empty else None
    mk = marker(rows.iloc[0], "antal_elever") if not rows.empty else None
    out.append(Tile(t("be_tile_pupils", lang, year=year or "") + grupp_suffix(ctx.sel, lang),
                    fmt_value(n, "st", lang, mk), None, t("be_tile_pupils_help", lang)))
    return out


# --------------------------------------------------------------------------- trend

def trend_frame(ctx: Context) -> pd.DataFrame:
    """Picked kommuner with their förbund and the region; without picks the förbund in scope."""
    years = ctx.years
    frames = []
    if ctx.picked:
        k = ctx.kommun[ctx.kommun["id"].isin(ctx.picked) & ctx.kommun["lasar"].isin(years)]
        k = k.assign(_o=k["id"].map({kod: i for i, kod in enumerate(ctx.picked)})).sort_values(["_o", "lasar"])
        frames.append(k.drop(columns="_o"))
        parents = sorted(set(k["forbund_id"].dropna()))
        frames.append(ctx.forbund[ctx.forbund["id"].isin(parents) & ctx.forbund["lasar"].isin(years)])
    else:
        ids = list(ctx.sel.forbund) or list(ctx.fnames)
        frames.append(ctx.forbund[ctx.forbund["id"].isin(ids) & ctx.forbund["lasar"].isin(years)])
    frames.append(ctx.region[ctx.region["lasar"].isin(years)])
    data = pd.concat(frames, ignore_index=True)
    return ctx.group(data).reset_index(drop=True)


def _forbund_colour(ctx: Context, ident: str) -> str:
    return charts.PALETTE[list(ctx.fnames).index(ident) % len(charts.PALETTE)] if ident in ctx.fnames \
        else charts.PALETTE[0]


def trend(ctx: Context, measure: str) -> Visual:
    """The measure over the years for the picked kommuner, against their förbund and the region."""
    lang, unit = ctx.lang, measure_unit(measure)
    data = trend_frame(ctx)
    lines = []
    for (niva, ident), g in data.groupby(["niva", "id"], sort=False):
        kind = LEVEL_KIND[niva]
        colour = None
        if niva == "kommun":
            colour = charts.colour_for(ident, ctx.sel.kommuner)
        elif niva == "forbund" and not ctx.picked:
            kind, colour = "entity", _forbund_colour(ctx, ident)
        label = g["namn"].iloc[0] if niva != "region" else t("region_vg", lang)
        if niva == "forbund" and ctx.picked:
            label = f"{label} ({t('forbund_short', lang)})"
        lines.append(charts.Line(label, list(g["lasar"]), list(g[measure]), kind, colour,
                                 list(g["antal_elever"]), list(g[f"{measure}_marker"])))
    title = f"{measure_label(measure, lang)}, {ctx.subject} {year_span(ctx.years)}{grupp_suffix(ctx.sel, lang)}"
    figure = None
    if not data.empty:
        figure = charts.trend_figure(lines, title, unit, lang, y_range=charts.nice_range(data[measure], unit))
        _fit(figure, title)
    table = display_table(
        data.assign(area=_area_names(data, lang), kalla_text=_kalla_text(data, lang)),
        {"area": (t("col_area", lang), None), "lasar": (t("col_lasar", lang), None),
         measure: (measure_col(measure, lang), 1), "antal_elever": (t("col_pupils", lang), 0),
         "kalla_text": (t("col_kalla", lang), None)}, lang)
    summary = with_kalla(_trend_summary(data, measure, ctx, lang), data, ctx.names, lang)
    return Visual("behorighet_trend", title, figure, table, summary, data=data)


def _fit(figure: dict, title: str) -> None:
    """Long titles on two lines, and room for a legend of many lines, in figures built by shared builders."""
    layout = figure["layout"]
    wrapped = charts.wrap_title(title)
    if wrapped != title:
        layout["title"]["text"] = wrapped
        layout["margin"]["t"] = layout["margin"].get("t", 60) + 24
    legend_room(figure)


def legend_room(figure: dict) -> None:
    """Move a legend of many lines below the year labels (it wraps onto several rows)."""
    layout = figure["layout"]
    n = sum(1 for tr in figure.get("data", []) if tr.get("showlegend", True))
    if n > 3:  # the legend wraps onto several rows: keep it clear of the year labels
        rows = math.ceil(n / 3)
        layout["legend"]["y"] = -0.16
        layout["margin"]["b"] = 50 + 24 * rows
        layout["height"] = layout.get("height", 420) + 24 * (rows - 1)


def _marker_notes(figure: dict, line: charts.Line) -> None:
    """Print '~100' at the top and '..' at the bottom of the plot where a line has no value.

    Why: a school's best years are often '~100'; without a note the gap looks like missing data.
    """
    notes = figure["layout"].setdefault("annotations", [])
    for x, y, m in zip(line.x, line.y, line.markers, strict=False):
        if num(y) is not None or not isinstance(m, str):
            continue
        top = m == "~100"
        notes.append({"x": str(x), "xref": "x", "y": 0.97 if top else 0.03, "yref": "paper", "text": m,
                      "showarrow": False, "yanchor": "top" if top else "bottom",
                      "font": {"size": 13, "color": line.colour or charts.PALETTE[0]}})


def _trend_summary(data: pd.DataFrame, measure: str, ctx: Context, lang: str) -> str:
    if data.empty:
        return t("no_data", lang)
    unit = measure_unit(measure)
    label = subject_label(measure, lang)
    level = "kommun" if (data["niva"] == "kommun").any() else "forbund"
    main = data[data["niva"] == level]
    parts = []
    if main["id"].nunique() == 1:
        rows = main.sort_values("lasar")
        known = rows[rows[measure].notna() | rows[f"{measure}_marker"].notna()]
        rows = known if not known.empty else rows  # the latest year with a figure, not a trailing '.'
        last = rows.iloc[-1]
        v = num(last[measure])
        text = fmt_value(v, unit, lang, marker(last, measure))
        change = ""
        if len(rows) > 1 and v is not None and num(rows.iloc[0][measure]) is not None:
            change = t("be_trend_change", lang, change=fmt_change(v - num(rows.iloc[0][measure]), unit, lang),
                       year=rows.iloc[0]["lasar"])
        parts.append(t("be_trend_one", lang, subject=last["namn"], label=label, value=text, year=last["lasar"],
                       change=change))
    else:
        year = main["lasar"].max() if not main.empty else None
        latest = main[main["lasar"] == year].dropna(subset=[measure])
        if len(latest) > 1:
            hi, lo = latest.loc[latest[measure].idxmax()], latest.loc[latest[measure].idxmin()]
            parts.append(t("be_trend_many" if level == "kommun" else "be_trend_many_f", lang, year=year, label=label, hi=hi["namn"],
                           hi_v=fmt_value(hi[measure], unit, lang), lo=lo["namn"],
                           lo_v=fmt_value(lo[measure], unit, lang)))
    region = data[data["niva"] == "region"].sort_values("lasar")
    if not region.empty:
        rv = num(region.iloc[-1][measure])
        parts.append(t("be_trend_region", lang, value=fmt_value(rv, unit, lang, marker(region.iloc[-1], measure)),
                       year=region.iloc[-1]["lasar"]))
    return cap("; ".join(parts) + ".")


# --------------------------------------------------------------------------- ranking

def ranking_frame(ctx: Context, measure: str) -> tuple[pd.DataFrame, str | None, str | None]:
    """Kommuner in scope for the latest year with the value the year before and the change."""
    year = latest_year(ctx, measure)
    prev = previous_year(ctx, year)
    rows = ctx.group(ctx.kommun)
    rows = rows[rows["id"].isin(ctx.scope)]
    cur = rows[rows["lasar"] == year].copy()
    before = rows[rows["lasar"] == prev].set_index("id")
    cur["prev"] = cur["id"].map(before[measure]) if prev else float("nan")
    cur["prev_marker"] = cur["id"].map(before[f"{measure}_marker"]) if prev else None
    cur["prev"] = pd.to_numeric(cur["prev"], errors="coerce")
    cur["change"] = pd.to_numeric(cur[measure], errors="coerce") - cur["prev"]
    cur["change_marker"] = [pair_marker(a, b, c) for a, b, c in
                            zip(cur[f"{measure}_marker"], cur["prev_marker"], cur["change"], strict=True)]
    cur = rank_order(cur, measure)
    ranks = cur[measure].rank(ascending=False, method="min")
    cur["plats"] = [str(int(r)) if pd.notna(r) else "" for r in ranks]
    cur["forbund"] = cur["forbund_id"].map(ctx.fnames)
    return cur, year, prev


def ranking(ctx: Context, measure: str) -> Visual:
    """Kommuner ranked, picked ones in their colour, the region as a reference line."""
    lang, unit = ctx.lang, measure_unit(measure)
    data, year, prev = ranking_frame(ctx, measure)
    region = ctx.group(ctx.region)
    region_row = region[region["lasar"] == year]
    rv = num(region_row[measure].iloc[0]) if not region_row.empty else None
    bars = []
    pupils_word = t("be_pupils_word", lang)
    for _, r in data.iterrows():
        v = num(r[measure])
        mk = marker(r, measure)
        d = num(r["change"])
        picked = r["id"] in ctx.sel.kommuner
        value_text = fmt_value(v, unit, lang, mk)
        text = value_text + (f" ({short_change(d, lang)})" if d is not None else "")
        n_text = fmt_value(r["antal_elever"], "st", lang, marker(r, "antal_elever"))
        hover = f"<b>{r['namn']}</b>: {value_text} ({n_text} {pupils_word})"
        if d is not None:
            hover += "<br>" + t("be_change_since", lang, change=fmt_change(d, unit, lang), year=prev)
        bars.append(charts.Bar(f"<b>{r['namn']}</b>" if picked else str(r["namn"]), v,
                               charts.colour_for(r["id"], ctx.sel.kommuner) if picked else charts.OTHER_BAR_COLOUR,
                               text, hover, num(r["prev"])))
    scope_name = (ctx.fnames.get(ctx.sel.forbund[0], "") if ctx.sel.forbund else t("be_region_short", lang))
    title = t("be_rank_title", lang, label=measure_label(measure, lang), year=year or "", scope=scope_name) \
        + grupp_suffix(ctx.sel, lang)
    figure = None
    if bars:
        figure = charts.ranked_bars(
            bars, title, unit, lang,
            reference=(t("be_region_ref", lang, value=fmt_value(rv, unit, lang)), rv) if rv is not None else None,
            previous_name=t("be_rank_previous", lang, year=prev) if prev else "",
            x_title=measure_col(measure, lang) if unit != "%" else "")
    cols = {"plats": (t("be_col_rank", lang), None), "namn": (t("be_col_kommun", lang), None),
            "forbund": (t("forbund", lang), None), measure: (f"{measure_col(measure, lang)} {year}", 1)}
    if prev:
        cols.update({"prev": (f"{measure_col(measure, lang)} {prev}", 1),
                     "change": (t("be_col_change", lang, unit=t("be_unit_pe" if unit == "%" else "be_unit_p",
                                                                 lang)), 1)})
    cols.update({"antal_elever": (t("col_pupils", lang), 0), "kalla_text": (t("col_kalla", lang), None)})
    # a change is a plain signed number here: text starting with '+' would be escaped in downloads
    table = display_table(data.assign(kalla_text=_kalla_text(data, lang)), cols, lang)
    summary = with_kalla(_ranking_summary(ctx, data, measure, year, prev, rv), data.assign(niva="kommun"),
                         ctx.names, lang)
    return Visual("behorighet_rank", title, figure, table, summary, data=data)


def _ranking_summary(ctx: Context, data: pd.DataFrame, measure: str, year: str | None, prev: str | None,
                     rv: float | None) -> str:
    lang, unit = ctx.lang, measure_unit(measure)
    shown = data.dropna(subset=[measure])
    if shown.empty:
        return t("no_data", lang)
    hi, lo = shown.iloc[0], shown.iloc[-1]
    text = t("be_rank_sum", lang, year=year, label=subject_label(measure, lang), hi=hi["namn"],
             hi_v=fmt_value(hi[measure], unit, lang), lo=lo["namn"], lo_v=fmt_value(lo[measure], unit, lang),
             n=len(data), region=fmt_value(rv, unit, lang))
    for kod in ctx.picked[:3]:
        r = data[data["id"] == kod]
        if r.empty or not r["plats"].iloc[0]:
            continue
        r = r.iloc[0]
        d = num(r["change"])
        change = t("be_rank_pick_change", lang, change=fmt_change(d, unit, lang), year=prev) if d is not None else ""
        text += t("be_rank_pick", lang, name=r["namn"], rank=int(r["plats"]), value=fmt_value(r[measure], unit, lang),
                  change=change)
    return cap(text + ".")


# --------------------------------------------------------------------------- flickor / pojkar

def gap_frame(ctx: Context, measure: str) -> pd.DataFrame:
    """flickor − pojkar per area and läsår, from frames protected with all groups together."""
    if ctx.picked:
        base = ctx.kommun[ctx.kommun["id"].isin(ctx.picked)]
        base = base.assign(_o=base["id"].map({k: i for i, k in enumerate(ctx.picked)}))
    else:
        ids = list(ctx.sel.forbund) or list(ctx.fnames)
        base = ctx.forbund[ctx.forbund["id"].isin(ids)]
        base = base.assign(_o=base["id"].map({k: i for i, k in enumerate(ids)}))
    base = pd.concat([base, ctx.region.assign(_o=99)], ignore_index=True)
    base = base[base["lasar"].isin(ctx.years)]
    keys = ["niva", "id", "namn", "lasar", "_o"]
    cols = [measure, f"{measure}_marker", "antal_elever", "antal_elever_marker"]
    f = base[base["grupp"] == "flickor"][keys + cols]
    b = base[base["grupp"] == "pojkar"][keys + cols]
    out = f.merge(b, on=keys, suffixes=("_f", "_p"), how="outer")
    out["gap"] = out[f"{measure}_f"] - out[f"{measure}_p"]
    mf, mp = out[f"{measure}_marker_f"], out[f"{measure}_marker_p"]
    out["gap_marker"] = [pair_marker(a, c, g) for g, a, c in zip(out["gap"], mf, mp, strict=True)]
    if "kalla" in base:
        kalla = base[base["grupp"] == "alla"].set_index(["id", "lasar"])["kalla"]
        out["kalla"] = [kalla.get((i, y)) for i, y in zip(out["id"], out["lasar"], strict=True)]
    return out.sort_values(["_o", "lasar"]).drop(columns="_o").reset_index(drop=True)


def gender_gap(ctx: Context, measure: str) -> Visual:
    lang, unit = ctx.lang, measure_unit(measure)
    data = gap_frame(ctx, measure)
    girls, boys = t("grupp_flickor", lang).lower(), t("grupp_pojkar", lang).lower()
    lines = []
    for (niva, ident), g in data.groupby(["niva", "id"], sort=False):
        kind = LEVEL_KIND[niva]
        colour = charts.colour_for(ident, ctx.sel.kommuner) if niva == "kommun" else None
        if niva == "forbund":
            kind, colour = "entity", _forbund_colour(ctx, ident)
        counts = [f"{fmt_value(nf, 'st', lang, mf)} {girls}, {fmt_value(np_, 'st', lang, mp)} {boys}"
                  for nf, mf, np_, mp in zip(g["antal_elever_f"], g["antal_elever_marker_f"],
                                             g["antal_elever_p"], g["antal_elever_marker_p"], strict=True)]
        name = g["namn"].iloc[0] if niva != "region" else t("region_vg", lang)
        lines.append(charts.Line(name, list(g["lasar"]), list(g["gap"]), kind, colour, counts,
                                 list(g["gap_marker"])))
    label = measure_label(measure, lang)
    title = t("be_gap_title", lang, label=label[0].lower() + label[1:], subject=ctx.subject,
              span=year_span(ctx.years))
    figure = None
    if not data.empty and data["gap"].notna().any():
        y_title = t("be_gap_axis_pe" if unit == "%" else "be_gap_axis_p", lang)
        figure = charts.gap_figure(lines, title, unit, lang, y_title=y_title)
        legend_room(figure)
    data = data.assign(area=_area_names(data, lang))
    table = display_table(
        data.rename(columns={f"{measure}_f": "v_f", f"{measure}_marker_f": "v_f_marker",
                             f"{measure}_p": "v_p", f"{measure}_marker_p": "v_p_marker",
                             "antal_elever_marker_f": "antal_elever_f_marker",
                             "antal_elever_marker_p": "antal_elever_p_marker"}),
        {"area": (t("col_area", lang), None), "lasar": (t("col_lasar", lang), None),
         "v_f": (f"{measure_col(measure, lang)}, {girls}", 1), "v_p": (f"{measure_col(measure, lang)}, {boys}", 1),
         "gap": (t("be_col_gap", lang, unit=t("be_unit_pe" if unit == "%" else "be_unit_p", lang)), 1),
         "antal_elever_f": (t("be_col_pupils_f", lang), 0), "antal_elever_p": (t("be_col_pupils_p", lang), 0)}, lang)
    summary = with_kalla(_gap_summary(data, measure, lang), data, ctx.names, lang)
    return Visual("behorighet_kon", title, figure, table, summary, data=data)


def _gap_summary(data: pd.DataFrame, measure: str, lang: str) -> str:
    unit = measure_unit(measure)
    main = data[data["niva"] != "region"]
    if data["gap"].notna().sum() == 0:
        return t("no_data", lang)
    year = data["lasar"].max()
    parts = []
    latest = main[(main["lasar"] == year)].dropna(subset=["gap"])

    def said(g: float) -> str:
        key = "be_gap_girls" if g > 0.05 else ("be_gap_boys" if g < -0.05 else "be_gap_none")
        return t(key, lang, amount=fmt_change(abs(g), unit, lang).lstrip("+"))

    if main["id"].nunique() == 1 and not latest.empty:
        r = latest.iloc[0]
        parts.append(t("be_gap_one", lang, subject=r["namn"], label=subject_label(measure, lang), year=year,
                       said=said(r["gap"])))
    elif len(latest) > 1:
        hi, lo = latest.loc[latest["gap"].idxmax()], latest.loc[latest["gap"].idxmin()]
        parts.append(t("be_gap_many", lang, year=year, label=subject_label(measure, lang), hi=hi["namn"],
                       hi_v=short_change(hi["gap"], lang), lo=lo["namn"], lo_v=short_change(lo["gap"], lang)))
    region = data[(data["niva"] == "region") & (data["lasar"] == year)].dropna(subset=["gap"])
    if not region.empty:
        parts.append(t("be_gap_region", lang, said=said(region["gap"].iloc[0])))
    return cap("; ".join(parts) + ".") if parts else t("no_data", lang)


# --------------------------------------------------------------------------- programme kinds

KIND_SHORT = {"behorig_yrk": "be_kind_yrk", "behorig_es": "be_kind_es", "behorig_ehs": "be_kind_ehs",
              "behorig_nt": "be_kind_nt", "alla_amnen": "be_kind_alla"}


def kinds_frame(ctx: Context) -> tuple[pd.DataFrame, str | None]:
    year = latest_year(ctx, "behorig_yrk")
    if ctx.picked:
        k = ctx.kommun[ctx.kommun["id"].isin(ctx.picked)]
        k = k.assign(_o=k["id"].map({kod: i for i, kod in enumerate(ctx.picked)}))
    else:
        ids = list(ctx.sel.forbund) or list(ctx.fnames)
        k = ctx.forbund[ctx.forbund["id"].isin(ids)]
        k = k.assign(_o=k["id"].map({f: i for i, f in enumerate(ids)}))
    data = pd.concat([k, ctx.region.assign(_o=99)], ignore_index=True)
    data = ctx.group(data[data["lasar"] == year]).sort_values("_o").drop(columns="_o")
    return data.reset_index(drop=True), year


def kinds(ctx: Context) -> Visual:
    """The four eligibility kinds, passing all subjects and meritvärde side by side."""
    lang = ctx.lang
    data, year = kinds_frame(ctx)
    series = []
    for _, r in data.iterrows():
        if r["niva"] == "kommun":
            colour = charts.colour_for(r["id"], ctx.sel.kommuner)
        elif r["niva"] == "forbund":
            colour = _forbund_colour(ctx, r["id"])
        else:
            colour = REGION_BAR
        name = r["namn"] if r["niva"] != "region" else t("region_vg", lang)
        series.append(charts.BarSeries(name, [r[m] for m in SHARES], [marker(r, m) for m in SHARES], colour,
                                       [r["antal_elever"]] * len(SHARES), r["meritvarde"], marker(r, "meritvarde")))
    title = t("be_kinds_title", lang, subject=ctx.subject, year=year or "") + grupp_suffix(ctx.sel, lang)
    figure = None
    if series:
        figure = charts.grouped_bars([t(KIND_SHORT[m], lang) for m in SHARES], series, title, "%", lang,
                                     extra=(t("be_kind_merit", lang), t("be_unit_merit", lang)))
    cols = {"area": (t("col_area", lang), None), "lasar": (t("col_lasar", lang), None)}
    cols.update({m: (measure_col(m, lang), 1) for m in MEASURES})
    cols.update({"antal_elever": (t("col_pupils", lang), 0), "kalla_text": (t("col_kalla", lang), None)})
    table = display_table(data.assign(area=_area_names(data, lang), kalla_text=_kalla_text(data, lang)), cols, lang)
    first = data[data["niva"] == "kommun"] if ctx.picked else (
        data[data["niva"] == "forbund"] if len(ctx.sel.forbund) == 1 else data[data["niva"] == "region"])
    summary = with_kalla(_kinds_summary(first, year, lang), data, ctx.names, lang)
    return Visual("behorighet_typer", title, figure, table, summary, data=data)


def _kinds_summary(data: pd.DataFrame, year: str | None, lang: str) -> str:
    """'Läsåret 2024/25 var i Ale 81,6 % behöriga till yrkesprogram, …': only the figures that exist."""
    if data.empty:
        return t("no_data", lang)
    r = data.iloc[0]
    name = r["namn"] if r["niva"] != "region" else t("region_vg", lang)
    parts = []
    for m in ("behorig_yrk", "behorig_nt", "alla_amnen", "meritvarde"):
        if num(r[m]) is None and marker(r, m) is None:
            continue  # not published (e.g. a kommun file without meritvärde): say nothing rather than '.'
        parts.append(t(f"be_kinds_{m}", lang, value=fmt_value(r[m], measure_unit(m), lang, marker(r, m))))
    if not parts:
        return t("no_data", lang)
    return cap(t("be_kinds_intro", lang, year=year, subject=name) + _join_parts(parts, lang) + ".")


def _join_parts(parts: list[str], lang: str) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + (" och " if lang == "sv" else " and ") + parts[-1]


# --------------------------------------------------------------------------- schools

def school_frame(ctx: Context) -> pd.DataFrame:
    """Every school of the picked kommuner, all years in range and groups, protected."""
    if not ctx.picked:
        return queries.school_eligibility(ctx.db, [])
    years = list(ctx.years)
    return queries.school_eligibility(ctx.db, ctx.picked, years)


def school_options(ctx: Context, schools: pd.DataFrame) -> dict[str, str]:
    """skolenhetskod -> 'Namn (Kommun)', by name."""
    rows = schools.drop_duplicates("id").sort_values(["namn", "id"])
    many = len(ctx.picked) > 1
    return {i: (f"{n} ({ctx.names.get(k, k)})" if many else n)
            for i, n, k in zip(rows["id"], rows["namn"], rows["kommun_kod"], strict=True)}


def schools(ctx: Context, measure: str, frame: pd.DataFrame) -> Visual | None:
    """The schools of the picked kommuner for the latest year: every figure with its pupils."""
    if not ctx.picked:
        return None
    lang, unit = ctx.lang, measure_unit(measure)
    year = latest_year(ctx, measure)
    data = ctx.group(frame)
    data = data[data["lasar"] == year].copy()
    data["kommun"] = data["kommun_kod"].map(ctx.names)
    data = rank_order(data, measure)
    many = len(ctx.picked) > 1
    pupils_word = t("be_pupils_word", lang)
    bars = []
    for _, r in data.iterrows():
        v, mk = num(r[measure]), marker(r, measure)
        n_text = fmt_value(r["antal_elever"], "st", lang, marker(r, "antal_elever"))
        where = f"{r['kommun']}, " if many else ""
        label = f"{r['namn']} ({where}{n_text} {pupils_word})"
        value_text = fmt_value(v, unit, lang, mk)
        bars.append(charts.Bar(label, v, charts.colour_for(r["kommun_kod"], ctx.sel.kommuner), value_text,
                               f"<b>{r['namn']}</b> ({r['kommun']}): {value_text} ({n_text} {pupils_word})"))
    ref = None
    if len(ctx.picked) == 1:
        k = ctx.group(ctx.kommun)
        k = k[(k["id"] == ctx.picked[0]) & (k["lasar"] == year)]
        if not k.empty and num(k[measure].iloc[0]) is not None:
            ref = (t("be_kommun_ref", lang, name=ctx.names.get(ctx.picked[0], ""),
                     value=fmt_value(k[measure].iloc[0], unit, lang)), num(k[measure].iloc[0]))
    else:
        reg = ctx.group(ctx.region)
        reg = reg[reg["lasar"] == year]
        if not reg.empty and num(reg[measure].iloc[0]) is not None:
            ref = (t("be_region_ref", lang, value=fmt_value(reg[measure].iloc[0], unit, lang)), num(reg[measure].iloc[0]))
    subject = selection_name(ctx.names, ctx.picked, (), ctx.fnames, lang)
    title = t("be_school_title", lang, label=measure_label(measure, lang), subject=subject, year=year or "") \
        + grupp_suffix(ctx.sel, lang)
    figure = charts.ranked_bars(bars, title, unit, lang, reference=ref,
                                x_title=measure_col(measure, lang) if unit != "%" else "") if bars else None
    table_data = data.sort_values(["kommun", "namn"]).assign(
        huvudman_text=lambda d: d["huvudman"].map(lambda h: t(f"be_huvudman_{h}", lang)))
    cols = {"namn": (t("be_col_school", lang), None), "id": (t("be_col_school_code", lang), None),
            "kommun": (t("be_col_kommun", lang), None), "huvudman_text": (t("be_col_huvudman", lang), None),
            "antal_elever": (t("col_pupils", lang), 0)}
    cols.update({m: (measure_col(m, lang), 1) for m in MEASURES})
    table = display_table(table_data, cols, lang)
    return Visual("behorighet_skolor", title, figure, table, _schools_summary(data, measure, subject, year, lang),
                  data=data)


def _schools_summary(data: pd.DataFrame, measure: str, subject: str, year: str | None, lang: str) -> str:
    if data.empty:
        return t("no_data", lang)
    unit = measure_unit(measure)
    shown = data.dropna(subset=[measure])
    withheld = int((data[f"{measure}_marker"] == "..").sum())
    approx = int((data[f"{measure}_marker"] == "~100").sum())
    text = t("be_school_sum_n", lang, n=len(data), subject=subject, year=year)
    if len(shown) > 1:
        hi, lo = shown.iloc[0], shown.iloc[-1]
        text += t("be_school_sum_range", lang, label=subject_label(measure, lang),
                  lo_v=fmt_value(lo[measure], unit, lang), lo=lo["namn"], lo_n=fmt_value(lo["antal_elever"], "st", lang),
                  hi_v=fmt_value(hi[measure], unit, lang), hi=hi["namn"],
                  hi_n=fmt_value(hi["antal_elever"], "st", lang))
    if approx:
        text += t("be_school_sum_approx", lang, n=approx)
    if withheld:
        text += t("be_school_sum_withheld", lang, n=withheld)
    return cap(text + ".")


def school_trend(ctx: Context, measure: str, frame: pd.DataFrame, skolenhetskod: str) -> Visual:
    """One school's history with its kommun and the region as reference lines."""
    lang, unit = ctx.lang, measure_unit(measure)
    s = ctx.group(frame[frame["id"] == skolenhetskod]).sort_values("lasar")
    if s.empty:
        return Visual("behorighet_skola", t("no_data", lang), None, pd.DataFrame(), t("no_data", lang))
    kod = s["kommun_kod"].iloc[0]
    k = ctx.group(ctx.kommun)
    k = k[(k["id"] == kod) & k["lasar"].isin(ctx.years)]
    reg = ctx.group(ctx.region)
    reg = reg[reg["lasar"].isin(ctx.years)]
    data = pd.concat([s, k, reg], ignore_index=True)
    school_name = s["namn"].iloc[0]
    lines = [
        charts.Line(school_name, list(s["lasar"]), list(s[measure]), "entity", charts.colour_for(kod, ctx.sel.kommuner),
                    list(s["antal_elever"]), list(s[f"{measure}_marker"])),
        charts.Line(f"{ctx.names.get(kod, kod)} ({t('be_kommun_word', lang)})", list(k["lasar"]), list(k[measure]),
                    "forbund", None, list(k["antal_elever"]), list(k[f"{measure}_marker"])),
        charts.Line(t("region_vg", lang), list(reg["lasar"]), list(reg[measure]), "region", None,
                    list(reg["antal_elever"]), list(reg[f"{measure}_marker"])),
    ]
    title = (f"{measure_label(measure, lang)}, {school_name} ({ctx.names.get(kod, kod)}) {year_span(ctx.years)}"
             + grupp_suffix(ctx.sel, lang))
    figure = charts.trend_figure(lines, title, unit, lang, y_range=charts.nice_range(data[measure], unit))
    _fit(figure, title)
    _marker_notes(figure, lines[0])
    area = [school_name if n == "school" else (t("region_vg", lang) if n == "region" else nm)
            for n, nm in zip(data["niva"], data["namn"], strict=True)]
    table = display_table(
        data.assign(area=area),
        {"area": (t("col_area", lang), None), "lasar": (t("col_lasar", lang), None),
         measure: (measure_col(measure, lang), 1), "antal_elever": (t("col_pupils", lang), 0)}, lang)
    known = s[s[measure].notna() | (s[f"{measure}_marker"] == "~100")]
    if known.empty:
        return Visual("behorighet_skola", title, figure, table, t("be_school_trend_none", lang, school=school_name),
                      data=data)
    last = known.iloc[-1]
    kl = k[k["lasar"] == last["lasar"]]
    summary = t("be_school_trend_sum", lang, school=school_name, label=subject_label(measure, lang),
                value=fmt_value(last[measure], unit, lang, marker(last, measure)), year=last["lasar"],
                n=fmt_value(last["antal_elever"], "st", lang, marker(last, "antal_elever")),
                kommun=ctx.names.get(kod, kod),
                k_value=fmt_value(kl[measure].iloc[0], unit, lang, marker(kl.iloc[0], measure)) if not kl.empty else ".")
    return Visual("behorighet_skola", title, figure, table, with_kalla(cap(summary), k, ctx.names, lang), data=data)


def measure_names(lang: str, measures: Sequence[str] = MEASURES) -> dict[str, str]:
    return {m: measure_label(m, lang) for m in measures}
