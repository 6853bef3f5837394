# Data och metod: what is loaded, from which files, definitions and the disclosure rule.
"""Data and method page."""

import pandas as pd
import streamlit as st

from pluginnan_core import queries
from pluginnan_core.disclosure import min_pupils
from pluginnan_core.i18n import t
from ui import cache, state

database, lang = state.db(), state.lang()
inv = cache.call(queries.inventory, database)


def page() -> None:
    """The whole page: no widgets, decided by the database file and the language."""
    st.title(t("nav_data", lang))
    if inv["is_demo"]:
        st.warning(t("data_is_demo", lang), icon=":material/science:")
    else:
        st.success(t("data_is_real", lang), icon=":material/check_circle:")

    st.header(t("data_loaded", lang))
    years_e, years_a = inv["eligibility_years"], inv["absence_years"]
    st.markdown(
        "\n".join([
            f"- **{t('data_elig', lang)}:** " + (f"{years_e[0]}–{years_e[-1]} ({len(years_e)} {t('data_years', lang)})"
                                                 if years_e else t("data_none", lang)),
            f"- **{t('data_abs', lang)}:** " + (f"{years_a[0]}–{years_a[-1]} ({len(years_a)} {t('data_years', lang)})"
                                                if years_a else t("data_none", lang)),
            f"- **{t('data_thresholds', lang)}:** " + ", ".join(f"{x} %" for x in inv["thresholds"]),
        ])
    )
    imports = inv["imports"]
    if not imports.empty:
        table = pd.DataFrame({
            t("col_when", lang): pd.to_datetime(imports["imported_at"]).dt.strftime("%Y-%m-%d %H:%M"),
            t("col_file", lang): imports["file_name"],
            t("col_kind", lang): imports["source"],
            t("col_rows", lang): imports["rows"].map(lambda n: f"{n:,}".replace(",", "\u00a0")),
            "SHA-256": imports["sha256"].str.slice(0, 16),
        })
        st.dataframe(table, hide_index=True, width="stretch")

    st.header(t("data_definitions", lang))
    st.markdown(t("data_definitions_text", lang))
    st.header(t("data_disclosure", lang))
    st.markdown(t("data_disclosure_text", lang, n=min_pupils()))
    st.header(t("data_kalla", lang))
    st.markdown(t("data_kalla_text", lang))
    st.header(t("data_load", lang))
    st.markdown(t("data_load_text", lang))


cache.replay((cache.key(queries.inventory, database), lang, min_pupils()), page)
