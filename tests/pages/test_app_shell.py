# AppTest of the shell and the first pages: overview tiles and chart against direct SQL, URL
# filters restored, bad URL values falling back with a notice, English, and database problems
# shown as a page instead of a traceback.
"""app.py, pages/oversikt.py, pages/data_och_metod.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pluginnan_core.i18n import fmt_value
from tests.conftest import ROOT, switch_language, tiles


def test_overview_tiles_and_chart_match_sql(app_test, demo) -> None:
    at = app_test()
    assert not at.exception
    assert at.title[0].value == "Översikt"
    assert any("Demodata" in i.value for i in at.info)
    latest = demo.query("""SELECT max(lasar) AS y FROM eligibility_kommun""")["y"][0]
    v = demo.query(f"""SELECT sum(behorig_yrk * antal_elever) / sum(antal_elever) AS v FROM eligibility_kommun_best
                       WHERE grupp = 'alla' AND lasar = '{latest}' AND behorig_yrk IS NOT NULL""")["v"][0]
    tile = tiles(at)[0]
    # the selection aggregate also counts '~100' figures (as documented), so compare to 0.2 points
    shown = float(tile.value.replace("\u00a0%", "").replace(",", "."))
    assert abs(shown - v) < 0.2
    n_projects = demo.scalar("SELECT count(*) FROM subproject")
    assert tiles(at)[2].value == fmt_value(n_projects, "st")
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [trace["name"] for trace in chart["data"]]
    assert "Hela Plug Innan-regionen" in names and "GR" in names
    assert chart["layout"]["separators"].startswith(",")


def test_a_doubled_link_parameter_is_used_once_and_written_back_once(app_test) -> None:
    """`?kon=pojkar&kon=flickor` (an edited link): the last value is used and the link keeps one."""
    at = app_test(kon=["pojkar", "flickor"], kommun=["1489", "1480"])
    assert not at.exception
    assert at.radio(key="f_kon").value == "flickor" and at.sidebar.multiselect[0].value == ["1489", "1480"]
    assert dict(at.query_params) == {"kon": "flickor", "kommun": "1489,1480"}
    at.radio(key="f_kon").set_value("alla").run()  # a later change is written over the single value
    assert dict(at.query_params) == {"kommun": "1489,1480"}


def test_url_selection_is_restored(app_test, demo) -> None:
    at = app_test(kommun="1489", kon="flickor")
    assert not at.exception
    assert at.sidebar.multiselect[0].value == ["1489"]
    assert at.radio(key="f_kon").value == "flickor"
    # short enough to stay on one line in the sidebar ("Alla elever" pushed "Pojkar" to a second one)
    assert at.radio(key="f_kon").options == ["Alla", "Flickor", "Pojkar"]
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    alingsas = next(t for t in chart["data"] if t["name"] == "Alingsås")
    sql = demo.query("""SELECT lasar, behorig_yrk FROM eligibility_kommun WHERE kommun_kod = '1489'
                        AND grupp = 'flickor' AND huvudman = 'samtliga' ORDER BY lasar""")
    assert alingsas["x"] == sql["lasar"].tolist()
    assert alingsas["y"] == pytest.approx(sql["behorig_yrk"].tolist())
    assert "Alingsås" in chart["layout"]["title"]["text"] and "flickor" in chart["layout"]["title"]["text"]


@pytest.mark.parametrize("query", [
    {"kommun": "9999,abc'; DROP TABLE x"}, {"fran": "1999/00", "till": "-5"}, {"kon": "<script>"},
    {"forbund": "NOPE", "lang": "fi"}, {"kommun": "1440," * 50 + "x" * 5000},
])
def test_bad_url_values_fall_back_with_notice(app_test, query) -> None:
    at = app_test(**query)
    assert not at.exception
    assert any("ersatts med standardval" in w.value for w in at.warning)
    assert at.title[0].value == "Översikt"


def test_english_switch(app_test) -> None:
    at = app_test(lang="en")
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert at.radio(key="f_kon").options == ["All", "Girls", "Boys"]
    assert any("Demo data" in i.value for i in at.info)
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["separators"] == ".,"


def test_language_link_switches_both_ways_and_the_language_stays_for_the_session(app_test) -> None:
    """The sidebar's link names the other language in that language and keeps the link's filters;
    the language stays when a later link has no `lang=` (Streamlit's page menu drops the parameters)."""
    at = app_test(kon="flickor", kommun="1489")
    (link,) = at.sidebar.get("page_link")
    assert link.proto.label == "English"
    switch_language(at, "en")
    assert at.title[0].value == "Overview" and at.radio(key="f_kon").value == "flickor"
    assert dict(at.query_params) == {"kon": "flickor", "kommun": "1489", "lang": "en"}
    assert at.sidebar.get("page_link")[0].proto.label == "Svenska"
    at.query_params.clear()
    at.switch_page("app_pages/franvaro.py").run()  # through the menu: no parameters in the link
    assert not at.exception and at.title[0].value == "Absence" and at.query_params["lang"] == "en"
    switch_language(at, "sv")
    assert at.title[0].value == "Frånvaro" and "lang" not in at.query_params  # the default is left out


def _worded_widgets(at) -> dict[str, tuple[object, list[str], object]]:
    """Every keyed choice widget on the page: key -> (value, the labels shown, its proto)."""
    found = [*at.radio, *at.selectbox, *at.multiselect, *at.button_group]
    return {w.key: (w.value, list(w.options), w.proto) for w in found if w.key}


@pytest.mark.parametrize(("page", "query"), [
    ("app_pages/oversikt.py", {}),
    ("app_pages/behorighet.py", {"kommun": "1489"}),
    ("app_pages/franvaro.py", {}),
    ("app_pages/franvaro.py", {"avsnitt": "skolor", "kommun": "1489,1480"}),
    ("app_pages/karta.py", {"matt": "franvaro_pct"}),
    ("app_pages/jamfor.py", {"jamfor": "1489,1480", "jmatt": "franvaro_pct"}),
    ("app_pages/jamfor.py", {"avsnitt": "liknande", "jmatt": "franvaro_pct"}),
    ("app_pages/delprojekt.py", {"insats": "mentorskap", "status": "avslutat"}),
    ("app_pages/delprojekt.py", {"projekt": "PI-003", "utfall": "ogiltig_pct"}),
    ("app_pages/delprojekt.py", {"typmatt": "behorig_yrk"}),  # opens the section per type
    ("app_pages/presentation.py", {}),
])
def test_every_choice_keeps_its_value_through_a_language_switch(app_test, page, query) -> None:
    """Streamlit keeps a choice's value in the browser as its label; a widget whose labels change with
    the language must be handed its value again on the switch (ui.state.RELABELLED), or the browser's
    old label matches no option: the gender filter showed nothing chosen and fell back to "Alla"."""
    at = app_test(page=page, kon="flickor", **query)
    before = _worded_widgets(at)
    assert "f_kon" in before and all(at.query_params.get(k) == v for k, v in query.items())  # the link was used
    switch_language(at, "en")
    assert not at.exception
    after = _worded_widgets(at)
    assert after.keys() == before.keys()
    for key, (value, labels, proto) in after.items():
        assert value == before[key][0], f"{key} changed its value on the language switch"
        if labels != before[key][1]:
            assert proto.set_value, f"{key}: its labels changed but the browser keeps the old one"


def test_data_page_lists_imports_and_rule(app_test) -> None:
    at = app_test(page="app_pages/data_och_metod.py")
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "färre än 10 elever" in text and "2015/16–2024/25" in text
    assert at.dataframe[0].value.iloc[0]["Fil"] == "demo-region-2017"


@pytest.mark.parametrize("content,expected", [(None, "finns inte"), (b"garbage" * 200, "går inte att läsa")])
def test_database_problem_page(monkeypatch, tmp_path: Path, content, expected) -> None:
    path = tmp_path / "x.duckdb"
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setenv("PLUGINNAN_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert expected in at.error[0].value
    assert "python -m pluginnan_core demo" in at.markdown[0].value


@pytest.mark.parametrize("page", ["app_pages/oversikt.py", "app_pages/delprojekt.py", "app_pages/jamfor.py"])
def test_no_multiselect_offers_streamlits_english_select_all(app_test, page) -> None:
    """Streamlit (1.67) adds an English "Select all" to a multiselect's list unless told not to."""
    at = app_test(page)
    assert not at.exception
    boxes = at.multiselect
    assert len(boxes) >= (1 if page.endswith("oversikt.py") else 2)  # the sidebar's kommuner and the page's own
    assert all(box.proto.select_all == 0 for box in boxes), [box.label for box in boxes if box.proto.select_all]
