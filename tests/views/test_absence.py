# Tests of the Frånvaro page's content: every figure shown (trend, threshold share, school years,
# school heatmap, early warning) equals direct SQL on the session's demo database, nothing from
# fewer than 10 pupils is shown, and the downloads hold exactly the table.
"""pluginnan_core.views.absence against direct SQL."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from pluginnan_core import exports, queries
from pluginnan_core.disclosure import is_disclosive
from pluginnan_core.i18n import fmt_number
from pluginnan_core.views import absence

SEL_ALINGSAS = queries.Selection(kommuner=("1489",))


def _pct(x: str) -> float:
    return float(x.replace("\u00a0", "").replace("%", "").replace(",", ".").replace("\u2212", "-"))


def sql_monthly(db, kommuner: list[str], grupp: str = "alla") -> pd.DataFrame:
    return db.query(
        """SELECT a.manad::DATE AS manad, 100.0 * sum(franvaro_min) / sum(schemalagd_min) AS total,
                  100.0 * sum(giltig_min) / sum(schemalagd_min) AS giltig,
                  100.0 * sum(ogiltig_min) / sum(schemalagd_min) AS ogiltig, sum(antal_elever) AS n
           FROM absence_month a JOIN school s USING (skolenhetskod)
           WHERE s.kommun_kod IN (SELECT unnest(?::VARCHAR[])) AND a.grupp = ?
           GROUP BY 1 ORDER BY 1""", [kommuner, grupp])


def sql_share(db, kommuner: list[str], threshold: int, grupp: str = "alla") -> pd.DataFrame:
    return db.query(
        """WITH o AS (SELECT t.manad, sum(antal_over) AS over FROM absence_threshold t JOIN school s USING (skolenhetskod)
                      WHERE s.kommun_kod IN (SELECT unnest(?::VARCHAR[])) AND t.grupp = ? AND troskel_pct = ?
                      GROUP BY 1),
                n AS (SELECT a.manad, sum(antal_elever) AS n FROM absence_month a JOIN school s USING (skolenhetskod)
                      WHERE s.kommun_kod IN (SELECT unnest(?::VARCHAR[])) AND a.grupp = ? GROUP BY 1)
           SELECT n.manad::DATE AS manad, 100.0 * o.over / n.n AS share, n.n FROM n JOIN o USING (manad) ORDER BY 1""",
        [kommuner, grupp, threshold, kommuner, grupp])


# --------------------------------------------------------------------------- trend

def test_trend_equals_sql_for_one_kommun(demo) -> None:
    v = absence.trend(demo, SEL_ALINGSAS, "sv")
    sql = sql_monthly(demo, ["1489"])
    mine = v.data[v.data["omrade"] == "Alingsås"].sort_values("manad")
    assert [m for m in mine["manad"]] == [m.date() if hasattr(m, "date") else m for m in sql["manad"]]
    assert mine["franvaro_pct"].tolist() == pytest.approx(sql["total"].tolist())
    assert mine["giltig_pct"].tolist() == pytest.approx(sql["giltig"].tolist())
    assert mine["ogiltig_pct"].tolist() == pytest.approx(sql["ogiltig"].tolist())
    total = v.figure["data"][0]
    assert total["name"] == "Total frånvaro"
    assert total["y"] == pytest.approx(sql["total"].tolist())
    assert total["x"][0] == "aug. 2019"
    names = [tr["name"] for tr in v.figure["data"]]
    assert "Total frånvaro, GR (förbund)" in names and "Total frånvaro, hela Plug Innan-regionen" in names
    assert v.title == "Frånvaro per månad, Alingsås 2019/20–2024/25"
    last = sql.iloc[-1]
    assert fmt_number(last["total"], 1) + "\u00a0%" in v.summary and "juni 2025" in v.summary
    assert v.figure["layout"]["separators"].startswith(",")
    # the table shows the same figures, formatted
    row = v.table[(v.table["Område"] == "Alingsås") & (v.table["Månad"] == "juni 2025")].iloc[0]
    assert _pct(row["Total frånvaro (%)"]) == pytest.approx(round(last["total"], 1))
    assert row["Antal elever"] == fmt_number(last["n"], 0)


def test_trend_for_several_kommuner_is_the_weighted_total(demo) -> None:
    sel = queries.Selection(kommuner=("1489", "1480", "1440"), grupp="flickor")
    v = absence.trend(demo, sel, "sv")
    sql = sql_monthly(demo, ["1489", "1480", "1440"], "flickor")
    assert v.figure["data"][0]["y"] == pytest.approx(sql["total"].tolist())
    assert v.title.endswith("(flickor)")


def test_trend_in_english(demo) -> None:
    v = absence.trend(demo, SEL_ALINGSAS, "en")
    assert v.figure["data"][0]["name"] == "Total absence"
    assert v.figure["data"][0]["x"][0] == "Aug 2019"
    assert "Month" in v.table.columns and "Area" in v.table.columns
    assert v.summary.startswith("In Alingsås total absence was")


def test_years_filter_limits_the_months(demo) -> None:
    sel = queries.Selection(kommuner=("1489",), lasar_from="2022/23", lasar_to="2023/24")
    v = absence.trend(demo, sel, "sv")
    months = sorted(set(v.data["manad"]))
    assert months[0] == dt.date(2022, 8, 1) and months[-1] == dt.date(2024, 6, 1)


# --------------------------------------------------------------------------- threshold share

@pytest.mark.parametrize("threshold", [10, 15, 20, 50])
def test_threshold_share_equals_sql(demo, threshold: int) -> None:
    sel = queries.Selection(kommuner=("1489", "1440"))
    v = absence.threshold_trend(demo, sel, "sv", threshold)
    for kod, name in (("1489", "Alingsås"), ("1440", "Ale")):
        sql = sql_share(demo, [kod], threshold)
        trace = next(tr for tr in v.figure["data"] if tr["name"] == name)
        assert trace["y"] == pytest.approx(sql["share"].tolist())
    assert f"minst {threshold} % frånvaro" in v.title
    assert any(tr["name"] == "Hela Plug Innan-regionen" for tr in v.figure["data"])


def test_threshold_colours_follow_the_kommun_everywhere(demo) -> None:
    from pluginnan_core.charts import colour_for

    sel = queries.Selection(kommuner=("1489", "1440"))
    v = absence.threshold_trend(demo, sel, "sv", 15)
    ale = next(tr for tr in v.figure["data"] if tr["name"] == "Ale")
    assert ale["line"]["color"] == colour_for("1440", ["1489", "1440"])


def test_pick_threshold_validates_url_values() -> None:
    opts = [10, 15, 20, 50]
    assert absence.pick_threshold(None, opts) == (15, True)
    assert absence.pick_threshold("20", opts) == (20, True)
    assert absence.pick_threshold("50%", opts) == (50, True)
    assert absence.pick_threshold("7", opts) == (15, False)
    assert absence.pick_threshold("<script>", opts) == (15, False)
    assert absence.pick_threshold(None, [10, 20]) == (10, True)
    assert absence.pick_threshold("5", []) == (None, False)


# --------------------------------------------------------------------------- school years compared

def test_seasonality_has_one_line_per_year_august_to_june(demo) -> None:
    v = absence.seasonality(demo, SEL_ALINGSAS, "sv")
    years = queries.absence_years(demo)
    assert [tr["name"] for tr in v.figure["data"]] == years
    assert v.figure["layout"]["xaxis"]["categoryarray"] == [
        "augusti", "september", "oktober", "november", "december", "januari", "februari", "mars", "april", "maj",
        "juni"]
    sql = sql_monthly(demo, ["1489"])
    sql["lasar"] = [f"{m.year if m.month >= 8 else m.year - 1}/{(m.year + 1 if m.month >= 8 else m.year) % 100:02d}"
                    for m in sql["manad"]]
    last = v.figure["data"][-1]
    assert last["y"] == pytest.approx(sql[sql["lasar"] == years[-1]]["total"].tolist())
    assert last["line"]["width"] > v.figure["data"][0]["line"]["width"]  # the latest year stands out
    assert "februari" in v.summary


# --------------------------------------------------------------------------- heatmap

def _kommun_with_withheld_school(db) -> str:
    df = db.query("""SELECT s.kommun_kod, count(DISTINCT s.skolenhetskod) AS n FROM absence_month a
                     JOIN school s USING (skolenhetskod) WHERE a.grupp = 'alla' AND a.antal_elever < 10
                     GROUP BY 1 ORDER BY 2 DESC, 1""")
    assert not df.empty, "the demo data should hold a school with fewer than 10 pupils"
    return df["kommun_kod"].iloc[0]


def test_heatmap_values_equal_sql_and_small_schools_are_withheld(demo) -> None:
    kommun = _kommun_with_withheld_school(demo)
    lasar = queries.absence_years(demo)[-1]
    v = absence.heatmap(demo, queries.Selection(), "sv", kommun, lasar)
    sql = demo.query("""SELECT a.skolenhetskod, s.namn, a.manad::DATE AS manad, a.antal_elever,
                               100.0 * franvaro_min / schemalagd_min AS pct
                        FROM absence_month a JOIN school s USING (skolenhetskod)
                        WHERE s.kommun_kod = ? AND a.lasar = ? AND a.grupp = 'alla'""", [kommun, lasar])
    heat = v.figure["data"][0]
    months = sorted(set(sql["manad"]))
    assert len(heat["x"]) == len(months)
    rows = {label.rsplit(" (", 1)[0]: i for i, label in enumerate(heat["y"])}
    small = sql[sql["antal_elever"] < 10]
    assert len(small)
    for r in sql.itertuples():
        z = heat["z"][rows[r.namn]][months.index(r.manad)]
        if r.antal_elever < 10:
            assert z is None  # never a number for fewer than 10 pupils
        elif z is not None:  # shown cells equal SQL (a few more are withheld by secondary suppression)
            assert z == pytest.approx(r.pct)
    gaps = v.figure["data"][1]
    assert set(gaps["text"]) <= {"..", "."} and ".." in gaps["text"]
    # rows with numbers come first, highest average absence on top; the label carries the pupils
    assert heat["y"][0].endswith("elever)")
    assert v.figure["layout"]["height"] >= 150 + 19 * len(heat["y"])
    assert not is_disclosive(v.data, ["franvaro_pct", "giltig_pct", "ogiltig_pct"])
    # the table and the downloads hold '..' for those schools, never their value
    small_names = set(small["namn"])
    table_rows = v.table[v.table["Skola"].isin(small_names)]
    month_cols = [c for c in v.table.columns if c.endswith("(%)") and c[0].islower()]
    assert (table_rows[month_cols] == "..").any(axis=None)
    for name in small_names:
        for r in small[small["namn"] == name].itertuples():
            cell = v.table.loc[v.table["Skola"] == name, f"{_label(r.manad)} (%)"].iloc[0]
            assert cell == ".."


def _label(day: dt.date) -> str:
    from pluginnan_core.i18n import month_label

    return month_label(day, "sv")


def test_heatmap_downloads_hold_the_table(demo) -> None:
    kommun = _kommun_with_withheld_school(demo)
    v = absence.heatmap(demo, queries.Selection(), "sv", kommun, queries.absence_years(demo)[-1])
    note = [v.title, v.summary]
    csv = exports.to_csv(v.table, note=note).decode("utf-8-sig")
    body = pd.read_csv(io.StringIO(csv), sep=";", skiprows=len(note) + 1, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(body, v.table.astype(str), check_dtype=False)
    assert "..;" in csv or ";.." in csv
    wb = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(v.table, note=note)))
    ws = wb.active
    header = [c.value for c in ws[len(note) + 2]]
    assert header == list(v.table.columns)
    cells = [[c.value for c in row] for row in ws.iter_rows(min_row=len(note) + 3)]
    assert cells == v.table.values.tolist()


def test_heatmap_in_english(demo) -> None:
    v = absence.heatmap(demo, queries.Selection(), "en", "1489", queries.absence_years(demo)[-1])
    assert v.title.startswith("Absence per school and month, Alingsås")
    assert v.figure["data"][0]["x"][0] == "Aug 2024"
    assert "School" in v.table.columns


def test_heatmap_kommuner_are_the_selection(demo) -> None:
    assert absence.heatmap_kommuner(demo, queries.Selection(kommuner=("1480", "1489"))) == ["1480", "1489"]
    every = absence.heatmap_kommuner(demo, queries.Selection())
    assert len(every) == 50 and queries.kommun_names(demo)[every[0]] == "Ale"
    assert queries.kommun_names(demo)[every[-1]] == "Öckerö"


# --------------------------------------------------------------------------- early warning

def test_early_warning_ranks_rises_with_counts_and_equals_sql(demo) -> None:
    sel = queries.Selection(forbund=("GR",))
    v = absence.early_warning(demo, sel, "sv")
    ranked = v.data
    assert 0 < len(ranked) <= absence.EARLY_TOP
    assert ranked["forandring"].tolist() == sorted(ranked["forandring"], reverse=True)
    assert (ranked["antal_elever"] >= absence.EARLY_MIN_PUPILS).all()
    months = queries.absence_latest_months(demo, queries.resolve_kommuner(demo, sel), absence.EARLY_MONTHS)
    assert len(months) == 3 and months[-1] == dt.date(2025, 6, 1)
    before = [m.replace(year=m.year - 1) for m in months]
    top = ranked.iloc[0]
    sql = demo.query("""SELECT 100.0 * sum(franvaro_min) FILTER (WHERE manad IN (SELECT unnest(?::DATE[])))
                               / sum(schemalagd_min) FILTER (WHERE manad IN (SELECT unnest(?::DATE[]))) AS nu,
                               100.0 * sum(franvaro_min) FILTER (WHERE manad IN (SELECT unnest(?::DATE[])))
                               / sum(schemalagd_min) FILTER (WHERE manad IN (SELECT unnest(?::DATE[]))) AS fore,
                               sum(antal_elever) FILTER (WHERE manad IN (SELECT unnest(?::DATE[]))) / 3 AS n
                        FROM absence_month WHERE skolenhetskod = ? AND grupp = 'alla'""",
                     [months, months, before, before, months, top["id"]]).iloc[0]
    assert top["franvaro_nu"] == pytest.approx(sql["nu"])
    assert top["franvaro_fore"] == pytest.approx(sql["fore"])
    assert top["forandring"] == pytest.approx(sql["nu"] - sql["fore"])
    # no rise of a school outside the list is larger than the smallest rise on it
    every = queries.absence_change_by_school(demo, queries.resolve_kommuner(demo, sel), months, "alla")
    big = every[pd.to_numeric(every["antal_elever"], errors="coerce") >= absence.EARLY_MIN_PUPILS]
    assert big["forandring"].max() == pytest.approx(top["forandring"])
    # the chart never ranks without the pupils behind each school
    bars = v.figure["data"][0]
    assert all("elever)" in label for label in bars["y"])
    assert all("elever" in h and "månader" in h for h in bars["hovertext"])
    assert {"Elever per månad apr.–juni 2025", "Månader med uppgift apr.–juni 2025"} <= set(v.table.columns)
    assert "minst 30 elever" in v.summary


def test_early_warning_withholds_small_schools(demo) -> None:
    kommuner = queries.resolve_kommuner(demo, queries.Selection())
    months = queries.absence_latest_months(demo, kommuner, 3)
    every = queries.absence_change_by_school(demo, kommuner, months, "alla")
    small = demo.query("""SELECT skolenhetskod FROM absence_month WHERE grupp = 'alla' AND manad = ?
                          AND antal_elever < 10""", [months[-1]])["skolenhetskod"]
    assert len(small)
    rows = every[every["id"].isin(set(small))]
    assert rows["franvaro_nu"].isna().all() and (rows["forandring_marker"] == "..").all()
    assert not is_disclosive(every, ["franvaro_nu", "franvaro_fore", "forandring", "elever_nu", "elever_fore"])
    v = absence.early_warning(demo, queries.Selection(), "sv", min_n=1)  # even when asked for tiny schools
    assert (pd.to_numeric(v.data["antal_elever"]) >= 10).all()


def test_early_warning_csv_has_the_counts(demo) -> None:
    v = absence.early_warning(demo, SEL_ALINGSAS, "sv")
    csv = exports.to_csv(v.table, note=[v.title]).decode("utf-8-sig")
    body = pd.read_csv(io.StringIO(csv), sep=";", skiprows=2, dtype=str, keep_default_na=False)
    assert body.columns[0] == "Skola"
    assert body.iloc[0]["Skola"] == v.data.iloc[0]["namn"]
    assert body.iloc[0]["Elever per månad apr.–juni 2025"] == fmt_number(v.data.iloc[0]["elever_nu"], 0)
