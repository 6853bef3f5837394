# Browser test of the Karta page with the internet blocked: the 50 kommun polygons are drawn
# (Plotly's world topojson comes from the app's static folder, not a CDN) at both screen sizes,
# and clicking a kommun adds it to the sidebar selection and the link (once, however often it is clicked).
"""End-to-end: Karta offline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import SCRIPT_DONE_JS, TIMEOUT_MS, block_internet, open_page

PATHS = ".js-plotly-plot .choroplethlayer path"


_WARM: set[str] = set()


def _open_map(page: Page, app_url: str, query: str = "") -> None:
    # Load the app's start page once per server first: until app.py has run once in the server
    # process, Streamlit may serve a deep link as a legacy pages/ page without the sidebar.
    if app_url not in _WARM:
        open_page(page, app_url + "/")
        _WARM.add(app_url)
    open_page(page, app_url + "/karta" + query)
    expect(page.get_by_role("heading", name="Karta")).to_be_visible(timeout=TIMEOUT_MS)
    page.locator(PATHS).nth(49).wait_for(state="attached", timeout=TIMEOUT_MS)


@pytest.mark.e2e
@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_kommun_polygons_draw_offline(page: Page, app_url: str, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    blocked = block_internet(page)
    topojson: list[tuple[str, int]] = []
    page.on("response", lambda r: topojson.append((r.url, r.status)) if "topojson" in r.url else None)
    _open_map(page, app_url)
    assert page.locator(PATHS).count() >= 50
    # the polygons are really painted: filled and with a size on screen
    box = page.locator(".js-plotly-plot .choroplethlayer").first.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 200
    fill = page.locator(PATHS).first.evaluate("p => getComputedStyle(p).fill")
    assert fill and fill != "none"
    assert topojson and all(url.startswith("http://127.0.0.1") and status == 200 for url, status in topojson)
    assert not [u for u in blocked if "topojson" in u]  # nothing map-related was asked of the internet
    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors, errors


@pytest.mark.e2e
def test_click_on_kommun_adds_it_to_the_selection(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 1000})
    block_internet(page)
    _open_map(page, app_url)
    _click_path(page, 25)
    expect(page).to_have_url(re.compile(r"kommun=\d{4}$"), timeout=TIMEOUT_MS)
    first = re.search(r"kommun=(\d{4})", page.url).group(1)
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_text(_name(first))).to_be_visible(timeout=TIMEOUT_MS)
    _wait_for_outline(page)
    _click_path(page, 10)  # a second kommun joins the first
    expect(page).to_have_url(re.compile(rf"kommun={first}(%2C|,)\d{{4}}$"), timeout=TIMEOUT_MS)
    second = re.search(r"kommun=\d{4}(?:%2C|,)(\d{4})", page.url).group(1)
    expect(sidebar.get_by_text(_name(second))).to_be_visible(timeout=TIMEOUT_MS)
    _wait_for_outline(page)
    _click_path(page, 25)  # the first again: still picked once, nothing undone
    page.wait_for_timeout(3000)
    page.wait_for_function(SCRIPT_DONE_JS, timeout=TIMEOUT_MS)
    assert re.search(rf"kommun={first}(%2C|,){second}$", page.url), page.url
    assert page.locator("[data-testid='stException']").count() == 0


def _wait_for_outline(page: Page) -> None:
    """Wait until the map is drawn anew with a picked kommun outlined, so a click reaches the new chart."""
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length === 1 && [...document.querySelectorAll("
        "'.choroplethlayer path')].some(p => parseFloat(getComputedStyle(p).strokeWidth) > 2)", timeout=TIMEOUT_MS)
    page.wait_for_timeout(1000)


def _click_path(page: Page, index: int) -> None:
    """Click the middle of one polygon's bounding box (where a kommun of that shape is)."""
    target = page.locator(PATHS).nth(index)
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    assert box
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _name(code: str) -> str:
    from pluginnan_core import reference

    return reference.kommuner()[code]
