# Tests of the one disclosure function: primary suppression below 10 pupils, secondary
# suppression of complementary parts, and property tests over random frames.
"""Disclosure control."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pluginnan_core.disclosure import is_disclosive, min_pupils, protect, protect_groups


def test_values_below_ten_pupils_are_withheld_with_marker() -> None:
    df = pd.DataFrame({"antal_elever": [9, 10, None], "share": [50.0, 60.0, 70.0]})
    out = protect(df, ["share"])
    assert out["share"].isna().tolist() == [True, False, True]
    assert out["share_marker"].where(out["share_marker"].notna(), None).tolist() == ["..", None, ".."]
    assert out["antal_elever"].isna().tolist() == [True, False, True]
    assert not is_disclosive(out, ["share"])


def test_existing_markers_are_kept() -> None:
    df = pd.DataFrame({"antal_elever": [40], "share": [np.nan], "share_marker": ["~100"]})
    assert protect(df, ["share"])["share_marker"].tolist() == ["~100"]


def test_single_withheld_part_takes_the_smallest_other_part_with_it() -> None:
    schools = pd.DataFrame({"kommun": ["A"] * 3 + ["B"] * 2, "antal_elever": [5, 30, 12, 50, 60],
                            "share": [80.0, 85.0, 90.0, 70.0, 75.0]})
    out = protect(schools, ["share"], partition_by=["kommun"])
    assert out["share"].isna().tolist() == [True, False, True, False, False]


def test_gender_parts_are_protected_together() -> None:
    df = pd.DataFrame({"id": ["X"] * 3, "lasar": ["2024/25"] * 3, "grupp": ["alla", "flickor", "pojkar"],
                       "antal_elever": [25, 8, 17], "share": [80.0, 75.0, 82.4]})
    out = protect_groups(df, ["share"], keys=["id", "lasar"])
    assert out.set_index("grupp")["share"].isna().to_dict() == {"alla": False, "flickor": True, "pojkar": True}


def test_limit_can_be_raised_but_not_lowered(monkeypatch) -> None:
    monkeypatch.setenv("PLUGINNAN_MIN_PUPILS", "5")
    assert min_pupils() == 10
    monkeypatch.setenv("PLUGINNAN_MIN_PUPILS", "20")
    assert min_pupils() == 20


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 60), st.floats(0, 100)), min_size=1, max_size=30))
def test_no_shown_value_below_limit_and_no_single_withheld_part(rows) -> None:
    df = pd.DataFrame(rows, columns=["kommun", "antal_elever", "share"])
    out = protect(df, ["share"], partition_by=["kommun"])
    assert not is_disclosive(out, ["share"])
    for _, g in out.groupby(df["kommun"]):
        withheld = g["share"].isna().sum()
        assert withheld != 1 or len(g) == 1  # a lone withheld part could be recovered from the total
