# Browser test of presentation mode in the system Chromium at projector size: the keyboard and a
# presenter remote's keys move between slides, the URL names the slide, menus are hidden, chart
# text is at least 24 px, the deck downloads, and printing gives one A4 landscape page without buttons.
"""End-to-end: Presentation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pptx import Presentation

from tests.e2e.browser import SCRIPT_DONE_JS, TIMEOUT_MS, block_internet, open_page

CHART_TEXT_SIZES = """() => Array.from(document.querySelectorAll('.js-plotly-plot .main-svg text'))
  .filter((e) => e.textContent.trim() !== '')
  .map((e) => parseFloat(getComputedStyle(e).fontSize))"""


def wait_idle(page: Page) -> None:
    """Until the run has finished: the last element the page draws (the Avsluta button) is there."""
    page.locator(".st-key-pres_exit button").wait_for(state="attached", timeout=TIMEOUT_MS)
    page.wait_for_function(SCRIPT_DONE_JS, timeout=TIMEOUT_MS)


def press(page: Page, key: str, slide: int) -> str:
    """Press a key, wait until the URL names `slide` and a new heading shows; return the heading."""
    heading = page.locator("h1").first
    before = heading.inner_text()
    page.keyboard.press(key)
    page.wait_for_function(f"() => /[?&]bild={slide}(&|$)/.test(location.search)", timeout=TIMEOUT_MS)
    expect(heading).not_to_have_text(before, timeout=TIMEOUT_MS)
    wait_idle(page)
    return heading.inner_text()


def chart_text_sizes(page: Page) -> list[float]:
    page.locator(".js-plotly-plot .xtick text, .js-plotly-plot .ytick text").first.wait_for(timeout=TIMEOUT_MS)
    return page.evaluate(CHART_TEXT_SIZES)


@pytest.mark.e2e
def test_presentation_with_keyboard_on_a_projector(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    blocked = block_internet(page)
    open_page(page, app_url + "/presentation?kommun=1489")
    wait_idle(page)
    heading = page.locator("h1").first
    expect(heading).to_have_text("Plug Innan")
    assert re.search(r"[?&]bild=1(&|$)", page.url)
    expect(page.get_by_text("Plug Innan · Alingsås · läsår 2015/16–2024/25 · alla elever")).to_be_visible()
    expect(page.get_by_text("Demodata: alla siffror", exact=False).filter(visible=True).first).to_be_visible()
    for chrome in ("stSidebar", "stHeader", "stToolbar"):
        expect(page.locator(f"[data-testid='{chrome}']")).to_be_hidden()

    second = press(page, "ArrowRight", 2)
    assert second == "Andel behöriga till yrkesprogram, Alingsås 2015/16–2024/25"
    sizes = chart_text_sizes(page)
    assert len(sizes) > 10 and min(sizes) >= 24, sizes
    expect(page.get_by_text("Bild 2 av", exact=False)).to_be_visible()

    third = press(page, "PageDown", 3)  # what a presenter remote sends
    assert third != second and "Alingsås" in third
    assert min(chart_text_sizes(page)) >= 24
    assert press(page, "ArrowLeft", 2) == second
    last = page.get_by_text(re.compile(r"^Bild 2 av \d+$")).inner_text().split()[-1]
    assert press(page, "End", int(last)) == "Definitioner och sekretess"
    assert press(page, "Home", 1) == "Plug Innan"

    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors, errors
    # nothing is fetched from the internet (fonts, topojson, scripts); app.py's page icon is not ours
    assert not [url for url in blocked if "materialsymbols" not in url], blocked


@pytest.mark.e2e
def test_link_opens_the_same_slide_downloads_the_deck_and_prints_on_one_a4_page(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, app_url + "/presentation?forbund=GR&bild=3")
    wait_idle(page)
    expect(page.locator("h1").first).to_have_text("Andel behöriga till yrkesprogram per kommun i GR 2024/25")
    expect(page.get_by_text(re.compile(r"^Bild 3 av \d+$"))).to_be_visible()
    page.locator(".js-plotly-plot .ytick text").first.wait_for(timeout=TIMEOUT_MS)
    ticks = page.locator(".js-plotly-plot .ytick text").all_text_contents()
    assert "Härryda" in ticks and "Öckerö" in ticks and len(ticks) == 13  # every GR kommun is labelled

    with page.expect_download(timeout=120_000) as info:  # the deck is built when the button is pressed
        page.get_by_role("button", name="Ladda ner presentation (PowerPoint)").click()
    deck = Presentation(info.value.path())
    total = int(page.get_by_text(re.compile(r"^Bild 3 av \d+$")).inner_text().split()[-1])
    assert len(deck.slides) == total
    assert deck.slides[2].shapes.title.text == "Andel behöriga till yrkesprogram per kommun i GR 2024/25"

    page.emulate_media(media="print")
    expect(page.get_by_role("button", name=re.compile("Nästa"))).to_be_hidden()
    for button in page.locator("[data-testid='stDownloadButton']").all():
        expect(button).to_be_hidden()
    expect(page.locator("h1").first).to_be_visible()
    page.emulate_media(media="screen")
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) == 1, boxes  # the slide fits one page
    width, height = (float(x) for x in boxes[0])
    assert width > height  # landscape
