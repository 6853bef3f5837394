# Regression tests for disclosure leaks found by the property audit, replayed with explicit
# selections so that they run the same way every time (tests/test_disclosure_property.py draws).
"""The 22 November leak: a withheld kommun figure recovered as the sum of its shown schools.

Route (small-school demo, seed 11, läsår 2024/25, eligibility): the kommun table withholds
Karlsborg's (1446) and Tidaholm's (1498) pojkar as the secondary parts of Skaraborg's pojkar,
but each has one school, and the school table showed those schools' pojkar (19 and 23 pupils).
So Skaraborg pojkar minus the eleven shown kommuner minus Karlsborg and Tidaholm gave
Gullspång's (1447) pojkar (10, withheld next to its small flickor), and Gullspång's alla (15)
minus that gave its flickor: 5 pupils. Fixed in the core: a partition whose total is withheld
keeps a part withheld (disclosure._secondary), and the levels are protected top-down so the school
table knows which kommun figures the kommun table withholds (queries._protect_levels).
"""

from __future__ import annotations

import pandas as pd
import pytest

from pluginnan_core import queries
from pluginnan_core.db import Database
from tests.trust import disclosure as audit_mod
from tests.trust.smalldb import VARIANTS, build_small
from tests.trust.views import Choice

MEASURES = [*queries.ELIGIBILITY_MEASURES, *queries.ABSENCE_MEASURES, "andel_over_15"]
YEAR = "2024/25"


@pytest.fixture(scope="module")
def seed11(tmp_path_factory: pytest.TempPathFactory) -> Database:
    seed, factor, dropped = VARIANTS[0]
    assert seed == 11
    return Database(build_small(tmp_path_factory.mktemp("small") / "small-11.duckdb", seed, factor, dropped))


def test_the_route_of_22_november_is_closed(seed11: Database) -> None:
    """The selections that gave Gullspång's flickor away: Skaraborg by pojkar, the two one-school
    kommuner by pojkar (their school tables), Gullspång itself. Nothing follows by subtraction."""
    audit = audit_mod.Audit(audit_mod.load_truth(seed11))
    selections = [
        (queries.Selection(forbund=("SKARABORG",), grupp="pojkar", lasar_from=YEAR, lasar_to=YEAR), None),
        (queries.Selection(kommuner=("1446",), grupp="pojkar", lasar_from=YEAR, lasar_to=YEAR), "1446"),
        (queries.Selection(kommuner=("1498",), grupp="pojkar", lasar_from=YEAR, lasar_to=YEAR), "1498"),
        (queries.Selection(kommuner=("1447",), lasar_from=YEAR, lasar_to=YEAR), "1447"),
    ]
    for sel, kommun in selections:
        problems, errors = audit_mod.audit_selection(seed11, audit, sel, Choice("alla_amnen", 15, kommun, YEAR),
                                                     MEASURES)
        assert not errors and not problems, (sel, errors, problems[:10])
    assert audit.shown.cells, "the views showed nothing"
    leaks = audit.shown.complementary_leaks(audit.truth)
    assert not leaks, "\n".join(leaks[:25])


def test_one_school_kommuner_follow_their_kommun_figure(seed11: Database) -> None:
    """The concrete cells: where the kommun table withholds Karlsborg's and Tidaholm's pojkar and
    flickor, their only school's pojkar and flickor are withheld too (alla stays shown)."""
    kommun = queries.eligibility(seed11, "kommun", ["1446", "1498"], [YEAR]).set_index(["id", "grupp"])
    schools = queries.school_eligibility(seed11, ["1446", "1498"], [YEAR]).set_index(["kommun_kod", "grupp"])
    for k in ("1446", "1498"):
        assert kommun.loc[(k, "pojkar"), "antal_elever_marker"] == ".."  # the premise of the route
        for g in ("flickor", "pojkar"):
            assert pd.isna(schools.loc[(k, g), "antal_elever"]), (k, g)
            assert pd.isna(schools.loc[(k, g), "alla_amnen"]), (k, g)
        assert schools.loc[(k, "alla"), "antal_elever"] == kommun.loc[(k, "alla"), "antal_elever"]


def _withheld(df: pd.DataFrame) -> pd.Series:
    return df["antal_elever"].isna()


@pytest.mark.parametrize("family", ["elig", "abs_lasar"])
def test_no_withheld_total_is_the_sum_of_shown_parts(seed11: Database, family: str) -> None:
    """The rule, everywhere at once: a total withheld in its own table (kommun, or alla) never has
    all its parts shown in theirs (schools of the kommun, kommuner of the förbund, flickor and
    pojkar), or it would follow by addition and open its partition to subtraction again."""
    if family == "elig":
        levels = {lv: queries.eligibility(seed11, lv) for lv in ("school", "kommun", "forbund")}
        period = "lasar"
    else:
        levels = {lv: queries.absence(seed11, lv, period="lasar") for lv in ("school", "kommun", "forbund")}
        period = "lasar"
    bad = []
    for parts_level, total_level, col in (("school", "kommun", "kommun_kod"), ("kommun", "forbund", "forbund_id")):
        parts, totals = levels[parts_level], levels[total_level]
        gone = totals[_withheld(totals)]
        for ident, p, g in zip(gone["id"], gone[period], gone["grupp"], strict=True):
            rows = parts[(parts[col] == ident) & (parts[period] == p) & (parts["grupp"] == g)]
            if len(rows) and not _withheld(rows).any():
                bad.append(f"{total_level} {ident} {p} {g}: alla delar visas")
    for level, df in levels.items():
        by = df.set_index(["id", period, "grupp"])["antal_elever"]
        for (ident, p, g), n in by.items():
            if g == "alla" and pd.isna(n) and (ident, p, "flickor") in by.index and (ident, p, "pojkar") in by.index:
                if pd.notna(by[(ident, p, "flickor")]) and pd.notna(by[(ident, p, "pojkar")]):
                    bad.append(f"{level} {ident} {p}: alla dold men flickor och pojkar visas")
    assert not bad, bad[:20]


def test_a_small_gender_rest_of_a_computed_total_is_not_open() -> None:
    """A förbund sums its kommuner with a count: a kommun whose flickor Skolverket withheld is in
    alla but not in flickor, so förbund alla − flickor − pojkar would show those pupils (here 5)."""
    df = pd.DataFrame({"niva": "forbund", "id": ["A"] * 3 + ["B"] * 3, "forbund_id": ["A"] * 3 + ["B"] * 3,
                       "lasar": YEAR, "grupp": ["alla", "flickor", "pojkar"] * 2, "kalla": "publicerad",
                       "antal_elever": pd.array([100, 45, 50, 100, 50, 50], dtype="Int32"), "v": 1.0})
    out = queries._protect_levels(df, ["v"], "forbund", "lasar", gender_rest=True)
    assert pd.isna(out["v_marker"].iloc[0])  # alla stays shown
    assert out["v_marker"].iloc[1:3].tolist() == ["..", ".."]
    assert out["v_marker"].iloc[3:].isna().all() and out["v"].iloc[0] == 1.0
