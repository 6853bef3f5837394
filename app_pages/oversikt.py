# Översikt: KPI tiles for the selection and the eligibility trend with reference lines.
"""Overview page: thin; everything shown is built in pluginnan_core.views.overview."""

import streamlit as st

from pluginnan_core import queries
from pluginnan_core.i18n import t
from pluginnan_core.views import overview
from ui import cache, components, state

database, sel, lang = state.db(), state.selection(), state.lang()

st.title(t("oversikt_title", lang))
st.markdown(t("oversikt_intro", lang))

cols = st.columns(4)
for col, tile in zip(cols, overview.tiles(cache.call(queries.overview, database, sel), lang), strict=True):
    with col:
        components.tile(tile.label, tile.value, tile.delta, tile.help, tile.delta_color)

visual = cache.call(overview.trend, database, sel, lang)
components.visual(visual.key, visual.title, visual.figure, visual.table, visual.summary, language=lang,
                  source=components.source_line(database, lang), markers=visual.markers)
