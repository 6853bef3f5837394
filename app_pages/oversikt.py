# Översikt: KPI tiles for the selection and the eligibility trend with reference lines.
"""Overview page: thin; everything shown is built in pluginnan_core.views.overview."""

import streamlit as st

from pluginnan_core.i18n import t
from pluginnan_core.views import overview
from ui import cache, components, state

database, sel, lang = state.db(), state.selection(), state.lang()

st.title(t("oversikt_title", lang))
st.markdown(t("oversikt_intro", lang))
components.view_switch(lang)

components.tiles(cache.call(overview.selection_tiles, database, sel, lang),
                 replay=cache.key(overview.selection_tiles, database, sel, lang))

visual = cache.call(overview.trend, database, sel, lang)
components.show(visual, language=lang, source=components.source_line(database, lang),
                replay=cache.key(overview.trend, database, sel, lang))
