# Tests of which charts form the presentation for a selection, in which order, how the selection
# line and the date read, and that a broken view leaves the show running without it.
"""Tests for pluginnan_core.views.presentation."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from pluginnan_core import queries
from pluginnan_core.db import Database
from pluginnan_core.views import overview
from pluginnan_core.views import presentation as show


def test_show_for_a_forbund_has_every_section_in_order(demo: Database) -> None:
    visuals = show.presentation_visuals(demo, queries.Selection(forbund=("GR",)), "sv")
    keys = [v.key for v in visuals]
    assert keys == ["oversikt_trend", "behorighet_rank", "behorighet_kon", "behorighet_typer", "karta",
                    "franvaro_trend", "franvaro_grans", "franvaro_sasong", "dp_karta", "dp_insatser_franvaro_pct"]
    assert all(v.figure is not None and v.summary and v.title for v in visuals)
    assert visuals[1].title == "Andel behöriga till yrkesprogram per kommun i GR 2024/25"
    assert len(set(visuals[1].figure["data"][0]["y"])) == 13  # GR's 13 kommuner fit a slide


def test_ranking_of_all_50_kommuner_is_left_to_the_map(demo: Database) -> None:
    keys = [v.key for v in show.presentation_visuals(demo, queries.Selection(), "sv")]
    assert "behorighet_rank" not in keys and "karta" in keys


def first(db: Database, sel: queries.Selection, lang: str, n: int) -> list:
    """The show's first `n` charts (the generator builds only the sections needed for them)."""
    return list(itertools.islice(show.iter_presentation_visuals(db, sel, lang), n))


def test_same_numbers_as_the_overview_page(demo: Database) -> None:
    sel = queries.Selection(kommuner=("1489", "1440"), grupp="flickor")
    first_chart = first(demo, sel, "sv", 1)[0]
    page = overview.trend(demo, sel, "sv")
    assert (first_chart.title, first_chart.summary) == (page.title, page.summary)
    assert first_chart.data.equals(page.data)


def test_picked_kommuner_are_compared(demo: Database) -> None:
    one = [v.key for v in first(demo, queries.Selection(kommuner=("1489",)), "sv", 5)]
    two = [v.key for v in first(demo, queries.Selection(kommuner=("1489", "1440")), "sv", 5)]
    # 50 kommuner ranked do not fit a slide, so after the trend, gap and kinds come the map and the comparison
    assert one == ["oversikt_trend", "behorighet_kon", "behorighet_typer", "karta", "jamfor_liknande_over_tid"]
    assert two[-1] == "jamfor_sida_vid_sida"  # Alingsås and Ale side by side


def test_english_show_has_english_titles(demo: Database) -> None:
    visuals = first(demo, queries.Selection(kommuner=("1489",)), "en", 4)
    assert visuals[0].title == "Share eligible for vocational programmes, Alingsås 2015/16–2024/25"
    assert not any(v.title.startswith(("Andel", "Frånvaro", "Total frånvaro")) for v in visuals)


def test_a_failing_view_is_skipped_and_named(demo: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> list:
        raise KeyError("column renamed")

    monkeypatch.setattr(show, "SECTIONS", (("behorighet", broken), *show.SECTIONS[2:]))
    skipped: list[str] = []
    keys = [v.key for v in show.presentation_visuals(demo, queries.Selection(), "sv", skipped)]
    assert skipped == ["behorighet"]
    assert keys[0] == "karta" and "franvaro_trend" in keys


def test_selection_subtitle(demo: Database) -> None:
    assert show.selection_subtitle(demo, queries.Selection(), "sv") == \
        "Plug Innan-regionen · läsår 2015/16–2024/25 · alla elever"
    sel = queries.Selection(forbund=("GR",), lasar_from="2019/20", lasar_to="2023/24", grupp="pojkar")
    assert show.selection_subtitle(demo, sel, "en") == "GR · school years 2019/20–2023/24 · boys"
    many = queries.Selection(kommuner=("1489", "1440", "1441", "1480"))
    assert show.selection_subtitle(demo, many, "sv").startswith("Alingsås, Ale, Lerum, Göteborg · ")


def test_date_in_swedish_and_english() -> None:
    assert show.date_text(dt.date(2026, 11, 22), "sv") == "22 november 2026"
    assert show.date_text(dt.date(2026, 11, 22), "en") == "22 November 2026"
