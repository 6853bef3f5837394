# Karta: the 50 Plug Innan kommuner coloured by a chosen measure and läsår; clicking a kommun
# adds it to (or removes it from) the sidebar's selection.
"""Map page: thin; the map, table and summary are built in pluginnan_core.views.map."""

import streamlit as st

from pluginnan_core import queries
from pluginnan_core.i18n import MEASURES, t
from pluginnan_core.views import map as geo
from ui import cache, components, state

database, sel, lang = state.db(), state.selection(), state.lang()

st.title(t("karta_title", lang))
st.markdown(t("karta_intro", lang))
components.view_switch(lang)

if st.session_state.pop("_map_limit", False):
    st.warning(t("map_limit", lang), icon=":material/warning:")

# --- measure (URL `matt=`), threshold (URL `grans=`, shared with Frånvaro) and läsår
if st.session_state.get("p_matt") not in geo.MEASURE_OPTIONS:
    raw = state.link().get("matt")
    value, ok = geo.pick_measure(raw)
    if not ok:
        state.url_notice("matt", raw, lang)
    st.session_state["p_matt"] = value
row = st.container(horizontal=True)  # one block for the row: each block costs every rerun
measure = row.selectbox(t("map_measure", lang), geo.MEASURE_OPTIONS, key="p_matt", width=components.PICKER_WIDTH,
                       format_func=lambda m: MEASURES[m][1 if lang == "en" else 0])
state.url_write("matt", measure, geo.DEFAULT_MEASURE)

grans = None
if measure == "andel_over":
    options = cache.call(queries.thresholds, database)
    grans = state.threshold_choice(options, lang, row.selectbox, width=200)

years = cache.call(geo.years_for, database, measure, sel)
if not years:
    st.info(t("map_no_years", lang), icon=":material/info:")
    st.stop()
if st.session_state.get("p_map_year") not in years:
    st.session_state["p_map_year"] = years[-1]
lasar = row.selectbox(t("map_year", lang), years, key="p_map_year", width=160)

# --- the map; a click adds the kommun to the sidebar selection (see _on_click)
CHART_KEY = "karta"


def _on_click() -> None:
    """Runs before the next rerun, so the sidebar's widget value may still be changed here.

    Adding (never toggling) keeps a click idempotent: Streamlit may deliver the same selection
    event again when the map is redrawn, and that must not undo the click.
    """
    code = geo.clicked_kommun(st.session_state.get(f"chart_{CHART_KEY}"))
    if not code:
        return
    new, ok = geo.add_kommun(st.session_state.get("f_kommuner", []), code)
    st.session_state["f_kommuner"] = new
    st.session_state["_map_limit"] = not ok


source = components.source_line(database, lang)
if geo.is_absence(measure):
    source = f"{source} {t('franvaro_source_note', lang)} {t('map_absence_note', lang)}".strip()
visual = cache.call(geo.choropleth, database, sel, lang, measure, lasar, grans)
st.caption(t("map_click_hint", lang))
components.show(visual, language=lang, source=source,
                markers=("..", ".") if geo.is_absence(measure) else ("..", "~100", "."), file_stem="karta",
                on_select=_on_click, replay=cache.key(geo.choropleth, database, sel, lang, measure, lasar, grans))
