# AppTest of the Delprojekt page: it renders; the sidebar scope (förbund, kommun from the URL) and
# the page's intervention-type and status filters give the same list as direct SQL; a project
# picked by URL shows exactly the effects and intervals the `evaluate` CLI prints; a project that
# has not started shows its reason instead of an effect; English; bad links fall back.
"""app_pages/delprojekt.py."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pluginnan_core import evaluate
from pluginnan_core.db import Database
from pluginnan_core.i18n import fmt_number, t
from tests.conftest import ROOT, open_section, switch_language, tables, tiles

PAGE = "app_pages/delprojekt.py"
MINUS = "\u2212"


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The page's table that has `column` (the list has 'Id', the effects 'Effekt (procentenheter)'),
    read from the visuals' Tabell tabs as a user would."""
    found = [df for df in tables(at) if column in df.columns]
    assert found, f"ingen tabell med kolumnen {column!r}"
    return found[0]


def listed(at: AppTest) -> list[str]:
    return table_with(at, "Id")["Id"].tolist()


def sql_ids(db: Database, where: str = "TRUE", params: list | None = None) -> list[str]:
    return db.query(f"""SELECT p.projekt_id FROM subproject p JOIN kommun k USING (kommun_kod)
                        WHERE {where} ORDER BY 1""", params or [])["projekt_id"].tolist()


def printed(value: float, decimals: int, signed: bool = False) -> str:
    """A JSON number as the CLI's text prints it: decimal comma, real minus, no sign on a rounded zero."""
    body = fmt_number(abs(value), decimals)
    zero = body.strip("0,") == ""
    sign = ("±" if zero else ("+" if value > 0 else MINUS)) if signed else ("" if zero or value >= 0 else MINUS)
    return sign + body


@pytest.fixture(scope="module")
def cli_json(demo_db: Path) -> dict:
    """What `python -m pluginnan_core evaluate --db <demo> --json` prints (run as a user would)."""
    out = subprocess.run([sys.executable, "-m", "pluginnan_core", "evaluate", "--db", str(demo_db), "--json"],
                         capture_output=True, text=True, check=True, cwd=ROOT, timeout=300)
    return json.loads(out.stdout)


def test_page_renders_the_list_map_and_rules(app_test, demo) -> None:
    at = app_test(page=PAGE)
    assert not at.exception
    assert at.title[0].value == "Delprojekt"
    assert [tab.label for tab in at.tabs] == ["Alla delprojekt", "Ett delprojekts resultat", "Resultat per insatstyp"]
    assert listed(at) == sql_ids(demo)
    assert tiles(at)[0].value == str(demo.scalar("SELECT count(*) FROM subproject"))

    def kinds() -> set[str]:
        return {tr["type"] for c in at.get("plotly_chart") for tr in json.loads(c.proto.spec)["data"]}

    assert kinds() == {"bar", "choropleth"}  # the timeline and the map; only the open section is drawn
    assert "pagar" not in " ".join(table_with(at, "Id")["Status"])
    open_section(at, "dp", "projekt")
    assert not at.exception and not tiles(at)  # the list's tiles are gone with its section
    assert at.selectbox(key="dp_projekt").value == sql_ids(demo)[0]
    assert "scatter" in kinds()  # the effects and the before/after chart
    assert "**starkt underlag**" in " ".join(m.value for m in at.markdown)  # the rules are on the page
    assert "jämförelseskolor" in " ".join(m.value for m in at.markdown)
    open_section(at, "dp", "insatser")
    assert not at.exception
    assert at.selectbox(key="dp_typmatt").value == "franvaro_pct"
    assert "slumpeffektmodell" in " ".join(m.value for m in at.markdown)  # the pooling method, the forest's note
    assert at.query_params["avsnitt"] == "insatser"


def test_sections_keep_the_lists_filters_and_follow_links(app_test, demo) -> None:
    """The project picker offers the projects the list shows, also while the list is not drawn."""
    at = app_test(page=PAGE, forbund="GR")
    at.multiselect(key="dp_insats").set_value(["mentorskap"]).run()
    shown = listed(at)
    assert shown == sql_ids(demo, "k.forbund_id = 'GR' AND p.projekt_id IN (SELECT projekt_id FROM "
                                  "subproject_intervention WHERE code = 'mentorskap')") and shown
    open_section(at, "dp", "projekt")
    assert at.selectbox(key="dp_projekt").options == [
        at.selectbox(key="dp_projekt").format_func(p) for p in shown]
    assert at.query_params["insats"] == "mentorskap"  # a link from here keeps the list's filter
    pid = shown[-1]
    at.selectbox(key="dp_projekt").set_value(pid).run()
    open_section(at, "dp", "lista")
    assert at.multiselect(key="dp_insats").value == ["mentorskap"] and listed(at) == shown
    assert at.query_params["avsnitt"] == "lista" and at.query_params["projekt"] == pid  # the link says which

    # a link with a project but no section opens the project; with avsnitt= that section
    assert app_test(page=PAGE, projekt=pid).selectbox(key="dp_projekt").value == pid
    other = app_test(page=PAGE, projekt=pid, avsnitt="lista")
    assert not [s for s in other.selectbox if s.key == "dp_projekt"] and tiles(other)
    english = app_test(page=PAGE, avsnitt="insatser", lang="en")
    assert [tab.label for tab in english.tabs][2] == "Outcomes by intervention type"
    assert english.selectbox(key="dp_typmatt").value == "franvaro_pct"
    switch_language(english, "sv")  # the open section survives the language switch
    assert not english.exception and english.selectbox(key="dp_typmatt").value == "franvaro_pct"
    assert english.tabs[2].label == "Resultat per insatstyp"


@pytest.mark.parametrize("query,where,params", [
    ({"forbund": "GR"}, "k.forbund_id = ?", ["GR"]),
    ({"forbund": "SKARABORG"}, "k.forbund_id = ?", ["SKARABORG"]),
    ({"kommun": "1480"}, "p.kommun_kod = ?", ["1480"]),
    ({"kommun": "1490,1481"}, "p.kommun_kod IN (?, ?)", ["1490", "1481"]),
    ({"insats": "mentorskap"}, "p.projekt_id IN (SELECT projekt_id FROM subproject_intervention WHERE code = ?)",
     ["mentorskap"]),
    ({"status": "planerat"}, "p.start_datum > current_date", []),
    ({"status": "pågår,avslutat"}, "p.start_datum <= current_date", []),
    ({"forbund": "GR", "insats": "skolanknytning", "status": "avslutat"},
     "k.forbund_id = 'GR' AND p.slut_datum < current_date AND p.projekt_id IN "
     "(SELECT projekt_id FROM subproject_intervention WHERE code = 'skolanknytning')", []),
])
def test_filters_from_the_link_match_sql(app_test, demo, query, where, params) -> None:
    at = app_test(page=PAGE, **query)
    assert not at.exception
    assert listed(at) == sql_ids(demo, where, params)
    assert tiles(at)[0].value == str(len(sql_ids(demo, where, params)))


def test_filter_widgets_change_the_list(app_test, demo) -> None:
    at = app_test(page=PAGE, kommun="1480")
    assert any("Visar delprojekt i Göteborg" in c.value for c in at.caption)  # the sidebar's kommun is the scope
    at.multiselect(key="dp_insats").set_value(["vardnadshavare"]).run()
    assert not at.exception
    expected = sql_ids(demo, "p.kommun_kod = '1480' AND p.projekt_id IN (SELECT projekt_id FROM "
                             "subproject_intervention WHERE code = 'vardnadshavare')")
    assert listed(at) == expected and expected
    at.button_group(key="dp_status").set_value(["avslutat"]).run()
    assert not at.exception
    assert listed(at) == sql_ids(demo, "p.kommun_kod = '1480' AND p.slut_datum < current_date AND p.projekt_id "
                                       "IN (SELECT projekt_id FROM subproject_intervention WHERE code = "
                                       "'vardnadshavare')")
    assert at.query_params["insats"] == "vardnadshavare" and at.query_params["status"] == "avslutat"


@pytest.mark.parametrize("pid", ["PI-001", "PI-012"])
def test_project_from_link_shows_what_the_cli_prints(app_test, cli_json, pid) -> None:
    at = app_test(page=PAGE, projekt=pid)
    assert not at.exception
    assert at.selectbox(key="dp_projekt").value == pid
    effects = table_with(at, "Effekt (procentenheter)")
    cli = [r for r in cli_json["delprojekt"] if r["projekt_id"] == pid]
    assert effects["Mått"].tolist() == [r["matt_namn"] for r in cli]
    for (_, shown), r in zip(effects.iterrows(), cli, strict=True):
        assert shown["Underlag"].lower() == r["underlag"]
        if r["effekt"] is None:
            assert shown["Effekt (procentenheter)"] == "."
            continue
        d = evaluate.MEASURES[r["matt"]].decimals
        assert shown["Effekt (procentenheter)"] == printed(r["effekt"], d, signed=True)
        assert shown["95 % intervall, från"] == printed(r["ki_lag"], d)
        assert shown["95 % intervall, till"] == printed(r["ki_hog"], d)
        assert shown["Projektskolor"] == str(r["antal_projektskolor"])
        assert shown["Jämförelseskolor"] == str(r["antal_jamforelseskolor"])
    first = cli[0]  # total absence, shown in the chart by default: sentence, comparison rule, label
    text = " ".join(m.value for m in at.markdown)
    interval = f"{printed(first['ki_lag'], 1)} till {printed(first['ki_hog'], 1)}"
    assert f"{printed(first['effekt'], 1, signed=True)} procentenheter (95 % osäkerhetsintervall {interval})" in text
    assert first["jamforelse_text"] in text
    assert f"**{first['underlag'].capitalize()}.**" in text
    chart = json.loads(at.get("plotly_chart")[1].proto.spec)  # the effects, then the before/after chart
    assert [tr["name"] for tr in chart["data"]] == [f"Projektskolorna ({first['antal_projektskolor']})",
                                                    f"Jämförelseskolorna ({first['antal_jamforelseskolor']})"]
    assert chart["layout"]["shapes"][0]["x0"] == first["start_datum"]  # the vertical line at the start


def test_the_verdict_and_the_three_fact_boxes_are_one_text(app_test) -> None:
    """The project's verdict and its three bordered boxes (basis, pre-trend, evidence) are one element,
    in that order, with the boxes side by side in the page's style (components.boxes)."""
    at = app_test(page=PAGE, projekt="PI-003")
    assert not at.exception
    shown = [m.value for m in at.markdown if 'class="pi-boxes"' in m.value]
    assert len(shown) == 1
    text = shown[0]
    headings = [f"**{t(key, 'sv')}**" for key in ("dp_h_counts", "dp_h_pretrend", "dp_h_evidence")]
    at_ = [text.index(h) for h in headings]
    assert at_ == sorted(at_) and text.index('class="pi-boxes"') < at_[0]
    assert text.count("<div>") == 3 and "--pi-cols: 4fr 3fr 3fr" in text
    assert not text.startswith("<div")  # the verdict comes first


def test_measure_radio_switches_the_chart(app_test, cli_json) -> None:
    at = app_test(page=PAGE, projekt="PI-003", utfall="behorig_yrk")
    assert not at.exception
    assert at.radio(key="dp_matt").value == "behorig_yrk"
    row = next(r for r in cli_json["delprojekt"] if r["projekt_id"] == "PI-003" and r["matt"] == "behorig_yrk")
    chart = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert "Andel behöriga till yrkesprogram" in chart["layout"]["title"]["text"]
    assert any(row["fore_fran"] in (tr.get("text") or [""])[0] for tr in chart["data"])
    at.radio(key="dp_matt").set_value("ogiltig_pct").run()
    assert not at.exception
    assert at.query_params["utfall"] == "ogiltig_pct"


@pytest.fixture(scope="module")
def future_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with PI-002 moved a year into the future (planned whatever today's date)."""
    path = tmp_path_factory.mktemp("dp_future") / "future.duckdb"
    shutil.copyfile(demo_db, path)
    con = duckdb.connect(str(path))
    con.execute("""UPDATE subproject SET start_datum = current_date + INTERVAL 400 DAY,
                   slut_datum = current_date + INTERVAL 1200 DAY WHERE projekt_id = 'PI-002'""")
    con.close()
    return path


def test_planned_project_shows_its_reason_instead_of_an_effect(future_db: Path, monkeypatch) -> None:
    monkeypatch.setenv("PLUGINNAN_DB", str(future_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["projekt"] = "PI-002"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    db = Database(future_db)
    start = db.query("SELECT start_datum FROM subproject WHERE projekt_id = 'PI-002'")["start_datum"][0]
    db.close()
    infos = " ".join(i.value for i in at.info)
    assert "För lite data" in infos and f"Planerat: startar {pd.Timestamp(start).date().isoformat()}" in infos
    assert not [df for df in tables(at) if "Effekt (procentenheter)" in df.columns]
    assert "planerat" in " ".join(m.value for m in at.markdown)


def test_english(app_test, demo) -> None:
    at = app_test(page=PAGE, lang="en", projekt="PI-001")
    assert not at.exception
    assert at.title[0].value == "Sub-projects"
    assert at.tabs[1].label == "One sub-project's outcome"
    effects = table_with(at, "Effect (percentage points)")
    assert "Total absence" in effects["Measure"].tolist()
    open_section(at, "dp", "lista")
    table = table_with(at, "Id")
    assert set(table["Status"]) <= {"planned", "running", "finished"}
    open_section(at, "dp", "insatser")
    text = " ".join(m.value for m in at.markdown)
    assert "percentage points" in text and "procentenheter" not in text
    assert "random-effects" in text and "slumpeffektmodell" not in text


@pytest.mark.parametrize("query", [{"projekt": "PI-999"}, {"projekt": "<script>"}, {"insats": "nope,mentorskap"},
                                   {"status": "x" * 3000}, {"utfall": "DROP"}, {"typmatt": "1; --"},
                                   {"avsnitt": "alla"}])
def test_bad_link_values_fall_back_with_a_notice(app_test, query) -> None:
    at = app_test(page=PAGE, **query)
    assert not at.exception
    assert any("ersatts med standardval" in w.value for w in at.warning)
    assert at.title[0].value == "Delprojekt"
