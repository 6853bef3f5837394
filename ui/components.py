# Shared page components: the demo notice, KPI tiles, and the Diagram / Tabell / Ladda ner
# visual that every chart on every page uses (with summary sentence, source and marker legend).
"""Building blocks for pages.

Why one `visual`: the product promises that every chart has a table, a download, a one-sentence
summary that doubles as its accessible text, a source line and a legend for markers. Putting
that in one function makes the promise hold on every page at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from pluginnan_core import exports
from pluginnan_core.db import Database
from pluginnan_core.disclosure import min_pupils
from pluginnan_core.i18n import t

TOPOJSON_URL = "app/static/topojson/"  # local stub: maps must draw with no internet
PLOTLY_CONFIG = {"displaylogo": False, "topojsonURL": TOPOJSON_URL,
                 "modeBarButtonsToRemove": ["lasso2d", "select2d"], "locale": "sv"}


def demo_notice(database: Database, language: str) -> None:
    if database.is_demo:
        st.info(t("demo_notice", language), icon=":material/science:")


def source_line(database: Database, language: str) -> str:
    """'Källa: …, inläst 2026-11-20' from the import log."""
    imports = database.query("SELECT source, imported_at FROM import_log ORDER BY imported_at DESC LIMIT 3")
    if imports.empty:
        return ""
    sources = "; ".join(dict.fromkeys(imports["source"].fillna("")))
    when = pd.Timestamp(imports["imported_at"].iloc[0]).strftime("%Y-%m-%d")
    loaded = "inläst" if language == "sv" else "loaded"
    return f"{t('source', language)}: {sources} ({loaded} {when})"


def legend(language: str, markers: Sequence[str] = ("..", "~100", ".")) -> str:
    parts = []
    if ".." in markers:
        parts.append(t("withheld_legend", language, n=min_pupils()))
    if "~100" in markers:
        parts.append(t("approx_legend", language))
    if "." in markers:
        parts.append(t("missing_legend", language))
    return " ".join(parts)


def tile(label: str, value: str, delta: str | None = None, help_text: str | None = None,
         delta_color: str = "normal") -> None:
    st.metric(label, value, delta=delta, help=help_text, delta_color=delta_color, border=True)


def visual(key: str, title: str, figure: dict | None, table: pd.DataFrame, summary: str, *,
           language: str, source: str = "", markers: Sequence[str] = ("..", "~100", "."),
           file_stem: str | None = None, on_select: str | None = None, height: int | None = None):
    """One chart with its three tabs. Returns the chart's selection event when `on_select` is set.

    `table` is the already formatted, user-facing table (see exports.display_table); the
    downloads contain exactly it, with title, summary, source and legend as leading lines.
    """
    tab_chart, tab_table, tab_download = st.tabs(
        [t("tab_chart", language), t("tab_table", language), t("tab_download", language)])
    event = None
    with tab_chart:
        if figure is None or table.empty:
            st.info(t("no_data", language))
        else:
            kwargs = {"on_select": on_select, "selection_mode": "points"} if on_select else {}
            event = st.plotly_chart(figure, key=f"chart_{key}", config=PLOTLY_CONFIG, alt=summary,
                                    height=height or "content", **kwargs)
    with tab_table:
        st.dataframe(table, hide_index=True, width="stretch")
    with tab_download:
        note = [title, summary, source, legend(language, markers)]
        stem = file_stem or key
        c1, c2 = st.columns(2)
        c1.download_button(t("download_csv", language), exports.to_csv(table, note=note), f"{stem}.csv",
                           "text/csv", key=f"csv_{key}", width="stretch")
        c2.download_button(t("download_xlsx", language), exports.to_xlsx(table, note=note), f"{stem}.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"xlsx_{key}", width="stretch")
    st.markdown(f"**{summary}**")
    caption = " ".join(x for x in (source, legend(language, markers)) if x)
    if caption:
        st.caption(caption)
    return event
