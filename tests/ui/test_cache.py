# Tests of ui/cache.py: results computed once per database file and arguments, the byte budget,
# replayed elements that look the same as drawn ones without running the drawing again, and
# replayed messages that carry the hash Streamlit itself would give them.
"""ui.cache: what a rerun reuses, and that it never reuses something stale."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.scriptrunner_utils import script_run_context
from streamlit.testing.v1 import AppTest

from pluginnan_core import queries
from ui import cache


@dataclass
class FakeDb:
    token: str


CALLS: list[tuple] = []


def counted(db: FakeDb, sel: queries.Selection, n: int) -> pd.DataFrame:
    CALLS.append((db.token, sel, n))
    return pd.DataFrame({"x": range(n)})


def test_a_result_is_computed_once_per_file_and_arguments() -> None:
    cache.clear()
    CALLS.clear()
    a, b = FakeDb("file-1"), FakeDb("file-2")
    sel = queries.Selection(kommuner=("1440",), grupp="flickor")
    first = cache.call(counted, a, sel, 3)
    again = cache.call(counted, a, sel, 3)
    assert again is first and len(CALLS) == 1  # shared, not copied
    # the URL notices never change a figure, so they do not make a new entry
    cache.call(counted, a, queries.Selection(kommuner=("1440",), grupp="flickor", notices=("kon=x",)), 3)
    assert len(CALLS) == 1
    cache.call(counted, b, sel, 3)  # a new file (an import) has a new token: computed again
    cache.call(counted, a, queries.Selection(kommuner=("1441",), grupp="flickor"), 3)
    assert len(CALLS) == 3
    assert cache.key(counted, a, sel, 3) != cache.key(counted, b, sel, 3)


def test_the_byte_budget_evicts_old_entries_and_never_keeps_one_larger_than_it(monkeypatch) -> None:
    cache.clear()
    CALLS.clear()
    db = FakeDb("file-1")
    budget = cache._store.maxsize
    rows = budget // 8 // 3  # an int64 column: about a third of the budget per entry
    for n in (rows, rows + 1, rows + 2, rows + 3):
        cache.call(counted, db, queries.Selection(), n)
    assert cache._store.currsize <= budget
    cache.call(counted, db, queries.Selection(), rows)  # the oldest was evicted: computed again
    assert len(CALLS) == 5
    huge = budget // 8 + 10
    cache.call(counted, db, queries.Selection(), huge)
    cache.call(counted, db, queries.Selection(), huge)
    assert len(CALLS) == 7  # too large to keep: computed each time, and nothing else was pushed out for it


PAGE = """
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from ui import cache

st.session_state.setdefault("draws", 0)
label = st.radio("Vad", ["a", "b"], key="what")

def draw():
    st.session_state["draws"] += 1
    st.subheader(f"Rubrik {{label}}")
    st.dataframe({{"värde": [1, 2, 3]}})

with st.container(key="box"):
    cache.replay(("test-replay", label), draw)
st.caption("efter")
"""


def test_replayed_elements_are_shown_in_place_without_drawing_again(tmp_path: Path) -> None:
    script = tmp_path / "page.py"
    script.write_text(PAGE.format(root=str(Path(__file__).resolve().parents[2])), encoding="utf-8")
    at = AppTest.from_file(str(script)).run()
    assert not at.exception
    assert at.subheader[0].value == "Rubrik a" and at.session_state["draws"] == 1
    at.run()
    assert at.session_state["draws"] == 1  # replayed: the drawing did not run again
    assert [s.value for s in at.subheader] == ["Rubrik a"] and len(at.dataframe) == 1
    assert at.caption[0].value == "efter"
    at.radio(key="what").set_value("b").run()  # another key: drawn for it
    assert at.session_state["draws"] == 2 and at.subheader[0].value == "Rubrik b"
    at.radio(key="what").set_value("a").run()
    assert at.session_state["draws"] == 2 and at.subheader[0].value == "Rubrik a"


CHARTS = """
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from ui import cache

def draw(label):
    st.markdown(f"**{{label}}**")
    st.plotly_chart({{"data": [{{"type": "bar", "x": list(range(3000)), "y": list(range(3000))}}],
                     "layout": {{"title": {{"text": label}}}}}}, key="chart_" + label)

st.radio("Vad", ["a", "b"], key="what")
cache.replay(("test-hash", "ute"), lambda: draw("ute"))

@st.fragment
def part():
    cache.replay(("test-hash", "inne"), lambda: draw("inne"))

part()
"""


def test_a_replayed_message_carries_the_hash_streamlit_gives_it(tmp_path: Path, monkeypatch) -> None:
    """The hash decides what the browser takes from its own cache: a wrong one would show another
    chart. Replayed messages (a large chart, its text; in the main area and in a fragment) must get
    exactly Streamlit's hash, and Streamlit's hashing must not run for them again."""
    sent: list = []
    enqueue = script_run_context.ScriptRunContext.enqueue

    def record(self, msg) -> None:
        enqueue(self, msg)
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            sent.append(type(msg).FromString(msg.SerializeToString()))

    hashed: list[str] = []
    streamlit_hash = cache._streamlit_populate_hash

    def counted_hash(msg) -> None:
        hashed.append(msg.delta.new_element.WhichOneof("type") if msg.WhichOneof("type") == "delta" else "")
        streamlit_hash(msg)

    monkeypatch.setattr(script_run_context.ScriptRunContext, "enqueue", record)
    monkeypatch.setattr(cache, "_streamlit_populate_hash", counted_hash)
    cache.clear()
    script = tmp_path / "charts.py"
    script.write_text(CHARTS.format(root=str(Path(__file__).resolve().parents[2])), encoding="utf-8")
    at = AppTest.from_file(str(script)).run()
    assert not at.exception and len(at.get("plotly_chart")) == 2
    assert hashed.count("plotly_chart") == 2  # drawn: Streamlit hashes them
    for value in ("b", "a", "b"):
        at.radio(key="what").set_value(value).run()
    assert len(at.get("plotly_chart")) == 2 and at.markdown[1].value == "**inne**"
    assert hashed.count("plotly_chart") == 4  # replayed: hashed once more per recording, then remembered
    charts = [m for m in sent if m.delta.new_element.WhichOneof("type") == "plotly_chart"]
    assert len(charts) == 8 and len({m.hash for m in charts}) == 2
    assert len({m.delta.fragment_id for m in charts}) == 2  # one in a fragment, one not
    for msg in sent:
        own = type(msg).FromString(msg.SerializeToString())
        own.hash = ""
        own.metadata.cacheable = False
        streamlit_hash(own)
        assert (msg.hash, msg.metadata.cacheable) == (own.hash, own.metadata.cacheable)
    assert any(m.metadata.cacheable for m in charts)  # large enough to be kept by the browser


@pytest.mark.parametrize("kind", ["markdown", "plotly_chart"])
def test_a_hint_is_used_only_for_the_element_it_names(kind: str) -> None:
    """A message that is not the recorded element (another kind, or one sent after it) is hashed
    by Streamlit, so a stray hint can never give a message another message's hash."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    recording = cache._Recording([cache.ElementMsgData("markdown", None, "a", "b")])
    recording.hashes[(0, "")] = ("not-this-one", True)
    for _ in recording:
        msg = ForwardMsg()
        getattr(msg.delta.new_element, kind).SetInParent()
        cache._populate_hash(msg)
        assert (msg.hash == "not-this-one") is (kind == "markdown")
        second = ForwardMsg()
        second.delta.new_element.markdown.body = "x"
        cache._populate_hash(second)
        assert second.hash not in ("", "not-this-one")
