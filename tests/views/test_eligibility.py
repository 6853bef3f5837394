# Tests of the Behörighet page's content (views/eligibility.py) against direct SQL on the demo
# database: trend, ranking, flickor/pojkar gap, programme kinds, schools and one school's history,
# disclosure (a changed copy of the demo with groups below 10 pupils), computed kommun figures
# and the CSV/XLSX downloads.
"""pluginnan_core.views.eligibility."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pluginnan_core import charts, exports
from pluginnan_core.db import Database
from pluginnan_core.disclosure import is_disclosive
from pluginnan_core.i18n import fmt_number
from pluginnan_core.queries import Selection
from pluginnan_core.views import eligibility as ev

LATEST = "2024/25"
PREV = "2023/24"


def published(db: Database, kommun: str, grupp: str = "alla") -> pd.DataFrame:
    return db.query(
        """SELECT * FROM eligibility_kommun WHERE kommun_kod = ? AND grupp = ? AND huvudman = 'samtliga'
           AND population = 'skolkommun' ORDER BY lasar""", [kommun, grupp])


def fmt(v: float, d: int = 1, lang: str = "sv") -> str:
    return fmt_number(v, d, lang)


@pytest.fixture(scope="module")
def small_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with Ale's flickor 2024/25 at 7 pupils, one Ale school at 7 pupils, and no
    published figures for Alingsås (so they are computed from its schools)."""
    path = tmp_path_factory.mktemp("elig_small") / "small.duckdb"
    shutil.copyfile(demo_db, path)
    con = duckdb.connect(str(path))
    con.execute("""UPDATE eligibility_kommun SET antal_elever = 7 WHERE kommun_kod = '1440'
                   AND lasar = '2024/25' AND grupp = 'flickor'""")
    school = con.execute("""SELECT e.skolenhetskod FROM eligibility_school e JOIN school s USING (skolenhetskod)
                            WHERE s.kommun_kod = '1440' AND e.lasar = '2024/25' AND e.grupp = 'alla'
                              AND e.behorig_yrk IS NOT NULL ORDER BY e.antal_elever DESC LIMIT 1""").fetchall()[0][0]
    con.execute("UPDATE eligibility_school SET antal_elever = 7 WHERE skolenhetskod = ? AND lasar = '2024/25' "
                "AND grupp = 'alla'", [school])
    con.execute("DELETE FROM eligibility_kommun WHERE kommun_kod = '1489'")
    con.execute("INSERT OR REPLACE INTO meta VALUES ('small_school', ?)", [school])
    con.close()
    return path


@pytest.fixture(scope="module")
def small(small_db: Path):
    snapshot = Database(small_db)
    yield snapshot
    snapshot.close()


_BASES: dict[Path, ev.Base] = {}


def ctx_for(db: Database, lang: str = "sv", **kw) -> ev.Context:
    """A context on the session's frames: built once per database file, as the page caches them."""
    if db.path not in _BASES:
        _BASES[db.path] = ev.base_frames(db)
    return ev.load(db, Selection(**kw), lang, _BASES[db.path])


# --------------------------------------------------------------------------- trend

def test_trend_shows_published_kommun_values_and_references(demo) -> None:
    ctx = ctx_for(demo, kommuner=("1440",))
    v = ev.trend(ctx, "behorig_yrk")
    sql = published(demo, "1440")
    traces = {tr["name"]: tr for tr in v.figure["data"]}
    assert traces["Ale"]["x"] == sql["lasar"].tolist()
    assert traces["Ale"]["y"] == pytest.approx(sql["behorig_yrk"].tolist())
    gr = demo.query("""SELECT e.lasar, sum(e.behorig_yrk * e.antal_elever) / sum(e.antal_elever) AS v
                       FROM eligibility_kommun e JOIN kommun k USING (kommun_kod)
                       WHERE k.forbund_id = 'GR' AND e.grupp = 'alla' AND e.huvudman = 'samtliga'
                       GROUP BY 1 ORDER BY 1""")
    assert traces["GR (förbund)"]["y"] == pytest.approx(gr["v"].tolist())
    assert "Hela Plug Innan-regionen" in traces
    assert v.title == "Andel behöriga till yrkesprogram, Ale 2015/16–2024/25"
    last = sql.iloc[-1]
    assert f"{fmt(last['behorig_yrk'])}\u00a0%" in v.summary and "publicerade" in v.summary
    table = v.table[v.table["Område"] == "Ale"]
    assert table["Antal elever"].tolist() == [fmt(n, 0) for n in sql["antal_elever"]]
    assert v.figure["layout"]["separators"] == ",\u00a0"


def test_trend_meritvarde_has_no_percent_and_respects_years_and_gender(demo) -> None:
    ctx = ctx_for(demo, kommuner=("1440", "1441"), lasar_from="2018/19", lasar_to="2022/23", grupp="pojkar")
    v = ev.trend(ctx, "meritvarde")
    lerum = next(tr for tr in v.figure["data"] if tr["name"] == "Lerum")
    sql = published(demo, "1441", "pojkar")
    sql = sql[(sql["lasar"] >= "2018/19") & (sql["lasar"] <= "2022/23")]
    assert lerum["x"] == sql["lasar"].tolist()
    assert lerum["y"] == pytest.approx(sql["meritvarde"].tolist())
    assert v.figure["layout"]["yaxis"]["ticksuffix"] == ""
    assert "(pojkar)" in v.title and "2018/19–2022/23" in v.title


# --------------------------------------------------------------------------- ranking

def test_ranking_matches_sql_sorted_with_change_and_highlight(demo) -> None:
    ctx = ctx_for(demo, kommuner=("1489", "1440"))
    v = ev.ranking(ctx, "behorig_yrk")
    sql = demo.query(f"""SELECT k.namn, c.behorig_yrk AS v, c.behorig_yrk_marker AS m, c.antal_elever AS n,
                                p.behorig_yrk AS pv
                         FROM eligibility_kommun c JOIN kommun k USING (kommun_kod)
                         LEFT JOIN eligibility_kommun p ON p.kommun_kod = c.kommun_kod AND p.lasar = '{PREV}'
                              AND p.grupp = 'alla' AND p.huvudman = 'samtliga'
                         WHERE c.lasar = '{LATEST}' AND c.grupp = 'alla' AND c.huvudman = 'samtliga'""")
    assert len(v.table) == len(sql) == 50
    ranked = sql.dropna(subset=["v"]).sort_values(["v", "namn"], ascending=[False, True])
    shown = v.table[v.table["Plats"] != ""]
    assert shown["Kommun"].tolist() == ranked["namn"].tolist()
    col = f"Andel behöriga till yrkesprogram (%) {LATEST}"
    assert shown[col].tolist() == [fmt(x) for x in ranked["v"]]
    assert shown["Antal elever"].tolist() == [fmt(x, 0) for x in ranked["n"]]
    ale = sql[sql["namn"] == "Ale"].iloc[0]
    row = v.table[v.table["Kommun"] == "Ale"].iloc[0]
    assert row["Förändring (procentenheter)"] == fmt(ale["v"] - ale["pv"])
    bars = v.figure["data"][0]
    i = bars["y"].index("<b>Ale</b>")
    assert bars["marker"]["color"][i] == charts.colour_for("1440", ("1489", "1440"))
    assert bars["marker"]["color"][bars["y"].index("<b>Alingsås</b>")] == charts.PALETTE[0]
    assert bars["x"][i] == pytest.approx(ale["v"])
    assert f"{fmt(ale['n'], 0)} elever" in bars["hovertext"][i]
    region = demo.query(f"""SELECT sum(behorig_yrk * antal_elever) / sum(antal_elever) AS v FROM eligibility_kommun
                            WHERE lasar = '{LATEST}' AND grupp = 'alla' AND huvudman = 'samtliga'
                              AND behorig_yrk IS NOT NULL""")["v"][0]
    ref = next(tr for tr in v.figure["data"] if tr["name"].startswith("Hela regionen"))
    assert ref["x"][0] == pytest.approx(region, abs=0.3)  # the region also counts '~100' kommuner
    assert "plats" in v.summary and "Ale" in v.summary


def test_ranking_scope_is_the_picked_forbund(demo) -> None:
    v = ev.ranking(ctx_for(demo, forbund=("SKARABORG",)), "meritvarde")
    assert len(v.table) == 15
    assert "Skaraborg" in v.title


# --------------------------------------------------------------------------- gender gap, kinds

def test_gender_gap_is_flickor_minus_pojkar(demo) -> None:
    v = ev.gender_gap(ctx_for(demo, kommuner=("1440",)), "behorig_yrk")
    f, p = published(demo, "1440", "flickor"), published(demo, "1440", "pojkar")
    ale = next(tr for tr in v.figure["data"] if tr["name"] == "Ale")
    assert ale["y"] == pytest.approx((f["behorig_yrk"] - p["behorig_yrk"]).tolist())
    row = v.table[(v.table["Område"] == "Ale") & (v.table["Läsår"] == LATEST)].iloc[0]
    assert row["Antal flickor"] == fmt(f["antal_elever"].iloc[-1], 0)
    assert "flickor" in v.summary


def test_kinds_show_four_programme_types_and_meritvarde(demo) -> None:
    v = ev.kinds(ctx_for(demo, kommuner=("1440",)))
    sql = published(demo, "1440").iloc[-1]
    ale = [tr for tr in v.figure["data"] if tr["name"] == "Ale"]
    assert ale[0]["y"] == pytest.approx([sql[m] for m in ev.SHARES])
    assert ale[1]["y"] == pytest.approx([sql["meritvarde"]])
    row = v.table[v.table["Område"] == "Ale"].iloc[0]
    assert row["Genomsnittligt meritvärde"] == fmt(sql["meritvarde"])
    assert fmt(sql["meritvarde"]) in v.summary


# --------------------------------------------------------------------------- schools

def test_school_table_and_bars_show_pupils_and_markers(demo) -> None:
    ctx = ctx_for(demo, kommuner=("1440",))
    frame = ev.school_frame(ctx)
    v = ev.schools(ctx, "behorig_yrk", frame)
    sql = demo.query(f"""SELECT s.namn, e.* FROM eligibility_school e JOIN school s USING (skolenhetskod)
                         WHERE s.kommun_kod = '1440' AND e.lasar = '{LATEST}' AND e.grupp = 'alla'
                         ORDER BY s.namn""")
    assert v.table["Skola"].tolist() == sql["namn"].tolist()
    extra = []  # shown in the source but withheld here: only secondary suppression may do that
    for (_, row), (_, s) in zip(v.table.iterrows(), sql.iterrows(), strict=True):
        if s["antal_elever_marker"] == "..":
            assert row["Antal elever"] == ".." and row["Andel behöriga till yrkesprogram (%)"] == ".."
        elif row["Antal elever"] == "..":
            extra.append(s["antal_elever"])
        else:
            assert row["Antal elever"] == fmt(s["antal_elever"], 0)
            expected = s["behorig_yrk_marker"] if isinstance(s["behorig_yrk_marker"], str) else fmt(s["behorig_yrk"])
            assert row["Andel behöriga till yrkesprogram (%)"] == expected
    n_withheld = int((sql["antal_elever_marker"] == "..").sum())
    shown_sizes = sorted(sql.loc[sql["antal_elever_marker"] != "..", "antal_elever"])
    if n_withheld == 0:
        assert not extra
    else:  # secondary suppression: never one withheld school alone; extras are the smallest shown ones
        assert n_withheld + len(extra) >= 2
        assert sorted(extra) == shown_sizes[: len(extra)]
    bars = v.figure["data"][0]
    assert all("elever)" in label for label in bars["y"])  # every school with its number of pupils
    texts = [a["text"] for a in v.figure["layout"]["annotations"]]
    assert texts.count("..") == int((v.table["Andel behöriga till yrkesprogram (%)"] == "..").sum())


def test_school_history_with_kommun_reference(demo) -> None:
    ctx = ctx_for(demo, kommuner=("1440",))
    frame = ev.school_frame(ctx)
    code = next(iter(ev.school_options(ctx, frame)))
    v = ev.school_trend(ctx, "meritvarde", frame, code)
    sql = demo.query("""SELECT lasar, meritvarde, antal_elever FROM eligibility_school WHERE skolenhetskod = ?
                        AND grupp = 'alla' ORDER BY lasar""", [code])
    school = v.figure["data"][0]
    assert school["x"] == sql["lasar"].tolist()
    withheld = v.table.loc[v.table["Område"] == v.table["Område"].iloc[0], "Genomsnittligt meritvärde"] == ".."
    for shown, raw, gone in zip(school["y"], sql["meritvarde"], withheld, strict=True):
        assert shown is None if (gone or pd.isna(raw)) else shown == pytest.approx(raw)
    assert v.figure["data"][1]["name"] == "Ale (kommunen)"
    assert "Ale" in v.summary


# --------------------------------------------------------------------------- disclosure, kalla

def test_no_figure_from_fewer_than_ten_pupils(small) -> None:
    ctx = ctx_for(small, kommuner=("1440",), grupp="flickor")
    rank = ev.ranking(ctx, "behorig_yrk")
    ale = rank.table[rank.table["Kommun"] == "Ale"].iloc[0]
    assert ale[f"Andel behöriga till yrkesprogram (%) {LATEST}"] == ".." and ale["Antal elever"] == ".."
    # secondary suppression: another GR kommun is withheld too, so GR's total cannot reveal Ale
    gr = rank.data[(rank.data["forbund_id"] == "GR")]
    assert (gr["behorig_yrk_marker"] == "..").sum() >= 2
    assert not is_disclosive(rank.data, ev.MEASURES)
    gap = ev.gender_gap(ctx, "behorig_yrk")
    row = gap.table[(gap.table["Område"] == "Ale") & (gap.table["Läsår"] == LATEST)].iloc[0]
    assert row.iloc[2] == ".." and row.iloc[3] == ".."  # flickor and pojkar both withheld
    assert row["Flickor − pojkar (procentenheter)"] == ".."
    ale_line = next(tr for tr in gap.figure["data"] if tr["name"] == "Ale")
    assert ale_line["y"][-1] is None
    tiles = ev.tiles(ctx, "behorig_yrk")
    assert tiles[0].value == ".." and tiles[3].value == ".."


def test_withheld_school_in_table_and_downloads(small) -> None:
    school = small.scalar("SELECT value FROM meta WHERE key = 'small_school'")
    ctx = ctx_for(small, kommuner=("1440",))
    frame = ev.school_frame(ctx)
    v = ev.schools(ctx, "behorig_yrk", frame)
    row = v.table[v.table["Skolenhetskod"] == school].iloc[0]
    assert row["Antal elever"] == ".." and row["Genomsnittligt meritvärde"] == ".."
    assert not is_disclosive(v.data, ev.MEASURES)
    csv = exports.to_csv(v.table, note=[v.title, v.summary])
    parsed = pd.read_csv(io.BytesIO(csv), sep=";", skiprows=3, dtype=str, encoding="utf-8-sig")
    assert parsed.loc[parsed["Skolenhetskod"] == school, "Antal elever"].iloc[0] == ".."
    xlsx = pd.read_excel(io.BytesIO(exports.to_xlsx(v.table, note=[v.title, v.summary])), skiprows=3, dtype=str)
    assert xlsx.loc[xlsx["Skolenhetskod"] == school, "Andel behöriga till yrkesprogram (%)"].iloc[0] == ".."
    assert set(xlsx["Antal elever"]) >= {".."}
    shown = pd.to_numeric(xlsx["Antal elever"].str.replace("\u00a0", ""), errors="coerce").dropna()
    assert (shown >= 10).all()


def test_computed_kommun_figures_are_said_to_be_computed(small) -> None:
    ctx = ctx_for(small, kommuner=("1489",))
    v = ev.trend(ctx, "behorig_yrk")
    assert "beräknade från skolornas siffror" in v.summary
    assert set(v.table.loc[v.table["Område"] == "Alingsås", "Uppgiftens ursprung"]) == {
        "beräknad från skolornas siffror, vägd med antal elever"}
    sql = small.query("""SELECT e.lasar, sum(coalesce(e.behorig_yrk, CASE WHEN e.behorig_yrk_marker = '~100'
                                THEN 100.0 * (e.antal_elever - 2.5) / e.antal_elever END) * e.antal_elever)
                             / sum(e.antal_elever) AS v
                         FROM eligibility_school e JOIN school s USING (skolenhetskod)
                         WHERE s.kommun_kod = '1489' AND e.grupp = 'alla' AND e.antal_elever IS NOT NULL
                         GROUP BY 1 ORDER BY 1""")
    line = next(tr for tr in v.figure["data"] if tr["name"] == "Alingsås")
    assert line["y"] == pytest.approx(sql["v"].tolist())
    rank = ev.ranking(ctx, "behorig_yrk")
    assert "utom för Alingsås" in rank.summary


# --------------------------------------------------------------------------- downloads and English

def test_ranking_download_files_hold_the_table(demo) -> None:
    v = ev.ranking(ctx_for(demo, kommuner=("1440",)), "meritvarde")
    note = [v.title, v.summary]
    csv = exports.to_csv(v.table, note=note)
    assert csv.startswith("\ufeff".encode())
    lines = csv.decode("utf-8-sig").splitlines()
    assert lines[0] == v.title
    parsed = pd.read_csv(io.BytesIO(csv), sep=";", skiprows=3, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    pd.testing.assert_frame_equal(parsed, v.table.astype(str), check_dtype=False)
    xlsx = pd.read_excel(io.BytesIO(exports.to_xlsx(v.table, note=note)), skiprows=3, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(xlsx, v.table.astype(str), check_dtype=False)
    ale = published(demo, "1440").iloc[-1]
    assert parsed.loc[parsed["Kommun"] == "Ale", f"Genomsnittligt meritvärde {LATEST}"].iloc[0] == fmt(ale["meritvarde"])


def test_english_labels_and_decimal_point(demo) -> None:
    ctx = ctx_for(demo, "en", kommuner=("1440",))
    visuals = [ev.trend(ctx, "behorig_yrk"), ev.ranking(ctx, "behorig_yrk"), ev.gender_gap(ctx, "behorig_yrk"),
               ev.kinds(ctx)]
    frame = ev.school_frame(ctx)
    visuals += [ev.schools(ctx, "behorig_yrk", frame), ev.school_trend(ctx, "behorig_yrk", frame,
                                                                        next(iter(ev.school_options(ctx, frame))))]
    for v in visuals:
        assert v.figure["layout"]["separators"] == ".,"
        for word in ("Andel", "Antal", "elever", "Läsår", "Område", "Kommun "):
            assert word not in " ".join(v.table.columns), (v.key, v.table.columns)
        assert "läsåret" not in v.summary and "var " not in v.summary
    ale = published(demo, "1440").iloc[-1]
    assert f"{fmt(ale['behorig_yrk'], 1, 'en')}\u00a0%" in visuals[0].summary
    tiles = ev.tiles(ctx, "behorig_yrk")
    assert tiles[0].label.startswith("Share eligible")


@pytest.mark.parametrize("kw", [{}, {"kommuner": ("1440",)}, {"kommuner": ("1441", "1407", "1489", "1490", "1462")},
                                {"forbund": ("FYRBODAL",), "grupp": "flickor", "lasar_from": "2024/25"}])
def test_every_figure_is_a_valid_plotly_figure(demo, kw) -> None:
    """st.plotly_chart validates the spec; an invalid property would stop the page."""
    import plotly.graph_objects as go

    frame = ev.school_frame(ctx_for(demo, **kw))
    for lang, measure in (("sv", "behorig_yrk"), ("sv", "meritvarde"), ("en", "alla_amnen")):
        ctx = ctx_for(demo, lang, **kw)
        visuals = [ev.trend(ctx, measure), ev.ranking(ctx, measure), ev.gender_gap(ctx, measure), ev.kinds(ctx)]
        if ctx.picked:
            visuals += [ev.schools(ctx, measure, frame)]
            visuals += [ev.school_trend(ctx, measure, frame, code) for code in list(ev.school_options(ctx, frame))[:3]]
        for v in visuals:
            assert v.figure is not None and not v.table.empty, v.key
            go.Figure(v.figure)
            assert v.summary.endswith(".") and v.title
