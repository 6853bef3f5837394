# Tests of the Jämför kommuner page's content (views/compare.py) against direct SQL on the demo
# database: small multiples on one axis with the region line, absence measures, the similarity
# rule recomputed independently, disclosure and the download files.
"""pluginnan_core.views.compare."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from pluginnan_core import charts, exports
from pluginnan_core.db import Database
from pluginnan_core.disclosure import is_disclosive
from pluginnan_core.i18n import fmt_number
from pluginnan_core.queries import Selection
from pluginnan_core.views import compare as cv

PICKS = ["1440", "1489", "1480", "1441"]


@pytest.fixture(scope="module")
def base(demo) -> cv.Base:
    return cv.base_frames(demo)


@pytest.fixture(scope="module")
def small_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with Öckerö's pojkar 2024/25 at 6 pupils."""
    path = tmp_path_factory.mktemp("cmp_small") / "small.duckdb"
    shutil.copyfile(demo_db, path)
    con = duckdb.connect(str(path))
    con.execute("""UPDATE eligibility_kommun SET antal_elever = 6 WHERE kommun_kod = '1407'
                   AND lasar = '2024/25' AND grupp = 'pojkar'""")
    con.close()
    return path


def sql_elig(db: Database, kommun: str, grupp: str = "alla") -> pd.DataFrame:
    return db.query("""SELECT * FROM eligibility_kommun WHERE kommun_kod = ? AND grupp = ? AND huvudman = 'samtliga'
                       ORDER BY lasar""", [kommun, grupp])


def sql_absence(db: Database, kommun: str | None, grupp: str = "alla") -> pd.DataFrame:
    where = "s.kommun_kod = ?" if kommun else "k.forbund_id IS NOT NULL"
    return db.query(f"""SELECT a.lasar, 100.0 * sum(a.franvaro_min) / sum(a.schemalagd_min) AS v
                        FROM absence_month a JOIN school s USING (skolenhetskod) JOIN kommun k ON k.kommun_kod = s.kommun_kod
                        WHERE {where} AND a.grupp = ? GROUP BY 1 ORDER BY 1""",
                    [kommun, grupp] if kommun else [grupp])


def test_small_multiples_one_panel_per_kommun_same_axis(demo, base) -> None:
    sel = Selection(kommuner=("1489",))
    v = cv.small_multiples(base, sel, PICKS, "behorig_yrk", "sv")
    fig = v.figure
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert titles == ["<b>Ale</b>", "<b>Alingsås</b>", "<b>Göteborg</b>", "<b>Lerum</b>"]
    axes = [k for k in fig["layout"] if k.startswith("yaxis")]
    assert len(axes) == 4
    assert all(fig["layout"][a]["range"] == fig["layout"]["yaxis"]["range"] for a in axes)
    for i, kod in enumerate(PICKS):
        kommun = [tr for tr in fig["data"] if tr["yaxis"] == f"y{'' if i == 0 else i + 1}"]
        assert [tr["name"] for tr in kommun][1] == "Hela Plug Innan-regionen"  # region line in every panel
        assert kommun[0]["y"] == pytest.approx(sql_elig(demo, kod)["behorig_yrk"].tolist())
    # the sidebar's kommun keeps its colour; other picks take the next ones
    colours = {tr["name"]: tr["line"]["color"] for tr in fig["data"]}
    assert colours["Alingsås"] == charts.PALETTE[0] and colours["Ale"] == charts.PALETTE[1]
    assert v.title == "Andel behöriga till yrkesprogram: Ale, Alingsås, Göteborg och Lerum 2015/16–2024/25"
    assert "högst i" in v.summary and "publicerade" in v.summary


def test_absence_measure_matches_minutes_in_sql(demo, base) -> None:
    sel = Selection(grupp="flickor", lasar_from="2020/21")
    v = cv.small_multiples(base, sel, ["1441"], "franvaro_pct", "sv")
    lerum = v.figure["data"][0]
    sql = sql_absence(demo, "1441", "flickor")
    sql = sql[sql["lasar"] >= "2020/21"]
    assert lerum["x"] == sql["lasar"].tolist()
    assert lerum["y"] == pytest.approx(sql["v"].tolist())
    region = v.figure["data"][1]
    assert region["y"] == pytest.approx(sql_absence(demo, None, "flickor").query("lasar >= '2020/21'")["v"].tolist())
    assert "(flickor)" in v.title and "den totala frånvaron" in v.summary
    assert v.table.columns.tolist() == ["Område", "Läsår", "Total frånvaro (%)", "Antal elever (snitt per månad)"]


def test_threshold_measure_label(base) -> None:
    assert "andel_over_15" in cv.measures(base)
    v = cv.small_multiples(base, Selection(), ["1480"], "andel_over_15", "sv")
    assert v.title.startswith("Andel elever med minst 15 % frånvaro: Göteborg")


def test_similarity_recomputed_independently(demo, base) -> None:
    """The rule as stated on the page, recomputed from SQL with numpy."""
    elig = demo.query("""SELECT e.kommun_kod, avg(ln(e.antal_elever)) AS le, avg(e.behorig_yrk) AS b
                         FROM eligibility_kommun e JOIN kommun k USING (kommun_kod)
                         WHERE k.forbund_id IS NOT NULL AND e.grupp = 'alla' AND e.huvudman = 'samtliga'
                           AND e.lasar IN ('2022/23', '2023/24', '2024/25') GROUP BY 1""")
    absn = demo.query("""SELECT kommun_kod, avg(v) AS f FROM (
                             SELECT s.kommun_kod, a.lasar, 100.0 * sum(a.franvaro_min) / sum(a.schemalagd_min) AS v
                             FROM absence_month a JOIN school s USING (skolenhetskod) JOIN kommun k USING (kommun_kod)
                             WHERE k.forbund_id IS NOT NULL AND a.grupp = 'alla'
                               AND a.lasar IN ('2022/23', '2023/24', '2024/25') GROUP BY 1, 2) GROUP BY 1""")
    prof = elig.merge(absn, on="kommun_kod").set_index("kommun_kod")
    z = (prof - prof.mean()) / prof.std(ddof=0)
    dist = np.sqrt(((z - z.loc["1440"]) ** 2).sum(axis=1)).drop("1440").sort_values()
    frame, used = cv.similar(base, Selection(), "1440")
    assert used == ["log_elever", "behorig_yrk", "franvaro_pct"]
    assert frame["id"].iloc[0] == "1440" and frame["avstand"].iloc[0] == 0
    assert frame["id"].iloc[1:].tolist() == dist.index[:5].tolist()
    assert frame["avstand"].iloc[1:].tolist() == pytest.approx(dist.iloc[:5].tolist())
    v, others = cv.similarity(base, Selection(), "1440", "sv")
    assert others == dist.index[:5].tolist()
    assert v.table["Avstånd"].tolist()[1:] == [fmt_number(d, 2) for d in dist.iloc[:5]]
    assert v.table.columns.tolist()[-3:] == ["Skillnad i antal elever (standardavvikelser)",
                                             "Skillnad i behörighet (standardavvikelser)",
                                             "Skillnad i frånvaro (standardavvikelser)"]
    bars = v.figure["data"][0]
    assert bars["x"] == pytest.approx(dist.iloc[:5].tolist())
    assert "liknar Ale mest" in v.summary
    trend = cv.similar_trend(base, Selection(), "1440", others, "meritvarde", "sv")
    names = [tr["name"] for tr in trend.figure["data"]]
    assert names[0] == "Ale" and names[-1] == "Hela Plug Innan-regionen" and len(names) == 7


def test_similarity_without_absence_uses_the_other_two(demo, base) -> None:
    """A range ending before any absence data: the rule falls back to pupils and eligibility."""
    frame, used = cv.similar(base, Selection(lasar_to="2018/19"), "1480")
    assert used == ["log_elever", "behorig_yrk"]
    assert len(frame) == 6


def test_withheld_values_stay_withheld(small_db: Path) -> None:
    db = Database(small_db)
    try:
        base = cv.base_frames(db)
        v = cv.small_multiples(base, Selection(grupp="pojkar"), ["1407"], "behorig_yrk", "sv")
        assert v.figure["data"][0]["y"][-1] is None
        row = v.table[(v.table["Område"] == "Öckerö") & (v.table["Läsår"] == "2024/25")].iloc[0]
        assert row["Andel behöriga till yrkesprogram (%)"] == ".." and row["Antal elever"] == ".."
        assert not is_disclosive(v.data, ["behorig_yrk"])
        f = cv.small_multiples(base, Selection(grupp="flickor"), ["1407"], "behorig_yrk", "sv")
        flick = f.table[(f.table["Område"] == "Öckerö") & (f.table["Läsår"] == "2024/25")].iloc[0]
        assert flick["Antal elever"] == ".."  # the other half of the pair goes too
        csv = exports.to_csv(v.table, note=[v.title])
        parsed = pd.read_csv(io.BytesIO(csv), sep=";", skiprows=2, dtype=str, encoding="utf-8-sig")
        assert parsed.loc[(parsed["Område"] == "Öckerö") & (parsed["Läsår"] == "2024/25"), "Antal elever"].iloc[0] == ".."
    finally:
        db.close()


def test_download_files_and_english(demo, base) -> None:
    v = cv.small_multiples(base, Selection(), ["1440", "1489"], "meritvarde", "en")
    assert v.figure["layout"]["separators"] == ".,"
    assert v.table.columns.tolist() == ["Area", "School year", "Average merit rating", "Number of pupils",
                                        "Origin of the figure"]
    ale = sql_elig(demo, "1440").iloc[-1]
    xlsx = pd.read_excel(io.BytesIO(exports.to_xlsx(v.table, note=[v.title, v.summary])), skiprows=3, dtype=str)
    got = xlsx[(xlsx["Area"] == "Ale") & (xlsx["School year"] == "2024/25")].iloc[0]
    assert got["Average merit rating"] == fmt_number(ale["meritvarde"], 1, "en")
    assert got["Number of pupils"] == fmt_number(ale["antal_elever"], 0, "en")
    sim, _ = cv.similarity(base, Selection(), "1440", "en")
    assert "most similar to Ale" in sim.summary and "Distance" in sim.table.columns


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_every_figure_is_a_valid_plotly_figure(base, n) -> None:
    """st.plotly_chart validates the spec; an invalid property (e.g. a domain of -5e-17) stops the page."""
    import plotly.graph_objects as go

    for measure in ("behorig_yrk", "meritvarde", "ogiltig_pct", "andel_over_50"):
        v = cv.small_multiples(base, Selection(), PICKS[:n], measure, "sv")
        go.Figure(v.figure)
        assert len([k for k in v.figure["layout"] if k.startswith("xaxis")]) == n
    sim, others = cv.similarity(base, Selection(), PICKS[n - 1], "en")
    go.Figure(sim.figure)
    go.Figure(cv.similar_trend(base, Selection(), PICKS[n - 1], others, "franvaro_pct", "en").figure)
