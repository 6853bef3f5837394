# Tests of the take-away slides: the PowerPoint deck re-opened with python-pptx (slides, titles,
# pictures, summary numbers against the views and direct SQL), the rendered images, the PNG
# download, the projector layout, the `deck` command, English, the demo notice and disclosure.
"""Tests for pluginnan_core.slides (and charts.projector_layout)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from pluginnan_core import charts, cli, queries, slides
from pluginnan_core.db import Database
from pluginnan_core.i18n import fmt_value, t
from pluginnan_core.views import overview
from pluginnan_core.views.presentation import presentation_visuals

ALINGSAS = "1489"
DAY = dt.date(2026, 11, 20)


def texts(slide) -> list[str]:
    return [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]


def shape_text(slide, name: str) -> str:
    return next(sh.text_frame.text for sh in slide.shapes if sh.name == name)


def pictures(slide) -> list:
    return [sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]


def assert_not_blank(png: bytes) -> None:
    """A chart, not an empty canvas: pixels vary and a fair share of them are not white."""
    image = Image.open(io.BytesIO(png)).convert("L")
    assert ImageStat.Stat(image).stddev[0] > 15
    inked = sum(image.histogram()[:230])
    assert inked > image.width * image.height // 100  # more than 1 % of the pixels carry ink


@pytest.fixture(scope="module")
def selection() -> queries.Selection:
    return queries.Selection(kommuner=(ALINGSAS,))


@pytest.fixture(scope="module")
def show(demo: Database, selection: queries.Selection) -> list:
    return presentation_visuals(demo, selection, "sv")


@pytest.fixture(scope="module")
def deck(demo: Database, selection: queries.Selection, show: list):
    data = slides.build_deck(demo, selection, "sv", visuals=show, today=DAY)
    return Presentation(io.BytesIO(data))


def test_deck_has_title_chart_and_closing_slides(deck, show) -> None:
    assert len(show) >= 6
    assert len(deck.slides) == len(show) + 2
    assert deck.slide_width * 9 == deck.slide_height * 16  # 16:9
    first, *charts_, last = list(deck.slides)
    assert first.shapes.title.text == "Plug Innan"
    assert "Alingsås · läsår 2015/16–2024/25 · alla elever" in texts(first)
    assert "20 november 2026" in texts(first)
    for slide, visual in zip(charts_, show, strict=True):
        assert slide.shapes.title.text == visual.title
        assert len(pictures(slide)) == 1
        assert pictures(slide)[0]._element.nvPicPr.cNvPr.get("descr") == visual.summary  # alt text
        assert shape_text(slide, "Källa").startswith("Källa: ")
    assert last.shapes.title.text == "Definitioner och sekretess"
    closing = " ".join(texts(last))
    assert "Behörig till yrkesprogram:" in closing and "färre än 10 elever" in closing
    assert "**" not in closing  # markdown became bold runs
    assert [shape_text(s, "Bildnummer") for s in deck.slides][-1] == f"Bild {len(show) + 2} av {len(show) + 2}"


def test_the_show_includes_trend_map_and_absence(show) -> None:
    keys = [v.key for v in show]
    assert keys[0] == "oversikt_trend"
    assert "karta" in keys and "franvaro_trend" in keys
    assert "behorighet_rank" not in keys  # 50 kommuner do not fit a slide; the map shows them


def test_summary_numbers_equal_the_queries(deck, show, demo: Database, selection) -> None:
    for slide, visual in zip(list(deck.slides)[1:-1], show, strict=True):
        assert shape_text(slide, "Sammanfattning") == visual.summary
    # the first chart's sentence, rebuilt from the view and from SQL
    on_slide = shape_text(deck.slides[1], "Sammanfattning")
    assert on_slide == overview.trend(demo, selection, "sv").summary
    value = demo.scalar("SELECT behorig_yrk FROM eligibility_kommun_best WHERE kommun_kod = ? AND grupp = 'alla' "
                        "AND lasar = (SELECT max(lasar) FROM eligibility_kommun_best)", [ALINGSAS])
    assert f"var andelen behöriga till yrkesprogram {fmt_value(value, '%', 'sv')} läsåret 2024/25" in on_slide


def test_rendered_images_are_not_blank(deck) -> None:
    for slide in list(deck.slides)[1:-1]:
        assert_not_blank(pictures(slide)[0].image.blob)


def test_demo_notice_on_title_slide_and_every_footer(deck) -> None:
    slides_ = list(deck.slides)
    assert t("demo_notice", "sv") in texts(slides_[0])
    for slide in slides_[1:]:
        assert shape_text(slide, "Demodata") == "DEMODATA – påhittade siffror"


def test_png_download_of_one_chart(show) -> None:
    png = slides.chart_png(show[0])
    image = Image.open(io.BytesIO(png))
    assert image.size == (slides.PNG_W * slides.IMAGE_SCALE, slides.PNG_H * slides.IMAGE_SCALE)
    assert_not_blank(png)


def test_projector_layout_has_no_text_under_24_px(show) -> None:
    def sizes(node, path=""):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "size" and path.endswith("font") and isinstance(v, int | float):
                    yield path, v
                yield from sizes(v, f"{path}.{k}" if path else k)
        elif isinstance(node, list):
            for item in node:
                yield from sizes(item, path)

    for visual in show:
        fig = charts.projector_layout(visual.figure, title=False)
        found = list(sizes(fig))
        assert found, visual.key
        small = [(p, s) for p, s in found if s < charts.PROJECTOR_MIN_FONT]
        assert not small, (visual.key, small)
        assert fig["layout"]["title"]["text"] == ""
        assert visual.figure["layout"]["font"]["size"] < 24  # the page's own figure is left alone


def test_cli_deck_in_english(demo_db: Path, demo: Database, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "deck.pptx"
    code = cli.main(["deck", "--db", str(demo_db), "--out", str(out), "--kommun", "1489,1440",
                     "--years", "2019/20-2024/25", "--lang", "en"])
    assert code == 0
    assert "The presentation is saved" in capsys.readouterr().err
    deck = Presentation(str(out))
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles[0] == "Plug Innan"
    assert titles[1] == "Share eligible for vocational programmes, Alingsås and Ale 2019/20–2024/25"
    assert titles[-1] == "Definitions and disclosure"
    assert "Alingsås and Ale · school years 2019/20–2024/25 · all pupils" in texts(deck.slides[0])
    assert shape_text(deck.slides[1], "Demodata") == "DEMO DATA – made-up figures"
    assert shape_text(deck.slides[1], "Bildnummer") == f"Slide 2 of {len(deck.slides)}"
    english = presentation_visuals(demo, queries.Selection(kommuner=("1489", "1440"), lasar_from="2019/20",
                                                           lasar_to="2024/25"), "en")
    assert titles[1:-1] == [v.title for v in english]
    assert "Statistics on eligibility for upper secondary school and school absence" in texts(deck.slides[0])


def test_cli_rejects_unknown_kommun_and_bad_years(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.pptx"
    assert cli.main(["deck", "--db", str(demo_db), "--out", str(out), "--kommun", "9999"]) == 2
    with pytest.raises(SystemExit) as exc:
        cli.main(["deck", "--db", str(demo_db), "--out", str(out), "--years", "2019-2024"])
    assert exc.value.code == 2
    assert not out.exists()


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """Skolverket's published kommun figures for 2024/25 (real data, not demo)."""
    from pluginnan_core.importers import run_import

    path = tmp_path_factory.mktemp("real") / "real.duckdb"
    run_import(path, "skolverket-kommun", [shared_data / "skolverket" / "behorighet_grundskola_2024_25.csv"])
    return path


def test_real_data_deck_has_published_figure_and_no_demo_notice(real_db: Path) -> None:
    db = Database(real_db)
    try:
        assert not db.is_demo
        sel = queries.Selection(kommuner=(ALINGSAS,))
        deck = Presentation(io.BytesIO(slides.build_deck(db, sel, "sv", today=DAY)))
    finally:
        db.close()
    everything = " ".join(" ".join(texts(s)) for s in deck.slides)
    assert "Demodata" not in everything and "DEMODATA" not in everything
    # Skolverket published 81,4 % of Alingsås' 560 pupils eligible for a vocational programme in 2024/25
    summary = shape_text(deck.slides[1], "Sammanfattning")
    assert "I Alingsås var andelen behöriga till yrkesprogram 81,4\u00a0% läsåret 2024/25" in summary
    assert all(len(pictures(s)) == 1 for s in list(deck.slides)[1:-1])


def test_exports_obey_disclosure_control(demo: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the limit above every count, no figure may reach a slide: only markers remain."""
    monkeypatch.setenv("PLUGINNAN_MIN_PUPILS", "10000000")
    sel = queries.Selection(kommuner=(ALINGSAS,))
    visuals = presentation_visuals(demo, sel, "sv")
    deck = Presentation(io.BytesIO(slides.build_deck(demo, sel, "sv", visuals=visuals, today=DAY)))
    for slide in list(deck.slides)[1:-1]:
        summary = shape_text(slide, "Sammanfattning")
        assert not re.search(r"\d+,\d\s%", summary), summary
    for visual in visuals:
        numbers = visual.data.select_dtypes("number").drop(columns=["antal_elever"], errors="ignore")
        shown = [c for c in numbers.columns if not c.endswith(("_id", "ar", "manad", "troskel_pct"))]
        assert numbers[shown].isna().all().all() if shown else True, visual.key
