# The page-level link between charts and tables (ui.components.view_switch) and what a
# visual draws in each view: charts, or tables with both downloads, with the summary and source;
# the text of an empty filter list.
"""Tests for ui/components.py, through the pages as a user sees them (AppTest)."""

from __future__ import annotations

from pluginnan_core.views.overview import Tile
from tests.conftest import ShownTile, show_as, tiles, view_link
from ui.components import boxes, tiles_markup

FRANVARO = "app_pages/franvaro.py"


def _param(at, name: str) -> str | None:
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def test_a_link_with_visa_tabell_shows_every_table_with_its_downloads(app_test) -> None:
    at = app_test(FRANVARO, visa="tabell")  # Frånvaro's first section: three visuals
    assert not at.exception
    assert not at.get("plotly_chart")
    assert len(at.dataframe) == 3
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("Ladda ner CSV") == 3 and labels.count("Ladda ner Excel (XLSX)") == 3
    summaries = [m.value for m in at.markdown if m.value.startswith("**")]
    assert len(summaries) == 3 and all("Källa:" in s for s in summaries)  # the text stays with the table

    assert view_link(at)["label"] == "Visa som diagram"
    show_as(at, "diagram")
    assert len(at.get("plotly_chart")) == 3 and not at.dataframe and not at.get("download_button")
    assert _param(at, "visa") is None  # the default is left out of the link
    assert view_link(at)["label"] == "Visa som tabell och ladda ner"


def test_the_choice_is_kept_on_the_next_page_and_in_the_link(app_test) -> None:
    at = app_test(FRANVARO)
    assert len(at.get("plotly_chart")) == 3 and not at.dataframe
    show_as(at, "tabell")
    assert _param(at, "visa") == "tabell"
    at.query_params.clear()  # the page menu's link carries no parameters
    at.switch_page("app_pages/behorighet.py").run()
    assert not at.exception
    assert at.dataframe and not at.get("plotly_chart")
    assert _param(at, "visa") == "tabell"  # the kept view is written to the new page's link
    assert view_link(at)["visa"] == "diagram"


def test_an_unknown_value_in_the_link_shows_charts_and_says_so(app_test) -> None:
    at = app_test(visa="bilder")  # the link's notices are shown on the page it opens
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1 and not at.dataframe
    assert any("visa=bilder" in w.value.replace("\\", "") for w in at.warning)  # shown escaped
    assert view_link(at)["visa"] == "tabell"  # charts shown: the link leads to the tables


def test_english_labels(app_test) -> None:
    at = app_test(FRANVARO, lang="en", visa="tabell")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download CSV" in labels and "Download Excel (XLSX)" in labels
    assert view_link(at)["label"] == "Show as charts"
    show_as(at, "diagram")
    assert view_link(at)["label"] == "Show as tables with downloads"


def test_a_validated_figure_is_serialised_once_and_answers_only_for_itself() -> None:
    """The map is a widget chart, sent again on each rerun; its JSON comes from _Json, and must be
    exactly plotly's for that figure, never another figure's, and go when the figure goes."""
    import gc
    import json

    import plotly.io as pio

    from ui.components import _Json, _Validated

    def spec(title: str) -> dict:
        return {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}], "layout": {"title": {"text": title}}}

    first, second = _Validated(spec("Första")), _Validated(spec("Andra"))
    shown = json.loads(pio.to_json(first.to_dict(), validate=False))
    assert shown["layout"]["title"]["text"] == "Första"
    assert json.loads(pio.to_json(second.to_dict(), validate=False))["layout"]["title"]["text"] == "Andra"
    assert pio.to_json(first.to_dict(), validate=False) is first._json  # answered from the figure
    assert first._json == _Json._plotly(first.to_dict(), validate=False)  # and it is plotly's own
    equal_but_other = json.loads(json.dumps(first.to_dict()))  # same content, another object: plotly's path
    assert json.loads(pio.to_json(equal_but_other, validate=False)) == shown
    assert "\n" in pio.to_json(first.to_dict(), validate=False, pretty=True)  # other arguments: plotly's path
    held = id(first.to_dict())
    del first
    gc.collect()
    assert held not in _Json._figures  # nothing is kept once ui.cache lets the figure go


def test_boxes_are_one_markdown_with_the_texts_escaped() -> None:
    """Only our own markup reaches the page: a '<' or '&' in a text (a school name, say) is shown as text."""
    md = boxes(["**A**\n\n- x <b>y</b>", "B & C"], [4, 3], lead="**Verdict** <img src=x>")
    assert md.startswith("**Verdict** &lt;img src=x&gt;\n\n")
    assert '<div class="pi-boxes" style="--pi-cols: 4fr 3fr">' in md
    assert md.count("<div>") == 2
    assert "- x &lt;b&gt;y&lt;/b&gt;" in md and "B &amp; C" in md
    assert "<b>" not in md and "<img" not in md


def test_tiles_are_one_element_read_back_as_shown() -> None:
    """Four tiles are one Markdown element whose label, value, change and help read back as written."""
    items = [Tile("Andel behöriga 2024/25", "87,3\u00a0%", "+0,3 procentenheter sedan 2023/24", "Bygger på 9 elever"),
             Tile("Total frånvaro", "7,9\u00a0%", "+0,1 procentenheter", "Lägre är bättre", delta_color="inverse"),
             Tile("Meritvärde", "235,4", "\u22120,4 poäng", ""),
             Tile("Delprojekt", "30", "5 pågår just nu", "Alla projekt", delta_color="off")]

    class Shown:  # what AppTest gives a test: the page's Markdown elements
        markdown = [type("M", (), {"value": tiles_markup(items, per_row=2)})()]

    assert 'style="--pi-per-row: 2"' in Shown.markdown[0].value
    assert tiles(Shown) == [
        ShownTile("Andel behöriga 2024/25", "87,3\u00a0%", "↑ +0,3 procentenheter sedan 2023/24", "Bygger på 9 elever",
                  "pi-good"),
        ShownTile("Total frånvaro", "7,9\u00a0%", "↑ +0,1 procentenheter", "Lägre är bättre", "pi-bad"),  # a rise is bad
        ShownTile("Meritvärde", "235,4", "↓ \u22120,4 poäng", "", "pi-bad"),
        ShownTile("Delprojekt", "30", "5 pågår just nu", "Alla projekt", "pi-flat")]  # no sign: no arrow


def test_a_tile_whose_change_rounds_to_zero_is_neutral_and_text_is_escaped() -> None:
    md = tiles_markup([Tile("A <b>&</b>", "1", "±0,0 poäng", 'x" onmouseover="alert(1)')])
    assert 'class="pi-tile-delta pi-flat">±0,0 poäng</p>' in md
    assert "<b>" not in md and "A &lt;b&gt;&amp;&lt;/b&gt;" in md
    assert 'data-help="x&quot; onmouseover=&quot;alert(1)"' in md


def test_the_empty_filter_list_text_is_a_valid_css_string_in_each_language(monkeypatch) -> None:
    """picker_css puts an i18n text into CSS `content:`; a quote or backslash in a translation
    must not end the string (the English "No results" would show again)."""
    from ui import components

    assert 'content: "Inga träffar"' in components.picker_css("sv")
    assert 'content: "No results"' in components.picker_css("en")
    monkeypatch.setattr(components, "t", lambda key, language: 'Inga "träffar" \\ alls')
    assert 'content: "Inga \\"träffar\\" \\\\ alls"' in components.picker_css("sv")


def test_each_chart_carries_plotlys_toolbar_texts_in_the_pages_language(app_test) -> None:
    """Streamlit's Plotly bundle registers no locales: without the Swedish one in the chart's own
    config the toolbar ("Download plot as a PNG", "Zoom in") stays English on a Swedish page."""
    import json

    at = app_test(kommun="1489")
    configs = [json.loads(c.proto.config) for c in at.get("plotly_chart")]
    assert configs and all(c["locale"] == "sv" for c in configs)
    words = configs[0]["locales"]["sv"]["dictionary"]
    assert words["Download plot as a PNG"] == "Ladda ner diagrammet som PNG" and words["Zoom in"] == "Zooma in"
    assert configs[0]["locales"]["sv"]["format"]["decimal"] == ","
    at = app_test(kommun="1489", lang="en")
    configs = [json.loads(c.proto.config) for c in at.get("plotly_chart")]
    assert configs and all(c["locale"] == "en" and "locales" not in c for c in configs)
