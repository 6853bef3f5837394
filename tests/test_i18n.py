# Tests of the one number formatter and the texts: Swedish decimal comma and space thousands
# separator, markers shown as markers, signed changes, English fallbacks.
"""Formats and translations."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pluginnan_core.i18n import MEASURES, TEXTS, fmt_change, fmt_number, fmt_value, t


def test_swedish_and_english_numbers() -> None:
    assert fmt_number(84.25, 1) == "84,2" or fmt_number(84.25, 1) == "84,3"
    assert fmt_number(84.3) == "84,3"
    assert fmt_number(6474, 0) == "6\u00a0474"
    assert fmt_number(6474, 0, "en") == "6,474"
    assert fmt_value(84.3, "%") == "84,3\u00a0%"
    assert fmt_value(1299, "st") == "1\u00a0299"


def test_markers_win_over_values_and_missing_is_dot() -> None:
    assert fmt_number(None, marker="..") == ".."
    assert fmt_number(97.0, marker="~100") == "~100"
    assert fmt_number(float("nan")) == "."
    assert fmt_number(12.0, marker=float("nan")) == "12,0"  # a NaN marker is no marker


def test_changes_are_signed_with_unit_words() -> None:
    assert fmt_change(1.24, "%") == "+1,2 procentenheter"
    assert fmt_change(-0.4, "%", "en") == "\u22120.4 percentage points"


def test_a_change_that_rounds_to_zero_has_no_sign() -> None:
    """A tile showed '−0,0 poäng' with a red arrow for a fall of 0,04 (Behörighet, demo data)."""
    assert fmt_change(-0.04, "p") == "±0,0 poäng"
    assert fmt_change(0.049, "%", "en") == "±0.0 percentage points"
    assert fmt_change(-0.06, "p") == "\u22120,1 poäng"  # shown as a fall: it is one
    assert fmt_change(0.0, "%") == "±0,0 procentenheter"


def test_every_text_has_both_languages() -> None:
    for key, (sv, en) in TEXTS.items():
        assert sv and en, key
    for key, (sv, en, _unit) in MEASURES.items():
        assert sv and en, key
    assert t("nav_oversikt", "en") == "Overview"


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_formatted_numbers_parse_back(x: float) -> None:
    text = fmt_number(x, 1)
    back = float(text.replace("\u00a0", "").replace(",", ".").replace("\u2212", "-"))
    # babel rounds the decimal text half-to-even (2.45 -> 2,4), so allow exactly half a unit
    assert abs(back - x) <= 0.05 + 1e-9 * max(1.0, abs(x))
