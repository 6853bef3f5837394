# The Jämför kommuner page's content: up to four kommuner side by side as small multiples on one
# y axis with the region as reference, and the kommuner most similar to one kommun by a stated
# rule (standardised Euclidean distance over pupils, eligibility and absence). No Streamlit here.
"""Compare municipalities: how do we compare, and with whom is it fair to compare?

Why a stated similarity rule: "similar municipalities" (Kolada's jämförelsegrupper) is only
useful if a coordinator can see why two kommuner count as similar, so the rule is simple, uses
only what the data has, and its components are shown in a table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import charts, queries
from ..db import Database
from ..exports import display_table
from ..i18n import fmt_change, fmt_number, fmt_value, kalla_label, measure_label, measure_unit, t
from . import Visual, year_span
from . import eligibility as ev

MAX_PICKS = 4
DEFAULT_MEASURE = "behorig_yrk"
N_SIMILAR = 5
SIMILARITY_YEARS = 3
COMPONENTS = ("log_elever", "behorig_yrk", "franvaro_pct")


@dataclass
class Base:
    """Selection-independent protected frames (cache per database file, keyed by db.token)."""

    elig: ev.Base
    abs_years: list[str]
    abs_kommun: pd.DataFrame  # every kommun, läsår and group
    abs_region: pd.DataFrame
    thresholds: list[int]


def base_frames(db: Database) -> Base:
    return Base(
        elig=ev.base_frames(db),
        abs_years=queries.absence_years(db),
        abs_kommun=queries.absence(db, "kommun", period="lasar"),  # all kommuner: one partition, see ev
        abs_region=queries.absence(db, "region", period="lasar"),
        thresholds=queries.thresholds(db),
    )


def measures(base: Base) -> list[str]:
    """Eligibility measures, then absence rates and the high-absence shares per threshold."""
    out = list(queries.ELIGIBILITY_MEASURES)
    if base.abs_years:
        out += list(queries.ABSENCE_MEASURES) + [f"andel_over_{x}" for x in base.thresholds]
    return out


def is_absence(measure: str) -> bool:
    return measure in queries.ABSENCE_MEASURES or measure.startswith("andel_over_")


def label(measure: str, lang: str) -> str:
    if measure.startswith("andel_over_"):
        return t("jf_over", lang, t=measure.removeprefix("andel_over_"))
    return measure_label(measure, lang)


def unit(measure: str) -> str:
    return "%" if measure.startswith("andel_over_") else measure_unit(measure)


def names(base: Base) -> dict[str, str]:
    table = base.elig.kommun_table
    return dict(zip(table["kommun_kod"], table["namn"], strict=True))


def kommun_options(base: Base) -> list[str]:
    """The Plug Innan kommuner by förbund and name (the compare pickers' options)."""
    table = base.elig.kommun_table
    return table.loc[table["forbund_id"].notna(), "kommun_kod"].tolist()


def colour_order(sel: queries.Selection, picks: Sequence[str]) -> list[str]:
    """The sidebar's kommuner keep their colour; other kommuner shown take the next free colours.

    Pages pass one order for all their charts, so a kommun has one colour on the whole page.
    """
    return list(dict.fromkeys([*sel.kommuner, *picks]))


def _frames(base: Base, sel: queries.Selection, measure: str) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(kommun rows, region rows, läsår in range) for the measure and the sidebar's group."""
    if is_absence(measure):
        years = queries._years_between(base.abs_years, sel.lasar_from, sel.lasar_to)
        k, r = base.abs_kommun, base.abs_region
    else:
        years = queries._years_between(base.elig.all_years, sel.lasar_from, sel.lasar_to)
        k, r = base.elig.kommun, base.elig.region
    k = k[(k["grupp"] == sel.grupp) & k["lasar"].isin(years)]
    r = r[(r["grupp"] == sel.grupp) & r["lasar"].isin(years)]
    return k, r, years


def _lines_for(rows: pd.DataFrame, measure: str, name: str, kind: str, colour: str | None) -> charts.Line:
    rows = rows.sort_values("lasar")
    return charts.Line(name, list(rows["lasar"]), list(rows[measure]), kind, colour, list(rows["antal_elever"]),
                       list(rows[f"{measure}_marker"]))


def _table(data: pd.DataFrame, measure: str, lang: str) -> pd.DataFrame:
    data = data.assign(area=data["namn"].where(data["niva"] != "region", t("region_vg", lang)))
    cols = {"area": (t("col_area", lang), None), "lasar": (t("col_lasar", lang), None),
            measure: (label(measure, lang) + (" (%)" if unit(measure) == "%" else ""), 1),
            "antal_elever": (t("jf_col_pupils_abs" if is_absence(measure) else "col_pupils", lang), 0)}
    if "kalla" in data and not is_absence(measure):
        data = data.assign(kalla_text=data["kalla"].map(lambda k: kalla_label(k, lang)))
        cols["kalla_text"] = (t("col_kalla", lang), None)
    return display_table(data, cols, lang)


def _grupp(sel: queries.Selection, lang: str) -> str:
    return ev.grupp_suffix(sel, lang)


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" och " if lang == "sv" else " and ") + items[-1]


# --------------------------------------------------------------------------- side by side

def small_multiples(base: Base, sel: queries.Selection, picks: Sequence[str], measure: str, lang: str,
                    order: Sequence[str] = ()) -> Visual:
    """One small chart per picked kommun, same y axis, the region as a dotted line in each."""
    picks = list(picks)[:MAX_PICKS]
    nm = names(base)
    k, r, years = _frames(base, sel, measure)
    k = k[k["id"].isin(picks)]
    order = list(order) or colour_order(sel, picks)
    region_name = t("region_vg", lang)
    panels = []
    for kod in picks:
        rows = k[k["id"] == kod]
        panels.append((nm.get(kod, kod), [
            _lines_for(rows, measure, nm.get(kod, kod), "entity", charts.colour_for(kod, order)),
            _lines_for(r, measure, region_name, "region", None)]))
    subject = _join([nm.get(x, x) for x in picks], lang)
    title = t("jf_sm_title", lang, label=label(measure, lang), subject=subject, span=year_span(years)) \
        + _grupp(sel, lang)
    k = k.assign(_o=k["id"].map({x: i for i, x in enumerate(picks)})).sort_values(["_o", "lasar"]).drop(columns="_o")
    data = pd.concat([k, r], ignore_index=True)
    figure = None
    if picks and data[measure].notna().any():
        figure = charts.small_multiples(panels, title, unit(measure), lang,
                                        y_range=charts.nice_range(data[measure], unit(measure)),
                                        cols=2 if len(picks) != 3 else 3)
    summary = _sm_summary(k, r, measure, lang)
    if not is_absence(measure):
        summary = ev.with_kalla(summary, k, nm, lang)
    return Visual("jamfor_sida_vid_sida", title, figure, _table(data, measure, lang), summary, data=data)


def _sm_summary(k: pd.DataFrame, r: pd.DataFrame, measure: str, lang: str) -> str:
    if k.empty or k[measure].isna().all():
        return t("no_data", lang)
    u = unit(measure)
    year = k.dropna(subset=[measure])["lasar"].max()
    latest = k[(k["lasar"] == year)].dropna(subset=[measure])
    lab = subject_label(measure, lang)
    parts = []
    if len(latest) == 1:
        row = latest.iloc[0]
        first = k[k["id"] == row["id"]].dropna(subset=[measure]).sort_values("lasar").iloc[0]
        change = ""
        if first["lasar"] != year:
            change = t("be_trend_change", lang, change=fmt_change(row[measure] - first[measure], u, lang),
                       year=first["lasar"])
        parts.append(t("be_trend_one", lang, subject=row["namn"], label=lab, value=fmt_value(row[measure], u, lang),
                       year=year, change=change))
    elif len(latest) > 1:
        hi, lo = latest.loc[latest[measure].idxmax()], latest.loc[latest[measure].idxmin()]
        parts.append(t("be_trend_many", lang, year=year, label=lab, hi=hi["namn"], hi_v=fmt_value(hi[measure], u, lang),
                       lo=lo["namn"], lo_v=fmt_value(lo[measure], u, lang)))
    reg = r[r["lasar"] == year]
    if not reg.empty:
        parts.append(t("be_trend_region", lang, value=fmt_value(reg[measure].iloc[0], u, lang,
                                                               ev.marker(reg.iloc[0], measure)), year=year))
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


def subject_label(measure: str, lang: str) -> str:
    """The measure as the subject of a sentence ('den totala frånvaron')."""
    if measure.startswith("andel_over_"):
        return t("jf_over_subject", lang, t=measure.removeprefix("andel_over_"))
    if measure in queries.ABSENCE_MEASURES:
        return t("jf_abs_subject_" + measure, lang)
    return ev.subject_label(measure, lang)


def _simtrend_summary(k: pd.DataFrame, r: pd.DataFrame, kommun: str, measure: str, lang: str) -> str:
    shown = k.dropna(subset=[measure])
    if shown.empty:
        return t("no_data", lang)
    u = unit(measure)
    year = shown["lasar"].max()
    latest = shown[shown["lasar"] == year]
    me, others = latest[latest["id"] == kommun], latest[latest["id"] != kommun]
    parts = []
    if not me.empty:
        parts.append(t("jf_simtrend_me", lang, name=me["namn"].iloc[0], label=subject_label(measure, lang),
                       value=fmt_value(me[measure].iloc[0], u, lang), year=year))
    if len(others):
        lo, hi = others.loc[others[measure].idxmin()], others.loc[others[measure].idxmax()]
        parts.append(t("jf_simtrend_others", lang, lo=lo["namn"], lo_v=fmt_value(lo[measure], u, lang),
                       hi=hi["namn"], hi_v=fmt_value(hi[measure], u, lang)))
    reg = r[r["lasar"] == year]
    if not reg.empty:
        parts.append(t("jf_simtrend_region", lang, value=fmt_value(reg[measure].iloc[0], u, lang,
                                                                  ev.marker(reg.iloc[0], measure))))
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


# --------------------------------------------------------------------------- similar kommuner

def similarity_years(base: Base, sel: queries.Selection) -> tuple[list[str], list[str]]:
    """The latest three läsår up to the end of the selected range, for eligibility and absence."""
    e = queries._years_between(base.elig.all_years, None, sel.lasar_to)[-SIMILARITY_YEARS:]
    a = queries._years_between(base.abs_years, None, sel.lasar_to)[-SIMILARITY_YEARS:]
    return e, a


def profiles(base: Base, sel: queries.Selection) -> pd.DataFrame:
    """Per Plug Innan kommun: averages over the latest three years of log pupils, eligibility
    and absence (all pupils), from protected figures only; then standardised across kommuner."""
    e_years, a_years = similarity_years(base, sel)
    pool = kommun_options(base)
    e = base.elig.kommun
    e = e[(e["grupp"] == "alla") & e["lasar"].isin(e_years) & e["id"].isin(pool)]
    a = base.abs_kommun
    a = a[(a["grupp"] == "alla") & a["lasar"].isin(a_years) & a["id"].isin(pool)]
    with np.errstate(divide="ignore"):
        e = e.assign(log_elever=np.log(e["antal_elever"].where(e["antal_elever"] > 0)))
    prof = pd.DataFrame({"id": pool})
    g = e.groupby("id")
    prof["elever"] = prof["id"].map(g["antal_elever"].mean())
    prof["log_elever"] = prof["id"].map(g["log_elever"].mean())
    prof["behorig_yrk"] = prof["id"].map(g["behorig_yrk"].mean())
    prof["franvaro_pct"] = prof["id"].map(a.groupby("id")["franvaro_pct"].mean()) if not a.empty else np.nan
    for c in COMPONENTS:
        sd = prof[c].std(ddof=0)
        prof[f"z_{c}"] = (prof[c] - prof[c].mean()) / sd if sd and not math.isnan(sd) else np.nan
    nm = names(base)
    table = base.elig.kommun_table.set_index("kommun_kod")
    prof["namn"] = prof["id"].map(nm)
    prof["forbund"] = prof["id"].map(table["forbund"])
    return prof


def similar(base: Base, sel: queries.Selection, kommun: str, n: int = N_SIMILAR) -> tuple[pd.DataFrame, list[str]]:
    """The kommun's row first, then the n nearest by standardised Euclidean distance.

    Returns (frame, components used). A component the kommun lacks is left out for all; a
    candidate lacking one of the used components is left out.
    """
    prof = profiles(base, sel)
    ref = prof[prof["id"] == kommun]
    if ref.empty:
        return prof.iloc[0:0].assign(avstand=[]), []
    ref = ref.iloc[0]
    used = [c for c in COMPONENTS if pd.notna(ref[f"z_{c}"])]
    if not used:
        return prof.iloc[0:0].assign(avstand=[]), []
    cand = prof.dropna(subset=[f"z_{c}" for c in used]).copy()
    for c in used:
        cand[f"d_{c}"] = cand[f"z_{c}"] - ref[f"z_{c}"]
    cand["avstand"] = np.sqrt(sum(cand[f"d_{c}"] ** 2 for c in used))
    cand = cand.sort_values(["avstand", "namn"])
    me = cand[cand["id"] == kommun]
    others = cand[cand["id"] != kommun].head(n)
    return pd.concat([me, others], ignore_index=True), used


def similarity(base: Base, sel: queries.Selection, kommun: str, lang: str,
               order: Sequence[str] = ()) -> tuple[Visual, list[str]]:
    """The nearest kommuner as bars of distance, with the components in the table."""
    data, used = similar(base, sel, kommun)
    nm = names(base)
    e_years, a_years = similarity_years(base, sel)
    ref_name = nm.get(kommun, kommun)
    title = t("jf_sim_title", lang, name=ref_name)
    others = data[data["id"] != kommun]
    order = list(order) or colour_order(sel, [kommun, *others["id"]])  # the same colours as the trend below
    bars = []
    for _, r in others.iterrows():
        parts = [t(f"jf_comp_{c}", lang) + ": " + _signed(r[f"d_{c}"], lang) for c in used]
        bars.append(charts.Bar(str(r["namn"]), float(r["avstand"]), charts.colour_for(r["id"], order),
                               fmt_number(r["avstand"], 2, lang),
                               f"<b>{r['namn']}</b>: {t('jf_distance', lang).lower()} {fmt_number(r['avstand'], 2, lang)}"
                               f"<br>{'<br>'.join(parts)}"))
    figure = charts.ranked_bars(bars, title, "", lang, x_title=t("jf_distance_axis", lang)) if bars else None
    cols = {"namn": (t("be_col_kommun", lang), None), "forbund": (t("forbund", lang), None),
            "avstand": (t("jf_distance", lang), 2),
            "elever": (t("jf_col_pupils_avg", lang), 0), "behorig_yrk": (t("jf_col_elig_avg", lang), 1),
            "franvaro_pct": (t("jf_col_abs_avg", lang), 1)}
    for c in used:
        cols[f"d_{c}"] = (t("jf_col_diff", lang, comp=t(f"jf_comp_{c}", lang).lower()), 2)
    table = display_table(data, cols, lang)  # differences as plain signed numbers ('+' would be escaped)
    if others.empty:
        summary = t("jf_sim_none", lang, name=ref_name)
    else:
        summary = t("jf_sim_sum", lang, name=ref_name, similar=_join(others["namn"].head(3).tolist(), lang),
                    comps=_join([t(f"jf_comp_{c}", lang).lower() for c in used], lang),
                    e_span=year_span(e_years), a_span=year_span(a_years) if "franvaro_pct" in used else "–")
    v = Visual("jamfor_liknande", title, figure, table, summary, markers=("..", "."), data=data)
    return v, others["id"].tolist()


def _signed(v: object, lang: str) -> str:
    x = ev.num(v)
    if x is None:
        return "."
    sign = "+" if x > 0.005 else ("\u2212" if x < -0.005 else "±")
    return sign + fmt_number(abs(x), 2, lang)


def similar_trend(base: Base, sel: queries.Selection, kommun: str, others: Sequence[str], measure: str,
                  lang: str, order: Sequence[str] = ()) -> Visual:
    """The measure over time for the kommun and its most similar kommuner, with the region."""
    nm = names(base)
    k, r, years = _frames(base, sel, measure)
    ids = [kommun, *others]
    order = list(order) or colour_order(sel, ids)
    k = k[k["id"].isin(ids)]
    k = k.assign(_o=k["id"].map({x: i for i, x in enumerate(ids)})).sort_values(["_o", "lasar"]).drop(columns="_o")
    lines = [_lines_for(k[k["id"] == x], measure, nm.get(x, x), "entity", charts.colour_for(x, order)) for x in ids]
    for line in lines[1:]:
        line.kind = "entity"
    lines.append(_lines_for(r, measure, t("region_vg", lang), "region", None))
    data = pd.concat([k, r], ignore_index=True)
    title = t("jf_simtrend_title", lang, label=label(measure, lang), name=nm.get(kommun, kommun),
              span=year_span(years)) + _grupp(sel, lang)
    figure = None
    if data[measure].notna().any():
        figure = charts.trend_figure(lines, title, unit(measure), lang,
                                     y_range=charts.nice_range(data[measure], unit(measure)))
        for trace in figure["data"][1:len(ids)]:  # the similar kommuner thinner than the one compared
            trace["line"]["width"] = 1.5
            trace["marker"]["size"] = 5
        ev._fit(figure, title)
    summary = _simtrend_summary(k, r, kommun, measure, lang)
    if not is_absence(measure):
        summary = ev.with_kalla(summary, k, nm, lang)
    return Visual("jamfor_liknande_over_tid", title, figure, _table(data, measure, lang), summary, data=data)
