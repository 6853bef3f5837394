# The Delprojekt page's content: the register of sub-projects (list, timeline, map per kommun),
# one sub-project's outcome against comparison schools (difference-in-differences from
# pluginnan_core.evaluate) with its evidence label, and the effects per intervention type.
"""Sub-projects: did they work, compared fairly and with an honest evidence label.

Why these choices (EEF Teaching and Learning Toolkit, What Works Clearinghouse, Skolverket's
SALSA): an effect is only shown with its uncertainty interval and the strength of the evidence
beside it, always as a change relative to comparison schools over the same months, and never
as a ranking of projects on raw figures (rows keep the register's order). A sub-project with
too little data says why instead of showing a number. All statistics come from
`pluginnan_core.evaluate`; this module only words and draws them, so the page, the CLI and the
tests agree to the last decimal.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .. import charts, evaluate, queries, reference
from ..db import Database
from ..exports import display_table
from ..i18n import fmt_number, fmt_value, t
from . import Visual, selection_name
from . import map as geo
from .overview import Tile

STATUSES = ("planerat", "pagar", "avslutat")  # display codes; evaluate says 'pågår'
MEASURE_CODES = tuple(evaluate.MEASURES)
DEFAULT_MEASURE = "franvaro_pct"
MAX_URL_CODES = 20  # a link names at most this many intervention types / statuses

_SUBJECT = {  # the measure as the subject of a sentence
    "franvaro_pct": ("den totala frånvaron", "total absence"),
    "ogiltig_pct": ("den ogiltiga frånvaron", "unauthorised absence"),
    f"andel_over{evaluate.THRESHOLD}": (f"andelen elever med minst {evaluate.THRESHOLD} % frånvaro",
                                        f"the share of pupils with at least {evaluate.THRESHOLD} % absence"),
    "behorig_yrk": ("andelen behöriga till yrkesprogram", "the share eligible for vocational programmes"),
}


# --------------------------------------------------------------------------- small helpers

def status_code(value: Any) -> str:
    """'pågår' (evaluate) and 'pagar' (queries) are the same status: one code for display."""
    text = str(value)
    return "pagar" if text in ("pågår", "pagar") else text


def status_label(value: Any, lang: str) -> str:
    """'planerat' / 'pågår' / 'avslutat' (with å), or 'planned' / 'running' / 'finished'."""
    code = status_code(value)
    return t(f"dp_status_{code}", lang) if code in STATUSES else str(value)


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _date(v: Any) -> dt.date:
    return pd.Timestamp(v).date()


def decimals(measure: str) -> int:
    """Decimals for a measure's effect (ogiltig absence is small, so two), as the CLI prints."""
    m = evaluate.MEASURES.get(measure)
    return m.decimals if m else 1


def signed(value: Any, ndec: int, lang: str) -> str:
    """'+1,2', '−0,4' (real minus sign), '±0,0' when it rounds to zero: the CLI's rule."""
    v = _num(value)
    if v is None:
        return "."
    body = fmt_number(abs(v), ndec, lang)
    if body.strip("0,.") == "":
        return f"±{body}"
    return f"{'+' if v > 0 else chr(0x2212)}{body}"


def plain(value: Any, ndec: int, lang: str) -> str:
    """A number with a real minus sign and no sign on a rounded zero (interval ends)."""
    v = _num(value)
    if v is None:
        return "."
    body = fmt_number(abs(v), ndec, lang)
    return f"\u2212{body}" if v < 0 and body.strip("0,.") else body


def interval(row: pd.Series | dict, lang: str) -> str:
    """'−1,7 till −0,9' / '−1.7 to −0.9'."""
    d = decimals(row["matt"])
    return f"{plain(row['ki_lag'], d, lang)} {t('dp_to', lang)} {plain(row['ki_hog'], d, lang)}"


def measure_name(row: pd.Series | dict, lang: str) -> str:
    return str(row["matt_namn_en"] if lang == "en" else row["matt_namn"])


def level_label(row: pd.Series | dict, lang: str) -> str:
    return str(row["underlag_en"] if lang == "en" else row["underlag"])


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def interventions(db: Database) -> dict[str, tuple[str, str]]:
    """Intervention codes -> (Swedish, English) from the database, else the reference list."""
    df = queries.intervention_types(db)
    if df.empty:
        return dict(reference.INTERVENTIONS)
    return {str(c): (str(sv), str(en)) for c, sv, en in zip(df["code"], df["namn_sv"], df["namn_en"], strict=True)}


def intervention_names(codes: Sequence[str], kinds: dict[str, tuple[str, str]], lang: str) -> list[str]:
    i = 1 if lang == "en" else 0
    return [kinds.get(c, (c, c))[i] for c in codes]


def parse_codes(raw: str | None, options: Sequence[str]) -> tuple[list[str], list[str]]:
    """Comma-separated codes from a link (`insats=mentorskap,elevhalsa`), validated.

    Returns (known codes in the given order without repeats, unknown values); 'pågår' is read as
    'pagar'. Anyone can edit a link, so unknown values are reported, never used.
    """
    if not raw:
        return [], []
    good: list[str] = []
    bad: list[str] = []
    for part in str(raw).split(",")[:MAX_URL_CODES]:
        value = status_code(part.strip())
        if not value:
            continue
        if value in options:
            if value not in good:
                good.append(value)
        else:
            bad.append(part.strip())
    return good, bad


# --------------------------------------------------------------------------- the register

@dataclass(frozen=True)
class Filters:
    """What the page filters the register on; empty tuples mean "all"."""

    forbund: tuple[str, ...] = ()
    kommuner: tuple[str, ...] = ()
    insatser: tuple[str, ...] = ()  # a project matches if it uses any of them
    statuses: tuple[str, ...] = ()  # display codes (STATUSES)


def filters_from_selection(sel: queries.Selection, insatser: Sequence[str] = (),
                           statuses: Sequence[str] = ()) -> Filters:
    """The sidebar's förbund/kommuner are the default scope; the page adds type and status."""
    return Filters(tuple(sel.forbund), tuple(sel.kommuner), tuple(insatser), tuple(status_code(s) for s in statuses))


def register(db: Database, today: dt.date | None = None) -> pd.DataFrame:
    """Every sub-project (queries.subprojects) with the status as a display code."""
    frame = queries.subprojects(db, today=today)
    frame["status"] = frame["status"].map(status_code)
    return frame


def filter_register(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows matching the filters: kommuner if picked, else förbund; any of the types; the statuses."""
    keep = pd.Series(True, index=frame.index)
    if filters.kommuner:
        keep &= frame["kommun_kod"].isin(filters.kommuner)
    elif filters.forbund:
        keep &= frame["forbund_id"].isin(filters.forbund)
    if filters.insatser:
        wanted = set(filters.insatser)
        keep &= frame["insatser"].map(lambda codes: bool(wanted & set(_list(codes))))
    if filters.statuses:
        keep &= frame["status"].map(status_code).isin(filters.statuses)
    return frame[keep].reset_index(drop=True)


def _list(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return [str(v) for v in list(value)]


def scope_name(db: Database, sel: queries.Selection, lang: str) -> str:
    """'Borås', 'GR', 'Plug Innan-regionen': how the sidebar's scope is named in titles."""
    forbund = queries.forbund_table(db)
    fnames = dict(zip(forbund["forbund_id"], forbund["kortnamn"], strict=True))
    return selection_name(queries.kommun_names(db), list(sel.kommuner), tuple(sel.forbund), fnames, lang)


def _reached(frame: pd.DataFrame) -> tuple[float, bool]:
    """Pupils reached: the sum of the shown counts, and whether some count is withheld ('..').

    Why only shown counts: adding the withheld ones would let anyone subtract the shown ones
    from the total and recover a count below the limit.
    """
    shown = pd.to_numeric(frame["elever_nadda"], errors="coerce")
    withheld = bool(frame.get("elever_nadda_marker", pd.Series(dtype=object)).eq("..").any())
    return float(shown.sum()), withheld


def tiles(frame: pd.DataFrame, lang: str) -> list[Tile]:
    """Count of sub-projects in the list, by status, and pupils reached."""
    counts = frame["status"].map(status_code).value_counts()
    reached, withheld = _reached(frame)
    return [
        Tile(t("dp_tile_projects", lang), fmt_value(len(frame), "st", lang), None, t("dp_tile_projects_help", lang)),
        Tile(t("dp_tile_running", lang), fmt_value(int(counts.get("pagar", 0)), "st", lang), None,
             t("dp_tile_running_help", lang)),
        Tile(t("dp_tile_done", lang), fmt_value(int(counts.get("avslutat", 0)), "st", lang), None,
             t("dp_tile_done_help", lang, n=int(counts.get("planerat", 0)))),
        Tile(t("tile_reached", lang), fmt_value(reached, "st", lang) + (" *" if withheld else ""), None,
             t("dp_tile_reached_help", lang) + (" " + t("dp_reached_withheld", lang) if withheld else "")),
    ]


def _filter_note(filters: Filters, kinds: dict[str, tuple[str, str]], lang: str) -> str:
    parts = []
    if filters.insatser:
        parts.append(", ".join(intervention_names(filters.insatser, kinds, lang)).lower())
    if filters.statuses:
        parts.append(", ".join(status_label(s, lang) for s in filters.statuses))
    return f" ({'; '.join(parts)})" if parts else ""


def list_visual(frame: pd.DataFrame, kinds: dict[str, tuple[str, str]], lang: str, today: dt.date,
                scope: str, filters: Filters = Filters()) -> Visual:
    """The register as a timeline (start to end, by status) with the full list as its table."""
    title = t("dp_list_title", lang, scope=scope) + _filter_note(filters, kinds, lang)
    rows = []
    for r in frame.itertuples():
        status = status_label(r.status, lang)
        schools = ", ".join(_list(r.skolor))
        reached = fmt_number(r.elever_nadda, 0, lang, r.elever_nadda_marker if isinstance(
            r.elever_nadda_marker, str) else None)
        hover = (f"<b>{r.projekt_id} {r.namn}</b><br>{r.kommun} ({r.forbund}) · {status}<br>"
                 f"{_date(r.start_datum).isoformat()} – {_date(r.slut_datum).isoformat()}<br>"
                 f"{t('dp_col_schools', lang)}: {schools}<br>"
                 f"{t('dp_col_grades', lang)}: {r.arskurs_fran}–{r.arskurs_till} · "
                 f"{t('tile_reached', lang)}: {reached}<br>"
                 f"{', '.join(intervention_names(_list(r.insatser), kinds, lang))}")
        rows.append(charts.TimelineRow(f"{r.projekt_id} {r.namn}", _date(r.start_datum), _date(r.slut_datum),
                                       status_code(r.status), hover))
    figure = None
    if rows:
        first = min(r.start for r in rows)
        last = max(max(r.end for r in rows), today)
        years = list(range(first.year, last.year + 2))
        ticks = ([f"{y}-01-01" for y in years], [str(y) for y in years])
        figure = charts.timeline_figure(rows, title, lang, group_names={s: _cap(status_label(s, lang)) for s in STATUSES},
                                        today=today, today_label=t("dp_today", lang, date=today.isoformat()),
                                        ticks=ticks)
    table = list_table(frame, kinds, lang)
    return Visual("dp_lista", title, figure, table, _list_summary(frame, lang, scope, today), markers=("..",),
                  data=frame)


def list_table(frame: pd.DataFrame, kinds: dict[str, tuple[str, str]], lang: str) -> pd.DataFrame:
    """One row per sub-project: id, name, kommun, förbund, schools, dates, årskurser, pupils, types, status."""
    data = frame.assign(
        skolor_text=[", ".join(_list(v)) for v in frame["skolor"]],
        start_text=[_date(v).isoformat() for v in frame["start_datum"]],
        slut_text=[_date(v).isoformat() for v in frame["slut_datum"]],
        ak_text=[f"{a}–{b}" for a, b in zip(frame["arskurs_fran"], frame["arskurs_till"], strict=True)],
        insats_text=[", ".join(intervention_names(_list(v), kinds, lang)) for v in frame["insatser"]],
        status_text=[status_label(s, lang) for s in frame["status"]],
    )
    return display_table(data, {
        "projekt_id": (t("dp_col_id", lang), None), "namn": (t("dp_col_name", lang), None),
        "kommun": (t("col_kommun", lang), None), "forbund": (t("forbund", lang), None),
        "skolor_text": (t("dp_col_schools", lang), None), "start_text": (t("dp_col_start", lang), None),
        "slut_text": (t("dp_col_end", lang), None), "ak_text": (t("dp_col_grades", lang), None),
        "elever_nadda": (t("tile_reached", lang), 0), "insats_text": (t("dp_col_types", lang), None),
        "status_text": (t("dp_col_status", lang), None),
    }, lang)


def _list_summary(frame: pd.DataFrame, lang: str, scope: str, today: dt.date) -> str:
    if frame.empty:
        return t("dp_list_none", lang, scope=scope)
    counts = frame["status"].map(status_code).value_counts()
    reached, withheld = _reached(frame)
    return t("dp_list_summary", lang, n=len(frame), scope=scope,
             first=min(_date(v) for v in frame["start_datum"]).isoformat(),
             last=max(_date(v) for v in frame["start_datum"]).isoformat(),
             running=int(counts.get("pagar", 0)), done=int(counts.get("avslutat", 0)),
             planned=int(counts.get("planerat", 0)), reached=fmt_value(reached, "st", lang),
             withheld=t("dp_reached_withheld_short", lang) if withheld else "")


def map_visual(db: Database, frame: pd.DataFrame, lang: str, scope: str, highlight: Sequence[str] = (),
               filters: Filters = Filters(), kinds: dict[str, tuple[str, str]] | None = None) -> Visual:
    """The number of sub-projects (in the list) per kommun over Plug Innan's 50 kommuner."""
    title = t("dp_map_title", lang, scope=scope) + _filter_note(filters, kinds or {}, lang)
    names = queries.kommun_names(db)
    per = pd.DataFrame({"id": list(reference.REGION_KOMMUNER)})
    per["namn"] = [names.get(k, k) for k in per["id"]]
    per["forbund"] = [reference.FORBUND[reference.KOMMUN_FORBUND[k]][1] for k in per["id"]]
    grouped = frame.groupby("kommun_kod")
    per["antal"] = per["id"].map(grouped.size()).fillna(0).astype(int)
    per["pagar"] = per["id"].map(frame[frame["status"] == "pagar"].groupby("kommun_kod").size()).fillna(0).astype(int)
    reached = frame.assign(n=pd.to_numeric(frame["elever_nadda"], errors="coerce"),
                           w=frame["elever_nadda_marker"].eq(".."))
    sums = reached.groupby("kommun_kod").agg(n=("n", "sum"), w=("w", "any"))
    per["elever_nadda"] = per["id"].map(sums["n"])
    per["elever_nadda_marker"] = [".." if bool(sums["w"].get(k, False)) else None for k in per["id"]]
    per.loc[per["elever_nadda_marker"].eq(".."), "elever_nadda"] = math.nan
    per.loc[per["antal"].eq(0), "elever_nadda"] = 0
    per = per.sort_values(["forbund", "namn"]).reset_index(drop=True)
    shown, empty = per[per["antal"] > 0], per[per["antal"] == 0]

    def hover(r: pd.Series) -> str:
        if not r["antal"]:
            return f"<b>{r['namn']}</b> ({r['forbund']})<br>{t('dp_map_none', lang)}"
        text = t("dp_map_hover", lang, n=int(r["antal"]), running=int(r["pagar"]))
        return f"<b>{r['namn']}</b> ({r['forbund']})<br>{text}"

    figure = None
    if not shown.empty:
        figure = charts.choropleth_figure(
            geo.kommun_geojson(), list(shown["id"]), list(shown["antal"]), [hover(r) for _, r in shown.iterrows()],
            title, lang, unit="", colorbar_title=t("dp_map_colorbar", lang), selected=list(highlight),
            missing=list(empty["id"]), missing_hovers=[hover(r) for _, r in empty.iterrows()],
            zrange=(1, max(2, int(shown["antal"].max()))), height=560)
        # counts start at 1 (0 is drawn white): a scale from a clear light blue, so one project shows
        stops = charts.SEQUENTIAL_BLUES[1:]
        figure["data"][-1]["colorscale"] = [[i / (len(stops) - 1), c] for i, (_, c) in enumerate(stops)]
        figure["data"][-1]["colorbar"].update({"dtick": 1, "tickformat": "d"})
    table = display_table(per, {
        "namn": (t("col_kommun", lang), None), "forbund": (t("forbund", lang), None),
        "antal": (t("dp_col_count", lang), 0), "pagar": (t("dp_col_running", lang), 0),
        "elever_nadda": (t("tile_reached", lang), 0),
    }, lang)
    if shown.empty:
        summary = t("dp_list_none", lang, scope=scope)
    else:
        top = shown[shown["antal"] == shown["antal"].max()]["namn"].tolist()
        summary = t("dp_map_summary", lang, n=int(shown["antal"].sum()), k=len(shown), total=len(per),
                    top=_join(top, lang), top_n=int(shown["antal"].max()))
    return Visual("dp_karta", title, figure, table, summary, markers=("..",), data=per)


def _join(items: Sequence[str], lang: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" och " if lang == "sv" else " and ") + items[-1]


# --------------------------------------------------------------------------- one sub-project

def project_options(frame: pd.DataFrame) -> dict[str, str]:
    """projekt_id -> 'PI-001 Alla i mål Borås (Borås)', in the register's order."""
    return {str(r.projekt_id): f"{r.projekt_id} {r.namn} ({r.kommun})" for r in frame.itertuples()}


def project_facts(row: pd.Series, kinds: dict[str, tuple[str, str]], lang: str) -> str:
    """One line of facts: kommun, schools, dates, årskurser, pupils reached, types, status (Markdown-safe)."""
    reached = fmt_number(row["elever_nadda"], 0, lang, row.get("elever_nadda_marker")
                         if isinstance(row.get("elever_nadda_marker"), str) else None)
    return t("dp_facts", lang, kommun=row["kommun"], forbund=row["forbund"], schools=", ".join(_list(row["skolor"])),
             start=_date(row["start_datum"]).isoformat(), end=_date(row["slut_datum"]).isoformat(),
             ak=f"{row['arskurs_fran']}–{row['arskurs_till']}", reached=reached,
             types=", ".join(intervention_names(_list(row["insatser"]), kinds, lang)),
             status=status_label(row["status"], lang))


def project_rows(results: pd.DataFrame, projekt_id: str) -> pd.DataFrame:
    """evaluate_all's rows for one project, in the measures' order."""
    rows = results[results["projekt_id"] == projekt_id]
    return rows.set_index("matt").reindex([m for m in MEASURE_CODES if m in set(rows["matt"])]).reset_index()


def has_estimate(row: pd.Series | dict) -> bool:
    return _num(row.get("effekt")) is not None


def effect_text(row: pd.Series | dict, lang: str) -> str:
    """'−1,3 procentenheter (95 % osäkerhetsintervall −1,7 till −0,9)'."""
    d = decimals(row["matt"])
    return t("dp_effect_text", lang, effect=signed(row["effekt"], d, lang), interval=interval(row, lang))


def effects_visual(rows: pd.DataFrame, lang: str, title_name: str) -> Visual:
    """EEF style: for each measure the effect, its interval and the evidence label side by side."""
    title = t("dp_effects_title", lang, name=title_name)
    forest = []
    for _, r in rows.iterrows():
        name = measure_name(r, lang)
        better = t("dp_better_lower" if r["battre_nar"] == "lägre" else "dp_better_higher", lang)
        label = f"<b>{name}</b><br>{better}"
        if has_estimate(r):
            text = (f"{signed(r['effekt'], decimals(r['matt']), lang)} ({interval(r, lang)})<br>"
                    f"{level_label(r, lang)}")
            hover = f"<b>{name}</b><br>{effect_text(r, lang)}<br>{_cap(level_label(r, lang))}"
        else:
            text, hover = level_label(r, lang), f"<b>{name}</b><br>{r['anledning_en' if lang == 'en' else 'anledning']}"
        forest.append(charts.ForestRow(label, _num(r["effekt"]), _num(r["ki_lag"]), _num(r["ki_hog"]),
                                       str(r["underlag_kod"]), text, hover))
    figure = None
    if any(has_estimate(r) for _, r in rows.iterrows()):
        figure = charts.forest_figure(forest, title, lang, x_title=t("dp_axis_effect", lang),
                                      level_names=_level_names(lang))
    return Visual("dp_effekter", title, figure, effects_table(rows, lang), _effects_summary(rows, lang),
                  markers=(), data=rows)


def _level_names(lang: str) -> dict[str, str]:
    return {k: _cap(v[1] if lang == "en" else v[0]) for k, v in evaluate.LEVELS.items()}


def effects_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Measure | effect | interval | evidence | why | counts | periods | comparison."""
    out = []
    en = lang == "en"
    for _, r in rows.iterrows():
        d = decimals(r["matt"])
        est = has_estimate(r)
        yearly = r.get("period_enhet") == "läsår"
        out.append({
            t("dp_col_measure", lang): measure_name(r, lang),
            t("dp_col_effect", lang): signed(r["effekt"], d, lang) if est else ".",
            t("dp_col_low", lang): plain(r["ki_lag"], d, lang) if est else ".",
            t("dp_col_high", lang): plain(r["ki_hog"], d, lang) if est else ".",
            t("dp_col_evidence", lang): _cap(level_label(r, lang)),
            t("dp_col_why", lang): (r["underlag_skal_en" if en else "underlag_skal"] or t("dp_all_met", lang)) if est
            else r["anledning_en" if en else "anledning"],
            t("dp_col_pschools", lang): fmt_number(r["antal_projektskolor"], 0, lang) if est else ".",
            t("dp_col_cschools", lang): fmt_number(r["antal_jamforelseskolor"], 0, lang) if est else ".",
            t("dp_col_pupils", lang): (fmt_number(r["antal_elever_projekt"], 0, lang) + " " + t(
                "dp_per_year" if yearly else "dp_per_month", lang)) if est else ".",
            t("dp_col_before", lang): _period(r, "fore", lang) if est else ".",
            t("dp_col_after", lang): _period(r, "efter", lang) if est else ".",
            t("dp_col_comparison", lang): (r["jamforelse_text_en" if en else "jamforelse_text"]) if est else "",
        })
    return pd.DataFrame(out)


def _period(r: pd.Series, which: str, lang: str) -> str:
    n = int(r[f"antal_{which}"])
    unit = t("dp_months" if r["period_enhet"] == "månad" else "dp_years", lang)
    return f"{r[f'{which}_fran']}–{r[f'{which}_till']} ({n} {unit})"


def _effects_summary(rows: pd.DataFrame, lang: str) -> str:
    est = rows[[has_estimate(r) for _, r in rows.iterrows()]]
    if est.empty:
        reason = rows.iloc[0]["anledning_en" if lang == "en" else "anledning"] if len(rows) else ""
        return t("dp_effects_none", lang, reason=reason)
    parts = [f"{measure_name(r, lang).lower()} "
             f"{signed(r['effekt'], decimals(r['matt']), lang)} ({interval(r, lang)}, {level_label(r, lang)})"
             for _, r in est.iterrows()]
    missing = len(rows) - len(est)
    tail = t("dp_effects_missing", lang, n=missing) if missing else ""
    return t("dp_effects_summary", lang, parts="; ".join(parts), tail=tail)


def verdict(row: pd.Series | dict, lang: str) -> str:
    """What the interval says in plain words: better, worse, or cannot tell."""
    lo, hi = _num(row["ki_lag"]), _num(row["ki_hog"])
    if lo is None or hi is None:
        return ""
    lower_better = row["battre_nar"] == "lägre"
    if hi < 0:
        key = "dp_verdict_better" if lower_better else "dp_verdict_worse"
    elif lo > 0:
        key = "dp_verdict_worse" if lower_better else "dp_verdict_better"
    else:
        key = "dp_verdict_unclear"
    return t(key, lang, subject=_subject(row, lang))


def _subject(row: pd.Series | dict, lang: str) -> str:
    """The measure as a sentence's subject ('den totala frånvaron', 'total absence')."""
    if row["matt"] in _SUBJECT:
        return _SUBJECT[row["matt"]][1 if lang == "en" else 0]
    return measure_name(row, lang).lower()


def _moved(before: Any, after: Any, lang: str, unit: str = "%") -> str:
    b, a = _num(before), _num(after)
    if b is None or a is None:
        return "."
    key = "dp_rose" if a - b > 0.05 else ("dp_fell" if a - b < -0.05 else "dp_flat")
    return t(key, lang, before=fmt_value(b, unit, lang), after=fmt_value(a, unit, lang))


def headline(row: pd.Series | dict, lang: str) -> str:
    """One sentence: how the measure moved at the project and the comparison schools, and the effect."""
    subject = _subject(row, lang)
    if not has_estimate(row):
        return t("dp_none_sentence", lang, subject=subject, reason=row["anledning_en" if lang == "en" else "anledning"])
    return t("dp_headline", lang, subject=_cap(subject),
             project=_moved(row["fore_projekt"], row["efter_projekt"], lang),
             comparison=_moved(row["fore_jamforelse"], row["efter_jamforelse"], lang),
             effect=effect_text(row, lang), level=level_label(row, lang))


def counts_text(row: pd.Series | dict, lang: str) -> str:
    """The counts behind an estimate, in words."""
    yearly = row["period_enhet"] == "läsår"
    n_t = int(row["antal_projektskolor"])
    return t("dp_counts_years_list" if yearly else "dp_counts_months_list", lang,
             schools=t("dp_n_pschool" if n_t == 1 else "dp_n_pschools", lang, n=n_t),
             comp=int(row["antal_jamforelseskolor"]), pupils=fmt_number(row["antal_elever_projekt"], 0, lang),
             cpupils=fmt_number(row["antal_elever_jamforelse"], 0, lang), n_pre=int(row["antal_fore"]),
             n_post=int(row["antal_efter"]), pre=f"{row['fore_fran']}–{row['fore_till']}",
             post=f"{row['efter_fran']}–{row['efter_till']}")


def pretrend_text(row: pd.Series | dict, lang: str) -> str:
    """The parallel-trend check in plain words (None = could not be tested)."""
    ok = row.get("pretrend_ok")
    yearly = row["period_enhet"] == "läsår"
    value = signed(row.get("pretrend_effekt"), decimals(row["matt"]), lang)
    if ok is None or (isinstance(ok, float) and math.isnan(ok)):
        return t("dp_pretrend_none_years" if yearly else "dp_pretrend_none", lang)
    if bool(ok):
        return t("dp_pretrend_ok_years" if yearly else "dp_pretrend_ok", lang, value=value)
    return t("dp_pretrend_bad_years" if yearly else "dp_pretrend_bad", lang, value=value)


def evidence_text(row: pd.Series | dict, lang: str) -> str:
    """The label and why it is not one step higher (underlag_skal), or the reason for no estimate."""
    label = _cap(level_label(row, lang))
    en = lang == "en"
    if not has_estimate(row):
        return t("dp_evidence_none", lang, label=label, reason=row["anledning_en" if en else "anledning"])
    why = row["underlag_skal_en" if en else "underlag_skal"]
    code = row["underlag_kod"]
    if code == "stark" or not why:
        return t("dp_evidence_strong", lang, label=label)
    nxt = evaluate.LEVELS["stark" if code == "mattlig" else "mattlig"][1 if en else 0]
    return t("dp_evidence_why", lang, label=label, next=nxt, why=why)


def outcome_visual(result: evaluate.ProjectResult, row: pd.Series, lang: str) -> Visual:
    """Before and after the start: the project schools against the comparison schools (one measure)."""
    measure = str(row["matt"])
    name = measure_name(row, lang)
    title = t("dp_outcome_title", lang, measure=name, name=f"{result.projekt_id} {result.namn}")
    series = result.series[result.series["matt"] == measure].sort_values(["grupp", "datum"])
    summary = headline(row, lang)
    if series.empty or not has_estimate(row):
        return Visual(f"dp_utfall_{measure}", title, None, pd.DataFrame(), summary, markers=("..",), data=series)
    yearly = row["period_enhet"] == "läsår"
    pupils_word = t("dp_leavers" if yearly else "dp_pupils", lang)
    lines, hovers = [], []
    for grupp, colour, kind in ((evaluate.GROUP_PROJECT, charts.PROJECT_COLOUR, "entity"),
                                (evaluate.GROUP_COMPARISON, charts.COMPARISON_COLOUR, "forbund")):
        g = series[series["grupp"] == grupp].sort_values("datum")
        xs: list[Any] = []
        ys: list[Any] = []
        texts: list[str] = []
        prev_phase = None
        for p in g.to_dict("records"):
            if prev_phase is not None and p["fas"] != prev_phase:  # break the line between the periods
                xs.append(None)
                ys.append(None)
                texts.append("")
            prev_phase = p["fas"]
            xs.append(_date(p["datum"]).isoformat())
            ys.append(_num(p["varde"]))
            vm = p.get("varde_marker")
            nm = p.get("antal_elever_marker")
            texts.append(f"{p['period']}: {fmt_value(_num(p['varde']), '%', lang, vm if isinstance(vm, str) else None)}"
                         f" ({fmt_number(p['antal_elever'], 0, lang, nm if isinstance(nm, str) else None)} "
                         f"{pupils_word})")
        n = int(row["antal_projektskolor"] if grupp == evaluate.GROUP_PROJECT else row["antal_jamforelseskolor"])
        label = t("dp_line_project" if grupp == evaluate.GROUP_PROJECT else "dp_line_comparison", lang, n=n)
        lines.append(charts.Line(label, xs, ys, kind, colour))
        hovers.append(texts)
    dates = sorted({_date(d) for d in series["datum"]})
    if yearly:
        labels = {(_date(d)).isoformat(): p for d, p in zip(series["datum"], series["period"], strict=True)}
        ticks = (list(labels), list(labels.values()))
    else:
        augusts = [d for d in dates if d.month == 8]  # one tick per läsår, where it starts
        picks = augusts if len(augusts) >= 2 else [d for i, d in enumerate(dates) if i == 0 or d.month == 8]
        ticks = ([d.isoformat() for d in picks], [reference.lasar_of_month(d) for d in picks])
    start = result.start_datum
    band = None
    if yearly:  # the starting läsår counts neither before nor after: shade it
        first = reference.lasar_start(reference.lasar_of_month(start))
        band = (f"{first}-08-01", f"{first + 1}-07-31", t("dp_start_year_band", lang))
    figure = charts.before_after_figure(
        lines, title, "%", lang, start=start, start_label=t("dp_start_label", lang, date=start.isoformat()),
        hover_texts=hovers, ticks=ticks, y_range=charts.nice_range(series["varde"], "%"), band=band)
    table = _outcome_table(series, lang, yearly)
    return Visual(f"dp_utfall_{measure}", title, figure, table, summary, markers=("..",), data=series)


def _outcome_table(series: pd.DataFrame, lang: str, yearly: bool) -> pd.DataFrame:
    """Period | before/after | project value, pupils | comparison value, pupils (markers kept)."""
    keys = ["period", "fas", "datum"]
    p = series[series["grupp"] == evaluate.GROUP_PROJECT].set_index(keys)
    c = series[series["grupp"] == evaluate.GROUP_COMPARISON].set_index(keys)
    cols = ["varde", "varde_marker", "antal_elever", "antal_elever_marker"]
    both = p[cols].add_prefix("p_").join(c[cols].add_prefix("c_"), how="outer").reset_index().sort_values("datum")
    both["fas_text"] = both["fas"].map({evaluate.PHASE_BEFORE: t("dp_phase_before", lang),
                                        evaluate.PHASE_AFTER: t("dp_phase_after", lang)})
    who = t("dp_leavers" if yearly else "dp_pupils", lang)
    return display_table(both, {
        "period": (t("col_lasar", lang) if yearly else t("dp_col_month", lang), None),
        "fas_text": (t("dp_col_phase", lang), None),
        "p_varde": (t("dp_col_pvalue", lang), 1), "p_antal_elever": (f"{t('dp_col_pgroup', lang)}, {who}", 0),
        "c_varde": (t("dp_col_cvalue", lang), 1), "c_antal_elever": (f"{t('dp_col_cgroup', lang)}, {who}", 0),
    }, lang)


def school_lists(result: evaluate.ProjectResult, measure: str, names: dict[str, str]) -> tuple[list[str], list[str]]:
    """The project schools and comparison schools behind one measure's estimate, by name."""
    used = result.schools_used[result.schools_used["matt"] == measure]
    project = sorted(names.get(c, c) for c in used.loc[used["roll"] == evaluate.GROUP_PROJECT, "skolenhetskod"])
    comparison = sorted(names.get(c, c) for c in used.loc[used["roll"] == evaluate.GROUP_COMPARISON, "skolenhetskod"])
    return project, comparison


# --------------------------------------------------------------------------- per intervention type

def intervention_visual(pooled: pd.DataFrame, results: pd.DataFrame, measure: str, lang: str) -> Visual:
    """Forest plot: per intervention type the pooled effect with interval, label and count of sub-projects."""
    en = lang == "en"
    rows = pooled[pooled["matt"] == measure].reset_index(drop=True)
    mname = (evaluate.MEASURES[measure].en if en else evaluate.MEASURES[measure].sv) if measure in evaluate.MEASURES \
        else measure
    title = t("dp_types_title", lang, measure=mname)
    d = decimals(measure)
    keep = (results["matt"] == measure) & results["effekt"].notna() & (results["medelfel"] > 0)
    single = results.loc[keep, ["projekt_id", "namn", "matt", "effekt", "ki_lag", "ki_hog", "underlag",
                                "underlag_en"]].to_dict("records")  # the same projects by_intervention pools
    codes = {str(p): set(str(c).split(",")) for p, c in zip(results["projekt_id"], results["insatser"], strict=True)}
    forest = []
    for _, r in rows.iterrows():
        name = r["insats_namn_en" if en else "insats_namn"]
        k, total = int(r["antal_delprojekt"]), int(r["antal_delprojekt_typ"])
        label = f"<b>{name}</b><br>{t('dp_types_k', lang, k=k, n=total)}"
        mine = [p for p in single if r["insats"] in codes[str(p["projekt_id"])]]
        points = [float(p["effekt"]) for p in mine]
        points_hover = [f"{p['projekt_id']} {p['namn']}: {signed(p['effekt'], d, lang)} ({interval(p, lang)}), "
                        f"{p['underlag_en' if en else 'underlag']}" for p in mine]
        level = r["underlag_en" if en else "underlag"]
        if _num(r["effekt"]) is not None:
            text = f"{signed(r['effekt'], d, lang)} ({interval(r, lang)})<br>{level}"
            hover = (f"<b>{name}</b><br>{t('dp_pooled', lang)}: {effect_text(r, lang)}<br>{_cap(level)}"
                     f"<br>{t('dp_types_k', lang, k=k, n=total)}")
        else:
            text = level
            hover = f"<b>{name}</b><br>{_cap(level)}: {r['underlag_skal_en' if en else 'underlag_skal']}"
        forest.append(charts.ForestRow(label, _num(r["effekt"]), _num(r["ki_lag"]), _num(r["ki_hog"]),
                                       str(r["underlag_kod"]), text, hover, points, points_hover))
    figure = None
    if rows["effekt"].notna().any():
        figure = charts.forest_figure(forest, title, lang, x_title=t("dp_axis_effect", lang),
                                      level_names={k: f"{t('dp_pooled', lang)}: {v.lower()}"
                                                   for k, v in _level_names(lang).items()},
                                      points_name=t("dp_single_projects", lang))
    table = _types_table(rows, lang)
    return Visual(f"dp_insatser_{measure}", title, figure, table, _types_summary(rows, measure, lang),
                  markers=(), data=rows)


def _types_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    en = lang == "en"
    out = []
    for _, r in rows.iterrows():
        d = decimals(r["matt"])
        est = _num(r["effekt"]) is not None
        out.append({
            t("dp_col_type", lang): r["insats_namn_en" if en else "insats_namn"],
            t("dp_col_k", lang): fmt_number(r["antal_delprojekt"], 0, lang),
            t("dp_col_k_all", lang): fmt_number(r["antal_delprojekt_typ"], 0, lang),
            t("dp_col_pooled", lang): signed(r["effekt"], d, lang) if est else ".",
            t("dp_col_low", lang): plain(r["ki_lag"], d, lang) if est else ".",
            t("dp_col_high", lang): plain(r["ki_hog"], d, lang) if est else ".",
            t("dp_col_median", lang): signed(r["median"], d, lang) if _num(r["median"]) is not None else ".",
            t("dp_col_min", lang): signed(r["lagsta"], d, lang) if _num(r["lagsta"]) is not None else ".",
            t("dp_col_max", lang): signed(r["hogsta"], d, lang) if _num(r["hogsta"]) is not None else ".",
            t("dp_col_evidence", lang): _cap(r["underlag_en" if en else "underlag"]),
            t("dp_col_why", lang): r["underlag_skal_en" if en else "underlag_skal"] or (
                t("dp_all_met", lang) if est else ""),
        })
    return pd.DataFrame(out)


def _types_summary(rows: pd.DataFrame, measure: str, lang: str) -> str:
    est = rows[rows["effekt"].notna()]
    subject = _SUBJECT.get(measure, (measure, measure))[1 if lang == "en" else 0]
    if est.empty:
        return t("dp_types_none", lang, subject=subject)
    d = decimals(measure)
    levels = est["underlag_kod"].value_counts()
    level_parts = [t("dp_n_with", lang, n=int(levels[k]), label=v[1] if lang == "en" else v[0])
                   for k, v in evaluate.LEVELS.items() if k in levels]
    return t("dp_types_summary", lang, subject=subject, k=len(est), n=len(rows),
             lo=signed(est["effekt"].min(), d, lang), hi=signed(est["effekt"].max(), d, lang),
             levels=_join(level_parts, lang))
