# Browser test of the app shell: the README's start path shows the overview with its chart in
# the system Chromium, with the demo notice, at both screen sizes, and no page error; a page's
# section tabs (Delprojekt, Jämför) open by click; a download carries the visual's note; an empty
# filter list and an address naming no page speak the page's language.
"""End-to-end: app shell, Översikt, section tabs and downloads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import TIMEOUT_MS, block_internet, open_page, wait_drawn


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
@pytest.mark.parametrize("path", ["/", "/franvaro", "/delprojekt"])
def test_a_new_visitor_sends_no_request_outside_this_server(page: Page, app_url: str, path: str) -> None:
    """Nothing is asked of the internet on a first visit, not even the tab icon.

    Why: the menu's icons are Material symbols, and Streamlit's front end set the opened page's
    icon as the tab icon from fonts.gstatic.com before our page config arrived: a request to
    Google from every new visitor, and a failed one offline. The browser asks for the tab icon
    itself, so this listens to every request rather than routing them."""
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(
        ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else None)
    open_page(page, app_url + path)
    wait_drawn(page)
    page.wait_for_timeout(500)
    assert not outside, outside


@pytest.mark.e2e
def test_link_restores_selection_and_survives_bad_values(page: Page, app_url: str) -> None:
    open_page(page, app_url + "/?kommun=1489,9999&kon=pojkar&fran=1999/00")
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_text("Alingsås")).to_be_visible()
    expect(page.get_by_text("ersatts med standardval", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    assert "kommun=1489" in page.url and "9999" not in page.url


def _chosen_gender(page: Page) -> str:
    """The sidebar's checked gender choice as shown ("" when none is)."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid=stSidebar] input[type=radio]')]
        .filter(i => i.checked).map(i => i.closest('label').innerText).join('')""")


@pytest.mark.e2e
def test_the_language_link_keeps_the_page_and_every_choice_both_ways(page: Page, app_url: str) -> None:
    """The sidebar's "English" link opens the same page in English with the same selection, and
    "Svenska" brings it back. Streamlit keeps a choice's value in the browser as its label: before
    the fix, English showed no gender chosen and the way back fell to "Alla" (ui.state.RELABELLED)."""
    open_page(page, app_url + "/behorighet?kommun=1489&matt=behorig_nt")
    wait_drawn(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Flickor", exact=True).click()
    page.wait_for_function("() => location.search.includes('kon=flickor')", timeout=TIMEOUT_MS)
    wait_drawn(page)
    expect(sidebar.get_by_role("link", name="English")).to_have_attribute("lang", "en")  # read in English
    sidebar.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Eligibility", exact=False).first).to_be_visible(timeout=TIMEOUT_MS)
    wait_drawn(page)
    page.wait_for_function("() => location.search.includes('lang=en')", timeout=TIMEOUT_MS)
    assert _chosen_gender(page) == "Girls"
    expect(page.get_by_text("Share eligible for natural science and technology programmes").first).to_be_visible()
    for key in ("kommun=1489", "kon=flickor", "matt=behorig_nt"):
        assert key in page.url, page.url
    sidebar.get_by_role("link", name="Svenska").click()
    expect(page.get_by_role("heading", name="Behörighet", exact=False).first).to_be_visible(timeout=TIMEOUT_MS)
    wait_drawn(page)
    page.wait_for_function("() => !location.search.includes('lang=')", timeout=TIMEOUT_MS)
    assert _chosen_gender(page) == "Flickor"
    for key in ("kommun=1489", "kon=flickor", "matt=behorig_nt"):
        assert key in page.url, page.url
    assert page.locator("[data-testid='stException']").count() == 0


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


@pytest.mark.e2e
def test_an_address_that_names_no_page_is_explained_in_swedish(page: Page, app_url: str) -> None:
    """A mistyped or old link opens the start page with Streamlit's "Page not found" box in Swedish
    (ui.components._not_found_script), and the box can be closed by its Swedish name."""
    open_page(page, app_url + "/finnsinte?kommun=1489")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Sidan finns inte")).to_be_visible()
    expect(dialog).to_contain_text("Startsidan visas i stället")
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_text("Running the app's main page", exact=False).count() == 0
    expect(page.locator("[data-testid='stSidebar']").get_by_text("Alingsås")).to_be_visible()
    dialog.get_by_role("button", name="Stäng").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()


#: What an empty drop-down list shows: Streamlit's own text hidden, ours drawn (ui.components.picker_css).
_EMPTY_LIST_JS = """() => {
    const s = document.querySelector('[role="listbox"][data-empty="true"] > [role="option"] > span');
    return s ? [getComputedStyle(s).visibility, getComputedStyle(s, '::after').content] : null;
}"""


@pytest.mark.e2e
def test_a_filter_that_matches_nothing_says_so_in_the_pages_language(page: Page, app_url: str) -> None:
    """Typing a name no kommun has shows "Inga träffar", not Streamlit's English "No results"; in
    English the English text."""
    open_page(page, app_url + "/")
    sidebar = page.locator("[data-testid='stSidebar']")
    box = sidebar.locator("[data-testid='stMultiSelect'] input").first
    box.click()
    box.fill("Xyzköping")
    page.wait_for_function(f"() => ({_EMPTY_LIST_JS})() !== null", timeout=TIMEOUT_MS)
    assert page.evaluate(_EMPTY_LIST_JS) == ["hidden", '"Inga träffar"']
    box.fill("")
    page.keyboard.press("Escape")
    sidebar.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.wait_for_function("() => document.documentElement.lang === 'en'", timeout=TIMEOUT_MS)
    box = sidebar.locator("[data-testid='stMultiSelect'] input").first
    box.click()
    box.fill("Xyzköping")
    page.wait_for_function(f"() => ({_EMPTY_LIST_JS})() !== null", timeout=TIMEOUT_MS)
    assert page.evaluate(_EMPTY_LIST_JS) == ["hidden", '"No results"']


#: Streamlit's and Plotly's own English names on a page: (attribute or "text", value), all of them.
_FRONT_END_ENGLISH_JS = """() => {
    const out = [];
    for (const el of document.querySelectorAll('[aria-label],[title],[data-title]'))
        for (const a of ['aria-label', 'title', 'data-title']) { const v = el.getAttribute(a); if (v) out.push(v); }
    for (const el of document.querySelectorAll('a, button')) if (!el.children.length) out.push(el.textContent);
    return out;
}"""
_ENGLISH = ("Collapse sidebar", "App pages", "Skip to main content", "Link to heading", "Fullscreen",
            "Download plot as a PNG", "Zoom in", "Reset axes", "Open")


def _settled_names(page: Page, english: bool, wanted: tuple[str, ...]) -> list[str]:
    """The control names once all `wanted` are there and none is in the other language (waiting
    up to the usual timeout).

    Why wait and read in one step: Plotly rebuilds a chart's toolbar while the page settles, in
    English, and the rewrite follows ~60 ms after each change; a fixed 500 ms pause sometimes read
    a toolbar just rebuilt on Frånvaro's six charts. A name that stays wrong is returned after the
    timeout, and the assertions name it.
    """
    wrong = json.dumps(["Fäll ihop sidomenyn", "Zooma in", "Hjälp om "] if english else [*_ENGLISH, "Help for "])
    try:
        return page.wait_for_function(
            f"() => {{ const names = ({_FRONT_END_ENGLISH_JS})(); return names.every(v => !{wrong}.some(w => "
            f"v === w || (w.endsWith(' ') && v.startsWith(w)))) && {json.dumps(list(wanted))}.every(w => "
            f"names.includes(w)) && names; }}", timeout=TIMEOUT_MS).json_value()
    except Exception:  # still wrong after the timeout: the assertions say which
        return page.evaluate(_FRONT_END_ENGLISH_JS)


@pytest.mark.e2e
def test_streamlits_and_plotlys_own_control_names_are_swedish_on_a_swedish_page(page: Page, app_url: str) -> None:
    """What a screen reader reads and a tooltip shows for Streamlit's and Plotly's own controls
    (the sidebar button, help icons, a chart's toolbar) follows the page's language, both ways.
    Frånvaro: its threshold picker has Streamlit's own help icon."""
    open_page(page, app_url + "/franvaro?kommun=1489")
    wait_drawn(page)
    swedish = ("Fäll ihop sidomenyn", "Hoppa till huvudinnehållet", "Ladda ner diagrammet som PNG", "Zooma in",
               "Läsår — från")
    names = _settled_names(page, False, swedish)  # the rewrite follows the page's changes after a moment
    assert not [v for v in names if v in _ENGLISH or v.startswith("Help for ")], names
    for name in swedish:
        assert name in names, (name, names)
    assert any(v.startswith("Hjälp om ") for v in names), names
    page.get_by_test_id("stSidebar").get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Absence", exact=False).first).to_be_visible(timeout=TIMEOUT_MS)
    wait_drawn(page)
    english = ("Collapse sidebar", "Skip to main content", "Download plot as a PNG", "School years — start")
    names = _settled_names(page, True, english)
    for name in english:
        assert name in names, (name, names)
    assert not [v for v in names if v in ("Fäll ihop sidomenyn", "Zooma in") or v.startswith("Hjälp om ")], names


def _tab(page: Page, name: str):
    return page.get_by_role("tab", name=name)


@pytest.mark.e2e
def test_franvaro_schools_section_opens_by_tab_and_keeps_through_a_filter_change(page: Page, app_url: str) -> None:
    """Frånvaro draws the selection over time first; the Skolorna tab draws the heatmap and the
    early warning instead, goes into the link, and stays open when a sidebar filter changes."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_page(page, app_url + "/franvaro?kommun=1489,1480")
    expect(_tab(page, "Urvalet över tid")).to_have_attribute("aria-selected", "true")
    expect(page.locator(".st-key-p_grans")).to_be_visible(timeout=TIMEOUT_MS)
    wait_drawn(page)
    _tab(page, "Skolorna").click()
    expect(page.locator(".st-key-p_heat_kommun")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(".st-key-p_grans")).to_have_count(0)  # the other section is not drawn
    expect(page.locator("[data-testid='stPlotlyChart']")).to_have_count(2, timeout=TIMEOUT_MS)
    page.wait_for_function("() => location.search.includes('avsnitt=skolor')", timeout=TIMEOUT_MS)
    wait_drawn(page)
    page.get_by_test_id("stSidebar").get_by_text("Flickor", exact=True).click()
    page.wait_for_function("() => location.search.includes('kon=flickor')", timeout=TIMEOUT_MS)
    expect(_tab(page, "Skolorna")).to_have_attribute("aria-selected", "true")
    expect(page.locator(".st-key-p_heat_kommun")).to_be_visible(timeout=TIMEOUT_MS)
    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors, errors


@pytest.mark.e2e
def test_delprojekt_sections_open_by_tab_and_keep_the_lists_filter(page: Page, app_url: str) -> None:
    """Only the open section is drawn; a click on a tab opens another, and the link follows."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_page(page, app_url + "/delprojekt?insats=mentorskap")
    expect(_tab(page, "Alla delprojekt")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text("Delprojekt i listan")).to_be_visible()  # the list's tiles
    wait_drawn(page)
    _tab(page, "Ett delprojekts resultat").click()
    picker = page.locator(".st-key-dp_projekt")
    expect(picker).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("Delprojekt i listan")).to_have_count(0)  # the list is not drawn meanwhile
    expect(page.locator("[data-testid='stPlotlyChart'] .main-svg").first).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_function("() => location.search.includes('projekt=PI-')", timeout=TIMEOUT_MS)
    assert "insats=mentorskap" in page.url  # the list's filter is kept for the picker and the link
    wait_drawn(page)
    _tab(page, "Resultat per insatstyp").click()
    expect(page.locator(".st-key-dp_typmatt")).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_function("() => location.search.includes('avsnitt=insatser')", timeout=TIMEOUT_MS)
    page.emulate_media(media="print")  # on paper only the open section's tab names what is printed
    expect(_tab(page, "Alla delprojekt")).to_be_hidden()
    expect(_tab(page, "Resultat per insatstyp")).to_be_visible()
    page.emulate_media(media="screen")
    wait_drawn(page)
    _tab(page, "Alla delprojekt").click()
    expect(page.locator(".st-key-dp_insats")).to_contain_text("Mentorskap", timeout=TIMEOUT_MS)
    wait_drawn(page)
    _tab(page, "Ett delprojekts resultat").click()
    expect(page.locator(".st-key-dp_projekt")).to_be_visible(timeout=TIMEOUT_MS)
    # another page's sections are its own: Jämför opens its first, with no notice about the link,
    # and back on Delprojekt its open section is the one left
    sidebar = page.locator("[data-testid='stSidebar']")
    wait_drawn(page)
    sidebar.get_by_text("Jämför kommuner").click()
    expect(_tab(page, "Sida vid sida")).to_have_attribute("aria-selected", "true", timeout=TIMEOUT_MS)
    expect(page.get_by_text("ersatts med standardval", exact=False)).to_have_count(0)
    wait_drawn(page)
    sidebar.get_by_text("Delprojekt").click()
    expect(_tab(page, "Ett delprojekts resultat")).to_have_attribute("aria-selected", "true", timeout=TIMEOUT_MS)
    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors, errors


@pytest.mark.e2e
def test_jamfor_similar_kommuner_button_opens_them_side_by_side(page: Page, app_url: str) -> None:
    open_page(page, app_url + "/jamfor?lik=1441")
    expect(_tab(page, "Liknande kommuner")).to_have_attribute("aria-selected", "true")
    page.get_by_role("button", name="Visa Lerum och de tre mest lika sida vid sida").click()
    expect(_tab(page, "Sida vid sida")).to_have_attribute("aria-selected", "true", timeout=TIMEOUT_MS)
    panels = page.locator("[data-testid='stPlotlyChart'] .main-svg .infolayer .annotation-text")
    expect(panels.first).to_have_text("Lerum", timeout=TIMEOUT_MS)
    page.wait_for_function("() => location.search.includes('jamfor=1441%2C') || "
                           "location.search.includes('jamfor=1441,')", timeout=TIMEOUT_MS)
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.mark.e2e
def test_a_download_carries_the_note_on_how_to_read_it(page: Page, app_url: str) -> None:
    """The forest plot's table downloaded as CSV starts with its title, summary and note (the pooling method)."""
    open_page(page, app_url + "/delprojekt?avsnitt=insatser&visa=tabell")
    button = page.get_by_role("button", name="Ladda ner CSV")
    expect(button).to_have_count(1, timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        button.click()
    head = Path(info.value.path()).read_text(encoding="utf-8-sig").split("\n\n")[0]
    assert head.startswith("Total frånvaro: effekt per insatstyp") and "slumpeffektmodell" in head, head
