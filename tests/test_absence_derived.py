# The per-kommun absence table (absence_kommun_month, thresholds as antal_over_<t> columns): kommun,
# förbund and region figures read from it must equal, marker for marker, what SQL over every
# school's rows gives; every writer (import, demo, migration, plain db.writing) keeps it in step,
# an import rebuilding only the kommun months it touched; a version 2 file (thresholds as rows)
# migrates to the same figures.
"""queries.absence / selection_absence on the derived table against SQL over the school rows."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pluginnan_core import db, queries
from pluginnan_core.importers import run_import

_KEYS = {  # the old _absence_key: every level summed school rows (s = school)
    "kommun": ("s.kommun_kod", "any_value(k.namn)", "s.kommun_kod, k.forbund_id"),
    "forbund": ("k.forbund_id", "any_value(f.kortnamn)", "NULL AS kommun_kod, k.forbund_id"),
    "region": (f"'{queries.REGION_ID}'", "'Plug Innan-regionen'", "NULL AS kommun_kod, NULL AS forbund_id"),
}


def _old_absence(snap: db.Database, level: str, ids=None, *, period: str = "manad", years=None, grupp=None,
                 months=None) -> pd.DataFrame:
    """queries.absence above school level as it was before the derived tables (pivot of every school)."""
    key, name, extra = _KEYS[level]
    where, params = ["k.forbund_id IS NOT NULL" if level in ("forbund", "region") else "TRUE"], []
    if ids and level == "forbund":
        where.append(f"{key} IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(ids))
    if years:
        where.append("a.lasar IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(years))
    if months:
        where.append("a.manad IN (SELECT unnest(?::DATE[]))")
        params.append(list(months))
    ts = queries.thresholds(snap)
    over = ", ".join(f"sum(a.antal_over_{t}) AS over_{t}" for t in ts)
    shares = ", ".join(f"100.0 * over_{t} / nullif(pupil_months, 0) AS andel_over_{t}" for t in ts)
    n_months = "count(DISTINCT a.manad)" if period == "lasar" else "1"
    sql = f"""
        WITH agg AS (
            SELECT '{level}' AS niva, {key} AS id, {name} AS namn, {extra}, a.{period} AS period, a.grupp,
                   sum(a.antal_elever) AS pupil_months, {n_months} AS n_months,
                   sum(a.schemalagd_min) AS sched, sum(a.franvaro_min) AS fr,
                   sum(a.giltig_min) AS gi, sum(a.ogiltig_min) AS og{', ' + over if ts else ''}
            FROM absence_month a
            JOIN school s USING (skolenhetskod) JOIN kommun k ON k.kommun_kod = s.kommun_kod
            LEFT JOIN forbund f ON f.forbund_id = k.forbund_id
            WHERE {' AND '.join(where)}
            GROUP BY ALL
        )
        SELECT niva, id, namn, kommun_kod, forbund_id, period AS {period}, grupp,
               round(pupil_months / n_months)::INTEGER AS antal_elever,
               100.0 * fr / nullif(sched, 0) AS franvaro_pct, 100.0 * gi / nullif(sched, 0) AS giltig_pct,
               100.0 * og / nullif(sched, 0) AS ogiltig_pct{', ' + shares if ts else ''}
        FROM agg ORDER BY namn, {period}
    """
    values = [*queries.ABSENCE_MEASURES, *(f"andel_over_{t}" for t in ts)]
    df = queries._protect_levels(snap.query(sql, params), values, level, period)
    if ids and level == "kommun":
        df = df[df["id"].isin(list(ids))]
    if grupp:
        df = df[df["grupp"] == grupp]
    return df.reset_index(drop=True)


def _old_raw_selection(snap: db.Database, kommuner, years, shown) -> pd.DataFrame:
    """queries._raw_absence_selection summed from the school rows."""
    ts = queries.thresholds(snap)
    shares = ", ".join(f"100.0 * sum(a.antal_over_{t}) / nullif(sum(a.antal_elever), 0) AS andel_over_{t}"
                       for t in ts)
    return snap.query(
        f"""
        SELECT a.lasar, a.grupp, round(sum(a.antal_elever) / count(DISTINCT a.manad))::INTEGER AS antal_elever,
               count(DISTINCT s.kommun_kod)::INTEGER AS kommuner_med,
               100.0 * sum(a.franvaro_min) / nullif(sum(a.schemalagd_min), 0) AS franvaro_pct,
               100.0 * sum(a.giltig_min) / nullif(sum(a.schemalagd_min), 0) AS giltig_pct,
               100.0 * sum(a.ogiltig_min) / nullif(sum(a.schemalagd_min), 0) AS ogiltig_pct
               {', ' + shares if ts else ''}
        FROM absence_month a JOIN school s USING (skolenhetskod)
        WHERE s.kommun_kod IN (SELECT unnest(?::VARCHAR[])) AND a.lasar IN (SELECT unnest(?::VARCHAR[]))
          AND s.kommun_kod || '|' || a.lasar || '|' || a.grupp IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY ALL ORDER BY a.lasar
        """,
        [list(kommuner), list(years), list(shown)],
    )


def _same(new: pd.DataFrame, old: pd.DataFrame) -> None:
    """Equal rows, values and markers (the sums are of whole minutes and pupils: exact).

    Rows are compared in key order: both SQLs order by name and period only, not by group.
    """
    assert len(new) > 0
    keys = [c for c in ("id", "manad", "lasar", "grupp") if c in new.columns]
    pd.testing.assert_frame_equal(new.sort_values(keys).reset_index(drop=True),
                                  old.sort_values(keys).reset_index(drop=True), check_exact=True)


@pytest.fixture(scope="module")
def small(demo_db, tmp_path_factory) -> db.Database:
    """The region demo with a few small kommun groups, so that kommun figures get markers too."""
    path = tmp_path_factory.mktemp("small") / "small.duckdb"
    shutil.copyfile(demo_db, path)
    with db.writing(path) as con:
        con.execute("""UPDATE absence_month SET antal_elever = 2 WHERE grupp = 'flickor' AND manad < DATE '2021-01-01'
                       AND skolenhetskod IN (SELECT skolenhetskod FROM school WHERE kommun_kod IN ('1427', '1430'))""")
    snap = db.Database(path)
    yield snap
    snap.close()


@pytest.fixture(params=["demo", "small"])
def snap(request) -> db.Database:
    return request.getfixturevalue(request.param)


CASES = [
    ("kommun", None, {}), ("kommun", ["1480", "1440", "1427"], {}), ("kommun", None, {"grupp": "flickor"}),
    ("kommun", ["1489"], {"years": ["2022/23", "2023/24"]}),
    ("forbund", None, {}), ("forbund", ["GR", "SKARABORG"], {"grupp": "pojkar"}),
    ("forbund", None, {"years": ["2021/22"]}),
    ("region", None, {}), ("region", None, {"grupp": "alla", "years": ["2019/20", "2024/25"]}),
]


@pytest.mark.parametrize("period", ["manad", "lasar"])
@pytest.mark.parametrize(("level", "ids", "kw"), CASES)
def test_kommun_forbund_region_figures_equal_the_old_sql(snap, level, ids, kw, period) -> None:
    new = queries.absence(snap, level, ids, period=period, **kw)
    _same(new, _old_absence(snap, level, ids, period=period, **kw))


def test_the_comparison_includes_withheld_figures(small) -> None:
    df = queries.absence(small, "kommun", ["1427", "1430"], period="manad")
    assert (df["franvaro_pct_marker"] == "..").any() and (df["andel_over_15_marker"] == "..").any()
    _same(df, _old_absence(small, "kommun", ["1427", "1430"], period="manad"))


@pytest.mark.parametrize("level", ["kommun", "forbund", "region"])
def test_selected_months_equal_the_old_sql(snap, level) -> None:
    months = queries.absence_latest_months(snap, ["1480", "1489"], 4)
    _same(queries.absence(snap, level, months=months), _old_absence(snap, level, months=months))


@pytest.mark.parametrize("kommuner", [["1480", "1489"], ["1440", "1427", "1430", "1442"], ["1384", "1401"]])
def test_selection_per_lasar_equals_the_old_sql(snap, monkeypatch, kommuner) -> None:
    years = queries.absence_years(snap)
    new = queries.selection_absence(snap, kommuner, years)
    monkeypatch.setattr(queries, "_raw_absence_selection", _old_raw_selection)
    _same(new, queries.selection_absence(snap, kommuner, years))


def _old_selection_month(db: db.Database, kommuner: list[str], years: list[str] | None = None
                            ) -> pd.DataFrame:
    """Absence per month for a set of kommuner as one series, all groups, protected.

    Why a series of its own: the page's trend shows "the selection" (one kommun, several, or a
    whole förbund) as one line; one kommun gives that kommun's own figures (id = its code),
    several give the pupil-weighted total with id 'urval'. Columns as `absence(period='manad')`.
    """
    if len(kommuner) == 1:
        return queries.absence(db, "kommun", list(kommuner), period="manad", years=years)
    ts = queries.thresholds(db)
    shares = ", ".join(f"100.0 * sum(a.antal_over_{t}) / nullif(sum(a.antal_elever), 0) AS andel_over_{t}"
                       for t in ts)
    where, params = ["s.kommun_kod IN (SELECT unnest(?::VARCHAR[]))"], [list(kommuner) or ["-"]]
    if years:
        where.append("a.lasar IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(years))
    # only kommun months shown in the kommun views (see _shown_members)
    where.append("s.kommun_kod || '|' || strftime(a.manad, '%Y-%m-%d') || '|' || a.grupp IN (SELECT unnest(?::VARCHAR[]))")
    params.append(queries._shown_members(queries.absence(db, "kommun", None, period="manad", years=years), kommuner, "manad"))
    raw = db.query(
        f"""
        SELECT 'urval' AS id, a.manad, a.grupp, sum(a.antal_elever)::INTEGER AS antal_elever,
               100.0 * sum(a.franvaro_min) / nullif(sum(a.schemalagd_min), 0) AS franvaro_pct,
               100.0 * sum(a.giltig_min) / nullif(sum(a.schemalagd_min), 0) AS giltig_pct,
               100.0 * sum(a.ogiltig_min) / nullif(sum(a.schemalagd_min), 0) AS ogiltig_pct
               {', ' + shares if ts else ''}
        FROM absence_month a JOIN school s USING (skolenhetskod)
        WHERE {' AND '.join(where)}
        GROUP BY ALL ORDER BY a.manad
        """,
        params,
    )
    measures = [*queries.ABSENCE_MEASURES, *(f"andel_over_{t}" for t in ts)]
    return queries.protect_groups(raw, measures, keys=["id", "manad"]).reset_index(drop=True)


@pytest.mark.parametrize("kommuner", [["1480", "1489"], ["1440", "1427", "1430", "1442"], ["1384", "1401"]])
def test_selection_per_month_equals_the_old_sql(snap, kommuner) -> None:
    years = queries.absence_years(snap)
    _same(queries.absence_selection_month(snap, kommuner, years), _old_selection_month(snap, kommuner, years))
    _same(queries.absence_selection_month(snap, kommuner), _old_selection_month(snap, kommuner))


def _derived(path: Path) -> pd.DataFrame:
    snap = db.Database(path)
    try:
        return snap.query("SELECT * FROM absence_kommun_month ORDER BY ALL")
    finally:
        snap.close()


def _rebuilt(path: Path) -> pd.DataFrame:
    """What the derived table must hold, summed directly from the school rows."""
    snap = db.Database(path)
    try:
        over = "".join(f", sum(a.antal_over_{t})::BIGINT AS antal_over_{t}"
                       for t in db.stored_thresholds(snap._con, database="pluginnan"))
        return snap.query(f"""
            SELECT s.kommun_kod, a.manad, a.lasar, a.grupp, sum(a.antal_elever)::BIGINT AS antal_elever,
                   sum(a.schemalagd_min) AS schemalagd_min, sum(a.franvaro_min) AS franvaro_min,
                   sum(a.giltig_min) AS giltig_min, sum(a.ogiltig_min) AS ogiltig_min{over}
            FROM absence_month a JOIN school s USING (skolenhetskod) GROUP BY ALL ORDER BY ALL""")
    finally:
        snap.close()


def _in_step(path: Path) -> None:
    """The derived table equals the sums of the school rows (columns in the table's order)."""
    built = _derived(path)
    pd.testing.assert_frame_equal(built, _rebuilt(path)[list(built.columns)])


def _absence_csv(path: Path, rows: list[str], thresholds=(10, 50)) -> Path:
    path.write_text("skolenhetskod;skola;kommun_kod;huvudman;manad;grupp;antal_elever;schemalagd_min;"
                    "franvaro_min;giltig_min;ogiltig_min" + "".join(f";elever_minst_{t}" for t in thresholds)
                    + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_every_writer_keeps_the_derived_table_in_step(demo_db, tmp_path) -> None:
    path = tmp_path / "d.duckdb"
    shutil.copyfile(demo_db, path)
    month = _derived(path)
    assert len(month) and month["antal_over_15"].notna().all()  # demo.write built it
    # a plain write moves a school to another kommun: the sums follow the school
    with db.writing(path) as con:
        school = con.execute("SELECT skolenhetskod FROM school WHERE kommun_kod = '1489' "
                             "AND skolenhetskod IN (SELECT skolenhetskod FROM absence_month) LIMIT 1").fetchall()[0][0]
        con.execute("UPDATE school SET kommun_kod = '1440' WHERE skolenhetskod = ?", [school])
    after = _derived(path)
    assert not after.equals(month)
    _in_step(path)
    # an import replacing one school's month with two of the four thresholds: the others are kept
    before = db.Database(path)
    kept = before.scalar("SELECT antal_over_15 FROM absence_month WHERE skolenhetskod = ? AND manad = '2023-09-01' "
                         "AND grupp = 'alla'", [school])
    before.close()
    csv = _absence_csv(tmp_path / "franvaro.csv", [f"{school};Flyttskolan;1440;kommunal;2023-09;alla;120;700000;"
                                                   "70000;50000;20000;30;2"])
    run_import(path, "absence", [csv])
    _in_step(path)
    snap = db.Database(path)
    row = snap.query("SELECT * FROM absence_month WHERE skolenhetskod = ? AND manad = '2023-09-01' AND grupp = 'alla'",
                     [school])
    kommun = snap.query("SELECT * FROM absence_kommun_month WHERE kommun_kod = '1440' AND manad = '2023-09-01' "
                        "AND grupp = 'alla'")
    direct = snap.scalar("""SELECT sum(antal_over) FROM absence_threshold t JOIN school s USING (skolenhetskod)
                            WHERE s.kommun_kod = '1440' AND manad = '2023-09-01' AND grupp = 'alla'
                              AND troskel_pct = 50""")
    snap.close()
    assert (int(row["antal_over_10"].iloc[0]), int(row["antal_over_15"].iloc[0]),
            int(row["antal_over_50"].iloc[0])) == (30, kept, 2)
    assert int(kommun["antal_over_50"].iloc[0]) == direct


def test_an_import_rebuilds_only_what_it_touched_and_that_equals_a_full_rebuild(demo_db, tmp_path,
                                                                             monkeypatch) -> None:
    """A school moved by the file (both kommuner change), a new threshold column, untouched rows left as they are."""
    path = tmp_path / "d.duckdb"
    shutil.copyfile(demo_db, path)
    snap = db.Database(path)
    school, namn = snap.query("SELECT skolenhetskod, namn FROM school WHERE kommun_kod = '1489' AND skolenhetskod IN "
                              "(SELECT skolenhetskod FROM absence_month) LIMIT 1").iloc[0]
    other = snap.query("SELECT * FROM absence_kommun_month WHERE kommun_kod NOT IN ('1489', '1440') ORDER BY ALL")
    snap.close()
    scopes: list[str | None] = []
    refresh = db.refresh_derived

    def spy(con, scope=None):
        if scope is not None:
            scopes.append(con.execute(f"SELECT DISTINCT kommun_kod, manad FROM ({scope}) ORDER BY ALL").fetchall())
        else:
            scopes.append(None)
        refresh(con, scope)

    monkeypatch.setattr(db, "refresh_derived", spy)
    csv = _absence_csv(tmp_path / "franvaro.csv", [f"{school};{namn};1440;kommunal;2024-09;{g};60;300000;30000;"
                                                   "20000;10000;12;3;1" for g in ("alla", "flickor", "pojkar")],
                       thresholds=(10, 12, 50))
    run_import(path, "absence", [csv])
    # both kommuner of the moved school whole (the file's own kommun month is within that)
    assert scopes == [[("1440", dt.date(2024, 9, 1)), ("1440", None), ("1489", None)]]
    _in_step(path)
    snap = db.Database(path)
    try:
        untouched = snap.query("SELECT * EXCLUDE (antal_over_12) FROM absence_kommun_month "
                               "WHERE kommun_kod NOT IN ('1489', '1440') ORDER BY ALL")
        pd.testing.assert_frame_equal(untouched, other)
        assert 12 in queries.thresholds(snap)
        df = queries.absence(snap, "kommun", ["1440"], grupp="alla")
        assert df.loc[df["manad"] == pd.Timestamp("2024-09-01"), "andel_over_12"].notna().all()
        assert snap.scalar("SELECT count(*) FROM absence_threshold WHERE troskel_pct = 12") == 3
    finally:
        snap.close()
    # the same school again without a move: only its kommun month is rebuilt
    scopes.clear()
    run_import(path, "absence", [csv])
    assert scopes == [[("1440", dt.date(2024, 9, 1))]]
    _in_step(path)


def test_a_version_1_file_migrates_and_gets_the_derived_tables(demo_db, tmp_path) -> None:
    path = tmp_path / "v1.duckdb"
    shutil.copyfile(demo_db, path)
    con = duckdb.connect(str(path))
    expected = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").df() for t in db.DERIVED_TABLES}
    for table in db.DERIVED_TABLES:
        con.execute(f"DROP TABLE {table}")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(db.DatabaseError, match="old_schema"):
        db.Database(path)
    assert db.migrate(path) is True
    snap = db.Database(path)
    for table, frame in expected.items():
        pd.testing.assert_frame_equal(snap.query(f"SELECT * FROM {table} ORDER BY ALL"), frame)
    assert snap.meta["schema_version"] == str(db.SCHEMA_VERSION)
    snap.close()


def _as_version_2(path: Path, extra_threshold: bool = True) -> None:
    """Turn a current file into what schema version 2 wrote: thresholds as rows in two tables."""
    con = duckdb.connect(str(path))
    ts = db.stored_thresholds(con)
    con.execute("CREATE TABLE absence_threshold_rows AS SELECT * FROM absence_threshold")
    con.execute("DROP VIEW absence_threshold")
    con.execute("DROP VIEW absence_rates")  # it reads absence_month.*: recreated by the new schema
    con.execute("ALTER TABLE absence_threshold_rows RENAME TO absence_threshold")
    if extra_threshold:  # a threshold outside the schema's four, and a row without its month row
        con.execute("INSERT INTO absence_threshold SELECT skolenhetskod, manad, grupp, 12, antal_over "
                    "FROM absence_threshold WHERE troskel_pct = 15")
        con.execute("INSERT INTO absence_threshold SELECT skolenhetskod, DATE '2031-09-01', grupp, troskel_pct, "
                    "antal_over FROM absence_threshold LIMIT 10")
    con.execute("CREATE TABLE absence_kommun_threshold AS SELECT s.kommun_kod, t.manad, t.grupp, t.troskel_pct, "
                "sum(t.antal_over) AS antal_over FROM absence_threshold t JOIN school s USING (skolenhetskod) "
                "GROUP BY ALL")
    for t in ts:
        con.execute(f"ALTER TABLE absence_month DROP COLUMN antal_over_{t}")
        con.execute(f"ALTER TABLE absence_kommun_month DROP COLUMN antal_over_{t}")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()


def test_a_version_2_file_migrates_to_the_same_figures(demo_db, demo, tmp_path) -> None:
    path = tmp_path / "v2.duckdb"
    shutil.copyfile(demo_db, path)
    _as_version_2(path)
    old = duckdb.connect(str(path), read_only=True)
    rows = old.execute("SELECT count(*) FROM absence_month").fetchall()[0][0]
    counts = old.execute("SELECT troskel_pct, sum(antal_over) FROM absence_threshold t "
                         "SEMI JOIN absence_month a USING (skolenhetskod, manad, grupp) GROUP BY 1 ORDER BY 1").fetchall()
    old.close()
    with pytest.raises(db.DatabaseError, match="old_schema"):
        db.Database(path)
    assert db.migrate(path) is True
    snap = db.Database(path)
    try:
        assert snap.meta["schema_version"] == "3"
        assert snap.scalar("SELECT count(*) FROM absence_month") == rows
        assert snap.query("SELECT troskel_pct, sum(antal_over) FROM absence_threshold GROUP BY 1 ORDER BY 1"
                          ).values.tolist() == [list(c) for c in counts]
        assert queries.thresholds(snap) == [10, 12, 15, 20, 50]
        _in_step(path)
        schools = demo.query("SELECT skolenhetskod FROM school WHERE kommun_kod = '1480'")["skolenhetskod"].tolist()
        for level, ids in (("kommun", None), ("forbund", None), ("region", None), ("school", schools)):
            for period in ("manad", "lasar"):
                before = queries.absence(demo, level, ids, period=period)
                after = queries.absence(snap, level, ids, period=period)
                _same(after.drop(columns=["andel_over_12", "andel_over_12_marker"]), before)
                # the 12 % rows were copied from the 15 % ones above
                twelve = after.drop(columns=["andel_over_15", "andel_over_15_marker"]).rename(
                    columns={"andel_over_12": "andel_over_15", "andel_over_12_marker": "andel_over_15_marker"})
                _same(twelve[list(before.columns)], before)
    finally:
        snap.close()
