# The presentation's content: which charts form the show for a selection (from the other views,
# in a fixed order), the selection line under every slide and the date on the title slide.
# Shared by the projector page (pages/presentation.py) and the PowerPoint deck (slides.py).
"""What a network meeting is shown, one chart per screen, without Streamlit.

Why here and not in the page: the projector and the take-away deck must show the same charts
in the same order with the same numbers, so both take their list from `presentation_visuals`.
Why so defensive: the other views are built by other people and change; a chart whose view
module is missing or raises is left out of the show (and named in `skipped`) rather than
taking the whole meeting down. Every chart still comes from a view's public function, so it
went through the same disclosure control as on its own page.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Callable, Iterator
from types import ModuleType

from babel.dates import format_date

from .. import queries
from ..db import Database
from ..i18n import t
from . import Visual, selection_name, year_span

log = logging.getLogger(__name__)

MEASURE = "behorig_yrk"  # the eligibility measure the show is about (the politicians' first question)
#: Most bars (or heatmap rows) a slide can hold with 24 px labels; a ranking of all 50 kommuner
#: is left out of the show (the map shows them all) but stays on its page.
MAX_ROWS = 16
_LOCALE = {"sv": "sv_SE", "en": "en_GB"}


def selection_subtitle(db: Database, sel: queries.Selection, lang: str) -> str:
    """'Alingsås · läsår 2019/20–2024/25 · alla elever': the filter shown on every slide."""
    names = queries.kommun_names(db)
    ft = queries.forbund_table(db)
    fnames = dict(zip(ft["forbund_id"], ft["kortnamn"], strict=True))
    subject = selection_name(names, list(sel.kommuner), sel.forbund, fnames, lang)
    if 3 < len(sel.kommuner):  # "5 valda kommuner" says too little on a slide: name them
        subject = ", ".join(names.get(k, k) for k in sel.kommuner)
    years = queries._years_between(queries.all_years(db), sel.lasar_from, sel.lasar_to)
    return t("pres_selection", lang, subject=subject, span=year_span(years) or "–",
             grupp=t(f"grupp_{sel.grupp}", lang).lower())


def date_text(day: dt.date, lang: str) -> str:
    """'22 november 2026' / '22 November 2026'."""
    return format_date(day, format="long", locale=_LOCALE.get(lang, "sv_SE"))


def _module(name: str) -> ModuleType | None:
    """A sibling view module, or None while it does not exist (yet) or fails to import."""
    try:
        return importlib.import_module(f"{__package__}.{name}")
    except ModuleNotFoundError:
        return None
    except Exception:  # a broken sibling must not break the show
        log.exception("views.%s could not be imported", name)
        return None


def _overview(db: Database, sel: queries.Selection, lang: str) -> list[Visual]:
    from . import overview

    return [overview.trend(db, sel, lang, MEASURE)]


def _eligibility(db: Database, sel: queries.Selection, lang: str) -> list[Visual]:
    ev = _module("eligibility")
    if ev is None:
        return []
    ctx = ev.load(db, sel, lang)
    return [ev.ranking(ctx, MEASURE), ev.gender_gap(ctx, MEASURE), ev.kinds(ctx)]


def _map(db: Database, sel: queries.Selection, lang: str) -> list[Visual]:
    geo = _module("map")
    if geo is None:
        return []
    years = geo.years_for(db, MEASURE, sel)
    return [geo.choropleth(db, sel, lang, MEASURE, years[-1])] if years else []


def _compare(db: Database, sel: queries.Selection, lang: str) -> list[Visual]:
    """Picked kommuner side by side; one picked kommun against the kommuner most like it."""
    cv = _module("compare")
    if cv is None or not sel.kommuner:
        return []
    base = cv.base_frames(db)
    options = set(cv.kommun_options(base))
    picks = [k for k in sel.kommuner if k in options][:cv.MAX_PICKS]
    if len(picks) > 1:
        return [cv.small_multiples(base, sel, picks, cv.DEFAULT_MEASURE, lang, cv.colour_order(sel, picks))]
    if not picks:
        return []
    similar = cv.similar(base, sel, picks[0])[0]["id"].tolist()[1:]
    order = cv.colour_order(sel, [picks[0], *similar])
    return [cv.similar_trend(base, sel, picks[0], similar, cv.DEFAULT_MEASURE, lang, order)] if similar else []


def _subprojects(db: Database, sel: queries.Selection, lang: str) -> list[Visual]:
    """Where the sub-projects are, and what each kind of intervention achieved (all sub-projects)."""
    sp = _module("subprojects")
    if sp is None:
        return []
    from .. import evaluate

    today = dt.date.today()
    register = sp.register(db, today)
    filters = sp.filters_from_selection(sel)
    listed = sp.filter_register(register, filters)
    highlight = queries.resolve_kommuner(db, sel) if (sel.kommuner or sel.forbund) else ()
    out = [sp.map_visual(db, listed, lang, sp.scope_name(db, sel, lang), highlight, filters, sp.interventions(db))]
    results, pooled = evaluate.evaluation(db, today)
    out.append(sp.intervention_visual(pooled, results, sp.DEFAULT_MEASURE, lang))
    return out


def _absence(db: Database, sel: queries.Selection, lang: str) -> list[Visual]:
    ab = _module("absence")
    if ab is None:
        return []
    ctx = ab.context(db, sel, lang)
    out = [ab.trend(db, sel, lang, ctx=ctx)]
    grans, _ = ab.pick_threshold(None, queries.thresholds(db))
    if grans is not None:
        out.append(ab.threshold_trend(db, sel, lang, grans, ctx=ctx))
    out.append(ab.seasonality(db, sel, lang, ctx=ctx))
    return out


#: The show's sections in order: (name, builder). Each builder returns zero or more visuals.
SECTIONS: tuple[tuple[str, Callable[[Database, queries.Selection, str], list[Visual]]], ...] = (
    ("oversikt", _overview),
    ("behorighet", _eligibility),
    ("karta", _map),
    ("jamfor", _compare),
    ("franvaro", _absence),
    ("delprojekt", _subprojects),
)


def fits_a_slide(visual: Visual) -> bool:
    """Whether the chart stays readable at projector size: at most MAX_ROWS categories down the side."""
    for trace in (visual.figure or {}).get("data", []):
        rows = trace.get("y") if trace.get("type") == "heatmap" or trace.get("orientation") == "h" else None
        if rows is not None and len(set(map(str, rows))) > MAX_ROWS:
            return False
    return True


def iter_presentation_visuals(db: Database, sel: queries.Selection, lang: str,
                              skipped: list[str] | None = None) -> Iterator[Visual]:
    """The charts of the show for this selection, one per slide, in presentation order.

    A generator, so the deck can draw one chart while the next is being built. Charts
    without a figure (no data for the selection) or with too many rows for a slide (see
    MAX_ROWS) are left out. A section whose view raises is left out too and its name is
    appended to `skipped`, so a caller can say so.
    """
    seen: set[str] = set()
    for name, build in SECTIONS:
        try:
            visuals = build(db, sel, lang)
        except Exception:
            log.exception("presentation section %s failed", name)
            if skipped is not None:
                skipped.append(name)
            continue
        for visual in visuals:
            if visual is None or visual.figure is None or visual.key in seen or not fits_a_slide(visual):
                continue
            seen.add(visual.key)
            yield visual


def presentation_visuals(db: Database, sel: queries.Selection, lang: str,
                         skipped: list[str] | None = None) -> list[Visual]:
    """All charts of the show as a list (see iter_presentation_visuals)."""
    return list(iter_presentation_visuals(db, sel, lang, skipped))
