# Frånvaro: monthly absence trend, share of pupils above a threshold (URL `grans=`) and school years
# compared; as a second section (`avsnitt=skolor`), a school × month heatmap for one kommun and an
# early-warning list of schools.
"""Absence page: thin; everything shown is built in pluginnan_core.views.absence."""

import streamlit as st

from pluginnan_core import queries
from pluginnan_core.disclosure import min_pupils
from pluginnan_core.i18n import t
from pluginnan_core.views import absence
from ui import cache, components, state

database, sel, lang = state.db(), state.selection(), state.lang()

st.title(t("franvaro_title", lang))
st.markdown(t("franvaro_intro", lang))
components.view_switch(lang)

SOURCE = " ".join(x for x in (components.source_line(database, lang), t("franvaro_source_note", lang)) if x)
MARKERS = ("..", ".")


def show(fn, *args: object, note: str = "") -> None:
    """Build `fn(database, sel, lang, *args)` once per selection (ui.cache) and draw it, replayed on reruns."""
    v = cache.call(fn, database, sel, lang, *args)
    components.show(v, language=lang, source=SOURCE, markers=MARKERS, note=note,
                    replay=cache.key(fn, database, sel, lang, *args))


ctx = cache.call(absence.context, database, sel, lang)
if not ctx.years:
    st.info(t("franvaro_no_data", lang), icon=":material/info:")
    st.caption(SOURCE)
    st.stop()



def over_time() -> None:
    """The selection as one series: the monthly trend, pupils over a threshold, the years compared."""
    st.subheader(t("abs_h_trend", lang))
    show(absence.trend)
    st.subheader(t("abs_h_threshold", lang))
    grans = state.threshold_choice(cache.call(queries.thresholds, database), lang, st.radio, horizontal=True)
    if grans is not None:
        show(absence.threshold_trend, int(grans))
    st.subheader(t("abs_h_season", lang))
    show(absence.seasonality)


def schools() -> None:
    """School by school: one kommun's schools per month, and where absence is rising."""
    kommuner = cache.call(absence.heatmap_kommuner, database, sel)
    if kommuner:
        st.subheader(t("abs_h_schools", lang))
        # The school year is the last of the sidebar's range, as for the early warning below and the
        # latest-year figures elsewhere: one place to change it, and the link names it. A kommun is
        # picked here only when the selection holds several (each widget costs every rerun).
        kommun = kommuner[0]
        if len(kommuner) > 1:
            names = cache.call(queries.kommun_names, database)
            if st.session_state.get("p_heat_kommun") not in kommuner:
                st.session_state["p_heat_kommun"] = kommun
            kommun = st.selectbox(t("abs_heat_kommun", lang), kommuner, key="p_heat_kommun",
                                  format_func=lambda k: names.get(k, k), width=320)
        show(absence.heatmap, str(kommun), str(ctx.years[-1]), note=t("abs_heat_legend", lang, m=min_pupils()))
    st.subheader(t("abs_h_warning", lang))
    show(absence.early_warning, note=absence.early_warning_note(lang))


# Two sections, only the open one drawn (components.sections): the selection over time, and the
# schools one by one, which coordinators follow up and a meeting on the trend does not need.
SECTIONS = {"tid": over_time, "skolor": schools}
section, box = components.sections("fr", {"tid": t("abs_sec_time", lang), "skolor": t("abs_sec_schools", lang)}, lang)
with box:
    SECTIONS[section]()
