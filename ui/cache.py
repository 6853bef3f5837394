# Cached calls into pluginnan_core for the pages and the sidebar: a result is kept per database
# file (its token) and the plain arguments, so a filter value seen before answers without SQL.
"""A small caching layer between the pages and the core.

Why: a rerun happens on every click, and most clicks go back to a selection seen a moment ago
(flickor, then alla again). Recomputing queries, disclosure and figures each time made a rerun
cost about a second at national scale. `call(fn, database, *args)` runs `fn(database, *args)`
once per (function, database token, arguments) and keeps the result in Streamlit's data cache,
shared by all sessions.

Rules: the key is `database.token` plus plain values (strings, numbers, tuples, a `Selection`
without its notices), never a DataFrame or the Database object itself; a new file swapped in by
an import has a new token, so nothing stale is ever shown. Results are pickled by st.cache_data,
so callers get their own copy and may change it.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from pluginnan_core import queries
from pluginnan_core.db import Database

T = TypeVar("T")

#: Enough for every page's visuals for a few dozen selections; at national scale one entry is at
#: most a few MB (the school tables), so this bounds the server's memory.
MAX_ENTRIES = 300
TTL_SECONDS = 3600


def _plain(value: Any) -> Any:
    """A hashable, notice-free stand-in for an argument (the notices never change a result)."""
    if isinstance(value, queries.Selection):
        return dataclasses.replace(value, notices=())
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    return value


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES, ttl=TTL_SECONDS)
def _cached(module: str, name: str, _database: Database, token: str, args: tuple, kwargs: tuple) -> Any:
    fn = importlib.import_module(module)
    for part in name.split("."):
        fn = getattr(fn, part)
    return fn(_database, *args, **dict(kwargs))


def call(fn: Callable[..., T], database: Database, *args: Any, **kwargs: Any) -> T:
    """`fn(database, *args, **kwargs)`, computed once per database file and argument values.

    `fn` must be a module-level function of pluginnan_core whose result depends only on the
    database and the arguments (every query and view builder is).
    """
    plain_args = tuple(_plain(a) for a in args)
    plain_kwargs = tuple(sorted((k, _plain(v)) for k, v in kwargs.items()))
    return _cached(fn.__module__, fn.__qualname__, database, database.token, plain_args, plain_kwargs)
