# Tests of the query layer on the demo database: every figure equals a direct SQL computation,
# the published/computed choice is right, and nothing below the disclosure limit leaves.
"""Queries against direct SQL."""

from __future__ import annotations

import numpy as np
import pytest

from pluginnan_core import queries
from pluginnan_core.disclosure import is_disclosive


def test_kommun_eligibility_equals_published_rows(demo) -> None:
    df = queries.eligibility(demo, "kommun", ["1489"], grupp="alla").set_index("lasar")
    sql = demo.query("""SELECT lasar, behorig_yrk, antal_elever FROM eligibility_kommun
                        WHERE kommun_kod = '1489' AND grupp = 'alla' AND huvudman = 'samtliga'""").set_index("lasar")
    assert np.allclose(df.loc[sql.index, "behorig_yrk"], sql["behorig_yrk"])
    assert (df["kalla"] == "publicerad").all()


def test_region_is_pupil_weighted_mean_of_kommuner(demo) -> None:
    df = queries.eligibility(demo, "region", grupp="alla").set_index("lasar")
    # '~100' (1-4 pupils lacking) enters as 100 * (n - 2.5) / n, as documented
    sql = demo.query("""WITH v AS (
                            SELECT lasar, antal_elever AS n,
                                   coalesce(behorig_yrk, CASE WHEN behorig_yrk_marker = '~100'
                                            THEN 100 * (antal_elever - 2.5) / antal_elever END) AS x
                            FROM eligibility_kommun_best b JOIN kommun k USING (kommun_kod)
                            WHERE grupp = 'alla' AND k.forbund_id IS NOT NULL)
                        SELECT lasar, sum(x * n) / sum(n) AS v FROM v WHERE x IS NOT NULL
                        GROUP BY lasar""").set_index("lasar")
    assert np.allclose(df.loc[sql.index, "behorig_yrk"], sql["v"])


def test_forbund_filter_returns_only_that_forbund(demo) -> None:
    df = queries.eligibility(demo, "forbund", ["SKARABORG"], grupp="alla")
    assert set(df["id"]) == {"SKARABORG"} and df["namn"].iloc[0] == "Skaraborg"


def test_school_rows_never_show_small_counts(demo) -> None:
    df = queries.eligibility(demo, "school", None)
    assert not is_disclosive(df, list(queries.ELIGIBILITY_MEASURES))
    assert (df["behorig_yrk_marker"] == "..").any()


def test_absence_month_equals_sql(demo) -> None:
    df = queries.absence(demo, "kommun", ["1480"], grupp="alla")
    sql = demo.query("""SELECT a.manad, 100 * sum(franvaro_min) / sum(schemalagd_min) AS r,
                               100 * sum(ogiltig_min) / sum(schemalagd_min) AS o
                        FROM absence_month a JOIN school s USING (skolenhetskod)
                        WHERE s.kommun_kod = '1480' AND a.grupp = 'alla' GROUP BY 1 ORDER BY 1""")
    assert len(df) == len(sql)
    assert np.allclose(df["franvaro_pct"], sql["r"]) and np.allclose(df["ogiltig_pct"], sql["o"])


def test_threshold_share_equals_sql(demo) -> None:
    df = queries.absence(demo, "region", period="lasar", grupp="alla").set_index("manad" if False else "lasar")
    sql = demo.query("""SELECT a.lasar, 100 * sum(t.antal_over) / sum(a.antal_elever) AS s
                        FROM absence_month a JOIN absence_threshold t USING (skolenhetskod, manad, grupp)
                        WHERE a.grupp = 'alla' AND t.troskel_pct = 15 GROUP BY 1""").set_index("lasar")
    assert np.allclose(df.loc[sql.index, "andel_over_15"], sql["s"])


def test_computed_kommun_figure_when_none_published(tmp_path) -> None:
    from pluginnan_core import db
    from pluginnan_core import demo as demo_mod

    data = demo_mod.build("region", 3)
    path = tmp_path / "d.duckdb"
    demo_mod.write(data, path, scale="region", seed=3)
    with db.writing(path) as con:
        con.execute("DELETE FROM eligibility_kommun WHERE kommun_kod = '1489'")
    snap = db.Database(path)
    df = queries.eligibility(snap, "kommun", ["1489"], grupp="alla").set_index("lasar")
    sql = snap.query("""WITH v AS (
                            SELECT lasar, antal_elever AS n,
                                   coalesce(behorig_yrk, CASE WHEN behorig_yrk_marker = '~100'
                                            THEN 100 * (antal_elever - 2.5) / antal_elever END) AS x
                            FROM eligibility_school e JOIN school s USING (skolenhetskod)
                            WHERE s.kommun_kod = '1489' AND grupp = 'alla')
                        SELECT lasar, sum(x * n) / sum(n) AS v, sum(n) AS n FROM v WHERE x IS NOT NULL
                        GROUP BY lasar""").set_index("lasar")
    assert (df["kalla"] == "beraknad").all()
    assert np.allclose(df.loc[sql.index, "behorig_yrk"], sql["v"])
    # schools shown as '..' have no count and are not in the computed kommun figure
    assert (df.loc[sql.index, "antal_elever"] >= sql["n"]).all()


@pytest.mark.parametrize("sel,expected", [
    (queries.Selection(), 50), (queries.Selection(forbund=("GR",)), 13),
    (queries.Selection(kommuner=("1440", "1489")), 2),
])
def test_resolve_kommuner(demo, sel, expected) -> None:
    assert len(queries.resolve_kommuner(demo, sel)) == expected


def test_subprojects_have_status_and_schools(demo) -> None:
    df = queries.subprojects(demo)
    assert set(df["status"]) <= {"planerat", "pagar", "avslutat"}
    assert (df["skolor"].map(len) >= 1).all()
    assert (df.loc[df["start_datum"] > np.datetime64("today"), "status"] == "planerat").all()


def test_user_input_travels_as_parameters(demo) -> None:
    evil = ["1440'; DROP TABLE school; --"]
    assert queries.eligibility(demo, "kommun", evil).empty
    assert demo.scalar("SELECT count(*) FROM school") > 0


@pytest.mark.parametrize("level", ["school", "kommun", "forbund", "region"])
def test_a_remembered_protected_frame_comes_back_as_computed(demo, level: str) -> None:
    """The protected-table cache keeps marker columns packed (queries._packed); a hit must give
    the same values, markers, missing cells and dtypes as the computation, and a copy."""
    import pandas as pd

    queries.clear_protected()
    for fetch in (lambda: queries.eligibility(demo, level), lambda: queries.absence(demo, level, period="lasar")):
        first = fetch()
        if level == "school":  # withheld cells ('..') and shown ones (missing marker) both go through the cache
            assert first.filter(like="_marker").isin([".."]).any().any()
        again = fetch()
        pd.testing.assert_frame_equal(again, first)
        again.iloc[:, 0] = None  # a caller may change its frame; the cache keeps its own
        pd.testing.assert_frame_equal(fetch(), first)


def _missing_markers_alike(df):
    """A shown cell's marker is None when computed and NaN when read back from the cache (both missing)."""
    return df.assign(**{c: df[c].astype(object).where(df[c].notna(), None) for c in df if c.endswith("_marker")})


def _fresh_school_cache(db) -> None:
    queries.clear_protected()
    queries._WARMING.pop(db.token, None)


def test_school_figures_are_the_same_before_and_after_the_warm_up(demo) -> None:
    """After warm_school_eligibility, picks are filtered from every member kommun's protected
    schools; each disclosure partition lies within one kommun and one year, so every selection
    must give exactly the rows it gave when protected on its own (withheld cells included)."""
    import pandas as pd

    _fresh_school_cache(demo)
    whole = queries.eligibility(demo, "school", None)
    hidden = whole.loc[whole["behorig_yrk_marker"] == "..", "kommun_kod"].value_counts().index.tolist()
    assert len(hidden) >= 3  # the comparison must include kommuner with withheld schools
    years = queries.eligibility_years(demo)
    members = queries._member_kommuner(demo)
    picks = [([hidden[0]], None, None), ([hidden[1]], years[-3:], None), ([hidden[2], members[0]], None, "flickor"),
             ([members[-1]], years[:2], "alla"), (hidden[:4], years[-1:], None)]
    _fresh_school_cache(demo)
    before = [queries.school_eligibility(demo, k, y, g) for k, y, g in picks]
    assert queries.eligibility(demo, "school", queries._school_ids(demo, members), None,
                               cached_only=True) is None  # so far each pick was protected on its own

    queries.warm_school_eligibility(demo).join()
    assert queries.warm_school_eligibility(demo) is None  # once per file
    assert queries.eligibility(demo, "school", queries._school_ids(demo, members), None, cached_only=True) is not None
    for (kommuner, years_, grupp), expected in zip(picks, before, strict=True):
        got = queries.school_eligibility(demo, kommuner, years_, grupp)
        pd.testing.assert_frame_equal(_missing_markers_alike(got), _missing_markers_alike(expected))
        assert set(got["kommun_kod"]) == set(kommuner)
    assert any((b.filter(like="_marker") == "..").any().any() for b in before)


def test_a_failed_warm_up_leaves_the_pages_computing_as_before(demo_db) -> None:
    """A warm-up on a snapshot that closed under it (a swapped file) fails quietly and can run again."""
    from pluginnan_core.db import Database

    closed = Database(demo_db)
    closed.close()
    _fresh_school_cache(closed)
    queries.warm_school_eligibility(closed).join()
    assert closed.token not in queries._WARMING


def test_a_process_ending_during_the_warm_up_exits_cleanly(demo_db) -> None:
    """A server stopped (or a test run ending) while the warm-up is inside DuckDB must exit with
    0: Python would end the daemon thread there with pthread_exit, and the unwinding through
    DuckDB's C++ aborted the process (exit code 134) in every try before the exit handler."""
    import subprocess
    import sys
    from pathlib import Path

    script = ("import sys; sys.path.insert(0, sys.argv[1]); from pluginnan_core import queries; "
              "from pluginnan_core.db import Database; queries.warm_school_eligibility(Database(sys.argv[2]))")
    root = str(Path(__file__).resolve().parents[1])
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", script, root, str(demo_db)], capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr[-500:]


def test_the_warmed_school_frame_stays_when_newer_frames_fill_the_budget(demo, monkeypatch) -> None:
    """Once pushed out, every pick would protect its kommuner alone again (and slower as the
    selection grows), so the warmed frame is pinned while everything else ages out as before."""
    _fresh_school_cache(demo)
    monkeypatch.setattr(queries, "PROTECTED_CACHE_BYTES", 1)  # every new frame pushes out the others
    queries.warm_school_eligibility(demo).join()
    members = queries._member_kommuner(demo)
    queries.eligibility(demo, "forbund")
    queries.absence(demo, "kommun", period="lasar")
    assert queries.eligibility(demo, "school", queries._school_ids(demo, members), None, cached_only=True) is not None
    assert queries.eligibility(demo, "forbund", cached_only=True) is None  # unpinned: gone as before
    queries.clear_protected()
