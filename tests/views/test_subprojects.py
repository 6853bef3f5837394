# Tests of the Delprojekt page's content (views/subprojects.py) on the demo database: effects
# equal evaluate_all's to the printed decimal, the list filters against direct SQL, the status
# shown with å, disclosure (no series value from fewer than 10 pupils; a school with too few
# pupils gives a reason, not a number), the forest plot per intervention type, English, and the
# CSV/XLSX downloads parsing back to the shown tables.
"""pluginnan_core.views.subprojects."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pluginnan_core import evaluate, exports
from pluginnan_core.db import Database
from pluginnan_core.i18n import fmt_number
from pluginnan_core.queries import Selection
from pluginnan_core.views import subprojects as sp

TODAY = dt.date(2026, 6, 1)  # fixed: statuses and which projects have started do not drift
MINUS = "\u2212"


@pytest.fixture(scope="module")
def results(demo: Database) -> pd.DataFrame:
    return evaluate.evaluate_all(demo, today=TODAY)


@pytest.fixture(scope="module")
def pooled(demo: Database, results: pd.DataFrame) -> pd.DataFrame:
    return evaluate.by_intervention(demo, results, today=TODAY)


@pytest.fixture(scope="module")
def register(demo: Database) -> pd.DataFrame:
    return sp.register(demo, TODAY)


@pytest.fixture(scope="module")
def kinds(demo: Database) -> dict[str, tuple[str, str]]:
    return sp.interventions(demo)


def num(text: str) -> float:
    """A shown number back to a float: decimal comma, real minus sign, space thousands."""
    return float(text.replace(MINUS, "-").replace("\u00a0", "").replace(" ", "").replace(",", ".").lstrip("+±"))


def ids_sql(db: Database, sql: str, params: list | None = None) -> list[str]:
    return db.query(sql, params or [])["projekt_id"].tolist()


# --------------------------------------------------------------------------- effects

def test_effects_equal_evaluate_all_to_the_shown_decimal(results: pd.DataFrame) -> None:
    checked = 0
    for pid in results["projekt_id"].unique():
        rows = sp.project_rows(results, pid)
        visual = sp.effects_visual(rows, "sv", pid)
        assert list(rows["matt"]) == list(evaluate.MEASURES)
        for (_, r), (_, shown) in zip(rows.iterrows(), visual.table.iterrows(), strict=True):
            assert shown["Mått"] == r["matt_namn"]
            assert shown["Underlag"].lower() == r["underlag"]
            if pd.isna(r["effekt"]):
                assert shown["Effekt (procentenheter)"] == "."
                assert shown["Varför inte starkare / varför ingen skattning"] == r["anledning"]
                continue
            d = evaluate.MEASURES[r["matt"]].decimals
            for col, key in (("Effekt (procentenheter)", "effekt"), ("95 % intervall, från", "ki_lag"),
                             ("95 % intervall, till", "ki_hog")):
                assert num(shown[col]) == pytest.approx(num(fmt_number(r[key], d)), abs=1e-9), (pid, r["matt"], col)
                assert num(shown[col]) == pytest.approx(r[key], abs=0.5 * 10 ** -d + 1e-9)
            assert shown["Projektskolor"] == str(r["antal_projektskolor"])
            assert shown["Jämförelseskolor"] == str(r["antal_jamforelseskolor"])
            assert shown["Jämförelse"] == r["jamforelse_text"]
            assert (shown["Varför inte starkare / varför ingen skattning"]
                    == (r["underlag_skal"] or "Alla krav för starkt underlag är uppfyllda."))
            checked += 1
    assert checked > 50


def test_project_result_matches_evaluate_all(demo: Database, results: pd.DataFrame) -> None:
    """The chart's project (evaluate_project) carries the same estimates as the table (evaluate_all)."""
    pid = "PI-001"
    one = evaluate.evaluate_project(demo, pid, today=TODAY).estimates
    rows = sp.project_rows(results, pid)
    pd.testing.assert_series_equal(one["effekt"].reset_index(drop=True), rows["effekt"], check_names=False)
    pd.testing.assert_series_equal(one["ki_hog"].reset_index(drop=True), rows["ki_hog"], check_names=False)


def test_headline_and_texts_use_the_same_numbers(demo: Database, results: pd.DataFrame) -> None:
    rows = sp.project_rows(results, "PI-001")
    row = rows[rows["matt"] == "franvaro_pct"].iloc[0]
    result = evaluate.evaluate_project(demo, "PI-001", today=TODAY)
    visual = sp.outcome_visual(result, row, "sv")
    effect = fmt_number(abs(row["effekt"]), 1)
    assert f"{MINUS if row['effekt'] < 0 else '+'}{effect} procentenheter" in visual.summary
    assert f"{fmt_number(row['fore_projekt'], 1)}\u00a0%" in visual.summary
    assert row["underlag"] in visual.summary
    assert visual.summary == visual.summary.strip() and visual.summary.count(". ") == 0  # one sentence
    counts = sp.counts_text(row, "sv")
    assert f"{int(row['antal_jamforelseskolor'])} jämförelseskolor" in counts
    assert f"{int(row['antal_fore'])} månader före start" in counts
    text = sp.evidence_text(row, "sv")
    assert text.startswith(f"**{row['underlag'].capitalize()}.**")
    if row["underlag_skal"]:
        assert row["underlag_skal"] in text


def test_pretrend_in_plain_words() -> None:
    base = {"matt": "franvaro_pct", "period_enhet": "månad", "pretrend_effekt": 0.81}
    assert sp.pretrend_text({**base, "pretrend_ok": True}, "sv").startswith("Ja.")
    assert "inte räknas som starkt" in sp.pretrend_text({**base, "pretrend_ok": False}, "sv")
    assert "+0,8 procentenheter" in sp.pretrend_text({**base, "pretrend_ok": False}, "sv")
    assert sp.pretrend_text({**base, "pretrend_ok": None}, "sv").startswith("Det gick inte att pröva")
    assert "per läsår" in sp.pretrend_text({**base, "period_enhet": "läsår", "pretrend_ok": True}, "sv")
    assert sp.pretrend_text({**base, "pretrend_ok": True}, "en").startswith("Yes.")


def test_verdict_follows_the_interval_and_direction() -> None:
    row = {"matt": "franvaro_pct", "battre_nar": "lägre", "ki_lag": -1.7, "ki_hog": -0.9}
    assert "bättre sidan" in sp.verdict(row, "sv")
    assert "sämre sidan" in sp.verdict({**row, "ki_lag": 0.2, "ki_hog": 1.0}, "sv")
    assert "rymmer noll" in sp.verdict({**row, "ki_lag": -0.2, "ki_hog": 1.0}, "sv")
    up = {"matt": "behorig_yrk", "battre_nar": "högre", "ki_lag": 1.0, "ki_hog": 4.0}
    assert "bättre sidan" in sp.verdict(up, "sv")


def test_planned_project_gives_the_reason_not_an_effect(results: pd.DataFrame, register: pd.DataFrame) -> None:
    planned = register.loc[register["status"] == "planerat", "projekt_id"].tolist()
    assert planned
    rows = sp.project_rows(results, planned[0])
    assert rows["effekt"].isna().all()
    visual = sp.effects_visual(rows, "sv", planned[0])
    assert visual.figure is None
    assert rows["anledning"].iloc[0].startswith("Planerat: startar")
    assert rows["anledning"].iloc[0] in visual.summary
    assert set(visual.table["Underlag"]) == {"För lite data"}


def test_signed_numbers_follow_the_cli() -> None:
    assert sp.signed(-1.3128, 1, "sv") == f"{MINUS}1,3"
    assert sp.signed(0.04, 1, "sv") == "±0,0"
    assert sp.signed(2.0, 2, "en") == "+2.00"
    assert sp.plain(-0.001, 2, "sv") == "0,00"
    assert sp.interval({"matt": "ogiltig_pct", "ki_lag": -0.2864, "ki_hog": -0.0537}, "sv") == \
        f"{MINUS}0,29 till {MINUS}0,05"


# --------------------------------------------------------------------------- the list and its filters

def test_status_is_one_code_shown_with_a_ring(results: pd.DataFrame, register: pd.DataFrame) -> None:
    from_eval = results.drop_duplicates("projekt_id").set_index("projekt_id")["status"].map(sp.status_code)
    assert register.set_index("projekt_id")["status"].to_dict() == from_eval.to_dict()
    assert sp.status_label("pagar", "sv") == "pågår" == sp.status_label("pågår", "sv")
    assert sp.status_label("avslutat", "en") == "finished"
    table = sp.list_table(register, {}, "sv")
    assert set(table["Status"]) <= {"planerat", "pågår", "avslutat"}
    assert "pagar" not in set(table["Status"])


@pytest.mark.parametrize("filters,sql,params", [
    (sp.Filters(), "SELECT projekt_id FROM subproject ORDER BY 1", []),
    (sp.Filters(forbund=("GR",)), "SELECT projekt_id FROM subproject p JOIN kommun k USING (kommun_kod) "
     "WHERE k.forbund_id = ? ORDER BY 1", ["GR"]),
    (sp.Filters(forbund=("GR",), kommuner=("1490",)),  # picked kommuner win over the förbund
     "SELECT projekt_id FROM subproject WHERE kommun_kod = ? ORDER BY 1", ["1490"]),
    (sp.Filters(kommuner=("1480", "1481")), "SELECT projekt_id FROM subproject WHERE kommun_kod IN (?, ?) "
     "ORDER BY 1", ["1480", "1481"]),
    (sp.Filters(insatser=("mentorskap",)), "SELECT DISTINCT projekt_id FROM subproject_intervention "
     "WHERE code = ? ORDER BY 1", ["mentorskap"]),
    (sp.Filters(insatser=("mentorskap", "elevhalsa")), "SELECT DISTINCT projekt_id FROM subproject_intervention "
     "WHERE code IN (?, ?) ORDER BY 1", ["mentorskap", "elevhalsa"]),
    (sp.Filters(statuses=("planerat",)), "SELECT projekt_id FROM subproject WHERE start_datum > ? ORDER BY 1",
     [TODAY]),
    (sp.Filters(statuses=("pagar",)), "SELECT projekt_id FROM subproject WHERE start_datum <= ? "
     "AND slut_datum >= ? ORDER BY 1", [TODAY, TODAY]),
    (sp.Filters(statuses=("avslutat", "planerat")), "SELECT projekt_id FROM subproject WHERE slut_datum < ? "
     "OR start_datum > ? ORDER BY 1", [TODAY, TODAY]),
    (sp.Filters(forbund=("SJUHARAD",), insatser=("elevhalsa",), statuses=("avslutat",)),
     "SELECT projekt_id FROM subproject p JOIN kommun k USING (kommun_kod) WHERE k.forbund_id = 'SJUHARAD' "
     "AND slut_datum < ? AND projekt_id IN (SELECT projekt_id FROM subproject_intervention WHERE code = "
     "'elevhalsa') ORDER BY 1", [TODAY]),
])
def test_list_filters_match_sql(demo: Database, register: pd.DataFrame, filters: sp.Filters, sql: str,
                                params: list) -> None:
    got = sp.filter_register(register, filters)["projekt_id"].tolist()
    assert got == ids_sql(demo, sql, params)


def test_filters_from_the_sidebar_selection() -> None:
    f = sp.filters_from_selection(Selection(forbund=("GR",), kommuner=("1480",)), ["mentorskap"], ["pågår"])
    assert f == sp.Filters(("GR",), ("1480",), ("mentorskap",), ("pagar",))


def test_list_visual_shows_every_field(demo: Database, register: pd.DataFrame, kinds) -> None:
    visual = sp.list_visual(register, kinds, "sv", TODAY, "Plug Innan-regionen")
    table = visual.table
    assert list(table.columns) == ["Id", "Delprojekt", "Kommun", "Kommunalförbund", "Skolor", "Start", "Slut",
                                   "Årskurs", "Elever nådda", "Insatser", "Status"]
    sql = demo.query("""SELECT p.projekt_id, p.arskurs_fran, p.arskurs_till, p.elever_nadda, p.start_datum,
                               (SELECT string_agg(s.namn, ', ' ORDER BY s.namn) FROM subproject_school ps
                                JOIN school s USING (skolenhetskod) WHERE ps.projekt_id = p.projekt_id) AS skolor
                        FROM subproject p ORDER BY 1""")
    assert table["Id"].tolist() == sql["projekt_id"].tolist()
    assert table["Skolor"].tolist() == sql["skolor"].tolist()
    assert table["Årskurs"].tolist() == [f"{a}–{b}" for a, b in zip(sql["arskurs_fran"], sql["arskurs_till"],
                                                                       strict=True)]
    assert table["Elever nådda"].tolist() == [fmt_number(v, 0) if v >= 10 else ".." for v in sql["elever_nadda"]]
    assert table["Start"].tolist() == [d.date().isoformat() for d in pd.to_datetime(sql["start_datum"])]
    bars = {y for trace in visual.figure["data"] for y in trace["y"]}
    assert len(bars) == len(register)
    assert "30 delprojekt" in visual.summary or f"{len(register)} delprojekt" in visual.summary


def test_map_counts_per_kommun(demo: Database, register: pd.DataFrame) -> None:
    visual = sp.map_visual(demo, register, "sv", "Plug Innan-regionen")
    sql = demo.query("SELECT kommun_kod, count(*) AS n FROM subproject GROUP BY 1")
    expected = dict(zip(sql["kommun_kod"], sql["n"], strict=True))
    data = visual.data.set_index("id")
    assert len(data) == 50
    for kod, n in data["antal"].items():
        assert n == expected.get(kod, 0), kod
    main = visual.figure["data"][-1]
    assert dict(zip(main["locations"], main["z"], strict=True)) == {k: float(v) for k, v in expected.items()}
    assert str(sql["n"].max()) in visual.summary


def test_tiles_count_the_list(register: pd.DataFrame) -> None:
    tiles = sp.tiles(register, "sv")
    assert tiles[0].value == str(len(register))
    assert tiles[1].value == str(int((register["status"] == "pagar").sum()))
    reached = pd.to_numeric(register["elever_nadda"], errors="coerce").sum()
    assert tiles[3].value.replace("\u00a0", " ").rstrip(" *") == fmt_number(reached, 0).replace("\u00a0", " ")


@pytest.mark.parametrize("raw,good,bad", [
    (None, [], []), ("", [], []), ("mentorskap", ["mentorskap"], []),
    ("mentorskap,mentorskap,elevhalsa", ["mentorskap", "elevhalsa"], []),
    ("pågår,avslutat", ["pagar", "avslutat"], []), ("x'; DROP TABLE y", [], ["x'; DROP TABLE y"]),
    ("a," * 500, [], ["a"] * sp.MAX_URL_CODES),
])
def test_codes_from_links_are_validated(raw, good, bad) -> None:
    options = ["mentorskap", "elevhalsa", *sp.STATUSES]
    assert sp.parse_codes(raw, options) == (good, bad)


# --------------------------------------------------------------------------- disclosure

def test_no_series_value_from_fewer_than_10_pupils(demo: Database, results: pd.DataFrame) -> None:
    inputs = evaluate.load_inputs(demo)
    seen = 0
    for pid in results.loc[results["effekt"].notna(), "projekt_id"].unique():
        result = evaluate.evaluate_project(inputs, pid, today=TODAY)
        s = result.series
        small = ~(pd.to_numeric(s["antal_elever"], errors="coerce") >= 10)
        assert s.loc[small, "varde"].isna().all(), pid
        for _, row in sp.project_rows(results, pid).iterrows():
            if pd.isna(row["effekt"]):
                continue
            visual = sp.outcome_visual(result, row, "sv")
            shown = [y for trace in visual.figure["data"] for y in trace["y"] if y is not None]
            allowed = set(s.loc[~small & (s["matt"] == row["matt"]), "varde"].round(9))
            assert {round(y, 9) for y in shown} <= allowed
            seen += 1
    assert seen > 50


@pytest.fixture(scope="module")
def small_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with PI-001's school at 6 pupils every month and 4 pupils reached by PI-001."""
    path = tmp_path_factory.mktemp("dp_small") / "small.duckdb"
    shutil.copyfile(demo_db, path)
    con = duckdb.connect(str(path))
    con.execute("""UPDATE absence_month SET antal_elever = 6 WHERE skolenhetskod IN
                   (SELECT skolenhetskod FROM subproject_school WHERE projekt_id = 'PI-001')""")
    con.execute("UPDATE subproject SET elever_nadda = 4 WHERE projekt_id = 'PI-001'")
    con.close()
    return path


def test_too_few_pupils_give_a_reason_and_markers(small_db: Path) -> None:
    db = Database(small_db)
    try:
        results = evaluate.evaluate_all(db, today=TODAY)
        rows = sp.project_rows(results, "PI-001")
        absence = rows[rows["matt"] == "franvaro_pct"].iloc[0]
        assert pd.isna(absence["effekt"])
        assert "färre än 10 elever" in absence["anledning"]
        table = sp.effects_visual(rows, "sv", "PI-001").table
        assert table.iloc[0]["Effekt (procentenheter)"] == "."
        assert "färre än 10 elever" in table.iloc[0]["Varför inte starkare / varför ingen skattning"]
        result = evaluate.evaluate_project(db, "PI-001", today=TODAY)
        assert sp.outcome_visual(result, absence, "sv").figure is None
        register = sp.register(db, TODAY)
        listed = sp.list_visual(register, {}, "sv", TODAY, "x").table
        assert listed.loc[listed["Id"] == "PI-001", "Elever nådda"].item() == ".."
        boras = sp.map_visual(db, register, "sv", "x").table.set_index("Kommun").loc["Borås"]
        assert boras["Elever nådda"] == ".."  # a sum including a withheld count would reveal it
        tiles = sp.tiles(register, "sv")
        assert tiles[3].value.endswith("*") and "färre än 10" in tiles[3].help
    finally:
        db.close()


# --------------------------------------------------------------------------- per intervention type

def test_forest_per_type_equals_by_intervention(pooled: pd.DataFrame, results: pd.DataFrame, kinds) -> None:
    for measure in evaluate.MEASURES:
        visual = sp.intervention_visual(pooled, results, measure, "sv")
        rows = pooled[pooled["matt"] == measure].reset_index(drop=True)
        assert visual.table["Insatstyp"].tolist() == rows["insats_namn"].tolist()  # register order, not ranked
        d = evaluate.MEASURES[measure].decimals
        for (_, r), (_, shown) in zip(rows.iterrows(), visual.table.iterrows(), strict=True):
            assert shown["Delprojekt med skattning"] == str(r["antal_delprojekt"])
            if pd.notna(r["effekt"]):
                assert num(shown["Sammanvägd effekt (procentenheter)"]) == pytest.approx(num(fmt_number(r["effekt"], d)))
                assert num(shown["95 % intervall, till"]) == pytest.approx(num(fmt_number(r["ki_hog"], d)))
        if visual.figure is None:
            continue
        fig = visual.figure
        assert fig["layout"]["yaxis"]["categoryarray"][0].startswith(f"<b>{rows['insats_namn'].iloc[0]}</b>")
        singles = next(tr for tr in fig["data"] if tr.get("name") == "Enskilda delprojekt")
        assert len(singles["x"]) == int(rows["antal_delprojekt"].sum())
        assert fig["layout"]["xaxis"]["zeroline"] is True


def test_forest_keeps_the_given_order() -> None:
    from pluginnan_core import charts

    rows = [charts.ForestRow("b", 3.0, 1.0, 5.0, "stark", "t"), charts.ForestRow("a", -1.0, -2.0, 0.5, "svag"),
            charts.ForestRow("c", None, None, None, "for_lite", "för lite data")]
    fig = charts.forest_figure(rows, "x")
    assert fig["layout"]["yaxis"]["categoryarray"] == ["b", "a", "c"]
    strong = next(tr for tr in fig["data"] if tr.get("name") == "stark")
    assert strong["error_x"]["array"] == [2.0] and strong["error_x"]["arrayminus"] == [2.0]
    assert fig["layout"]["xaxis"]["range"][0] < -2 and fig["layout"]["xaxis"]["range"][1] > 5


# --------------------------------------------------------------------------- English

def test_english_translates_everything(demo: Database, results: pd.DataFrame, pooled: pd.DataFrame,
                                       register: pd.DataFrame, kinds) -> None:
    rows = sp.project_rows(results, "PI-001")
    effects = sp.effects_visual(rows, "en", "PI-001")
    assert "Measure" in effects.table.columns and "Evidence" in effects.table.columns
    assert effects.table["Measure"].tolist() == rows["matt_namn_en"].tolist()
    assert all("procentenheter" not in c for c in effects.table.columns)
    assert "percentage points" in effects.summary and "underlag" not in effects.summary
    listed = sp.list_visual(register, kinds, "en", TODAY, "the Plug Innan region")
    assert set(listed.table["Status"]) <= {"planned", "running", "finished"}
    assert "Mentorship" in " ".join(listed.table["Interventions"])
    types = sp.intervention_visual(pooled, results, "franvaro_pct", "en")
    assert types.table.columns[0] == "Intervention type" and "Mentorship" in types.table.iloc[:, 0].tolist()
    row = rows.iloc[0]
    for text in (sp.headline(row, "en"), sp.counts_text(row, "en"), sp.evidence_text(row, "en")):
        assert "ä" not in text.replace("Borås", "") and "procentenheter" not in text
    assert "." in sp.signed(-1.25, 1, "en")


# --------------------------------------------------------------------------- downloads

def _parse_csv(raw: bytes, n_notes: int) -> pd.DataFrame:
    text = raw.decode("utf-8-sig")
    return pd.read_csv(io.StringIO(text), sep=";", skiprows=n_notes + 1, dtype=str, keep_default_na=False)


def test_downloads_parse_back_to_the_shown_tables(demo: Database, results: pd.DataFrame, pooled: pd.DataFrame,
                                                  register: pd.DataFrame, kinds) -> None:
    rows = sp.project_rows(results, "PI-001")
    result = evaluate.evaluate_project(demo, "PI-001", today=TODAY)
    visuals = [sp.list_visual(register, kinds, "sv", TODAY, "Plug Innan-regionen"),
               sp.map_visual(demo, register, "sv", "Plug Innan-regionen"),
               sp.effects_visual(rows, "sv", "PI-001"),
               sp.outcome_visual(result, rows.iloc[0], "sv"),
               sp.outcome_visual(result, rows.iloc[3], "sv"),
               sp.intervention_visual(pooled, results, "behorig_yrk", "sv")]
    for v in visuals:
        note = [v.title, v.summary, "Källa: demo", ""]
        csv = _parse_csv(exports.to_csv(v.table, note=note), len(note))
        expected = v.table.astype(str).map(lambda x: exports.safe_text(x))
        pd.testing.assert_frame_equal(csv, expected.reset_index(drop=True), check_dtype=False)
        xlsx = pd.read_excel(io.BytesIO(exports.to_xlsx(v.table, note=note)), skiprows=len(note) + 1, dtype=str,
                             keep_default_na=False)
        assert list(xlsx.columns) == list(v.table.columns)
        assert xlsx.astype(str).values.tolist() == expected.values.tolist()
        assert v.summary and v.title
