# Behörighet: gymnasiebehörighet and meritvärde for the selection: tiles, trend against förbund and
# region, kommuner ranked, flickor/pojkar, programme kinds, and the schools with one school's history.
"""Eligibility page: thin; everything shown is built in pluginnan_core.views.eligibility."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pluginnan_core import queries
from pluginnan_core.i18n import measure_label, t
from pluginnan_core.views import Visual
from pluginnan_core.views import eligibility as ev
from ui import components, state

database, sel, lang = state.db(), state.selection(), state.lang()


@st.cache_data(show_spinner=False, max_entries=4)
def _base(token: str) -> ev.Base:
    """Selection-independent frames, once per database file (the key is its token, not the object)."""
    return ev.base_frames(state.db())


@st.cache_data(show_spinner=False, max_entries=16)
def _schools(token: str, kommuner: tuple[str, ...], years: tuple[str, ...]) -> pd.DataFrame:
    return queries.school_eligibility(state.db(), list(kommuner), list(years))


def _context(token: str, key: tuple, language: str) -> ev.Context:
    forbund, kommuner, fran, till, grupp = key
    selection = queries.Selection(forbund=forbund, kommuner=kommuner, lasar_from=fran, lasar_to=till, grupp=grupp)
    return ev.load(state.db(), selection, language, _base(token))


@st.cache_data(show_spinner=False, max_entries=32)
def _visuals(token: str, key: tuple, measure: str, language: str) -> tuple[list, list[Visual], Visual | None,
                                                                           dict[str, str]]:
    """Everything above the school drill-down, keyed by plain values (so picking a school or a tab
    does not rebuild it)."""
    ctx = _context(token, key, language)
    frame = _schools(token, tuple(ctx.picked), tuple(ctx.years)) if ctx.picked else None
    visuals = [ev.trend(ctx, measure), ev.ranking(ctx, measure), ev.gender_gap(ctx, measure), ev.kinds(ctx)]
    schools = ev.schools(ctx, measure, frame) if frame is not None else None
    options = ev.school_options(ctx, frame) if frame is not None else {}
    return ev.tiles(ctx, measure), visuals, schools, options


def _url_choice(param: str, options: list[str], default: str, key: str) -> None:
    """Seed a widget from the URL once; an unknown value falls back to the default with a notice.

    Later, when the options change under a kept value (other kommuner picked), it falls back
    silently: that is not a broken link.
    """
    if key in st.session_state:
        if st.session_state[key] not in options:
            st.session_state[key] = default
        return
    raw = st.query_params.get(param)
    if raw is not None and raw not in options:
        shown = raw if len(raw) <= 40 else raw[:39] + "…"
        st.warning(t("url_fallback", lang, items=f"{param}={shown}"), icon=":material/warning:")
    st.session_state[key] = raw if raw in options else default


def _url_write(param: str, value: str, default: str | None) -> None:
    if value == default or value is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value


def _show(v: Visual, source: str) -> None:
    components.visual(v.key, v.title, v.figure, v.table, v.summary, language=lang, source=source,
                      markers=v.markers)


st.title(t("nav_behorighet", lang))
st.markdown(t("be_intro", lang))

measures = list(ev.MEASURES)
_url_choice("matt", measures, ev.DEFAULT_MEASURE, "be_matt")
left, _ = st.columns([2, 3])
measure = left.selectbox(t("be_measure", lang), measures, key="be_matt",
                         format_func=lambda m: measure_label(m, lang))
_url_write("matt", measure, ev.DEFAULT_MEASURE)

key = (sel.forbund, sel.kommuner, sel.lasar_from, sel.lasar_to, sel.grupp)
tiles, (trend, ranking, gap, kinds), schools, options = _visuals(database.token, key, measure, lang)
source = components.source_line(database, lang)

for row in (tiles[:2], tiles[2:]):  # two by two: the labels and changes fit without being cut
    for col, tile in zip(st.columns(2), row, strict=True):
        with col:
            # st.metric reads the arrow from a leading ASCII '-'; the typographic minus would point up
            delta = "-" + tile.delta[1:] if tile.delta and tile.delta.startswith("\u2212") else tile.delta
            components.tile(tile.label, tile.value, delta, tile.help, tile.delta_color)

st.header(t("be_h_trend", lang))
_show(trend, source)

st.header(t("be_h_rank", lang))
_show(ranking, source)

st.header(t("be_h_gender", lang))
st.caption(t("be_gender_note", lang))
_show(gap, source)

st.header(t("be_h_kinds", lang))
_show(kinds, source)

st.header(t("be_h_schools", lang))
if schools is None:
    st.info(t("be_pick_kommun", lang), icon=":material/school:")
    if "skola" in st.query_params:
        del st.query_params["skola"]
else:
    st.caption(t("be_schools_note", lang))
    _show(schools, source)
    if options:
        st.subheader(t("be_h_school", lang))
        codes = list(options)
        _url_choice("skola", codes, codes[0], "be_skola")
        pick = st.columns([2, 3])[0].selectbox(t("be_school_pick", lang), codes, key="be_skola",
                                               format_func=lambda k: options[k])
        _url_write("skola", pick, None)
        ctx = _context(database.token, key, lang)
        _show(ev.school_trend(ctx, measure, _schools(database.token, tuple(ctx.picked), tuple(ctx.years)), pick),
              source)
