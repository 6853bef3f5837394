# The page-level Diagram / Tabell och nedladdning switch (ui.components.view_switch) and what a
# visual draws in each view: charts, or tables with both downloads, with the summary and source.
"""Tests for ui/components.py, through the pages as a user sees them (AppTest)."""

from __future__ import annotations

from ui.components import VIEW_KEY

FRANVARO = "app_pages/franvaro.py"


def _param(at, name: str) -> str | None:
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def test_a_link_with_visa_tabell_shows_every_table_with_its_downloads(app_test) -> None:
    at = app_test(FRANVARO, visa="tabell")
    assert not at.exception
    assert not at.get("plotly_chart")
    assert len(at.dataframe) == 5
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("Ladda ner CSV") == 5 and labels.count("Ladda ner Excel (XLSX)") == 5
    summaries = [m.value for m in at.markdown if m.value.startswith("**")]
    assert len(summaries) == 5 and all("Källa:" in s for s in summaries)  # the text stays with the table

    at.button_group(key=VIEW_KEY).set_value("diagram").run()
    assert len(at.get("plotly_chart")) == 5 and not at.dataframe and not at.get("download_button")
    assert _param(at, "visa") is None  # the default is left out of the link


def test_the_choice_is_kept_on_the_next_page_and_in_the_link(app_test) -> None:
    at = app_test(FRANVARO)
    assert len(at.get("plotly_chart")) == 5 and not at.dataframe
    at.button_group(key=VIEW_KEY).set_value("tabell").run()
    assert _param(at, "visa") == "tabell"
    at.switch_page("app_pages/behorighet.py").run()
    assert not at.exception
    assert at.dataframe and not at.get("plotly_chart")
    assert at.button_group(key=VIEW_KEY).value == "tabell"


def test_an_unknown_value_in_the_link_shows_charts_and_says_so(app_test) -> None:
    at = app_test(visa="bilder")  # the link's notices are shown on the page it opens
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1 and not at.dataframe
    assert any("visa=bilder" in w.value.replace("\\", "") for w in at.warning)  # shown escaped
    assert at.button_group(key=VIEW_KEY).value == "diagram"


def test_english_labels(app_test) -> None:
    at = app_test(FRANVARO, lang="en", visa="tabell")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download CSV" in labels and "Download Excel (XLSX)" in labels
    switch = at.button_group(key=VIEW_KEY).proto
    assert [o.content for o in switch.options] == ["Charts", "Tables and downloads"]
