# Browser test of the app shell: the README's start path shows the overview with its chart in
# the system Chromium, with the demo notice, at both screen sizes, and no page error.
"""End-to-end: app shell and Översikt."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import TIMEOUT_MS, block_internet, open_page


@pytest.mark.e2e
@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_overview_shows_chart_offline(page: Page, app_url: str, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    block_internet(page)
    open_page(page, app_url + "/")
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()
    expect(page.get_by_text("Demodata", exact=False).first).to_be_visible()
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for(timeout=TIMEOUT_MS)
    lines = page.locator(".js-plotly-plot .scatterlayer .trace")
    expect(lines.first).to_be_attached(timeout=TIMEOUT_MS)
    assert lines.count() >= 2  # the förbund lines plus the region reference line
    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors, errors


@pytest.mark.e2e
def test_link_restores_selection_and_survives_bad_values(page: Page, app_url: str) -> None:
    open_page(page, app_url + "/?kommun=1489,9999&kon=pojkar&fran=1999/00")
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_text("Alingsås")).to_be_visible()
    expect(page.get_by_text("ersatts med standardval", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    assert "kommun=1489" in page.url and "9999" not in page.url


@pytest.mark.e2e
def test_typed_address_of_the_first_page_opens_it_with_the_link_kept(page: Page, app_url: str) -> None:
    """/oversikt (as /franvaro opens Frånvaro) opens Översikt at "/", not Streamlit's English
    "Page not found" box."""
    open_page(page, app_url + "/oversikt?kommun=1489")
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()
    expect(page.locator("[data-testid='stSidebar']").get_by_text("Alingsås")).to_be_visible()
    page.wait_for_timeout(1000)  # the box would appear after the first run
    assert page.get_by_text("Page not found").count() == 0
    assert "kommun=1489" in page.url and "/oversikt" not in page.url
