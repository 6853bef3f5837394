# AppTest of the Behörighet page: every filter (measure picker, kommun via URL, gender, years,
# English, school drill-down), values shown against direct SQL, the fallback notice for a bad
# `matt=`, disclosure on a changed copy of the demo, and the bytes of a download.
"""app_pages/behorighet.py."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.delta_generator import DeltaGenerator

from pluginnan_core.i18n import fmt_number
from tests.conftest import show_as, tables, tiles

PAGE = "app_pages/behorighet.py"
LATEST = "2024/25"


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]

def visible_text(at) -> str:
    """What a user reads: texts, labels, options, table headers (Tabell tabs opened), chart titles,
    legends, hovers."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning")
             for e in getattr(at, kind) if 'class="pi-tiles"' not in e.value]  # tiles: below
    parts += [f"{m.label} {m.value} {m.delta} {m.help}" for m in tiles(at)]
    parts += [" ".join(map(str, w.options)) + " " + w.label for w in [*at.selectbox, *at.multiselect]]
    parts += [" ".join(d.columns) for d in tables(at)]
    for c in charts(at):
        parts.append(c["layout"]["title"]["text"])
        parts += [f"{t.get('name', '')} {' '.join(map(str, t.get('text', []) or []))} "
                  f"{' '.join(map(str, t.get('hovertext', []) or []))}" for t in c["data"]]
        parts += [str(a.get("text", "")) for a in c["layout"].get("annotations", [])]
    return "\n".join(parts)


def assert_no_raw_names(at) -> None:
    text = visible_text(at)
    raw = re.findall(r"\b(?:be|jf|col|nav|kalla)_[a-z_]+|\b(?:behorig_\w+|alla_amnen|meritvarde|franvaro_pct|"
                     r"ogiltig_pct|giltig_pct|andel_over_\d+|antal_elever)\b", text)
    assert not raw, raw


def chart(at, title_part: str) -> dict:
    return next(c for c in charts(at) if title_part in c["layout"]["title"]["text"])


def published(db, kommun: str, grupp: str = "alla") -> pd.DataFrame:
    return db.query("""SELECT * FROM eligibility_kommun WHERE kommun_kod = ? AND grupp = ? AND huvudman = 'samtliga'
                       ORDER BY lasar""", [kommun, grupp])


def test_default_page_matches_sql(app_test, demo) -> None:
    at = app_test(PAGE)
    assert not at.exception
    assert at.title[0].value == "Behörighet"
    assert at.selectbox(key="be_matt").value == "behorig_yrk"
    assert len(charts(at)) == 4  # trend, ranking, gender gap, kinds; schools need a kommun
    assert any("Välj en eller flera kommuner" in i.value for i in at.info)
    rank = chart(at, "per kommun")
    sql = demo.query(f"""SELECT k.namn, e.behorig_yrk FROM eligibility_kommun e JOIN kommun k USING (kommun_kod)
                         WHERE e.lasar = '{LATEST}' AND e.grupp = 'alla' AND e.huvudman = 'samtliga'""")
    shown = dict(zip(rank["data"][0]["y"], rank["data"][0]["x"], strict=True))
    for name, v in zip(sql["namn"], sql["behorig_yrk"], strict=True):
        assert shown[name] == (pytest.approx(v) if pd.notna(v) else None)
    assert rank["layout"]["separators"] == ",\u00a0"
    assert len(tiles(at)) == 4
    assert_no_raw_names(at)


def test_kommun_from_url_and_measure_picker(app_test, demo) -> None:
    at = app_test(PAGE, kommun="1440", matt="meritvarde")
    assert not at.exception
    assert at.selectbox(key="be_matt").value == "meritvarde"
    trend = chart(at, "Genomsnittligt meritvärde, Ale 2015/16")
    ale = next(t for t in trend["data"] if t["name"] == "Ale")
    sql = published(demo, "1440")
    assert ale["y"] == pytest.approx(sql["meritvarde"].tolist())
    assert tiles(at)[0].value == fmt_number(sql["meritvarde"].iloc[-1], 1)
    assert tiles(at)[3].value == fmt_number(sql["antal_elever"].iloc[-1], 0)
    schools = demo.query("""SELECT DISTINCT s.namn FROM eligibility_school e JOIN school s USING (skolenhetskod)
                            WHERE s.kommun_kod = '1440' ORDER BY 1""")["namn"].tolist()
    table = next(d for d in tables(at) if "Skola" in d.columns)
    assert sorted(table["Skola"]) == schools
    at.selectbox(key="be_matt").select("behorig_nt").run()
    assert not at.exception
    assert at.query_params["matt"] == "behorig_nt"
    trend = chart(at, "naturvetenskaps- och teknikprogram, Ale")
    assert next(t for t in trend["data"] if t["name"] == "Ale")["y"] == pytest.approx(sql["behorig_nt"].tolist())
    at.selectbox(key="be_matt").select("behorig_yrk").run()
    assert "matt" not in at.query_params  # the default stays out of the link
    assert_no_raw_names(at)


def test_bad_measure_in_link_falls_back_with_notice(app_test) -> None:
    at = app_test(PAGE, matt="DROP TABLE;")
    assert not at.exception
    assert any("ersatts med standardval" in w.value and "matt=DROP TABLE;" in w.value for w in at.warning)
    assert at.selectbox(key="be_matt").value == "behorig_yrk"


def test_gender_and_years(app_test, demo) -> None:
    at = app_test(PAGE, kommun="1441,1440", kon="pojkar", fran="2017/18", till="2021/22")
    assert not at.exception
    trend = chart(at, "Lerum och Ale")
    assert "(pojkar)" in trend["layout"]["title"]["text"]
    lerum = next(t for t in trend["data"] if t["name"] == "Lerum")
    sql = published(demo, "1441", "pojkar")
    sql = sql[(sql["lasar"] >= "2017/18") & (sql["lasar"] <= "2021/22")]
    assert lerum["x"] == sql["lasar"].tolist() and lerum["y"] == pytest.approx(sql["behorig_yrk"].tolist())
    rank = chart(at, "per kommun")
    assert "2021/22" in rank["layout"]["title"]["text"]
    # the same kommun has the same colour in the trend and the ranking
    colour = lerum["line"]["color"]
    bars = rank["data"][0]
    assert bars["marker"]["color"][bars["y"].index("<b>Lerum</b>")] == colour


def test_english(app_test, demo) -> None:
    at = app_test(PAGE, kommun="1440", lang="en")
    assert not at.exception
    assert at.title[0].value == "Eligibility"
    assert all(c["layout"]["separators"] == ".," for c in charts(at))
    headers = " ".join(c for d in tables(at) for c in d.columns)
    assert "Andel" not in headers and "Läsår" not in headers and "Share eligible" in headers
    sql = published(demo, "1440").iloc[-1]
    assert tiles(at)[0].value == f"{fmt_number(sql['behorig_yrk'], 1, 'en')}\u00a0%"
    assert "Trend over time" in [h.value for h in at.header]
    assert_no_raw_names(at)
    for word in ("Andel", "elever", "läsåret", "Kommun", "Skola", "procentenheter"):
        assert word not in visible_text(at).replace("Demoaspenskolan", ""), word


def test_school_drill_down(app_test, demo) -> None:
    at = app_test(PAGE, kommun="1489")
    assert not at.exception
    codes = demo.query("""SELECT s.skolenhetskod, s.namn FROM school s JOIN eligibility_school e USING (skolenhetskod)
                          WHERE s.kommun_kod = '1489' GROUP BY ALL ORDER BY s.namn, s.skolenhetskod""")
    assert at.selectbox(key="be_skola").options == codes["namn"].tolist()  # shown by name
    pick, name = codes["skolenhetskod"].iloc[-1], codes["namn"].iloc[-1]
    at.selectbox(key="be_skola").set_value(pick).run()
    assert not at.exception
    assert at.query_params["skola"] == pick
    history = chart(at, f"{name} (Alingsås)")
    sql = demo.query("""SELECT lasar, behorig_yrk FROM eligibility_school WHERE skolenhetskod = ?
                        AND grupp = 'alla' ORDER BY lasar""", [pick])
    school = history["data"][0]
    assert school["x"] == sql["lasar"].tolist()
    for shown, v in zip(school["y"], sql["behorig_yrk"], strict=True):
        assert shown is None or shown == pytest.approx(v)
    assert [t["name"] for t in history["data"]] == [name, "Alingsås (kommunen)", "Hela Plug Innan-regionen"]


@pytest.fixture
def small_app(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An AppTest factory on a copy of the demo where Ale's flickor 2024/25 are 7 pupils."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    path = tmp_path / "small.duckdb"
    shutil.copyfile(demo_db, path)
    con = duckdb.connect(str(path))
    con.execute("""UPDATE eligibility_kommun SET antal_elever = 7 WHERE kommun_kod = '1440'
                   AND lasar = '2024/25' AND grupp = 'flickor'""")
    con.close()
    monkeypatch.setenv("PLUGINNAN_DB", str(path))
    files: list[tuple[bytes, str | None]] = []
    original = DeltaGenerator.download_button

    def record(self, label, data, file_name=None, *args, **kwargs):  # the bytes behind every download button
        files.append((data() if callable(data) else data, file_name))
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)

    def make(**query: str):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        files.clear()
        at.switch_page(PAGE)
        at.run()
        return at, files

    return make


def test_disclosure_on_page_and_in_downloads(small_app) -> None:
    at, files = small_app(kommun="1440", kon="flickor")
    assert not at.exception
    assert tiles(at)[0].value == ".." and tiles(at)[3].value == ".."
    rank = next(d for d in tables(at) if "Plats" in d.columns)
    show_as(at, "tabell")  # the download buttons are drawn with the tables
    ale = rank[rank["Kommun"] == "Ale"].iloc[0]
    assert ale["Antal elever"] == ".." and ale[f"Andel behöriga till yrkesprogram (%) {LATEST}"] == ".."
    csv = next(data for data, name in files if name == "behorighet_rank.csv")
    parsed = pd.read_csv(io.BytesIO(csv), sep=";", skiprows=5, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    pd.testing.assert_frame_equal(parsed, rank.astype(str), check_dtype=False)
    assert parsed.loc[parsed["Kommun"] == "Ale", "Antal elever"].iloc[0] == ".."
    xlsx = next(data for data, name in files if name == "behorighet_kon.xlsx")
    gap = pd.read_excel(io.BytesIO(xlsx), skiprows=5, dtype=str)
    row = gap[(gap["Område"] == "Ale") & (gap["Läsår"] == LATEST)].iloc[0]
    assert row["Antal flickor"] == ".." and row["Antal pojkar"] == ".."
    shown = pd.to_numeric(gap["Antal flickor"].str.replace("\u00a0", ""), errors="coerce").dropna()
    assert (shown >= 10).all()
