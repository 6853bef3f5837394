# AppTest of the Frånvaro page: every filter (kommun from the URL, threshold `grans=`, gender,
# years, English, the heatmap's kommun) shows figures equal to direct SQL and no exception, in
# both sections (over time; the schools, `avsnitt=skolor`).
"""app_pages/franvaro.py."""

from __future__ import annotations

import json

import pytest

from tests.conftest import open_section, show_as, switch_language

PAGE = "app_pages/franvaro.py"


def charts(at) -> dict[str, dict]:
    """The page's Plotly figures by title (line breaks removed)."""
    out = {}
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        out[spec["layout"]["title"]["text"].replace("<br>", " ")] = spec
    return out


def chart(at, start: str) -> dict:
    found = [spec for title, spec in charts(at).items() if title.startswith(start)]
    assert found, f"no chart titled {start!r} in {list(charts(at))}"
    return found[0]


def sql_total(db, kommuner: list[str] | None, grupp: str = "alla") -> list[float]:
    where = "s.kommun_kod IN (SELECT unnest(?::VARCHAR[]))"
    ks = kommuner or list(db.query("SELECT kommun_kod FROM kommun WHERE forbund_id IS NOT NULL")["kommun_kod"])
    df = db.query(f"""SELECT a.manad, 100.0 * sum(franvaro_min) / sum(schemalagd_min) AS v
                      FROM absence_month a JOIN school s USING (skolenhetskod)
                      WHERE {where} AND a.grupp = ? GROUP BY 1 ORDER BY 1""", [ks, grupp])
    return df["v"].tolist()


def sql_share(db, kommuner: list[str] | None, threshold: int) -> list[float]:
    ks = kommuner or list(db.query("SELECT kommun_kod FROM kommun WHERE forbund_id IS NOT NULL")["kommun_kod"])
    df = db.query("""WITH n AS (SELECT a.manad, sum(antal_elever) AS n FROM absence_month a JOIN school s USING (skolenhetskod)
                                WHERE s.kommun_kod IN (SELECT unnest(?::VARCHAR[])) AND a.grupp = 'alla' GROUP BY 1),
                          o AS (SELECT t.manad, sum(antal_over) AS o FROM absence_threshold t JOIN school s USING (skolenhetskod)
                                WHERE s.kommun_kod IN (SELECT unnest(?::VARCHAR[])) AND t.grupp = 'alla'
                                  AND troskel_pct = ? GROUP BY 1)
                     SELECT 100.0 * o / n AS v FROM n JOIN o USING (manad) ORDER BY manad""", [ks, ks, threshold])
    return df["v"].tolist()


def _text_and_tables(at, visuals: int) -> None:
    summaries = [m.value for m in at.markdown if m.value.startswith("**")]
    assert len(summaries) == visuals  # one sentence under every visual, with the source and markers under it
    assert all("skolornas egna frånvarosystem" in s and "färre än 10 elever" in s for s in summaries)
    show_as(at, "tabell")  # every visual has its table and both downloads
    assert len(at.dataframe) == visuals and len(at.get("download_button")) == 2 * visuals
    show_as(at, "diagram")


def test_default_section_shows_three_visuals_over_time_equal_to_sql(app_test, demo) -> None:
    at = app_test(PAGE)
    assert not at.exception
    assert at.title[0].value == "Frånvaro"
    assert [tab.label for tab in at.tabs] == ["Urvalet över tid", "Skolorna"]
    assert [c.split(",")[0] for c in charts(at)] == ["Frånvaro per månad", "Andel elever med minst 15 % frånvaro per månad",
                                                      "Total frånvaro månad för månad"]
    trend = chart(at, "Frånvaro per månad, Plug Innan-regionen")
    assert trend["data"][0]["y"] == pytest.approx(sql_total(demo, None))
    share = chart(at, "Andel elever med minst 15 % frånvaro")
    assert share["data"][0]["y"] == pytest.approx(sql_share(demo, None, 15))
    assert at.radio(key="p_grans").value == 15
    assert "avsnitt" not in at.query_params  # the default section is left out of the link
    _text_and_tables(at, 3)


def test_schools_section_shows_heatmap_and_early_warning(app_test, demo) -> None:
    at = open_section(app_test(PAGE, kommun="1489"), "fr", "skolor")
    assert not at.exception
    assert [c.split(",")[0] for c in charts(at)] == ["Frånvaro per skola och månad", "Skolor där frånvaron ökat mest"]
    assert "p_grans" not in [r.key for r in at.radio]  # the other section is not drawn
    assert at.query_params["avsnitt"] in ("skolor", ["skolor"])
    _text_and_tables(at, 2)
    at.radio(key="f_kon").set_value("flickor").run()  # a filter change keeps the section
    assert not at.exception and len(charts(at)) == 2


def test_schools_section_from_link_and_language_switch(app_test) -> None:
    at = app_test(PAGE, avsnitt="skolor", kommun="1489")
    assert not at.exception
    assert "p_heat_kommun" not in [s.key for s in at.selectbox]  # one kommun in the selection: nothing to pick
    assert "Frånvaro per skola och månad, Alingsås 2024/25" in charts(at)
    switch_language(at, "en")
    assert not at.exception
    assert [tab.label for tab in at.tabs] == ["The selection over time", "The schools"]
    assert "Schools where absence rose most" in " ".join(charts(at))


def test_heatmap_kommun_is_picked_among_the_selected_ones(app_test) -> None:
    at = app_test(PAGE, avsnitt="skolor", kommun="1489,1480")
    assert not at.exception
    picker = at.selectbox(key="p_heat_kommun")
    assert picker.options == ["Alingsås", "Göteborg"] and picker.value == "1489"
    picker.set_value("1480").run()
    assert not at.exception
    assert "Frånvaro per skola och månad, Göteborg 2024/25" in charts(at)


def test_unknown_section_in_link_gets_a_notice(app_test) -> None:
    at = app_test(PAGE, avsnitt="klasser")
    assert not at.exception
    assert any("avsnitt=klasser" in w.value for w in at.warning)
    assert len(charts(at)) == 3


def test_kommun_from_url(app_test, demo) -> None:
    at = app_test(PAGE, kommun="1489")
    assert not at.exception
    trend = chart(at, "Frånvaro per månad, Alingsås")
    assert trend["data"][0]["y"] == pytest.approx(sql_total(demo, ["1489"]))
    open_section(at, "fr", "skolor")
    heat = chart(at, "Frånvaro per skola och månad, Alingsås 2024/25")
    assert all(label.endswith("elever)") or label.endswith("(..)") for label in heat["data"][0]["y"])


@pytest.mark.parametrize("grans", [10, 20, 50])
def test_threshold_from_url_and_radio(app_test, demo, grans: int) -> None:
    at = app_test(PAGE, kommun="1440", grans=str(grans))
    assert not at.exception
    assert at.radio(key="p_grans").value == grans
    share = chart(at, f"Andel elever med minst {grans} % frånvaro per månad, Ale")
    assert share["data"][0]["y"] == pytest.approx(sql_share(demo, ["1440"], grans))
    at.radio(key="p_grans").set_value(15).run()
    assert not at.exception
    assert "grans" not in at.query_params  # the default is left out of the link
    share = chart(at, "Andel elever med minst 15 % frånvaro per månad, Ale")
    assert share["data"][0]["y"] == pytest.approx(sql_share(demo, ["1440"], 15))
    at.radio(key="p_grans").set_value(grans).run()
    assert at.query_params["grans"] in (str(grans), [str(grans)])


def test_bad_threshold_in_url_falls_back(app_test) -> None:
    at = app_test(PAGE, grans="7'; DROP")
    assert not at.exception
    assert at.radio(key="p_grans").value == 15
    assert any("grans=7" in w.value for w in at.warning)


def test_gender_filter(app_test, demo) -> None:
    at = app_test(PAGE, kommun="1489,1480", kon="flickor")
    assert not at.exception
    trend = chart(at, "Frånvaro per månad, Alingsås och Göteborg")
    assert trend["data"][0]["y"] == pytest.approx(sql_total(demo, ["1489", "1480"], "flickor"))
    assert "(flickor)" in trend["layout"]["title"]["text"]


def test_years_filter(app_test, demo) -> None:
    at = app_test(PAGE, kommun="1489", fran="2022/23", till="2023/24")
    assert not at.exception
    trend = chart(at, "Frånvaro per månad, Alingsås 2022/23–2023/24")
    assert trend["data"][0]["x"][0] == "aug. 2022" and trend["data"][0]["x"][-1] == "juni 2024"
    assert trend["data"][0]["y"] == pytest.approx(sql_total(demo, ["1489"])[33:55])
    open_section(at, "fr", "skolor")
    # the heatmap and the early warning both show the range's last school year; no picker of its own
    assert "Frånvaro per skola och månad, Alingsås 2023/24" in charts(at)
    assert [s.key for s in at.selectbox if s.key and s.key.startswith("p_heat")] == []
    at.select_slider(key="f_years").set_range("2020/21", "2022/23").run()
    assert not at.exception
    assert "Frånvaro per skola och månad, Alingsås 2022/23" in charts(at)
    assert "Läsåret är det sista i sidomenyns urval av läsår." in " ".join(m.value for m in at.markdown)


def test_english(app_test, demo) -> None:
    at = app_test(PAGE, kommun="1489", lang="en")
    assert not at.exception
    assert at.title[0].value == "Absence"
    trend = chart(at, "Absence per month, Alingsås")
    assert trend["data"][0]["name"] == "Total absence" and trend["data"][0]["x"][0] == "Aug 2019"
    assert trend["layout"]["separators"] == ".,"
    assert at.radio(key="p_grans").label == "Threshold for high absence"
    open_section(at, "fr", "skolor")
    assert "Schools where absence rose most" in " ".join(charts(at))


def test_heatmap_kommun_picker_shows_withheld_schools(app_test, demo) -> None:
    kommun = demo.query("""SELECT s.kommun_kod FROM absence_month a JOIN school s USING (skolenhetskod)
                           WHERE a.grupp = 'alla' AND a.antal_elever < 10 AND a.lasar = '2024/25'
                           GROUP BY 1 ORDER BY count(DISTINCT s.skolenhetskod) DESC, 1 LIMIT 1""")["kommun_kod"][0]
    name = demo.scalar("SELECT namn FROM kommun WHERE kommun_kod = ?", [kommun])
    at = open_section(app_test(PAGE), "fr", "skolor")
    at.selectbox(key="p_heat_kommun").set_value(kommun).run()
    assert not at.exception
    heat = chart(at, f"Frånvaro per skola och månad, {name} 2024/25")
    assert ".." in heat["data"][1]["text"]
    small = demo.query("""SELECT s.namn, a.manad FROM absence_month a JOIN school s USING (skolenhetskod)
                          WHERE s.kommun_kod = ? AND a.lasar = '2024/25' AND a.grupp = 'alla'
                          AND a.antal_elever < 10""", [kommun])
    assert len(small)
    from pluginnan_core.i18n import month_label

    rows = {label.rsplit(" (", 1)[0]: z for label, z in zip(heat["data"][0]["y"], heat["data"][0]["z"], strict=True)}
    for r in small.itertuples():
        assert rows[r.namn][heat["data"][0]["x"].index(month_label(r.manad, "sv"))] is None
    assert any(label.endswith("(..)") for label in heat["data"][0]["y"])


def test_every_figure_withheld_still_shows_the_page(app_test, monkeypatch) -> None:
    """A selection where no figure may be shown (here: the limit raised above every count) gives
    the page with its withheld markers, not an error."""
    monkeypatch.setenv("PLUGINNAN_MIN_PUPILS", "10000000")
    at = app_test(PAGE, kommun="1480")
    assert not at.exception, [e.value for e in at.exception]
    trend = chart(at, "Frånvaro per månad")
    assert all(y is None for trace in trend["data"] for y in trace["y"])
    assert "yaxis" not in trend["layout"] or "range" not in trend["layout"]["yaxis"]
