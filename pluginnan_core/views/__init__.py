# Views: what each page shows (figures, tables, summary sentences, tiles) built from the queries,
# without Streamlit, so pages only render them and the slide deck reuses them.
"""Page content as plain data.

Why: "anything a page shows can be built and tested without Streamlit". A `Visual` is one chart
with its formatted table and its one-sentence summary; pages render it with ui.components.visual
and the slide export renders the same object to an image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..db import Database
from ..disclosure import min_pupils
from ..i18n import t


@dataclass
class Visual:
    """One chart and everything shown with it."""

    key: str  # stable id: widget keys, file names
    title: str
    figure: dict | None
    table: pd.DataFrame  # user-facing: readable headers, formatted numbers, markers
    summary: str  # one sentence; also the chart's accessible text
    markers: tuple[str, ...] = ("..", "~100", ".")
    data: pd.DataFrame = field(default_factory=pd.DataFrame)  # protected numbers behind it (tests)


def selection_name(names: dict[str, str], kommuner: list[str] | tuple[str, ...], forbund: tuple[str, ...],
                   forbund_names: dict[str, str], lang: str) -> str:
    """How a selection is named in titles: 'Alingsås', 'Ale, Alingsås och Lerum', 'GR', 'Plug Innan-regionen'."""
    if kommuner:
        picked = [names.get(k, k) for k in kommuner]
        if len(picked) == 1:
            return picked[0]
        if len(picked) <= 3:
            joiner = " och " if lang == "sv" else " and "
            return ", ".join(picked[:-1]) + joiner + picked[-1]
        return f"{len(picked)} valda kommuner" if lang == "sv" else f"{len(picked)} selected municipalities"
    if forbund:
        return ", ".join(forbund_names.get(f, f) for f in forbund)
    return "Plug Innan-regionen" if lang == "sv" else "the Plug Innan region"


def year_span(years: list[str]) -> str:
    """'2015/16–2024/25' (or one läsår)."""
    if not years:
        return ""
    return years[0] if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def source_line(db: Database, lang: str) -> str:
    """'Källa: …, inläst 2026-11-20' from the import log: the line under every chart and slide."""
    imports = db.query("SELECT source, imported_at FROM import_log ORDER BY imported_at DESC LIMIT 3")
    if imports.empty:
        return ""
    sources = "; ".join(dict.fromkeys(imports["source"].fillna("")))
    when = pd.Timestamp(imports["imported_at"].iloc[0]).strftime("%Y-%m-%d")
    return f"{t('source', lang)}: {sources} ({'inläst' if lang == 'sv' else 'loaded'} {when})"


def marker_legend(markers: Sequence[str], lang: str) -> str:
    """What the markers a visual uses mean ('..' withheld, '~100' nearly all, '.' missing)."""
    parts = []
    if ".." in markers:
        parts.append(t("withheld_legend", lang, n=min_pupils()))
    if "~100" in markers:
        parts.append(t("approx_legend", lang))
    if "." in markers:
        parts.append(t("missing_legend", lang))
    return " ".join(parts)


def partial_note(row: pd.Series | None, total: int, lang: str) -> str:
    """" The sum holds n of the selection's kommuner …" when a selection total leaves kommuner out.

    Why: a total of several kommuner sums only the kommun figures that are shown (disclosure
    control), so a politician must be told when it does not cover the whole selection.
    """
    if row is None or "kommuner_med" not in row.index or total < 2:
        return ""
    try:
        n = int(row["kommuner_med"])
    except (TypeError, ValueError):
        n = 0
    return "" if n >= total else " " + t("selection_partial", lang, n=n, total=total)

