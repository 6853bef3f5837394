# Shared page components: the demo notice, KPI tiles, the link between charts and tables, and the
# visual that every chart on every page uses (with summary sentence, source and marker legend).
"""Building blocks for pages.

Why one `visual`: the product promises that every chart has a table, a download, a one-sentence
summary that doubles as its accessible text, a source line and a legend for markers. Putting
that in one function makes the promise hold on every page at once.
"""

from __future__ import annotations

import base64
import html
import json
import threading
import weakref
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from pluginnan_core import exports, urlstate, views
from pluginnan_core.db import Database
from pluginnan_core.i18n import FRONTEND_SV, FRONTEND_SV_PREFIX, FRONTEND_SV_SUFFIX, PLOTLY_LOCALE_SV, t
from pluginnan_core.views import Visual
from ui import cache, state
from ui.state import link, url_notice, url_write

#: The tab icon as a data URL, read once: given a file path, st.set_page_config decodes the image
#: with PIL on every rerun.
FAVICON = "data:image/png;base64," + base64.b64encode(
    (Path(__file__).resolve().parents[1] / "static" / "favicon.png").read_bytes()).decode("ascii")
TOPOJSON_URL = "app/static/topojson/"  # local stub: maps must draw with no internet
_PLOTLY_BASE = {"displaylogo": False, "topojsonURL": TOPOJSON_URL, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
#: Each chart's Plotly config by language; the Swedish one brings its locale (the toolbar's texts),
#: which Streamlit's Plotly bundle does not register (i18n.PLOTLY_LOCALE_SV).
PLOTLY_CONFIGS = {"sv": {**_PLOTLY_BASE, "locale": "sv", "locales": {"sv": PLOTLY_LOCALE_SV}},
                  "en": {**_PLOTLY_BASE, "locale": "en"}}


def plotly_config(language: str) -> dict:
    """The Plotly config for a chart on a page in `language`."""
    return PLOTLY_CONFIGS["en" if language == "en" else "sv"]


def demo_notice(database: Database, language: str) -> None:
    if database.is_demo:
        st.info(t("demo_notice", language), icon=":material/science:")


def source_line(database: Database, language: str) -> str:
    """The import log's source line, once per database file and language."""
    return cache.call(views.source_line, database, language)


def legend(language: str, markers: Sequence[str] = ("..", "~100", ".")) -> str:
    return views.marker_legend(markers, language)


def boxes(texts: Sequence[str], widths: Sequence[int], lead: str = "") -> str:
    """Markdown for bordered boxes side by side (`texts`, each Markdown, in relative `widths`), after
    an optional `lead` paragraph: one element for `st.markdown(..., unsafe_allow_html=True)`.

    Why not st.columns(border=True): the columns are a block each plus one text each, 2n + 1
    elements, and every element costs each rerun the same (docs/performance.md); these look the
    same (LAYOUT_CSS `.pi-boxes`, Streamlit's border and padding) and stack on a narrow screen as
    columns do. The texts are escaped: only our own Markdown reaches the page as markup.
    """
    cols = " ".join(f"{int(w)}fr" for w in widths)
    cells = "".join(f"<div>\n\n{html.escape(text, quote=False)}\n\n</div>\n" for text in texts)
    return (f"{html.escape(lead, quote=False)}\n\n" if lead else "") + \
        f'<div class="pi-boxes" style="--pi-cols: {cols}">\n{cells}</div>\n'


#: A tile's change by its sign and the tile's colour rule: (arrow, CSS class). The arrow is hidden from
#: screen readers, which read the sign in the text; a change that rounds to zero (±) is neutral.
_DELTA_LOOK = {("+", "normal"): ("↑", "pi-good"), ("−", "normal"): ("↓", "pi-bad"),
               ("+", "inverse"): ("↑", "pi-bad"), ("−", "inverse"): ("↓", "pi-good"),
               ("+", "off"): ("↑", "pi-flat"), ("−", "off"): ("↓", "pi-flat")}


def _tile(item: Any) -> str:
    esc = html.escape
    label = esc(item.label)
    if item.help:
        # the "?" shows the help on hover and keyboard focus (LAYOUT_CSS); a screen reader reads the
        # hidden copy in its place
        label += (f'<span class="pi-help" tabindex="0" data-help="{esc(item.help)}">'
                  f'<span class="pi-sr">{esc(item.help)}</span></span>')
    out = f'<div class="pi-tile"><p class="pi-tile-label">{label}</p><p class="pi-tile-value">{esc(item.value)}</p>'
    if item.delta:
        sign = {"-": "−", "\u2212": "−", "+": "+"}.get(item.delta[0], "")
        arrow, look = _DELTA_LOOK.get((sign, item.delta_color), ("", "pi-flat"))
        arrow = f'<span aria-hidden="true">{arrow}</span> ' if arrow else ""
        out += f'<p class="pi-tile-delta {look}">{arrow}{esc(item.delta)}</p>'
    return out + "</div>"


def tiles_markup(items: Sequence[Any], per_row: int = 4) -> str:
    """HTML for KPI tiles (views' Tile objects), `per_row` side by side: one element for
    `st.markdown(..., unsafe_allow_html=True)`. All text is escaped.

    Why not st.metric in a row: each tile was an element and each row a block, five to six
    messages for four tiles, and every message costs each rerun the same (docs/performance.md).
    These look like Streamlit's bordered metrics (LAYOUT_CSS `.pi-tiles`), keep equal heights in a
    row and stack on a narrow screen. A change that rounds to zero shows no arrow and no colour.
    """
    return (f'<div class="pi-tiles" style="--pi-per-row: {int(per_row)}">'
            + "".join(_tile(item) for item in items) + "</div>")


def tiles(items: Sequence[Any], *, per_row: int = 4, replay: Hashable | None = None) -> None:
    """KPI tiles (views' Tile objects) in rows of `per_row`; replayed on later reruns when `replay` is given."""
    def draw() -> None:
        st.markdown(tiles_markup(items, per_row), unsafe_allow_html=True)

    _draw(None if replay is None else (replay, "tiles", per_row), "tiles", draw)


#: Widths of a page's own select boxes, in px: a fixed width instead of a column around each
#: (a column row is two or more blocks, and every block costs each rerun).
PICKER_WIDTH = 400
WIDE_PICKER_WIDTH = 560

CHART_TEXT = "#404040"  # 10.4:1 on white: axis labels and legends meet WCAG 1.4.3 with room to spare


def readable(figure: dict) -> dict:
    """The figure with dark axis, legend and colour-bar text where it does not set its own colour.

    Why: Streamlit's Plotly theme draws tick labels in rgb(128, 132, 149), 3.7:1 on white, below
    the 4.5:1 WCAG AA asks of text. Colours a chart sets itself are kept.
    """
    out = {**figure, "layout": dict(figure.get("layout") or {})}
    layout = out["layout"]
    for name in [k for k in layout if k.startswith(("xaxis", "yaxis"))] or ["xaxis", "yaxis"]:
        axis = dict(layout.get(name) or {})
        axis["tickfont"] = {"color": CHART_TEXT, **(axis.get("tickfont") or {})}
        title = axis.get("title")
        if isinstance(title, dict):
            axis["title"] = {**title, "font": {"color": CHART_TEXT, **(title.get("font") or {})}}
        layout[name] = axis
    layout["legend"] = {**(layout.get("legend") or {}),
                        "font": {"color": CHART_TEXT, **((layout.get("legend") or {}).get("font") or {})}}
    traces = []
    for trace in out.get("data") or []:
        if trace.get("type") in ("heatmap", "choropleth", "contour") or "colorbar" in trace:
            bar = dict(trace.get("colorbar") or {})
            bar["tickfont"] = {"color": CHART_TEXT, **(bar.get("tickfont") or {})}
            trace = {**trace, "colorbar": bar}
        traces.append(trace)
    out["data"] = traces
    if "coloraxis" in layout:
        ca = dict(layout["coloraxis"])
        bar = dict(ca.get("colorbar") or {})
        bar["tickfont"] = {"color": CHART_TEXT, **(bar.get("tickfont") or {})}
        ca["colorbar"] = bar
        layout["coloraxis"] = ca
    return out


#: URL parameter (`visa=tabell`) of the page's Diagram / Tabell och nedladdning view (ui.state.view).
VIEW_KEY = state.VIEW_PARAM
VIEWS = list(urlstate.VIEWS)
_VIEW_ICONS = {"diagram": ":material/bar_chart:", "tabell": ":material/table:"}


def view_switch(language: str) -> None:
    """The place of the page's link to its other view: its tables with downloads, or back to its
    charts. The link itself is drawn there at the end of the run (`view_link`).

    Why one switch per page, not tabs on every chart: every Streamlit element costs the same on
    each rerun whatever it holds, and three tabs per chart were four blocks, five times on a page
    (benchmarks/run.py, "fem visualer"). One switch also lets a screen-reader user, or someone
    copying figures into a report, see every table of the page at once.

    Why a link to the same page with `visa=` and not a two-choice control: the view is part of the
    address anyway (a shared link opens the same view), and a link is one element where a control
    is a widget, whose state and registration cost every rerun of every page (~0.07x the bare page,
    docs/performance.md, change 53). It is named after where it leads ("Visa som tabell och ladda
    ner"), as the language link is. Why drawn at the end: a link carries the page's parameters as
    they are when it is drawn, and the page writes its own (section, measure, school) further down.
    """
    state.set_view_slot(st.empty())


def view_link(language: str) -> None:
    """Draw the page's view link in the place `view_switch` kept, if the page has one (app.py,
    after the page has run)."""
    slot = state.view_slot()
    if slot is not None:
        other = VIEWS[0] if state.view() == VIEWS[1] else VIEWS[1]
        slot.page_link(state.page(), label=t(f"view_to_{other}", language), icon=_VIEW_ICONS[other],
                       query_params={**link(), VIEW_KEY: other})


def tables_shown() -> bool:
    """Whether the page shows tables and downloads instead of charts (`view_switch`)."""
    return state.view() == "tabell"


#: The link parameter naming a page's open section (`sections`), the same on every page.
SECTION_PARAM = "avsnitt"


def section_key(page: str) -> str:
    """Where `sections` keeps a page's open section for the session (tests open a section there)."""
    return f"_avsnitt_{page}"


def sections(page: str, labels: dict[str, str], language: str,
             inferred: Callable[[], str] | None = None) -> tuple[str, Any]:
    """A page's sections as tabs of which only the open one is drawn; returns its code and container.

    `page` names the page (its widget prefix), so each page keeps its own choice for the session.
    `labels` maps each section's code (its value in the link, `avsnitt=`) to its tab label, the
    first being the default. `inferred()` says which section a link without `avsnitt=` opens, so an
    old link such as Delprojekt's `projekt=PI-001` still opens the section it was made for; the
    parameter is written to the link only when it differs from that.

    Why tabs that draw only the open section: a long page (Delprojekt: list, one project's outcome,
    effects per type; 38 elements) redrew everything on each filter change, and every element costs
    a rerun the same (docs/performance.md). Each section answers one question, so it can be shown
    and projected on its own. The choice is kept as a code, not a label, so it survives the language
    switch and a link stays valid in both languages.
    """
    codes = list(labels)
    chosen = section_key(page)
    default = inferred() if inferred else codes[0]
    if st.session_state.get(chosen) not in codes:
        raw = link().get(SECTION_PARAM)
        if raw is not None and raw not in codes:
            url_notice(SECTION_PARAM, raw, language)
        st.session_state[chosen] = raw if raw in codes else default
    code = st.session_state[chosen]
    key = f"tabs_{page}"
    by_label = {label: c for c, label in labels.items()}
    st.session_state[key] = labels[code]
    containers = st.tabs(list(labels.values()), key=key, on_change=_open_section, args=(key, chosen, by_label))
    url_write(SECTION_PARAM, code, default)
    return code, containers[codes.index(code)]


def _open_section(key: str, chosen: str, by_label: dict[str, str]) -> None:
    st.session_state[chosen] = by_label.get(st.session_state[key], st.session_state[chosen])


def visual(key: str, title: str, figure: dict | None, table: pd.DataFrame, summary: str, *,
           language: str, source: str = "", markers: Sequence[str] = ("..", "~100", "."),
           file_stem: str | None = None, on_select: str | Callable[[], None] | None = None,
           height: int | None = None, replay: Hashable | None = None, note: str = ""):
    """One chart, or with the page's switch on Tabell (`view_switch`) its table and downloads, with
    the summary sentence and source under it. Returns the chart's selection event when
    `on_select` is set.

    `table` is the already formatted, user-facing table (see exports.display_table); the
    downloads contain exactly it, with title, summary, note, source and legend as leading lines.
    `replay` names the data the visual was built from (see ui.cache.key; with the language it
    decides everything drawn): when given, the chart or table and the text are drawn once and
    replayed on later reruns instead of being serialised again. The summary sentence, the
    visual's own `note` (how to read it), the source line and the marker legend are one element:
    each element costs a rerun the same, whatever it holds.
    """
    drawn = None if replay is None else (replay, key, language, height)
    caption = " ".join(x for x in (note, source, legend(language, markers)) if x)

    def text() -> None:
        st.markdown(f"**{summary}**" + (f"\n\n:small[{_bracket_safe(caption)}]" if caption else ""))

    if figure is None or table.empty:
        def empty_part() -> None:
            st.info(t("no_data", language), icon=":material/info:")
            text()
        _draw(drawn, "empty", empty_part)
        return None
    if tables_shown():
        def table_part() -> None:
            # lazy=False: a lazily served table registers a data source per run, which a replay would not
            st.dataframe(table, hide_index=True, width="stretch", lazy=False)
            text()
        _draw(drawn, "table", table_part)
        # the files' leading lines: what the page says around the table, how to read it included
        lines = [title, summary, *([note] if note else []), source, legend(language, markers)]
        stem = file_stem or key
        c1, c2, _ = st.columns([1, 1, 2])
        # Files are built only when clicked (callables), not on every rerun of the page; a click
        # only downloads (on_click="ignore"), it does not rerun the page.
        c1.download_button(t("download_csv", language), lambda: exports.to_csv(table, note=lines),
                           f"{stem}.csv", "text/csv", on_click="ignore", width="stretch",
                           icon=":material/download:")
        c2.download_button(t("download_xlsx", language), lambda: exports.to_xlsx(table, note=lines),
                           f"{stem}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           on_click="ignore", width="stretch", icon=":material/download:")
        return None
    if on_select:  # a chart that reports clicks is a widget: drawn each run, not replayed
        shown = readable(figure) if drawn is None else _selectable(drawn, figure)
        event = st.plotly_chart(shown, key=f"chart_{key}", config=plotly_config(language), alt=summary,
                                height=height or "content", on_select=on_select, selection_mode="points")
        _draw(drawn, "text", text)
        return event

    def chart_part() -> None:
        st.plotly_chart(readable(figure), key=f"chart_{key}", config=plotly_config(language), alt=summary,
                        height=height or "content")
        text()
    _draw(drawn, "chart", chart_part)
    return None


def _bracket_safe(text: str) -> str:
    """Text that can sit inside a Markdown directive such as `:small[…]` (a `]` would end it)."""
    return text.replace("[", "\\[").replace("]", "\\]")


def show(v: Visual, *, language: str, source: str = "", replay: Hashable | None = None,
         markers: Sequence[str] | None = None, file_stem: str | None = None,
         on_select: str | Callable[[], None] | None = None, height: int | None = None, note: str = ""):
    """`visual` for a views.Visual (its key, title, figure, table, summary and markers)."""
    return visual(v.key, v.title, v.figure, v.table, v.summary, language=language, source=source,
                  markers=v.markers if markers is None else markers, file_stem=file_stem, on_select=on_select,
                  height=height, replay=replay, note=note)


def _draw(drawn: Hashable | None, part: str, draw: Callable[[], None]) -> None:
    if drawn is None:
        draw()
    else:
        cache.replay((drawn, part), draw)


class _Validated(go.Figure):
    """A figure validated and serialised once: Streamlit's per-rerun `to_dict()` gets the stored
    dict, not a deep copy, and its `plotly.io.to_json` of that dict the stored JSON (`_Json`).

    Why: a chart that reports clicks (the map) is a widget, so its elements cannot be replayed;
    this keeps its rerun to sending the figure, without validating a map again (and its JSON,
    83 kB for the 50 kommuner, was ~0,8 ms of every Karta rerun: orjson plus plotly's escaping).
    """

    def __init__(self, spec: dict) -> None:
        super().__init__(spec)
        self._as_dict = super().to_dict()
        self._json = _Json.remember(self)

    def to_dict(self) -> dict:
        return self._as_dict


class _Json:
    """`plotly.io.to_json`, answered from `_Validated` figures' stored JSON.

    Streamlit (1.67, `st.plotly_chart`) serialises the dict it gets from `to_dict()` with
    `plotly.io.to_json(figure, validate=False)` on every call, and offers no way to hand it a
    finished spec; so `plotly.io.to_json` is wrapped once. It answers from a `_Validated` only
    for that figure's own dict object, called the way Streamlit calls it; every other call goes to
    plotly unchanged. The figures are held weakly: they live as long as ui.cache keeps them.
    """

    _figures: weakref.WeakValueDictionary[int, _Validated] = weakref.WeakValueDictionary()
    _lock = threading.Lock()
    _plotly: Callable[..., str] | None = None

    @classmethod
    def remember(cls, figure: _Validated) -> str:
        """The figure's JSON, made once by plotly; from now on `to_json` of its dict returns it."""
        with cls._lock:
            if cls._plotly is None:
                cls._plotly = pio.to_json
                pio.to_json = cls.to_json
            cls._figures[id(figure._as_dict)] = figure
        return cls._plotly(figure._as_dict, validate=False)

    @classmethod
    def to_json(cls, fig: Any, *args: Any, **kwargs: Any) -> str:
        held = cls._figures.get(id(fig))
        if held is not None and held._as_dict is fig and not args and kwargs == {"validate": False}:
            return held._json
        return cls._plotly(fig, *args, **kwargs)


def _selectable(drawn: Hashable, figure: dict) -> go.Figure:
    """The validated figure of a chart that reports clicks, once per drawing key (ui.cache)."""
    return cache.keyed(("selectable", drawn), lambda: _Validated(readable(figure)))


#: Print stylesheet: A4 landscape, only the page's content (no menus, view switch, buttons or downloads;
#: of a page's section tabs only the open one, which names what is printed),
#: and the app's fixed-height scroll box opened up so every chart reaches the paper.
PRINT_CSS = """
<style>
@media print {
  @page { size: A4 landscape; margin: 10mm 12mm; }
  html, body { background: #ffffff !important; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stSkipToContent"], [data-testid="stTopNav"], [data-testid="stBottom"],
  [data-testid="stDownloadButton"], [data-testid="stButton"], [data-testid="stHeaderActionElements"], [data-testid="stPageLink"],
  [data-testid="stSidebarResizeHandle"], .modebar-container, .st-key-pres_nav,
  [class*="st-key-tabs_"] [role="tab"][aria-selected="false"] {
    display: none !important;
  }
  [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stAppViewContainer"] > div {
    position: static !important; overflow: visible !important; height: auto !important;
    min-height: 0 !important; margin-left: 0 !important;
  }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; width: 100% !important;
    zoom: 0.8; }
  [data-testid="stPlotlyChart"], .pi-tile, [data-testid="stAlert"], [data-testid="stTable"],
  [data-testid="stDataFrame"], [data-testid="stHeading"] { break-inside: avoid; }
  [data-testid="stHeading"] { break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>
"""


#: Charts keep their on-screen pixel width when printed; just before printing, shrink the page so
#: the widest chart fits the paper (A4 landscape minus margins ≈ 1030 px), and undo it afterwards.
PRINT_JS = """
<script>
(function () {
  if (window.__pluginnanPrint) { return; }
  window.__pluginnanPrint = true;
  const PAPER = 1030;
  const box = () => document.querySelector('[data-testid="stMainBlockContainer"]');
  window.addEventListener('beforeprint', () => {
    const main = box();
    if (!main) { return; }
    const widths = Array.from(main.querySelectorAll('.js-plotly-plot, [data-testid="stDataFrame"]'))
      .map((e) => e.getBoundingClientRect().width);
    const widest = Math.max(PAPER, ...widths);
    main.style.zoom = String(Math.min(0.8, PAPER / widest));
  });
  window.addEventListener('afterprint', () => { const main = box(); if (main) { main.style.zoom = ''; } });
})();
</script>
"""


#: Focus that can be seen (WCAG 2.4.7): Streamlit marks a focused menu link only with a faint grey
#: background (the same as the current page) and a focused select box with a 1 px border. And the
#: keyboard-shortcut hint on buttons (e.g. "→" on Presentation's Nästa) is drawn faded, 3.6:1 on
#: the primary colour: full opacity makes it 7:1 (WCAG 1.4.3).
A11Y_CSS = """<style>
[data-testid="stTopNavLink"]:focus-visible, [data-testid="stSidebarNavLink"]:focus-visible,
[data-testid="stTopNavSection"]:focus-visible, [data-testid="stPageLink-NavLink"]:focus-visible {
  outline: 2px solid #005A9C !important; outline-offset: 2px;
}
[data-testid="stSelectbox"] div:has(> input:focus-visible),
[data-testid="stMultiSelect"] div:has(> input:focus-visible) { box-shadow: 0 0 0 1px #005A9C; }
[data-testid^="stBaseButton"] kbd { opacity: 1 !important; }
</style>"""


#: KPI tiles share their row equally (`tiles` draws a row as one horizontal block, not columns):
#: without this each tile is as wide as its label and a long label pushes the last tile onto a
#: line of its own. Below ~4 × 12rem the row wraps, two or one per line, as columns would stack.
#: A tile's label and change wrap instead of being cut off with "…" (a politician reads the whole label).
#: A page's section tabs (`sections`) stand in for its section headings, so their labels are larger.
LAYOUT_CSS = """<style>
[class*="st-key-tabs_"] [role="tab"] p { font-size: 1.2rem; font-weight: 600; }
[data-testid="stPageLink-NavLink"]:not(:hover) { background-color: transparent; }
.pi-filters-h { font-size: 1.5rem; font-weight: 600; line-height: 1.2; margin: 0.25rem 0 0.25rem 0; padding: 0; }
.pi-filters-hint { font-size: 0.875rem; color: rgba(49, 51, 63, 0.75); margin: 0; }
.pi-tiles { display: grid; grid-template-columns: repeat(var(--pi-per-row), minmax(0, 1fr)); gap: 1rem;
  margin-bottom: 0.5rem; }
.pi-tile { border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: calc(1rem - 1px); }
.pi-tiles p.pi-tile-label, .pi-tiles p.pi-tile-value, .pi-tiles p.pi-tile-delta { margin: 0; padding: 0; }
.pi-tiles p.pi-tile-label { position: relative; font-size: 0.875rem; line-height: 1.5; }
.pi-tiles p.pi-tile-value { font-size: 2.25rem; line-height: 1.3; padding: 0.15rem 0 0.25rem; }
.pi-tiles p.pi-tile-delta { display: inline-block; font-size: 0.875rem; line-height: 1.4; border-radius: 0.5rem;
  padding: 0.1rem 0.45rem; }
.pi-good { color: #146c2e; background: #e6f4ea; }
.pi-bad { color: #a61b1b; background: #fdecec; }
.pi-flat { color: #404040; background: #f0f2f6; }
.pi-help { display: inline-flex; align-items: center; justify-content: center;
  width: 1rem; height: 1rem; margin-left: 0.4rem; border: 1.5px solid #5c5f6a; border-radius: 50%; color: #404040;
  font-size: 0.7rem; font-weight: 600; vertical-align: -0.1rem; cursor: help; }
.pi-help::before { content: "?"; }
.pi-help:focus-visible { outline: 2px solid #005A9C; outline-offset: 2px; }
.pi-help:hover::after, .pi-help:focus::after { content: attr(data-help); position: absolute; top: calc(100% + 0.3rem); left: -0.5rem;
  right: -0.5rem; z-index: 20; padding: 0.5rem 0.75rem; border-radius: 0.5rem;
  background: #ffffff; color: #111111; box-shadow: 0 2px 10px rgba(0, 0, 0, 0.2); font-size: 0.875rem;
  font-weight: 400; line-height: 1.4; white-space: normal; text-align: left; }
.pi-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 900px) { .pi-tiles { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
@media (max-width: 640px) { .pi-tiles { grid-template-columns: 1fr; } }
.pi-boxes { display: grid; grid-template-columns: var(--pi-cols); gap: 1rem; margin-bottom: 1rem; }
.pi-boxes > div { border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: calc(1rem - 1px); }
.pi-boxes > div > :last-child { margin-bottom: 0; }
@media (max-width: 640px) { .pi-boxes { grid-template-columns: 1fr; } }
</style>"""


def picker_css(language: str) -> str:
    """The text a filter's drop-down list shows when nothing matches what was typed, in `language`.

    Why CSS: Streamlit (1.67) writes a fixed English "No results" into the empty list of every
    selectbox and multiselect, with no parameter to change it; a Swedish user who misspells a
    kommun would meet English. The English text is hidden (also from screen readers, as
    `visibility: hidden` is) and ours drawn in its place. The selector is the list's own
    `data-empty` state, so a list with options is untouched.
    """
    text = t("picker_no_results", language).replace("\\", "\\\\").replace('"', '\\"')
    return ('<style>[data-testid$="Dropdown"] [role="listbox"][data-empty="true"] > [role="option"] > span '
            '{ visibility: hidden; font-size: 0; }\n'
            '[data-testid$="Dropdown"] [role="listbox"][data-empty="true"] > [role="option"] > span::after '
            f'{{ content: "{text}"; visibility: visible; font-size: 0.875rem; }}</style>')


def _not_found_script(language: str) -> str:
    """Streamlit's "Page not found" box (an address that names no page, e.g. a mistyped or old
    link) in the page's language, saying what happens instead ("Running the app's main page" means
    nothing to a user who never saw the app as a script).

    Why a script: the box is drawn by Streamlit's front end with fixed English text and no setting
    to change it, and it opens before the first page has drawn anything. The script watches the
    page (one watcher per tab, kept across reruns) and rewrites the box's heading and text when it
    appears; the language it writes is the one of the latest run. Its close button's name is one
    of Streamlit's fixed texts (`_frontend_texts_script`).
    """
    texts = json.dumps([t("page_not_found_title", language), t("page_not_found_text", language)])
    return ("<script>(function(){var w=window;w.__pluginnanNotFound=" + texts + ";"
            "if(!w.__pluginnanNotFoundFix){w.__pluginnanNotFoundFix=function(){var x=w.__pluginnanNotFound;"
            "document.querySelectorAll('[role=\"dialog\"] h2').forEach(function(h){"
            "if(h.textContent!=='Page not found'||h.dataset.pluginnan)return;h.dataset.pluginnan='1';h.textContent=x[0];"
            "var m=h.nextElementSibling;if(m)m.textContent=x[1];});};"
            "new MutationObserver(w.__pluginnanNotFoundFix).observe(document.body,{childList:true,subtree:true});}"
            "w.__pluginnanNotFoundFix();})();</script>")


def _frontend_texts_script(language: str) -> str:
    """Streamlit's own control names in the page's language (i18n.FRONTEND_SV): aria-labels and
    tooltips such as "Collapse sidebar", "Help for Kön", the chart toolbar's "Fullscreen" (a button
    Streamlit adds to Plotly's, so Plotly's locale does not reach it), and the skip link.

    Why a script: Streamlit's front end writes these in English whatever the page's language, and
    a screen reader then reads English words on a Swedish page; a sighted user sees some of them
    as tooltips. The script (one watcher per tab, kept across reruns) rewrites exact known texts
    in attributes, and in text only inside tooltips, links and buttons, shortly after the page
    changes; after a switch to English it writes the English back. Our own texts never match,
    since the keys are Streamlit's strings. It also marks the sidebar's language link (the only
    page link there) as being in the other language (`lang`, `hreflang`), so a screen reader
    reads "English" in English on a Swedish page (WCAG 3.1.2).
    """
    table = {"exact": FRONTEND_SV, "prefix": FRONTEND_SV_PREFIX, "suffix": FRONTEND_SV_SUFFIX}
    return ("<script>(function(){var w=window;w.__pluginnanTexts={lang:'" + ("en" if language == "en" else "sv")
            + "',t:" + json.dumps(table, ensure_ascii=False) + "};"
            "if(!w.__pluginnanTextsFix){var due=false;"
            "var tr=function(v,sv){var x=w.__pluginnanTexts.t,k,a,b;"
            "for(k in x.exact){a=sv?k:x.exact[k];b=sv?x.exact[k]:k;if(v===a)return b;}"
            "for(k in x.prefix){a=sv?k:x.prefix[k];b=sv?x.prefix[k]:k;if(v.indexOf(a)===0)return b+v.slice(a.length);}"
            "for(k in x.suffix){a=sv?k:x.suffix[k];b=sv?x.suffix[k]:k;"
            "if(v.length>a.length&&v.slice(-a.length)===a)return v.slice(0,-a.length)+b;}return v;};"
            "var fix=function(){due=false;var sv=w.__pluginnanTexts.lang==='sv';"
            "document.querySelectorAll('[aria-label],[title],[placeholder],[data-title]').forEach(function(el){"
            "['aria-label','title','placeholder','data-title'].forEach(function(n){var v=el.getAttribute(n);"
            "if(v){var r=tr(v,sv);if(r!==v)el.setAttribute(n,r);}});});"
            "document.querySelectorAll('a,button,[role=\"tooltip\"],[data-baseweb=\"tooltip\"] div').forEach(function(el){"
            "if(el.children.length)return;var v=el.textContent;if(!v)return;var r=tr(v,sv);if(r!==v)el.textContent=r;});"
            "var o=sv?'en':'sv';document.querySelectorAll('[data-testid=\"stSidebar\"] [data-testid=\"stPageLink-NavLink\"]')"
            ".forEach(function(a){if(a.lang!==o){a.lang=o;a.hreflang=o;}});};"
            "w.__pluginnanTextsFix=fix;"
            "new MutationObserver(function(){if(!due){due=true;setTimeout(fix,60);}}).observe(document.body,"
            "{childList:true,subtree:true,attributes:true,attributeFilter:['aria-label','title','placeholder','data-title']});}"
            "w.__pluginnanTextsFix();})();</script>")


def _lang_script(language: str) -> str:
    code = "en" if language == "en" else "sv"
    return ("<script>(function(){var d=document.documentElement;window.__pluginnanLang='" + code + "';"
            "d.lang='" + code + "';if(!window.__pluginnanLangObserver){"
            "window.__pluginnanLangObserver=new MutationObserver(function(){"
            "if(d.lang!==window.__pluginnanLang){d.lang=window.__pluginnanLang;}});"
            "window.__pluginnanLangObserver.observe(d,{attributes:true,attributeFilter:['lang']});}})();</script>")


class Html(str):
    """HTML that `st.html` takes as it is (through `_repr_html_`).

    Why: given a plain string, st.html (1.67) dedents it with textwrap and checks whether it names
    a file, on every rerun: 75 µs for the chrome's 3.4 kB, every run of every page. Our HTML is
    written flush left, so there is nothing to dedent.
    """

    def _repr_html_(self) -> str:
        return str(self)


_CHROME = {code: Html(A11Y_CSS + LAYOUT_CSS + picker_css(code) + PRINT_CSS + PRINT_JS + _lang_script(code)
                        + _not_found_script(code) + _frontend_texts_script(code))
           for code in ("sv", "en")}


def _filters_heading(code: str) -> str:
    """The sidebar's heading over the filters, with the hint that the address keeps them."""
    return (f'<h2 class="pi-filters-h">{html.escape(t("filters", code))}</h2>'
            f'<p class="pi-filters-hint">{html.escape(t("copy_link", code))}</p>')


def chrome(language: str, *, filters: bool = True) -> None:
    """The page's language, the focus styles, the print styles and Swedish in place of Streamlit's
    fixed English (empty filter lists, the "Page not found" box), in one element; app.py calls it
    once per run before the filters (every element costs each rerun), and the page for a damaged
    database too (without the filters' heading).

    Why a script for the language: Streamlit serves `<html lang="en">` whatever the content, so a
    screen reader would read Swedish text with English pronunciation (WCAG 2.1, 3.1.1 Language of
    Page). The script runs in the page itself (st.html, not an iframe), sets `lang` again whenever
    the language switch changes the body, and keeps it if anything resets the attribute.

    Why print styles: people bring a page to a meeting on paper or as a PDF. Without them, the
    browser's Print (Ctrl+P) gives only the visible part of the app's scroll box, with the menu and
    buttons on it; with them it gives readable A4 landscape pages. Style tags apply to the whole
    page wherever they sit; the element sits in the sidebar, which is never printed.

    With `filters` it also holds the sidebar's heading over the filters ("Urval") and the hint that
    the address keeps them, so it goes first in the sidebar. Why not st.header: a heading is an
    element of its own, ~0.1x the bare page on every rerun of every page (docs/performance.md,
    change 54); here it rides in an element that is there anyway. The hint is shown as a line of
    text instead of a help tooltip.
    """
    code = "en" if language == "en" else "sv"

    def draw() -> None:
        markup = Html(_CHROME[code] + _filters_heading(code)) if filters else _CHROME[code]
        st.sidebar.html(markup, unsafe_allow_javascript=True)

    cache.replay(("chrome", code, filters), draw)  # the same 9 kB every run: built and hashed once (ui.cache)
