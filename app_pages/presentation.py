# Presentation: the dashboard on a projector, one chart per screen with big text, no menus;
# arrow keys / a presenter remote move between slides, `bild=` in the address names the slide,
# and the same show downloads as a PowerPoint deck (and each chart as a PNG).
"""Presentation page: thin; the show comes from pluginnan_core.views.presentation, images and
the deck from pluginnan_core.slides."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from pluginnan_core import charts, slides
from pluginnan_core.i18n import t
from pluginnan_core.views import presentation as show
from ui import cache, components, state

database, sel, lang = state.db(), state.selection(), state.lang()

CHART_HEIGHT = 700  # px: with the heading, summary and buttons the slide fits a 1920×1080 screen
LONG_TITLE = 80  # characters: a longer heading takes two lines, and the chart gives up the room
CHART_CONFIG = {**components.plotly_config(lang), "displayModeBar": False, "scrollZoom": False}

#: Projector chrome: no sidebar, header, toolbar or app-wide notices (the slide carries its own
#: demo badge); big text.
STYLE = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], [data-testid="stMainMenu"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1.2rem 2.5rem 0.6rem 2.5rem !important; max-width: 100% !important; }
[data-testid="stMain"] [data-testid="stElementContainer"]:has([data-testid="stAlertContainer"]) { display: none; }
.pres-top { display: flex; justify-content: space-between; align-items: center; gap: 1rem; }
.pres-top p { font-size: 1.3rem; color: #404040; margin: 0; }
.st-key-pres_slide h1 { font-size: 2.5rem; line-height: 1.15; padding: 0.2rem 0 0.4rem 0; }
.st-key-pres_slide .pres-summary { font-size: 1.75rem; line-height: 1.3; font-weight: 600; margin: 0.3rem 0; }
.st-key-pres_slide .pres-source { font-size: 1.05rem; color: #404040; }
.pres-title h1 { font-size: 5rem; font-weight: 700; line-height: 1.2; color: #0072B2; padding-top: 6vh;
  margin: 0 0 1rem 0; }
.pres-title p { font-size: 2rem; }
.pres-title .pres-date { font-size: 1.6rem; color: #404040; }
.pres-title .pres-hint { font-size: 1.1rem; color: #404040; margin-top: 3rem; }
.st-key-pres_closing p, .st-key-pres_closing li { font-size: 1.5rem; line-height: 1.4; }
.st-key-pres_closing h3 { font-size: 2rem; color: #0072B2; }
.pres-demo { display: inline-block; background: #FDEBDD; color: #8A1C00; font-weight: 700;
  padding: 0.15rem 0.6rem; border-radius: 0.3rem; margin-right: 0.6rem; }
.pres-demo-big { background: #FDEBDD; color: #8A1C00; font-weight: 700; font-size: 1.5rem;
  padding: 0.8rem 1.2rem; border-radius: 0.4rem; margin-top: 2rem; }
</style>
"""


def _go(to: int) -> None:
    st.query_params["bild"] = str(to)


def _step(delta: int, total: int) -> None:
    """Relative to the URL at the moment of the key press, so two quick presses move two slides."""
    try:
        now = int(st.query_params.get("bild", "1"))
    except ValueError:
        now = 1
    _go(min(max(now + delta, 1), total))


def _slide_number(total: int) -> int:
    """The slide from the URL (`bild=3`), kept within 1..total; a bad value shows the title slide."""
    raw = state.link().get("bild", "1")
    try:
        number = int(raw)
    except ValueError:
        number = 1
    number = min(max(number, 1), total)
    state.url_write("bild", str(number))
    return number


#: A presenter remote sends Page Up / Page Down: they press Föregående / Nästa (a button takes one
#: `shortcut`, and a hidden button per key cost two widgets and a block on every slide change).
#: Installed once per browser tab; keys typed into a field are left alone.
REMOTE_KEYS = """<script>(function () {
  if (window.__pluginnanRemote) { return; }
  window.__pluginnanRemote = true;
  document.addEventListener('keydown', function (e) {
    if ((e.key !== 'PageUp' && e.key !== 'PageDown') || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
    var target = e.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var button = document.querySelector(e.key === 'PageUp' ? '.st-key-pres_prev button' : '.st-key-pres_next button');
    if (!button || button.disabled) { return; }
    e.preventDefault();
    button.click();
  }, true);
})();</script>"""


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


st.html(components.Html(STYLE))
visuals = cache.call(show.presentation_visuals, database, sel, lang)  # the show, once per selection
show_key = cache.key(show.presentation_visuals, database, sel, lang)
total = len(visuals) + 2  # title slide, charts, closing slide
number = _slide_number(total)
subtitle = cache.call(show.selection_subtitle, database, sel, lang)
demo = f'<span class="pres-demo">{_esc(t("pres_demo_short", lang))}</span>' if database.is_demo else ""
# kaleido's Chromium starts with the first deck or image asked for, not with the page: a presenter who
# only shows the slides does not keep a second browser running (its Python side alone is ~6 MiB of the
# server). The first download waits for the start, ~2 s at national scale (docs/performance.md).

# the top line, the slide counter and the remote's keys: one element (each costs every key press)
st.html(components.Html(f'<div class="pres-top"><p>Plug Innan · {_esc(subtitle)}</p>'
                        f'<p>{_esc(t("pres_counter", lang, i=number, n=total))}</p></div>{REMOTE_KEYS}'),
        unsafe_allow_javascript=True)

if number == 1:  # one element: each costs every rerun (a key press is a rerun)
    st.html(components.Html("".join([
        '<div class="pres-title"><h1>Plug Innan</h1>',
        f'<p>{_esc(t("pres_app_subtitle", lang))}</p>',
        f'<p><strong>{_esc(subtitle)}</strong></p>',
        f'<p class="pres-date">{_esc(show.date_text(dt.date.today(), lang))} · '
        f'{_esc(t("pres_slides", lang, n=total))}</p>',
        f'<div class="pres-demo-big">{_esc(t("demo_notice", lang))}</div>' if database.is_demo else "",
        "" if visuals else f'<p class="pres-hint">{_esc(t("pres_none", lang))}</p>',
        f'<p class="pres-hint">{_esc(t("pres_keys_hint", lang))}</p></div>',
    ])))
elif number == total:
    with st.container(key="pres_closing"):
        st.title(t("pres_closing_title", lang), anchor=False)
        cols = st.columns([3, 2], gap="large")
        for col, (heading, text) in zip(cols, slides.closing_sections(lang), strict=True):
            col.subheader(heading, anchor=False)
            col.markdown(text)
        st.html(f'<p class="pres-source">{demo}{_esc(slides.source_line(database, lang))}</p>')
else:
    visual = visuals[number - 2]
    with st.container(key="pres_slide"):
        st.title(visual.title.replace("<br>", " "), anchor=False)
        height = CHART_HEIGHT - (60 if len(visual.title) > LONG_TITLE else 0)

        def slide() -> None:
            figure = charts.projector_layout(visual.figure or {}, title=False, height=height)
            st.plotly_chart(figure, key=f"pres_chart_{visual.key}", config=CHART_CONFIG, alt=visual.summary,
                            height=height, theme=None)
            st.html(f'<p class="pres-summary">{_esc(visual.summary)}</p>')
            source = " ".join(x for x in (slides.visual_source(database, visual, lang),
                                          slides.marker_legend(visual.markers, lang)) if x)
            st.html(f'<p class="pres-source">{demo}{_esc(source)}</p>')

        cache.replay((show_key, number, height), slide)  # drawn once per slide, replayed when shown again

with st.container(key="pres_nav", horizontal=True, vertical_alignment="center"):
    st.button(t("pres_prev", lang), icon=":material/chevron_left:", on_click=_step, args=(-1, total),
              disabled=number == 1, shortcut="Left", key="pres_prev")
    st.button(t("pres_next", lang), icon=":material/chevron_right:", on_click=_step, args=(1, total),
              disabled=number == total, shortcut="Right", key="pres_next", type="primary")
    st.button(t("pres_first", lang), on_click=_go, args=(1,), shortcut="Home", key="pres_first", type="tertiary")
    st.button(t("pres_last", lang), on_click=_go, args=(total,), shortcut="End", key="pres_last", type="tertiary")
    st.space("stretch")
    if 1 < number < total:
        current = visuals[number - 2]
        st.download_button(t("pres_png", lang), lambda: slides.chart_png(current), f"{current.key}.png",
                           "image/png", on_click="ignore", icon=":material/image:", key="pres_png")
    st.download_button(
        t("pres_download", lang), lambda: slides.build_deck(database, sel, lang, visuals=visuals),
        slides.deck_file_name(lang), "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        on_click="ignore", icon=":material/slideshow:", help=t("pres_download_help", lang), key="pres_deck")
    leave = st.button(t("pres_exit", lang), icon=":material/close:", shortcut="Esc", key="pres_exit")

if leave:
    state.url_write("bild", None)
    st.switch_page("app_pages/oversikt.py")
