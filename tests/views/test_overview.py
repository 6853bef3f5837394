# Översikt's tiles: a förbund or the region shows its own protected figure (the same as
# Behörighet), and a total of picked kommuner says when it leaves a withheld kommun out.
"""pluginnan_core.views.overview (tiles)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pluginnan_core import queries
from pluginnan_core.db import Database
from pluginnan_core.i18n import fmt_value
from pluginnan_core.views import eligibility as ev
from pluginnan_core.views import overview

LATEST = "2024/25"


@pytest.fixture(scope="module")
def ale_small(demo_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """The demo with Ale's flickor 2024/25 at 7 pupils: withheld in the kommun table."""
    path = tmp_path_factory.mktemp("overview") / "small.duckdb"
    shutil.copyfile(demo_db, path)
    con = duckdb.connect(str(path))
    con.execute(f"""UPDATE eligibility_kommun SET antal_elever = 7 WHERE kommun_kod = '1440'
                    AND lasar = '{LATEST}' AND grupp = 'flickor'""")
    con.close()
    snapshot = Database(path)
    yield snapshot
    snapshot.close()


def test_a_forbund_tile_is_the_forbund_figure_as_on_behorighet(demo: Database) -> None:
    for sel in (queries.Selection(forbund=("SKARABORG",), grupp="flickor"), queries.Selection()):
        tile = overview.selection_tiles(demo, sel, "sv")[0]
        level, ids = ("forbund", ["SKARABORG"]) if sel.forbund else ("region", None)
        own = queries.eligibility(demo, level, ids, [LATEST], sel.grupp).iloc[0]
        assert tile.value == fmt_value(own["behorig_yrk"], "%", "sv", own.get("behorig_yrk_marker") or None)
        assert tile.value == ev.tiles(ev.load(demo, sel, "sv", ev.base_frames(demo)), "behorig_yrk")[0].value
        pupils = fmt_value(own["antal_elever"], "st", "sv", own.get("antal_elever_marker") or None)  # '..' if withheld
        assert f"Bygger på {pupils} elever" in tile.help and "Summan bygger" not in tile.help


def test_a_total_of_picked_kommuner_says_it_leaves_a_withheld_kommun_out(ale_small: Database) -> None:
    sel = queries.Selection(kommuner=("1440", "1480"), grupp="flickor")
    tile = overview.selection_tiles(ale_small, sel, "sv")[0]
    goteborg = queries.eligibility(ale_small, "kommun", ["1480"], [LATEST], "flickor").iloc[0]
    assert tile.value == fmt_value(goteborg["behorig_yrk"], "%", "sv")  # Ale's 7 girls are not in the sum
    assert "Summan bygger på 1 av urvalets 2 kommuner" in tile.help
    absence = overview.selection_tiles(ale_small, sel, "sv")[1]  # Ale's absence is shown: the whole selection
    assert "Summan bygger" not in absence.help
    english = overview.selection_tiles(ale_small, sel, "en")[0]
    assert "based on 1 of the selection's 2 municipalities" in english.help
    alla = overview.selection_tiles(ale_small, queries.Selection(kommuner=("1440", "1480")), "sv")[0]
    assert "Summan bygger" not in alla.help
