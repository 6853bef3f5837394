# Cached calls into pluginnan_core for the pages and the sidebar (a result is kept per database
# file and the plain arguments), and replay of what a visual drew, so a rerun does not rebuild it.
"""A small caching layer between the pages and the core.

Why: a rerun happens on every click, and most clicks go back to a selection seen a moment ago
(flickor, then alla again). Recomputing queries, disclosure and figures each time made a rerun
cost about a second at national scale, and even with the data cached, handing Streamlit a
Plotly dict made it validate the whole figure again on every rerun.

- `call(fn, database, *args)` runs `fn(database, *args)` once per (function, database token,
  arguments). Results are kept in one process-wide LRU bounded in bytes (`BUDGET_MB`), shared by
  all sessions and **not copied**: treat them as read-only. The key is the token plus plain
  values, never a DataFrame or the Database object; a new file swapped in by an import has a
  new token, so nothing stale is shown and old entries age out.
- `replay(key, draw)` runs `draw()` once per key while Streamlit records its elements; later
  calls replay the recorded elements (Streamlit's cached element replay) without running it.
  `draw` must not create widgets, and `key` must name everything that decides what `draw` shows.
  A replayed element's message hash is worked out once per recording, not on every rerun
  (`_populate_hash`).
"""

from __future__ import annotations

import dataclasses
import pickle
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import cachetools
import pandas as pd
import streamlit as st
from streamlit.runtime.caching import CACHE_DATA_MESSAGE_REPLAY_CTX as _RECORDER
from streamlit.runtime.caching.cache_type import CacheType
from streamlit.runtime.caching.cached_message_replay import (
    CachedResult,
    ElementMsgData,
    replay_cached_messages,
)
from streamlit.runtime.scriptrunner_utils import script_run_context

from pluginnan_core import queries
from pluginnan_core.db import Database
from pluginnan_core.disclosure import min_pupils

T = TypeVar("T")

#: Bytes the shared results may hold. At national scale one entry is at most a few MB (a kommun's
#: school tables); the budget keeps the server's memory bounded however many selections are seen.
#: Why 16 and not the 64 it was: each new selection on the six pages with charts adds ~2 MB here,
#: and a simulated day (30 selections on each page, AppTest in one process, national) grew the
#: process by 133 MiB with 64 and by 39 MiB with 16 (docs/performance.md, change 42). What is
#: evicted is rebuilt from the protected tables below it (queries._PROTECTED) in milliseconds.
BUDGET_MB = 16
#: Bytes of recorded element messages kept for replay (a chart's JSON or a table's Arrow bytes each):
#: ~0.15 MB per selection on the six pages, rebuilt in milliseconds when evicted.
REPLAY_MB = 8

_MISS = object()
_lock = threading.Lock()


def _size(value: Any) -> int:
    """Approximate bytes held by a result (pickled size; frames by their own memory count)."""
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(deep=True).sum()) + 1
    try:
        return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) + 1
    except Exception:  # not picklable: count it as large rather than not at all
        return 1 << 20


_store: cachetools.LRUCache = cachetools.LRUCache(maxsize=BUDGET_MB << 20, getsizeof=_size)


def _plain(value: Any) -> Any:
    """A hashable, notice-free stand-in for an argument (the notices never change a result)."""
    if isinstance(value, queries.Selection):
        return dataclasses.replace(value, notices=()) if value.notices else value
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    return value


def key(fn: Callable[..., Any], database: Database, *args: Any, **kwargs: Any) -> tuple[Hashable, ...]:
    """The cache key of `fn(database, *args, **kwargs)`: function, database token, disclosure limit
    (it decides what is withheld) and plain arguments."""
    return (fn.__module__, fn.__qualname__, database.token, min_pupils(), tuple(_plain(a) for a in args),
            tuple(sorted((k, _plain(v)) for k, v in kwargs.items())))


def call(fn: Callable[..., T], database: Database, *args: Any, **kwargs: Any) -> T:
    """`fn(database, *args, **kwargs)`, computed once per database file and argument values.

    `fn` must be a module-level function of pluginnan_core whose result depends only on the
    database and the arguments (every query and view builder is).
    """
    return keyed(key(fn, database, *args, **kwargs), lambda: fn(database, *args, **kwargs))


def keyed(cache_key: Hashable, build: Callable[[], T]) -> T:
    """`build()`, computed once per `cache_key`, which must name everything the result depends on
    (the database token included). Two sessions missing the same key at once may both build it;
    the result is the same.
    """
    with _lock:
        value = _store.get(cache_key, _MISS)
    if value is _MISS:
        value = build()
        with _lock:
            try:
                _store[cache_key] = value
            except ValueError:  # larger than the whole budget: used once, not kept
                pass
    return value


def clear() -> None:
    """Forget every result and recorded drawing (tests; a new database file needs no clearing, its
    token differs)."""
    with _lock:
        _store.clear()
        _replays.clear()


def _message_bytes(result: CachedResult) -> int:
    """Bytes a recorded drawing holds (its element protobufs), for the replay budget."""
    return 1 + sum(m.message.ByteSize() for m in list.__iter__(result.messages) if isinstance(m, ElementMsgData))


_replays: cachetools.LRUCache = cachetools.LRUCache(maxsize=REPLAY_MB << 20, getsizeof=_message_bytes)


class _Recording(list):
    """A drawing's recorded messages, which remember each replayed element's message hash.

    Why: Streamlit gives every message it sends a hash of its serialised bytes (the browser keeps
    large messages by hash and is then sent a reference). A replayed chart is the same message on
    every rerun, yet was serialised and hashed again each time: ~0.5 ms of a Delprojekt rerun's
    ~5.5 ms for its two charts (48 and 19 kB), measured with AppTest (docs/performance.md, change 52).
    While Streamlit's replay walks the list, each step names the element about to be sent
    (`_HINT`), and `_populate_hash` answers that one message from `hashes`.
    """

    def __init__(self, messages: list) -> None:
        super().__init__(messages)
        #: (index in the recording, fragment id) -> (hash, cacheable), as Streamlit computed them
        self.hashes: dict[tuple[int, str], tuple[str, bool]] = {}

    def __iter__(self):  # noqa: ANN204 - a generator over the recorded messages
        try:
            for i, message in enumerate(list.__iter__(self)):
                _HINT.at = (self, i) if isinstance(message, ElementMsgData) else None
                yield message
        finally:
            _HINT.at = None


_HINT = threading.local()  # (recording, index) of the element the replay in this thread sends next
_streamlit_populate_hash = script_run_context.populate_hash_if_needed


def _populate_hash(msg: Any) -> None:
    """Streamlit's `populate_hash_if_needed`, answered from the recording for a replayed element.

    The message an element's replay sends is fixed by the recorded element and the fragment it is
    drawn in (Streamlit's `DeltaGenerator._enqueue` copies the recorded proto and its layout, and
    `enqueue_message` adds the fragment id), so its hash is too. The hint is used for the first
    new element after it is set, and only if that element is of the recorded kind; everything
    else is hashed by Streamlit as before.
    """
    at = getattr(_HINT, "at", None)
    if at is None or msg.hash or msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        _streamlit_populate_hash(msg)
        return
    _HINT.at = None
    recording, index = at
    if msg.delta.new_element.WhichOneof("type") != list.__getitem__(recording, index).delta_type:
        _streamlit_populate_hash(msg)
        return
    slot = (index, msg.delta.fragment_id)
    known = recording.hashes.get(slot)
    if known is None:
        _streamlit_populate_hash(msg)
        recording.hashes[slot] = (msg.hash, msg.metadata.cacheable)
    else:
        msg.hash, msg.metadata.cacheable = known


# The one place Streamlit (1.67, pinned) hashes a message on its way out; ScriptRunContext.enqueue
# looks the name up in its module on each call.
script_run_context.populate_hash_if_needed = _populate_hash


def replay(replay_key: Hashable, draw: Callable[[], None]) -> None:
    """Draw `draw()`'s elements, running it only the first time this key is seen in this process.

    Why: on a rerun Streamlit only needs the element messages; building them again from a Plotly
    dict (validation, serialisation) or a DataFrame (Arrow) was most of a cached rerun's time.
    Call it inside the container (tab, column) the elements belong in.

    How: Streamlit's own element recording and replay (the machinery behind `st.cache_data`,
    pinned with the Streamlit version in requirements.txt), with the recordings kept as they are
    in one LRU bounded in bytes. `st.cache_data` itself hashed the function's signature and
    unpickled every recorded chart on each hit: 28 % of a cached Frånvaro rerun (py-spy), 16 % after.
    """
    with _lock:
        result = _replays.get(replay_key)
    if result is not None:
        replay_cached_messages(result, CacheType.DATA, draw)
        return
    with _RECORDER.calling_cached_function(draw):
        draw()
    result = CachedResult(None, _Recording(_RECORDER._most_recent_messages), st._main._id, st.sidebar._id)
    with _lock:
        try:
            _replays[replay_key] = result
        except ValueError:  # larger than the whole budget: drawn each time
            pass
