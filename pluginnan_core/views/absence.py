# The Frånvaro page's content: the monthly absence trend (total, giltig, ogiltig) with reference
# lines, the share of pupils above a threshold, the school years compared month by month, a
# school × month heatmap for one kommun and an early-warning list of schools where absence rose.
"""Absence: how much lesson time pupils miss, where, and whether it is getting worse.

Why these five views: a politician asks "is absence going up?" (trend), "how many pupils are
really missing school?" (threshold share), "is this winter unusual?" (school years compared),
and a coordinator asks "which of our schools?" (heatmap) and "where should we act now?"
(early warning). Absence comes from the schools' own systems, not official statistics, and
every figure passes the disclosure rule in queries before it reaches this module.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from .. import charts, queries, reference
from ..db import Database
from ..disclosure import min_pupils
from ..exports import display_table
from ..i18n import fmt_change, fmt_number, fmt_value, month_label, month_name, month_span, t
from . import Visual, selection_name, year_span

DEFAULT_THRESHOLD = 15  # the Swedish survey's line (Skolverket 2019: pupils absent more than 15 %)
EARLY_MONTHS = 3        # early warning: the latest three months with data ...
EARLY_MIN_PUPILS = 30   # ... at schools with at least this many pupils (a few pupils make noise)
EARLY_TOP = 10
MAX_LINES = 8
TEXT_IN_CELLS_MAX_ROWS = 45  # heatmap: print values in the cells up to this many schools
SEASON_MONTHS = (8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6)
MEASURES = ("franvaro_pct", "giltig_pct", "ogiltig_pct")


@dataclass
class Context:
    """The resolved selection: which kommuner, which years, and how to name them."""

    kommuner: list[str]
    picked: list[str]
    years: list[str]
    subject: str
    names: dict[str, str]
    forbund_names: dict[str, str]
    parent: str | None  # the one förbund the picked kommuner belong to, for a reference line
    is_region: bool
    memo: dict = field(default_factory=dict)  # frames shared by several visuals in one page run


def context(db: Database, sel: queries.Selection, lang: str) -> Context:
    names = queries.kommun_names(db)
    forbund = queries.forbund_table(db)
    fnames = dict(zip(forbund["forbund_id"], forbund["kortnamn"], strict=True))
    kommuner = queries.resolve_kommuner(db, sel)
    picked = list(sel.kommuner)
    parents = {reference.KOMMUN_FORBUND.get(k) for k in picked}
    parent = next(iter(parents)) if picked and len(parents) == 1 and None not in parents else None
    years = queries._years_between(queries.absence_years(db), sel.lasar_from, sel.lasar_to)
    subject = selection_name(names, picked, sel.forbund, fnames, lang)
    return Context(kommuner, picked, years, subject, names, fnames, parent,
                   is_region=not picked and not sel.forbund)


def pick_threshold(raw: str | None, options: Sequence[int], default: int = DEFAULT_THRESHOLD) -> tuple[int | None, bool]:
    """The threshold from a URL value (`grans=15`), validated; (value, whether `raw` was usable).

    Why validated here: anyone can edit a link, so an unknown value falls back to the default
    (15 % when the data has it, else the lowest threshold) instead of raising.
    """
    fallback = default if default in options else (options[0] if options else None)
    if raw is None or raw == "":
        return fallback, True
    try:
        value = int(str(raw).strip().rstrip("%").strip())
    except ValueError:
        return fallback, False
    return (value, True) if value in options else (fallback, False)


def _num(v: object) -> float | None:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _marker(v: object) -> str | None:
    return v if isinstance(v, str) and v else None


def _value(row: pd.Series, col: str, lang: str, unit: str = "%") -> str:
    return fmt_value(_num(row[col]), unit, lang, _marker(row.get(f"{col}_marker")))


def _group_suffix(sel: queries.Selection, lang: str) -> str:
    return f" ({t('grupp_' + sel.grupp, lang).lower()})" if sel.grupp != "alla" else ""


def _region_in_sentence(lang: str) -> str:
    """'hela Plug Innan-regionen' mid-sentence (the label starts with a capital)."""
    text = t("region_vg", lang)
    return text[0].lower() + text[1:]


def _month_col(df: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(df["manad"]).dt.date


def selection_series(db: Database, ctx: Context, grupp: str) -> pd.DataFrame:
    """The selection's monthly absence as one series (see queries.absence_selection_month)."""
    key = ("series", grupp)
    if key not in ctx.memo:
        df = queries.absence_selection_month(db, ctx.kommuner, ctx.years)
        df = df[df["grupp"] == grupp].copy()
        df["manad"] = _month_col(df)
        ctx.memo[key] = df.sort_values("manad").reset_index(drop=True)
    return ctx.memo[key].copy()


def _references(db: Database, ctx: Context, grupp: str, lang: str) -> list[tuple[str, str, pd.DataFrame]]:
    """(kind, label, monthly frame) for the förbund (when the picked kommuner share one) and the region."""
    key = ("refs", grupp, lang)
    if key not in ctx.memo:
        ctx.memo[key] = _load_references(db, ctx, grupp, lang)
    return ctx.memo[key]


def _load_references(db: Database, ctx: Context, grupp: str, lang: str) -> list[tuple[str, str, pd.DataFrame]]:
    refs = []
    if ctx.parent:
        df = queries.absence(db, "forbund", [ctx.parent], period="manad", years=ctx.years, grupp=grupp)
        label = f"{ctx.forbund_names.get(ctx.parent, ctx.parent)} ({t('forbund_short', lang)})"
        refs.append(("forbund", label, df))
    if not ctx.is_region:
        df = queries.absence(db, "region", None, period="manad", years=ctx.years, grupp=grupp)
        refs.append(("region", t("region_vg", lang), df))
    out = []
    for kind, label, df in refs:
        df = df.copy()
        df["manad"] = _month_col(df)
        out.append((kind, label, df.sort_values("manad").reset_index(drop=True)))
    return out


def _empty(key: str, title: str, lang: str) -> Visual:
    return Visual(key, title, None, pd.DataFrame(), t("franvaro_no_data", lang))


# --------------------------------------------------------------------------- 1. trend

def trend(db: Database, sel: queries.Selection, lang: str, ctx: Context | None = None) -> Visual:
    """Total, giltig and ogiltig absence per month for the selection, with förbund/region total as reference."""
    ctx = ctx or context(db, sel, lang)
    data = selection_series(db, ctx, sel.grupp)
    title = t("abs_trend_title", lang, subject=ctx.subject, span=year_span(ctx.years)) + _group_suffix(sel, lang)
    if data.empty:
        return _empty("franvaro_trend", title, lang)
    refs = _references(db, ctx, sel.grupp, lang)
    labels = [month_label(m, lang) for m in data["manad"]]
    main_colour = charts.colour_for(ctx.picked[0], ctx.picked) if len(ctx.picked) == 1 else charts.PALETTE[0]
    lines = [
        charts.Line(t("abs_line_total", lang), labels, list(data["franvaro_pct"]), "entity", main_colour,
                    list(data["antal_elever"]), list(data["franvaro_pct_marker"])),
        charts.Line(t("abs_line_giltig", lang), labels, list(data["giltig_pct"]), "entity", charts.PALETTE[2],
                    list(data["antal_elever"]), list(data["giltig_pct_marker"])),
        charts.Line(t("abs_line_ogiltig", lang), labels, list(data["ogiltig_pct"]), "entity", charts.PALETTE[1],
                    list(data["antal_elever"]), list(data["ogiltig_pct_marker"])),
    ]
    for kind, label, ref in refs:
        ref = ref[ref["manad"].isin(set(data["manad"]))]
        name = _region_in_sentence(lang) if kind == "region" else label
        lines.append(charts.Line(t("abs_line_ref", lang, name=name), [month_label(m, lang) for m in ref["manad"]],
                                 list(ref["franvaro_pct"]), kind, None, list(ref["antal_elever"]),
                                 list(ref["franvaro_pct_marker"])))
    values = pd.concat([data[m] for m in MEASURES] + [r["franvaro_pct"] for _, _, r in refs])
    figure = charts.trend_figure(lines, title, "%", lang, y_range=charts.zero_based_range(values, "%", 0.1))
    for i, trace in enumerate(figure["data"]):
        trace["marker"]["size"] = 4  # 60+ monthly points: small dots, the line carries the shape
        if i in (1, 2):
            trace["line"]["width"] = 2
    charts.month_ticks(figure["layout"], labels, [reference.lasar_of_month(m) for m in data["manad"]])
    charts._title_layout(figure["layout"], title)
    frames = [data.assign(omrade=ctx.subject if not ctx.is_region else t("region_vg", lang))]
    frames += [r.assign(omrade=label) for _, label, r in refs]
    table_data = pd.concat(frames, ignore_index=True)
    table_data["manad_text"] = [month_label(m, lang) for m in table_data["manad"]]
    table = display_table(table_data, {
        "omrade": (t("col_area", lang), None), "manad_text": (t("col_month", lang), None),
        "franvaro_pct": (t("abs_line_total", lang) + " (%)", 1), "giltig_pct": (t("abs_line_giltig", lang) + " (%)", 1),
        "ogiltig_pct": (t("abs_line_ogiltig", lang) + " (%)", 1), "antal_elever": (t("col_pupils", lang), 0),
    }, lang)
    return Visual("franvaro_trend", title, figure, table, _trend_summary(ctx, data, refs, lang), data=table_data)


def _trend_summary(ctx: Context, data: pd.DataFrame, refs: list, lang: str) -> str:
    last = data.iloc[-1]
    month = last["manad"]
    before = ""
    prev = data[data["manad"] == month.replace(year=month.year - 1)]
    if not prev.empty and _num(prev.iloc[0]["franvaro_pct"]) is not None:
        before = t("abs_before", lang, value=_value(prev.iloc[0], "franvaro_pct", lang),
                   month=month_label(prev.iloc[0]["manad"], lang))
    parts = []
    for kind, label, ref in refs:
        row = ref[ref["manad"] == month]
        if not row.empty:
            name = _region_in_sentence(lang) if kind == "region" else label
            parts.append(t("abs_ref_part", lang, name=name, value=_value(row.iloc[0], "franvaro_pct", lang)))
    refs_text = ("; " + (" och " if lang == "sv" else " and ").join(parts)) if parts else ""
    subject = ctx.subject if not ctx.is_region else _region_in_sentence(lang)
    return t("abs_trend_summary", lang, subject=subject, total=_value(last, "franvaro_pct", lang),
             month=month_label(month, lang), giltig=_value(last, "giltig_pct", lang),
             ogiltig=_value(last, "ogiltig_pct", lang), before=before, refs=refs_text)


# --------------------------------------------------------------------------- 2. share above a threshold

def threshold_trend(db: Database, sel: queries.Selection, lang: str, grans: int,
                    ctx: Context | None = None) -> Visual:
    """The share of pupils with at least `grans` % absence per month: one line per picked kommun
    (same colours as every other page), else the selection; the whole region as reference."""
    ctx = ctx or context(db, sel, lang)
    col = f"andel_over_{grans}"
    title = t("abs_threshold_title", lang, g=grans, subject=ctx.subject, span=year_span(ctx.years)) \
        + _group_suffix(sel, lang)
    picked = ctx.picked[:MAX_LINES]
    if picked:
        data = queries.absence(db, "kommun", picked, period="manad", years=ctx.years, grupp=sel.grupp)
        data = data.assign(manad=_month_col(data))
        data["omrade"] = data["namn"]
    else:
        data = selection_series(db, ctx, sel.grupp)
        data["id"] = "urval"
        data["omrade"] = ctx.subject if not ctx.is_region else t("region_vg", lang)
    if data.empty or col not in data:
        return _empty("franvaro_grans", title, lang)
    refs = [r for r in _references(db, ctx, sel.grupp, lang) if r[0] == "region"]
    months = sorted(set(data["manad"]))
    labels_all = [month_label(m, lang) for m in months]
    lines = []
    for ident, g in data.groupby("id", sort=False):
        g = g.sort_values("manad")
        colour = charts.colour_for(str(ident), picked) if picked else charts.PALETTE[0]
        lines.append(charts.Line(str(g["omrade"].iloc[0]), [month_label(m, lang) for m in g["manad"]],
                                 list(g[col]), "entity", colour, list(g["antal_elever"]), list(g[f"{col}_marker"])))
    for kind, label, ref in refs:
        ref = ref[ref["manad"].isin(set(months))]
        lines.append(charts.Line(label, [month_label(m, lang) for m in ref["manad"]], list(ref[col]), kind, None,
                                 list(ref["antal_elever"]), list(ref[f"{col}_marker"])))
    values = pd.concat([data[col]] + [r[col] for _, _, r in refs])
    figure = charts.trend_figure(lines, title, "%", lang, y_range=charts.zero_based_range(values, "%", 0.1))
    for trace in figure["data"]:
        trace["marker"]["size"] = 4
    charts.month_ticks(figure["layout"], labels_all, [reference.lasar_of_month(m) for m in months])
    charts._title_layout(figure["layout"], title)
    table_data = pd.concat([data] + [r.assign(omrade=label) for _, label, r in refs], ignore_index=True)
    table_data["manad_text"] = [month_label(m, lang) for m in table_data["manad"]]
    table = display_table(table_data, {
        "omrade": (t("col_area", lang), None), "manad_text": (t("col_month", lang), None),
        col: (t("andel_over_t", lang, g=grans) + " (%)", 1), "antal_elever": (t("col_pupils", lang), 0),
    }, lang)
    summary = _threshold_summary(data, refs, col, grans, ctx, lang)
    return Visual("franvaro_grans", title, figure, table, summary, data=table_data)


def _threshold_summary(data: pd.DataFrame, refs: list, col: str, grans: int, ctx: Context, lang: str) -> str:
    month = max(data["manad"])
    latest = data[data["manad"] == month]
    refs_text = ""
    for _, _, ref in refs:
        row = ref[ref["manad"] == month]
        if not row.empty:
            refs_text = t("abs_refs_region", lang, value=_value(row.iloc[0], col, lang))
    shown = latest.dropna(subset=[col])
    if latest["id"].nunique() > 1 and len(shown) > 1:
        hi, lo = shown.loc[shown[col].idxmax()], shown.loc[shown[col].idxmin()]
        return t("abs_threshold_summary_many", lang, month=month_label(month, lang), g=grans, hi=hi["omrade"],
                 hi_value=_value(hi, col, lang), hi_n=fmt_value(hi["antal_elever"], "st", lang), lo=lo["omrade"],
                 lo_value=_value(lo, col, lang), lo_n=fmt_value(lo["antal_elever"], "st", lang), refs=refs_text)
    row = latest.iloc[0]
    subject = str(row["omrade"]) if not ctx.is_region else _region_in_sentence(lang)
    return t("abs_threshold_summary_one", lang, month=month_label(month, lang), value=_value(row, col, lang),
             subject=subject, g=grans, refs=refs_text)


# --------------------------------------------------------------------------- 3. school years compared

#: Older school years from light to mid blue, the latest dark: one hue, safe for colour blindness.
_SEASON_RAMP = ("#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5")


def _season_colours(n: int) -> list[str]:
    if n <= 0:
        return []
    older = [_SEASON_RAMP[max(0, len(_SEASON_RAMP) - (n - 1) + i)] for i in range(n - 1)]
    return [*older, "#08306b"]


def seasonality(db: Database, sel: queries.Selection, lang: str, ctx: Context | None = None,
                data: pd.DataFrame | None = None) -> Visual:
    """Total absence for August..June with one line per school year (seasonality)."""
    ctx = ctx or context(db, sel, lang)
    data = selection_series(db, ctx, sel.grupp) if data is None else data
    title = t("abs_season_title", lang, subject=ctx.subject) + _group_suffix(sel, lang)
    if data.empty:
        return _empty("franvaro_sasong", title, lang)
    data = data.copy()
    data["lasar"] = [reference.lasar_of_month(m) for m in data["manad"]]
    data["manad_namn"] = [month_name(m.month, lang) for m in data["manad"]]
    categories = [month_name(m, lang) for m in SEASON_MONTHS]
    years = sorted(set(data["lasar"]))
    colours = _season_colours(len(years))
    lines = []
    for year, colour in zip(years, colours, strict=True):
        g = data[data["lasar"] == year].sort_values("manad")
        lines.append(charts.Line(year, list(g["manad_namn"]), list(g["franvaro_pct"]), "entity", colour,
                                 list(g["antal_elever"]), list(g["franvaro_pct_marker"])))
    figure = charts.seasonal_figure(lines, categories, title, "%", lang,
                                    y_range=charts.zero_based_range(data["franvaro_pct"], "%", 0.1))
    table = display_table(data, {
        "lasar": (t("col_lasar", lang), None), "manad_namn": (t("col_month", lang), None),
        "franvaro_pct": (t("abs_line_total", lang) + " (%)", 1), "antal_elever": (t("col_pupils", lang), 0),
    }, lang)
    return Visual("franvaro_sasong", title, figure, table, _season_summary(data, ctx, lang), data=data)


def _season_summary(data: pd.DataFrame, ctx: Context, lang: str) -> str:
    shown = data.dropna(subset=["franvaro_pct"])
    if shown.empty:
        return t("franvaro_no_data", lang)
    by_month = shown.groupby(shown["manad"].map(lambda m: m.month))["franvaro_pct"].mean()
    latest_year = max(shown["lasar"])
    year = shown[shown["lasar"] == latest_year]
    peak_row = year.loc[year["franvaro_pct"].idxmax()]
    subject = ctx.subject if not ctx.is_region else _region_in_sentence(lang)
    return t("abs_season_summary", lang, subject=subject, peak=month_name(int(by_month.idxmax()), lang),
             low=month_name(int(by_month.idxmin()), lang), year=latest_year,
             year_peak=month_name(peak_row["manad"].month, lang), year_peak_value=_value(peak_row, "franvaro_pct", lang))


# --------------------------------------------------------------------------- 4. school × month heatmap

def heatmap_kommuner(db: Database, sel: queries.Selection) -> list[str]:
    """Kommuner the heatmap can show: the picked ones in the sidebar's order, else all of the
    selection's by name (an alphabetical list is what one scans for one's own kommun)."""
    if sel.kommuner:
        return list(sel.kommuner)
    names = queries.kommun_names(db)
    return sorted(queries.resolve_kommuner(db, sel), key=lambda k: sv_sort_key(names.get(k, k)))


def sv_sort_key(text: str) -> str:
    """Swedish alphabetical order: å, ä, ö after z (Python's default puts ä before å)."""
    return text.lower().translate({ord("å"): "z{", ord("ä"): "z|", ord("ö"): "z}"})


def heatmap(db: Database, sel: queries.Selection, lang: str, kommun: str, lasar: str) -> Visual:
    """Absence per school (rows) and month (columns) in one kommun and läsår; withheld cells stay white."""
    names = queries.kommun_names(db)
    kname = names.get(kommun, kommun)
    title = t("abs_heat_title", lang, kommun=kname, lasar=lasar) + _group_suffix(sel, lang)
    data = queries.absence_school_month(db, kommun, [lasar], sel.grupp)
    if data.empty:
        return _empty("franvaro_skolor", title, lang)
    data = data.assign(manad=_month_col(data))
    months = sorted(set(data["manad"]))
    mlabels = [month_label(m, lang) for m in months]
    schools = _school_order(data)
    dup = schools["namn"].duplicated(keep=False)
    schools["label_name"] = [f"{n} ({i})" if d else n for n, i, d in zip(schools["namn"], schools["id"], dup,
                                                                            strict=True)]
    pupils_word = t("abs_heat_pupils", lang, n="{n}")
    schools["label"] = [f"{name} ({pupils_word.format(n=fmt_value(p, 'st', lang)) if p is not None else '..'})"
                        for name, p in zip(schools["label_name"], schools["elever"], strict=True)]
    cell = {(r.id, r.manad): r for r in data.itertuples(index=False)}
    z, text, hover = [], [], []
    for s in schools.itertuples(index=False):
        zr, tr, hr = [], [], []
        for m, ml in zip(months, mlabels, strict=True):
            r = cell.get((s.id, m))
            v = _num(r.franvaro_pct) if r is not None else None
            mk = _marker(r.franvaro_pct_marker) if r is not None else None
            shown = _fmt1(None if v is None else round(v, 1), lang, mk) if r is not None else "."
            n = _fmt0(_num(r.antal_elever), lang, _marker(r.antal_elever_marker)) if r is not None else "."
            zr.append(v)
            tr.append(shown)
            unit = "\u00a0%" if v is not None else ""
            hr.append(f"{s.label_name}, {ml}: {shown}{unit} ({t('abs_heat_pupils', lang, n=n)})")
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    figure = charts.heatmap_figure(z, mlabels, list(schools["label"]), text, hover, title, lang,
                                   colorbar_title=t("abs_line_total", lang),
                                   show_text=len(schools) <= TEXT_IN_CELLS_MAX_ROWS)
    wide = pd.DataFrame({"skola": schools["label_name"], "elever": schools["elever"],
                         "elever_marker": [None if p is not None else ".." for p in schools["elever"]],
                         "snitt": schools["snitt"],
                         "snitt_marker": [None if v is not None else ".." for v in schools["snitt"]]})
    columns = {"skola": (t("col_school", lang), None), "elever": (t("col_pupils_avg", lang), 0),
               "snitt": (t("col_avg_absence", lang), 1)}
    for i, ml in enumerate(mlabels):
        wide[f"m{i}"] = [txt[i] for txt in text]  # already formatted, with its marker
        columns[f"m{i}"] = (f"{ml} (%)", None)
    table = display_table(wide, columns, lang)
    return Visual("franvaro_skolor", title, figure, table, _heat_summary(schools, kname, lasar, lang),
                  data=data)


@lru_cache(maxsize=4096)
def _fmt1(value: float | None, lang: str, marker: str | None) -> str:
    """fmt_number with one decimal, memoised: a big heatmap formats the same few values thousands of times."""
    return fmt_number(value, 1, lang, marker)


@lru_cache(maxsize=4096)
def _fmt0(value: float | None, lang: str, marker: str | None) -> str:
    return fmt_number(value, 0, lang, marker)


def _school_order(data: pd.DataFrame) -> pd.DataFrame:
    """One row per school: average pupils and pupil-weighted average absence over its shown months;
    highest absence first, schools with nothing shown last (by name)."""
    shown = data["franvaro_pct"].notna() & data["antal_elever"].notna()
    w = data["antal_elever"].where(shown).astype(float)
    work = pd.DataFrame({"id": data["id"], "namn": data["namn"], "w": w, "wv": w * data["franvaro_pct"].where(shown)})
    g = work.groupby("id", sort=False).agg(namn=("namn", "first"), elever=("w", "mean"), wsum=("w", "sum"),
                                           wv=("wv", "sum"), n=("w", "count"))
    g["snitt"] = (g["wv"] / g["wsum"]).where(g["n"] > 0)
    g["elever"] = g["elever"].where(g["n"] > 0)
    df = g.reset_index()[["id", "namn", "elever", "snitt"]]
    df["has"] = df["snitt"].notna()
    df["key"] = [sv_sort_key(n) for n in df["namn"]]
    df = df.sort_values(["has", "snitt", "key"], ascending=[False, False, True]).drop(columns=["has", "key"])
    df = df.astype(object).where(df.notna(), None)
    return df.reset_index(drop=True)


def _heat_summary(schools: pd.DataFrame, kname: str, lasar: str, lang: str) -> str:
    shown = schools[schools["snitt"].notna()]
    if shown.empty:
        return t("abs_heat_none", lang, kommun=kname, lasar=lasar)
    top = shown.iloc[0]
    withheld = len(schools) - len(shown)
    w_text = t("abs_heat_withheld", lang, w=withheld, m=min_pupils()) if withheld else ""
    return t("abs_heat_summary", lang, lasar=lasar, school=top["label_name"], n=fmt_value(top["elever"], "st", lang),
             value=fmt_value(top["snitt"], "%", lang), count=len(shown), kommun=kname, withheld=w_text)


# --------------------------------------------------------------------------- 5. early warning

def early_warning(db: Database, sel: queries.Selection, lang: str, *, n_months: int = EARLY_MONTHS,
                  min_n: int = EARLY_MIN_PUPILS, top: int = EARLY_TOP, ctx: Context | None = None) -> Visual:
    """The schools whose absence over the latest `n_months` rose most against the same months a year
    earlier, only schools with at least `min_n` pupils in both periods, with the counts behind each."""
    ctx = ctx or context(db, sel, lang)
    months = queries.absence_latest_months(db, ctx.kommuner, n_months, sel.lasar_to)
    if not months:
        return _empty("franvaro_varning", t("franvaro_title", lang), lang)
    before = [m.replace(year=m.year - 1) for m in months]
    period_now, period_before = month_span(months[0], months[-1], lang), month_span(before[0], before[-1], lang)
    title = t("abs_warn_title", lang, now=period_now, subject=ctx.subject) + _group_suffix(sel, lang)
    df = queries.absence_change_by_school(db, ctx.kommuner, months, sel.grupp)
    n_pupils = pd.to_numeric(df["antal_elever"], errors="coerce")
    ranked = df[(n_pupils >= max(min_n, min_pupils())) & df["forandring"].notna()
                & (df["manader_fore"] > 0) & (df["manader_nu"] > 0)]
    ranked = ranked.sort_values(["forandring", "namn"], ascending=[False, True]).head(top).reset_index(drop=True)
    if ranked.empty:
        return Visual("franvaro_varning", title, None, pd.DataFrame(),
                      t("abs_warn_none", lang, m=min_n, period=period_now), data=ranked)
    many = len(ctx.kommuner) > 1
    labels, texts, hovers = [], [], []
    for r in ranked.itertuples(index=False):
        name = f"{r.namn}, {r.kommun}" if many else r.namn
        n = fmt_value(r.antal_elever, "st", lang)
        labels.append(f"{name} ({t('abs_heat_pupils', lang, n=n)})")
        change = fmt_change(r.forandring, "%", lang)
        shown = round(float(r.forandring), 1)
        texts.append(("+" if shown > 0 else "\u2212" if shown < 0 else "±") + fmt_number(abs(shown), 1, lang))
        hovers.append(t("abs_warn_hover", lang, school=name, now=fmt_value(r.franvaro_nu, "%", lang),
                        period=period_now, before=fmt_value(r.franvaro_fore, "%", lang), change=change, n=n,
                        months=int(r.manader_nu)))
    figure = charts.change_bars_figure(labels, list(ranked["forandring"]), texts, hovers, title, lang,
                                       x_title=t("abs_warn_axis", lang))
    table = display_table(ranked, {
        "namn": (t("col_school", lang), None), "kommun": (t("col_kommun", lang), None),
        "franvaro_nu": (t("col_abs_now", lang, period=period_now), 1),
        "franvaro_fore": (t("col_abs_before", lang, period=period_before), 1),
        "forandring": (t("col_change_pp", lang), 1),
        "elever_nu": (t("col_pupils_now", lang, period=period_now), 0),
        "elever_fore": (t("col_pupils_now", lang, period=period_before), 0),
        "manader_nu": (t("col_months_now", lang, period=period_now), 0),
        "manader_fore": (t("col_months_now", lang, period=period_before), 0),
    }, lang)
    first = ranked.iloc[0]
    name = f"{first['namn']} {'i' if lang == 'sv' else 'in'} {first['kommun']}" if many else first["namn"]
    if first["forandring"] > 0:
        summary = t("abs_warn_summary", lang, school=name, n=fmt_value(first["antal_elever"], "st", lang),
                    before=fmt_value(first["franvaro_fore"], "%", lang), now=fmt_value(first["franvaro_nu"], "%", lang),
                    change=fmt_change(first["forandring"], "%", lang), period=period_now, m=min_n)
    else:
        summary = t("abs_warn_none", lang, m=min_n, period=period_now)
    return Visual("franvaro_varning", title, figure, table, summary, data=ranked)


def early_warning_note(lang: str, *, n_months: int = EARLY_MONTHS, min_n: int = EARLY_MIN_PUPILS,
                       top: int = EARLY_TOP) -> str:
    return t("abs_warn_note", lang, top=top, k=n_months, m=min_n)
