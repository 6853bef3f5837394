# AppTest of the Karta page: every filter (measure `matt=`, threshold `grans=`, kommun from the
# URL, gender, years, English) colours the 50 kommuner with values equal to direct SQL.
"""app_pages/karta.py."""

from __future__ import annotations

import json

import pytest

from pluginnan_core import reference

PAGE = "app_pages/karta.py"


def the_map(at) -> dict:
    found = at.get("plotly_chart")
    assert len(found) == 1
    return json.loads(found[0].proto.spec)


def values(spec: dict) -> dict[str, float]:
    main = spec["data"][-1]
    return dict(zip(main["locations"], main["z"], strict=True))


def sql_eligibility(db, measure: str, lasar: str, grupp: str = "alla") -> dict[str, float]:
    df = db.query(f"""SELECT kommun_kod, {measure} AS v FROM eligibility_kommun_best
                      WHERE lasar = ? AND grupp = ? AND antal_elever >= 10 AND {measure} IS NOT NULL""",
                  [lasar, grupp])
    return {k: v for k, v in zip(df["kommun_kod"], df["v"], strict=True) if k in reference.KOMMUN_FORBUND}


def sql_absence(db, lasar: str, grupp: str = "alla") -> dict[str, float]:
    df = db.query("""SELECT s.kommun_kod, 100.0 * sum(franvaro_min) / sum(schemalagd_min) AS v
                     FROM absence_month a JOIN school s USING (skolenhetskod)
                     WHERE a.lasar = ? AND a.grupp = ? GROUP BY 1""", [lasar, grupp])
    return {k: v for k, v in zip(df["kommun_kod"], df["v"], strict=True) if k in reference.KOMMUN_FORBUND}


def assert_same(shown: dict[str, float], sql: dict[str, float]) -> None:
    assert set(shown) == set(sql)
    for k, v in sql.items():
        assert shown[k] == pytest.approx(v)


def test_default_map_equals_sql(app_test, demo) -> None:
    at = app_test(PAGE)
    assert not at.exception
    assert at.title[0].value == "Karta"
    spec = the_map(at)
    assert spec["data"][-1]["type"] == "choropleth"
    assert_same(values(spec), sql_eligibility(demo, "behorig_yrk", "2024/25"))
    assert spec["layout"]["geo"]["visible"] is False
    assert at.selectbox(key="p_matt").value == "behorig_yrk"
    assert at.selectbox(key="p_map_year").value == "2024/25"
    assert any(m.value.startswith("**Läsåret 2024/25 var andelen behöriga") for m in at.markdown)


def test_kommun_from_url_is_outlined(app_test) -> None:
    at = app_test(PAGE, kommun="1489,1480")
    assert not at.exception
    main = the_map(at)["data"][-1]
    widths = dict(zip(main["locations"], main["marker"]["line"]["width"], strict=True))
    assert widths["1489"] == widths["1480"] > widths["1440"]


@pytest.mark.parametrize("measure", ["behorig_es", "alla_amnen", "meritvarde"])
def test_measure_from_url(app_test, demo, measure: str) -> None:
    at = app_test(PAGE, matt=measure)
    assert not at.exception
    assert at.selectbox(key="p_matt").value == measure
    assert_same(values(the_map(at)), sql_eligibility(demo, measure, "2024/25"))


def test_measure_picker_absence_and_url(app_test, demo) -> None:
    at = app_test(PAGE)
    at.selectbox(key="p_matt").set_value("franvaro_pct").run()
    assert not at.exception
    assert at.query_params["matt"] in ("franvaro_pct", ["franvaro_pct"])
    assert_same(values(the_map(at)), sql_absence(demo, "2024/25"))
    assert any("skolornas egna frånvarosystem" in m.value for m in at.markdown)  # the source line under the map


def test_threshold_share(app_test, demo) -> None:
    at = app_test(PAGE, matt="andel_over", grans="20")
    assert not at.exception
    assert at.selectbox(key="p_grans").value == 20
    spec = the_map(at)
    assert "minst 20 % frånvaro" in spec["layout"]["title"]["text"]
    df = demo.query("""WITH n AS (SELECT s.kommun_kod, sum(antal_elever) AS n FROM absence_month a
                                  JOIN school s USING (skolenhetskod) WHERE a.lasar = '2024/25' AND a.grupp = 'alla'
                                  GROUP BY 1),
                            o AS (SELECT s.kommun_kod, sum(antal_over) AS o FROM absence_threshold t
                                  JOIN school s USING (skolenhetskod)
                                  WHERE t.grupp = 'alla' AND troskel_pct = 20 AND t.manad BETWEEN '2024-08-01' AND '2025-06-30'
                                  GROUP BY 1)
                       SELECT kommun_kod, 100.0 * o / n AS v FROM n JOIN o USING (kommun_kod)""")
    assert_same(values(spec), {k: v for k, v in zip(df["kommun_kod"], df["v"], strict=True)
                               if k in reference.KOMMUN_FORBUND})
    at.selectbox(key="p_grans").set_value(50).run()
    assert not at.exception
    assert "minst 50 % frånvaro" in the_map(at)["layout"]["title"]["text"]


def test_bad_measure_in_url_falls_back(app_test) -> None:
    at = app_test(PAGE, matt="<img src=x>")
    assert not at.exception
    assert at.selectbox(key="p_matt").value == "behorig_yrk"
    assert any("matt=<img" in w.value for w in at.warning)


def test_gender_filter(app_test, demo) -> None:
    at = app_test(PAGE, kon="pojkar", matt="franvaro_pct")
    assert not at.exception
    spec = the_map(at)
    assert_same(values(spec), sql_absence(demo, "2024/25", "pojkar"))
    assert spec["layout"]["title"]["text"].endswith("(pojkar)")


def test_years_filter(app_test, demo) -> None:
    at = app_test(PAGE, till="2021/22")
    assert not at.exception
    assert at.selectbox(key="p_map_year").value == "2021/22"
    assert_same(values(the_map(at)), sql_eligibility(demo, "behorig_yrk", "2021/22"))
    at.selectbox(key="p_map_year").set_value("2018/19").run()
    assert_same(values(the_map(at)), sql_eligibility(demo, "behorig_yrk", "2018/19"))


def test_english(app_test, demo) -> None:
    at = app_test(PAGE, lang="en", matt="ogiltig_pct")
    assert not at.exception
    assert at.title[0].value == "Map"
    spec = the_map(at)
    assert spec["layout"]["title"]["text"].startswith("Unauthorised absence, Plug Innan's 50 municipalities")
    assert spec["layout"]["separators"] == ".,"
    assert "Number of pupils" in spec["data"][-1]["hovertext"][0] or "pupils" in spec["data"][-1]["hovertext"][0]
