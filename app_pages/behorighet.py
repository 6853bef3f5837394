# Behörighet: gymnasiebehörighet and meritvärde for the selection: tiles, trend against förbund and
# region, kommuner ranked, flickor/pojkar, programme kinds, and the schools with one school's history.
"""Eligibility page: thin; everything shown is built in pluginnan_core.views.eligibility."""

from __future__ import annotations

import streamlit as st

from pluginnan_core import queries
from pluginnan_core.i18n import measure_label, t
from pluginnan_core.views import Visual
from pluginnan_core.views import eligibility as ev
from ui import cache, components, state

database, sel, lang = state.db(), state.selection(), state.lang()


def _context() -> tuple[ev.Context, tuple]:
    """The selection's frames (ev.load), once per database file, selection and language, with its key."""
    k = cache.key(ev.load, database, sel, lang)
    return cache.keyed(k, lambda: ev.load(database, sel, lang, cache.call(ev.base_frames, database))), k


def _built(name: str, build):
    """A visual (or tiles) built from the context once, with the key its drawing is replayed by."""
    k = (ctx_key, name, measure)
    return cache.keyed(k, build), k


def _show(built: tuple[Visual, tuple]) -> None:
    components.show(built[0], language=lang, source=source, replay=built[1])


st.title(t("nav_behorighet", lang))
st.markdown(t("be_intro", lang))
components.view_switch(lang)

measures = list(ev.MEASURES)
state.url_choice("matt", measures, ev.DEFAULT_MEASURE, "be_matt", lang)
measure = st.selectbox(t("be_measure", lang), measures, key="be_matt", width=components.PICKER_WIDTH,
                       format_func=lambda m: measure_label(m, lang))
state.url_write("matt", measure, ev.DEFAULT_MEASURE)

ctx, ctx_key = _context()
source = components.source_line(database, lang)
frame = cache.call(queries.school_eligibility, database, tuple(ctx.picked), tuple(ctx.years)) if ctx.picked else None

tiles, tiles_key = _built("tiles", lambda: ev.tiles(ctx, measure))
components.tiles(tiles, per_row=2, replay=tiles_key)  # two by two: the labels and changes fit without being cut

st.header(t("be_h_trend", lang))
_show(_built("trend", lambda: ev.trend(ctx, measure)))

st.header(t("be_h_rank", lang))
_show(_built("ranking", lambda: ev.ranking(ctx, measure)))

st.header(t("be_h_gender", lang))
st.caption(t("be_gender_note", lang))
_show(_built("gap", lambda: ev.gender_gap(ctx, measure)))

st.header(t("be_h_kinds", lang))
_show(_built("kinds", lambda: ev.kinds(ctx)))

st.header(t("be_h_schools", lang))
schools = _built("schools", lambda: ev.schools(ctx, measure, frame)) if frame is not None else (None, None)
if schools[0] is None:
    st.info(t("be_pick_kommun", lang), icon=":material/school:")
    state.url_write("skola", None)
else:
    st.caption(t("be_schools_note", lang))
    _show(schools)
    options = cache.keyed((ctx_key, "school_options"), lambda: ev.school_options(ctx, frame))
    if options:
        st.subheader(t("be_h_school", lang))
        codes = list(options)
        state.url_choice("skola", codes, codes[0], "be_skola", lang)
        pick = st.selectbox(t("be_school_pick", lang), codes, key="be_skola", width=components.PICKER_WIDTH,
                            format_func=lambda k: options[k])
        state.url_write("skola", pick)
        _show(_built(f"school_trend|{pick}", lambda: ev.school_trend(ctx, measure, frame, pick)))

# Last, so it never competes with drawing this page: once per file, in the background, every
# Plug Innan kommun's schools are protected together, and later picks only filter them.
queries.warm_school_eligibility(database)
