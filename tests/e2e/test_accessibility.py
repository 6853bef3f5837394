# Accessibility in the system Chromium: axe-core (WCAG 2.1 A/AA) on every page that exists, in its
# Diagram and Tabell och nedladdning views; contrast of the colours actually drawn; the page language;
# a text alternative and a table for every chart; and a keyboard-only walk through the filters and the view link.
"""WCAG 2.1 AA checks (tests/trust/a11y.py holds the browser-side probes)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import TIMEOUT_MS, free_port, start_server
from tests.trust import a11y
from tests.trust.pages import PageInfo, existing_pages

PAGES = existing_pages()
#: Sections a page draws only when opened (ui.components.sections), audited through their links.
SECTIONS = [(p, query) for p in PAGES for stem, query in (("delprojekt", "?avsnitt=projekt"),
                                                           ("delprojekt", "?avsnitt=insatser"),
                                                           ("jamfor", "?avsnitt=liknande"),
                                                           ("franvaro", "?avsnitt=skolor")) if p.stem == stem]
#: A link that gives a page charts to check (Jämför's side by side needs kommuner picked).
CHART_QUERIES = {"jamfor": "?jamfor=1440,1489"}
SLOW_MS = 90_000  # a heavy page on a busy 2-core machine: first load of Frånvaro can take a minute


@pytest.fixture(scope="module")
def a11y_url(e2e_db: Path) -> Iterator[str]:
    """A server with the upload page switched on (admin password set), so every page is audited."""
    port = free_port()
    proc = start_server(e2e_db, port, {"PLUGINNAN_ADMIN_PASSWORD": "a11y-test-only"})
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def _load(page: Page, url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_default_timeout(SLOW_MS)
    page.goto(url)
    page.wait_for_selector("h1", timeout=SLOW_MS)
    a11y.settle(page, SLOW_MS)
    page.wait_for_function("() => window.__pluginnanLang !== undefined", timeout=SLOW_MS)  # lang script ran
    try:  # charts draw after the script has finished
        page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                                  .every(c => c.querySelector('.main-svg'))""", timeout=TIMEOUT_MS)
    except Exception:
        pass


def _show_tables(page: Page) -> bool:
    """Switch the page to Tabell och nedladdning (ui.components.view_switch); False on pages without it."""
    switch = page.locator("[data-testid='stMain']").get_by_role("link", name="Visa som tabell och ladda ner")
    if not switch.count():
        return False
    switch.click()
    a11y.settle(page)
    expect(page.locator("[data-testid='stMain']").get_by_role("link", name="Visa som diagram")).to_be_visible(
        timeout=TIMEOUT_MS)
    return True


@pytest.mark.e2e
@pytest.mark.parametrize(("info", "query"), [(p, "") for p in PAGES] + SECTIONS,
                         ids=[p.stem for p in PAGES] + [f"{p.stem}{q}" for p, q in SECTIONS])
def test_page_passes_axe_and_contrast(page: Page, a11y_url: str, info: PageInfo, query: str) -> None:
    _load(page, f"{a11y_url}/{info.url_path}{query}")
    assert page.locator("[data-testid='stException']").count() == 0
    results = [a11y.run_axe(page, info.path, "Diagram")]
    contrast = a11y.contrast_failures(page)
    if _show_tables(page):  # the tables with their download buttons
        results.append(a11y.run_axe(page, info.path, "Tabell och nedladdning"))
        contrast += a11y.contrast_failures(page)
    blocking = [(r.state, v) for r in results for v in r.blocking]
    assert not blocking, blocking
    assert not contrast, contrast[:10]


@pytest.mark.e2e
@pytest.mark.parametrize("info", [p for p in PAGES if p.stem in ("oversikt", "behorighet", "franvaro", "jamfor")],
                         ids=lambda p: p.stem)
def test_every_chart_has_text_alternative_and_table(page: Page, a11y_url: str, info: PageInfo) -> None:
    _load(page, f"{a11y_url}/{info.url_path}{CHART_QUERIES.get(info.stem, '')}")
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=SLOW_MS)
    a11y.settle(page)
    charts = page.locator("[data-testid='stPlotlyChart']")
    assert charts.count() >= 1
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert chart.get_attribute("role") == "figure"
        assert len(chart.get_attribute("aria-label") or "") > 20  # the summary sentence
    shown = charts.count()
    assert _show_tables(page)
    # every chart's figures as a table, each with its downloads (the tables may still be drawing)
    expect(page.locator("[data-testid='stDataFrame']")).to_have_count(shown, timeout=TIMEOUT_MS)
    expect(page.get_by_role("button", name="Ladda ner CSV")).to_have_count(shown, timeout=TIMEOUT_MS)


@pytest.mark.e2e
def test_page_language_follows_the_switch(page: Page, a11y_url: str) -> None:
    _load(page, a11y_url + "/")
    assert page.evaluate("document.documentElement.lang") == "sv"
    _load(page, a11y_url + "/?lang=en")
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.locator("[data-testid='stSidebar']").get_by_role("link", name="Svenska").click()
    a11y.settle(page)
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()
    page.wait_for_function("document.documentElement.lang === 'sv'", timeout=TIMEOUT_MS)
    assert re.search(r"Översikt", page.title())  # each page has its own title (WCAG 2.4.2)


def _tab_to(page: Page, wanted, key: str = "Tab", limit: int = 90) -> dict:
    for _ in range(limit):
        page.keyboard.press(key)
        page.wait_for_timeout(40)
        info = a11y.focused(page)
        if info and wanted(info):
            return info
    raise AssertionError(f"{key} never reached the element")


@pytest.mark.e2e
def test_keyboard_alone_reaches_and_operates_filters_and_the_view_link(page: Page, a11y_url: str) -> None:
    _load(page, a11y_url + "/")
    walk = a11y.tab_walk(page, 70)
    reached = {(w["testid"], w["role"]) for w in walk}
    for needed in [("stRadioOption", "radio"), ("stSelectbox", "combobox"), ("stMultiSelectTagsContainer", "combobox"),
                   ("stSlider", "range")]:
        assert needed in reached, (needed, reached)
    assert any(w["testid"] == "stPageLink-NavLink" and not w["inSidebar"] for w in walk), walk  # the view link
    unseen = [w for w in walk if not w["ring"] and w["tag"] != "main"]
    assert not unseen, unseen  # focus is visible on everything Tab reaches (WCAG 2.4.7)
    back = a11y.tab_walk(page, 1, key="Shift+Tab")
    assert back and (back[0]["testid"], back[0]["label"]) == (walk[-2]["testid"], walk[-2]["label"])  # Shift+Tab goes back

    _load(page, a11y_url + "/")
    _tab_to(page, lambda f: f["testid"] == "stSelectbox")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    a11y.settle(page)
    assert "forbund=" in page.url
    forbund = re.search(r"forbund=([^&]+)", page.url).group(1)

    _tab_to(page, lambda f: f["testid"] == "stMultiSelectTagsContainer")
    name = {"GR": "Alings", "FYRBODAL": "Udde", "SKARABORG": "Skövde", "SJUHARAD": "Borås"}.get(forbund.upper(), "")
    page.keyboard.type(name)
    page.wait_for_timeout(400)
    page.keyboard.press("Enter")
    a11y.settle(page)
    page.keyboard.press("Escape")
    assert "kommun=14" in page.url, page.url

    _tab_to(page, lambda f: f["role"] == "range")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(800)
    a11y.settle(page)
    assert "fran=2016" in page.url, page.url

    _tab_to(page, lambda f: f["testid"] == "stRadioOption" and f["label"] == "Alla")
    page.keyboard.press("ArrowRight")
    a11y.settle(page)
    assert "kon=flickor" in page.url, page.url

    # the view link: Enter on it reruns the page with the tables, in the link and on screen
    switch = _tab_to(page, lambda f: f["testid"] == "stPageLink-NavLink" and "tabell" in f["label"])
    assert switch["label"].endswith("Visa som tabell och ladda ner") and switch["ring"], switch
    page.keyboard.press("Enter")
    a11y.settle(page)
    expect(page.locator("[data-testid='stMain']").get_by_role("link", name="Visa som diagram")).to_be_visible(
        timeout=TIMEOUT_MS)
    page.wait_for_function("() => location.search.includes('visa=tabell')", timeout=TIMEOUT_MS)
    assert "kon=flickor" in page.url and "kommun=14" in page.url, page.url  # the view link kept the filters
    _tab_to(page, lambda f: f["label"].endswith("Ladda ner CSV"))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".csv")
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.mark.e2e
def test_keyboard_alone_opens_a_pages_sections(page: Page, a11y_url: str) -> None:
    """Delprojekt's sections are tabs: Tab reaches the open one with visible focus, an arrow key opens the next."""
    _load(page, a11y_url + "/delprojekt")
    tab = _tab_to(page, lambda f: f["role"] == "tab")
    assert tab["label"] == "Alla delprojekt" and tab["ring"], tab
    page.keyboard.press("ArrowRight")
    a11y.settle(page)
    expect(page.get_by_role("tab", name="Ett delprojekts resultat")).to_have_attribute("aria-selected", "true",
                                                                                       timeout=TIMEOUT_MS)
    expect(page.locator(".st-key-dp_projekt")).to_be_visible(timeout=TIMEOUT_MS)
    assert page.locator("[data-testid='stException']").count() == 0
