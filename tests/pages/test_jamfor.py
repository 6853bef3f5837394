# AppTest of the Jämför kommuner page: picks from the sidebar and from `jamfor=`, the measure
# picker (eligibility and absence), gender, years, English, bad link values with a notice, the
# similar-kommuner rule and the button that puts the most similar side by side.
"""app_pages/jamfor.py."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from tests.conftest import open_section, tables, tiles

PAGE = "app_pages/jamfor.py"


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


def both_sections(at) -> str:
    """What a user reads in Sida vid sida and in Liknande kommuner (only the open section is drawn)."""
    open_section(at, "jf", "sida")
    text = visible_text(at)
    open_section(at, "jf", "liknande")
    return text + "\n" + visible_text(at)


def assert_no_raw_names(at) -> None:
    text = both_sections(at)
    raw = re.findall(r"\b(?:be|jf|col|nav|kalla)_[a-z_]+|\b(?:behorig_\w+|alla_amnen|meritvarde|franvaro_pct|"
                     r"ogiltig_pct|giltig_pct|andel_over_\d+|antal_elever)\b", text)
    assert not raw, raw


def panels(fig: dict) -> list[str]:
    return [a["text"].strip("<b>/") for a in fig["layout"].get("annotations", [])]


def elig(db, kommun: str, grupp: str = "alla") -> pd.DataFrame:
    return db.query("""SELECT * FROM eligibility_kommun WHERE kommun_kod = ? AND grupp = ? AND huvudman = 'samtliga'
                       ORDER BY lasar""", [kommun, grupp])


def test_picks_default_to_the_sidebar_and_match_sql(app_test, demo) -> None:
    at = app_test(PAGE, kommun="1440,1489")
    assert not at.exception
    assert at.title[0].value == "Jämför kommuner"
    assert at.multiselect(key="jf_picks").value == ["1440", "1489"]
    assert at.query_params["jamfor"] == "1440,1489"
    side = charts(at)[0]
    assert panels(side) == ["Ale", "Alingsås"]
    ale = next(t for t in side["data"] if t["name"] == "Ale")
    assert ale["y"] == pytest.approx(elig(demo, "1440")["behorig_yrk"].tolist())
    assert [t["name"] for t in side["data"]].count("Hela Plug Innan-regionen") == 2
    assert [tab.label for tab in at.tabs] == ["Sida vid sida", "Liknande kommuner"] and len(charts(at)) == 1
    open_section(at, "jf", "liknande")
    assert at.selectbox(key="jf_lik").value == "1440"
    assert at.selectbox(key="jf_matt").value == "behorig_yrk"  # the measure is kept across the sections
    similar, trend = charts(at)
    assert "liknar Ale mest" in similar["layout"]["title"]["text"] and len(similar["data"][0]["y"]) == 5
    assert any("standardiserat euklidiskt avstånd" in m.value for m in at.markdown)
    assert at.query_params["avsnitt"] == "liknande" and at.query_params["jamfor"] == "1440,1489"
    assert_no_raw_names(at)
    # one colour per kommun on the whole page (side by side, similar bars and their trend)
    colours: dict[str, set] = {}
    for tr in side["data"] + trend["data"]:
        colours.setdefault(tr["name"], set()).add(tr["line"]["color"])
    bars = similar["data"][0]
    for name, colour in zip(bars["y"], bars["marker"]["color"], strict=True):
        colours.setdefault(name, set()).add(colour)
    assert all(len(c) == 1 for c in colours.values()), colours
    kommuner = {n: c for n, c in colours.items() if n != "Hela Plug Innan-regionen"}
    assert len({next(iter(c)) for c in kommuner.values()}) == len(kommuner)  # and different kommuner differ


def test_jamfor_link_and_absence_measure(app_test, demo) -> None:
    at = app_test(PAGE, jamfor="1480,1441,1407", jmatt="ogiltig_pct")
    assert not at.exception
    assert at.multiselect(key="jf_picks").value == ["1480", "1441", "1407"]
    side = charts(at)[0]
    assert panels(side) == ["Göteborg", "Lerum", "Öckerö"]
    sql = demo.query("""SELECT a.lasar, 100.0 * sum(a.ogiltig_min) / sum(a.schemalagd_min) AS v
                        FROM absence_month a JOIN school s USING (skolenhetskod)
                        WHERE s.kommun_kod = '1407' AND a.grupp = 'alla' GROUP BY 1 ORDER BY 1""")
    ockero = next(t for t in side["data"] if t["name"] == "Öckerö")
    assert ockero["x"] == sql["lasar"].tolist() and ockero["y"] == pytest.approx(sql["v"].tolist())
    assert side["layout"]["yaxis2"]["matches"] == "y"
    table = tables(at)[0]
    assert table.columns.tolist() == ["Område", "Läsår", "Ogiltig frånvaro (%)", "Antal elever (snitt per månad)"]


def test_measure_picker_updates_link(app_test, demo) -> None:
    at = app_test(PAGE, jamfor="1440")
    at.selectbox(key="jf_matt").select("meritvarde").run()
    assert not at.exception
    assert at.query_params["jmatt"] == "meritvarde"
    side = charts(at)[0]
    assert side["layout"]["title"]["text"].startswith("Genomsnittligt meritvärde: Ale")
    assert side["data"][0]["y"] == pytest.approx(elig(demo, "1440")["meritvarde"].tolist())
    at.selectbox(key="jf_matt").select("andel_over_20").run()
    assert not at.exception
    assert charts(at)[0]["layout"]["title"]["text"].startswith("Andel elever med minst 20 % frånvaro")


def test_bad_link_values_fall_back_with_notice(app_test) -> None:
    at = app_test(PAGE, jamfor="9999,1440,<x>", jmatt="nope", lik="0000")
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "ersatts med standardval" in warning
    assert "jamfor=9999" in warning and "jmatt=nope" in warning and "lik=0000" in warning
    assert at.multiselect(key="jf_picks").value == ["1440"]
    assert at.selectbox(key="jf_matt").value == "behorig_yrk"
    open_section(at, "jf", "liknande")
    assert at.selectbox(key="jf_lik").value == "1440"


def test_no_picks_shows_how_to_start(app_test) -> None:
    at = app_test(PAGE)
    assert not at.exception
    assert any("Välj en eller flera kommuner" in i.value for i in at.info) and not charts(at)
    open_section(at, "jf", "liknande")
    assert len(charts(at)) == 2  # the similar kommuner still show (for the first kommun)


def test_a_link_naming_only_a_reference_kommun_opens_its_similar_kommuner(app_test) -> None:
    at = app_test(PAGE, lik="1441")
    assert not at.exception
    assert at.selectbox(key="jf_lik").value == "1441" and "Lerum" in charts(at)[0]["layout"]["title"]["text"]
    assert "avsnitt" not in at.query_params  # the link already says which section
    assert app_test(PAGE, lik="1441", avsnitt="sida").multiselect(key="jf_picks").value == []
    bad = app_test(PAGE, avsnitt="<x>")
    assert "avsnitt=<x>" in " ".join(w.value for w in bad.warning) and bad.multiselect(key="jf_picks")


def test_gender_years_and_similar_button(app_test, demo) -> None:
    at = app_test(PAGE, jamfor="1441", kon="flickor", fran="2016/17", till="2020/21", lik="1441")
    assert not at.exception
    side = charts(at)[0]
    assert "(flickor)" in side["layout"]["title"]["text"]
    sql = elig(demo, "1441", "flickor")
    sql = sql[(sql["lasar"] >= "2016/17") & (sql["lasar"] <= "2020/21")]
    assert side["data"][0]["x"] == sql["lasar"].tolist()
    assert side["data"][0]["y"] == pytest.approx(sql["behorig_yrk"].tolist())
    open_section(at, "jf", "liknande")
    similar = charts(at)[0]["data"][0]["y"]
    at.button[0].click().run()  # shows them side by side: that section opens
    assert not at.exception
    picks = at.multiselect(key="jf_picks").value
    assert picks[0] == "1441" and len(picks) == 4
    assert panels(charts(at)[0])[0] == "Lerum"
    assert len(similar) == 5


def test_english(app_test, demo) -> None:
    at = app_test(PAGE, jamfor="1440,1489", lang="en")
    assert not at.exception
    assert at.title[0].value == "Compare municipalities"
    assert all(c["layout"]["separators"] == ".," for c in charts(at))
    assert "Område" not in " ".join(c for d in tables(at) for c in d.columns)
    open_section(at, "jf", "liknande")
    assert all(c["layout"]["separators"] == ".," for c in charts(at))
    assert "Distance" in " ".join(c for d in tables(at) for c in d.columns)
    assert any("standardised Euclidean distance" in m.value for m in at.markdown)
    assert_no_raw_names(at)
    text = both_sections(at)
    for word in ("Andel", "elever", "läsåret", "Kommun", "Avstånd", "frånvaro"):
        assert word not in text, word
