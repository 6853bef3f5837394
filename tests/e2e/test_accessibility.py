# Accessibility in the system Chromium: axe-core (WCAG 2.1 A/AA) on every page that exists, in its
# Diagram, Tabell and Ladda ner states; contrast of the colours actually drawn; the page language;
# a text alternative and a table for every chart; and a keyboard-only walk through the filters and tabs.
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


def _click_all(page: Page, name: str) -> int:
    tabs = page.get_by_role("tab", name=name, exact=True)
    for i in range(tabs.count()):
        tabs.nth(i).click()
    if tabs.count():
        a11y.settle(page)
    return tabs.count()


@pytest.mark.e2e
@pytest.mark.parametrize("info", PAGES, ids=[p.stem for p in PAGES])
def test_page_passes_axe_and_contrast(page: Page, a11y_url: str, info: PageInfo) -> None:
    _load(page, f"{a11y_url}/{info.url_path}")
    assert page.locator("[data-testid='stException']").count() == 0
    results = [a11y.run_axe(page, info.path, "Diagram")]
    contrast = a11y.contrast_failures(page)
    if _click_all(page, "Tabell"):
        results.append(a11y.run_axe(page, info.path, "Tabell"))
        contrast += a11y.contrast_failures(page)
    if _click_all(page, "Ladda ner"):
        results.append(a11y.run_axe(page, info.path, "Ladda ner"))
    blocking = [(r.state, v) for r in results for v in r.blocking]
    assert not blocking, blocking
    assert not contrast, contrast[:10]


@pytest.mark.e2e
@pytest.mark.parametrize("info", [p for p in PAGES if p.stem in ("oversikt", "behorighet", "franvaro", "jamfor")],
                         ids=lambda p: p.stem)
def test_every_chart_has_text_alternative_and_table(page: Page, a11y_url: str, info: PageInfo) -> None:
    _load(page, f"{a11y_url}/{info.url_path}")
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=SLOW_MS)
    a11y.settle(page)
    charts = page.locator("[data-testid='stPlotlyChart']")
    assert charts.count() >= 1
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert chart.get_attribute("role") == "figure"
        assert len(chart.get_attribute("aria-label") or "") > 20  # the summary sentence
    assert page.get_by_role("tab", name="Tabell", exact=True).count() >= charts.count()


@pytest.mark.e2e
def test_page_language_follows_the_switch(page: Page, a11y_url: str) -> None:
    _load(page, a11y_url + "/")
    assert page.evaluate("document.documentElement.lang") == "sv"
    _load(page, a11y_url + "/?lang=en")
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.locator("[data-testid='stSidebar']").get_by_text("Svenska", exact=True).click()
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
def test_keyboard_alone_reaches_and_operates_filters_and_tabs(page: Page, a11y_url: str) -> None:
    _load(page, a11y_url + "/")
    walk = a11y.tab_walk(page, 70)
    reached = {(w["testid"], w["role"]) for w in walk}
    for needed in [("stRadioOption", "radio"), ("stSelectbox", "combobox"), ("stMultiSelectTagsContainer", "combobox"),
                   ("stSlider", "range"), ("stTab", "tab")]:
        assert needed in reached, (needed, reached)
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

    _tab_to(page, lambda f: f["testid"] == "stRadioOption" and f["label"] == "Alla elever")
    page.keyboard.press("ArrowRight")
    a11y.settle(page)
    assert "kon=flickor" in page.url, page.url

    tab = _tab_to(page, lambda f: f["role"] == "tab")
    assert tab["label"] == "Diagram" and tab["selected"] == "true"
    # switching a tab reruns the page to draw the opened tab (only the open tab is drawn); the
    # focus stays on the tab meanwhile
    page.keyboard.press("ArrowRight")
    assert a11y.focused(page)["label"] == "Tabell" and a11y.focused(page)["selected"] == "true"
    a11y.settle(page)
    assert a11y.focused(page)["label"] == "Tabell" and a11y.focused(page)["selected"] == "true"
    page.keyboard.press("ArrowRight")
    assert a11y.focused(page)["label"] == "Ladda ner" and a11y.focused(page)["selected"] == "true"
    a11y.settle(page)
    assert a11y.focused(page)["label"] == "Ladda ner" and a11y.focused(page)["selected"] == "true"
    button = _tab_to(page, lambda f: True)
    assert button["label"].startswith("Ladda ner CSV")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".csv")
    assert _tab_to(page, lambda f: True, key="Shift+Tab")["label"] == "Ladda ner"
    assert page.locator("[data-testid='stException']").count() == 0
