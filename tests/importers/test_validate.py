# Tests for pluginnan_core/importers/validate.py's line splitting: only CR and LF end a line, so a
# cell holding NEL or a Unicode line separator keeps its row whole.
"""validate.split_lines."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pluginnan_core.importers import validate as v

#: Cell text without CR or LF, but with the characters str.splitlines() also splits at.
CELLS = st.text(alphabet=st.sampled_from(list("ab;1 å") + ["\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c"]),
                max_size=8)


@given(st.lists(CELLS, min_size=1, max_size=6), st.sampled_from(["\r\n", "\n", "\r"]), st.booleans())
def test_lines_come_back_whole_whatever_they_hold(rows: list[str], end: str, final: bool) -> None:
    text = end.join(rows) + (end if final else "")
    got = v.split_lines(text)
    expected = [r.replace("\x85", " ").replace("\u2028", " ").replace("\u2029", " ") for r in rows]
    if not final and rows[-1] == "":  # a file ending in a line break has no empty last line
        expected = expected[:-1]
    assert got == expected


def test_like_splitlines_for_ordinary_text() -> None:
    for text in ["", "a", "a\n", "a\r\nb\r\n", "a\n\nb", "\n", "a\rb"]:
        assert v.split_lines(text) == text.splitlines()
