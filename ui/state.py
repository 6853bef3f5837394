# Streamlit-side state: the database snapshot for this rerun, the URL-bound sidebar filters and
# the language. Pages call `db()`, `selection()` and `lang()` and nothing else from here.
"""Per-rerun state shared by every page.

Why URL-bound filters: a coordinator copies the address to share exactly the view they see.
Values from the URL are validated; unknown or malformed ones fall back to defaults with a
notice rather than an exception (anyone can edit a link).
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from pluginnan_core import db as core_db
from pluginnan_core import demo, queries
from pluginnan_core.i18n import DEFAULT_LANG, LANGS, t

GROUPS = ("alla", "flickor", "pojkar")
_NOTICES = "_url_notices"


def db_path() -> Path:
    """$PLUGINNAN_DB, else `PLUGINNAN_DB` in .streamlit/secrets.toml, else data/pluginnan.duckdb."""
    if os.environ.get(core_db.ENV_DB):
        return Path(os.environ[core_db.ENV_DB])
    try:
        secret = st.secrets.get(core_db.ENV_DB)
    except Exception:  # no secrets.toml is the normal case
        secret = None
    return Path(secret) if secret else core_db.DEFAULT_DB


@st.cache_resource(show_spinner=False)
def _holder(path: str) -> core_db.DatabaseHolder:
    return core_db.DatabaseHolder(Path(path))


def _ensure_demo(path: Path) -> None:
    """First start on a fresh clone: build the demo database so the app shows something."""
    if path.exists() or path != core_db.DEFAULT_DB:
        return
    with st.spinner("Skapar demodatabasen (första starten, några sekunder) …"):
        demo.generate(path)


def db() -> core_db.Database:
    """This rerun's snapshot; a swapped-in file is picked up here, on the next page load."""
    path = db_path()
    try:
        _ensure_demo(path)
        return _holder(str(path)).current()
    except core_db.DatabaseError as exc:
        _database_problem(exc)
        st.stop()
        raise  # unreachable: st.stop() raises


def _database_problem(exc: core_db.DatabaseError) -> None:
    language = lang()
    st.title(t("app_title", language))
    st.error(t(f"db_{exc.code}", language, path=str(exc.path)))
    st.markdown(t("db_what_to_do", language, path=str(exc.path)))


def lang() -> str:
    value = st.session_state.get("f_lang")
    if value in LANGS:
        return value
    raw = st.query_params.get("lang", DEFAULT_LANG)
    return raw if raw in LANGS else DEFAULT_LANG


def _note(key: str, value: str) -> None:
    shown = value if len(value) <= 40 else value[:39] + "…"
    st.session_state.setdefault(_NOTICES, []).append(f"{key}={shown}")


def _init_from_url(database: core_db.Database) -> None:
    """Read the URL once per session into widget state, validating every value."""
    if st.session_state.get("_url_read"):
        return
    st.session_state["_url_read"] = True
    st.session_state[_NOTICES] = []
    qp = st.query_params
    if "lang" in qp:
        value = qp.get("lang")
        st.session_state["f_lang"] = value if value in LANGS else DEFAULT_LANG
        if value not in LANGS:
            _note("lang", value)
    table = queries.kommun_table(database)
    forbund = set(table["forbund_id"].dropna())
    if "forbund" in qp:
        value = qp.get("forbund")
        if value in forbund:
            st.session_state["f_forbund"] = value
        else:
            _note("forbund", value)
    if "kommun" in qp:
        wanted = [k for raw in qp.get_all("kommun") for k in raw.split(",") if k]
        known = set(table["kommun_kod"])
        ok = list(dict.fromkeys(k for k in wanted if k in known))[:12]
        for k in wanted:
            if k not in known:
                _note("kommun", k)
        if ok:
            st.session_state["f_kommuner"] = ok
    years = queries.all_years(database)
    for key, default in (("fran", years[0] if years else None), ("till", years[-1] if years else None)):
        if key in qp:
            value = qp.get(key)
            if value in years:
                st.session_state[f"f_{key}"] = value
            else:
                _note(key, value)
                st.session_state[f"f_{key}"] = default
    if "kon" in qp:
        value = qp.get("kon")
        if value in GROUPS:
            st.session_state["f_kon"] = value
        else:
            _note("kon", value)


def sidebar_filters(database: core_db.Database) -> queries.Selection:
    """Draw the sidebar filters, keep them in the URL, and return the selection."""
    _init_from_url(database)
    language = st.sidebar.radio(t("language", lang()), LANGS, key="f_lang", horizontal=True,
                                format_func=lambda x: {"sv": "Svenska", "en": "English"}[x])
    st.sidebar.header(t("filters", language))
    table = queries.kommun_table(database)
    forbund_ids = ["", *queries.forbund_table(database)["forbund_id"]]
    short = dict(zip(queries.forbund_table(database)["forbund_id"], queries.forbund_table(database)["kortnamn"],
                     strict=True))
    if st.session_state.get("f_forbund") not in forbund_ids:
        st.session_state["f_forbund"] = ""
    forbund = st.sidebar.selectbox(t("forbund", language), forbund_ids, key="f_forbund",
                                   format_func=lambda x: short.get(x, t("all_forbund", language)))
    options = table[table["forbund_id"] == forbund] if forbund else table[table["forbund_id"].notna()]
    names = dict(zip(table["kommun_kod"], table["namn"], strict=True))
    allowed = list(options["kommun_kod"])
    current = [k for k in st.session_state.get("f_kommuner", []) if k in names]
    extra = [k for k in current if k not in allowed]  # a linked kommun outside the förbund stays pickable
    st.session_state["f_kommuner"] = current
    kommuner = st.sidebar.multiselect(t("kommuner", language), allowed + extra, key="f_kommuner",
                                      format_func=lambda k: names.get(k, k), max_selections=12,
                                      placeholder=t("kommun_placeholder", language))
    years = queries.all_years(database)
    if years:
        first = st.session_state.get("f_fran", years[0])
        last = st.session_state.get("f_till", years[-1])
        first, last = (first, last) if first <= last else (last, first)
        st.session_state.setdefault("f_years", (first, last))
        if st.session_state["f_years"][0] not in years or st.session_state["f_years"][1] not in years:
            st.session_state["f_years"] = (years[0], years[-1])
        lo, hi = st.sidebar.select_slider(t("years", language), options=years, key="f_years")
    else:
        lo = hi = None
    grupp = st.sidebar.radio(t("gender", language), GROUPS, key="f_kon",
                             format_func=lambda g: t(f"grupp_{g}", language), horizontal=True)
    st.session_state["f_fran"], st.session_state["f_till"] = lo, hi
    _write_url(language, forbund, kommuner, lo, hi, grupp, years)
    st.sidebar.caption(t("copy_link", language))
    return queries.Selection(forbund=(forbund,) if forbund else (), kommuner=tuple(kommuner),
                             lasar_from=lo, lasar_to=hi, grupp=grupp,
                             notices=tuple(st.session_state.get(_NOTICES, [])))


def _write_url(language: str, forbund: str, kommuner: list[str], lo: str | None, hi: str | None,
               grupp: str, years: list[str]) -> None:
    """Mirror the filters into the URL, leaving defaults out so links stay short."""
    wanted = {
        "lang": language if language != DEFAULT_LANG else None,
        "forbund": forbund or None,
        "kommun": ",".join(kommuner) or None,
        "fran": lo if years and lo != years[0] else None,
        "till": hi if years and hi != years[-1] else None,
        "kon": grupp if grupp != "alla" else None,
    }
    for key, value in wanted.items():
        if value is None:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != value or len(st.query_params.get_all(key)) > 1:
            st.query_params[key] = value


def selection() -> queries.Selection:
    """The selection the sidebar produced in this rerun (set by app.py before the page runs)."""
    return st.session_state.get("_selection", queries.Selection())


def url_notices(language: str) -> None:
    """Show, once, which values from a tampered or outdated link were replaced by defaults."""
    items = st.session_state.get(_NOTICES)
    if items:
        st.warning(t("url_fallback", language, items=", ".join(items)), icon=":material/warning:")
        st.session_state[_NOTICES] = []


def page_enabled(path: str) -> bool:
    """The upload page exists only when an admin password is configured."""
    if not path.endswith("ladda_upp.py"):
        return True
    if os.environ.get("PLUGINNAN_ADMIN_PASSWORD"):
        return True
    try:
        return bool(st.secrets.get("PLUGINNAN_ADMIN_PASSWORD"))
    except Exception:
        return False
