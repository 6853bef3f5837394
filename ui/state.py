# Streamlit-side state: the database snapshot for this rerun, the URL-bound sidebar filters, the
# language and its link, the view (charts or tables) and the session's own values (`Kept`). Pages
# call `db()`, `selection()`, `lang()`, `view()` and the link helpers (`link`, `url_choice`,
# `url_write`, `threshold_choice`) from here.
"""Per-rerun state shared by every page.

Why URL-bound filters: a coordinator copies the address to share exactly the view they see.
Values from the URL are validated; unknown or malformed ones fall back to defaults with a
notice rather than an exception (anyone can edit a link).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st

from pluginnan_core import db as core_db
from pluginnan_core import queries, urlstate
from pluginnan_core.i18n import DEFAULT_LANG, LANGS, t
from pluginnan_core.views import absence
from ui import cache, memory

GROUPS = urlstate.GROUPS
_LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}
_KEPT = "_pi"  # the session's own values outside widgets, one Session State entry (`Kept`)
_RUN = threading.local()  # this run's link, session values, language, database and selection (`begin_run`)


@dataclass
class Kept:
    """What the app keeps for a session outside its widgets, in one Session State entry.

    Why one entry: each select box and radio button copies the whole Session State on every rerun
    (Streamlit 1.67, `filtered_state`), so each entry costs every widget of every run; and each
    read through st.session_state costs a few µs where an attribute costs nothing.
    """

    url_read: bool = False  # the link's filters have been read into the widgets (`_init_from_url`)
    notices: list[str] = field(default_factory=list)  # the link's values replaced by defaults, not yet shown
    language: str = DEFAULT_LANG  # set by a link's valid `lang=` (`lang`)
    years: tuple[str | None, str | None] = (None, None)  # the year range, from the link, then the slider
    pages: tuple[str, list] | None = None  # (language, the menu's pages) (app.py)


def begin_run() -> dict[str, str]:
    """Read the link's parameters and the session's kept values once for this run; app.py calls
    it first thing in every run and returns the link's parameters.

    Why: every `in` or `.get` on st.query_params or st.session_state costs 5-7 µs (each locks the
    session's state), and the shell and a page asked 30-40 times per run; a dict or an attribute
    answers at once. Link writes go through `url_write`, which keeps the copy and the link equal.
    Each run reads afresh, so a link changed by a click, a callback or st.switch_page is seen.
    """
    _RUN.params = st.query_params.to_dict()
    kept = st.session_state.get(_KEPT)
    if not isinstance(kept, Kept):
        kept = st.session_state[_KEPT] = Kept()
    _RUN.kept = kept
    _RUN.lang = _RUN.database = _RUN.selection = _RUN.view = _RUN.page = _RUN.view_slot = None
    return _RUN.params


def link() -> dict[str, str]:
    """The link's parameters as this run read them (`begin_run`), with this run's writes."""
    params = getattr(_RUN, "params", None)
    return begin_run() if params is None else params


def kept() -> Kept:
    """The session's kept values (`Kept`), as this run found them."""
    value = getattr(_RUN, "kept", None)
    if value is None:
        begin_run()
        value = _RUN.kept
    return value


def db_path() -> Path:
    """$PLUGINNAN_DB, else `PLUGINNAN_DB` in .streamlit/secrets.toml, else data/pluginnan.duckdb."""
    if os.environ.get(core_db.ENV_DB):
        return Path(os.environ[core_db.ENV_DB])
    try:
        secret = st.secrets.get(core_db.ENV_DB)
    except Exception:  # no secrets.toml is the normal case
        secret = None
    return Path(secret) if secret else core_db.DEFAULT_DB


_HOLDERS: dict[str, core_db.DatabaseHolder] = {}
_HOLDERS_LOCK = threading.Lock()


def _holder(path: str) -> core_db.DatabaseHolder:
    """One holder per database path for the whole server (every session and rerun).

    Why a plain dict rather than st.cache_resource: this runs twice on every rerun, and
    cache_resource's key hashing (it inspects the function's signature each call) cost more
    than the rest of this function.
    """
    with _HOLDERS_LOCK:
        holder = _HOLDERS.get(path)
        if holder is None:
            holder = _HOLDERS[path] = core_db.DatabaseHolder(Path(path))
            memory.when_quiet(holder.release_memory)  # a quiet server drops DuckDB's copies of blocks
        return holder


def _ensure_demo(path: Path) -> None:
    """First start on a fresh clone: build the demo database so the app shows something."""
    if path.exists() or path != core_db.DEFAULT_DB:
        return
    from pluginnan_core import demo  # late: the generator (and scipy.stats) is needed on a first start only

    with st.spinner("Skapar demodatabasen (första starten, några sekunder) …"):
        demo.generate(path)


def _through_app() -> None:
    """Make sure every page runs inside app.py (filters, demo notice, link checks, admin gate).

    Why: until some run has called st.navigation, Streamlit (1.67) treats a `pages/` folder next
    to app.py as an old-style multipage app, and the first visitor after a server start who
    opened a deep link (e.g. /franvaro?kommun=1489) got that page file run on its own: no sidebar
    filters, no demo notice, no link validation, and /ladda_upp without the admin check in
    app.py. The pages now live in app_pages/, which Streamlit does not scan; this is the safety
    net if a `pages/` folder ever comes back (switch the mode off and rerun from app.py).
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a later Streamlit without the old mode
        return
    if getattr(PagesManager, "uses_pages_directory", None):
        PagesManager.uses_pages_directory = False
        st.rerun()


def db() -> core_db.Database:
    """This run's snapshot, the same for the sidebar and the page; a swapped-in file is picked up
    here, on the next run."""
    _through_app()
    database = getattr(_RUN, "database", None)
    if database is not None:
        return database
    path = db_path()
    try:
        _ensure_demo(path)
        database = _RUN.database = _holder(str(path)).current()
        return database
    except core_db.DatabaseError as exc:
        _database_problem(exc)
        st.stop()
        raise  # unreachable: st.stop() raises


#: Errors that mean the database file itself is damaged (caught around the whole run in app.py).
DAMAGED = (core_db.DatabaseError, duckdb.IOException)


def database_failed(exc: Exception) -> None:
    """A query failed because the file is damaged (e.g. cut off): say so and what to do, as on open."""
    if not isinstance(exc, core_db.DatabaseError):
        exc = core_db.DatabaseError("corrupt", db_path(), str(exc).splitlines()[0] if str(exc) else "")
    _database_problem(exc)


def _database_problem(exc: core_db.DatabaseError) -> None:
    from ui import components  # late: components is the rendering side, state only needs this here

    language = lang()
    components.chrome(language, filters=False)
    st.title(t("app_title", language))
    st.error(t(f"db_{exc.code}", language, path=str(exc.path)), icon=":material/error:")
    st.markdown(t("db_old_schema_what" if exc.code == "old_schema" else "db_what_to_do", language,
                  path=str(exc.path)))


def lang() -> str:
    """The page's language: a link's valid `lang=` sets it for the session, else the session's.

    Why from the link and not a widget: the switch is a link to the same page in the other
    language (`language_link`), one element instead of a radio button, whose widget state,
    callbacks and registration cost every rerun of every page (docs/performance.md). The
    language is kept in the session because Streamlit's page menu drops the link's parameters.
    Worked out once per run (app.py asks first, the page again).
    """
    value = getattr(_RUN, "lang", None)
    if value is not None:
        return value
    _through_app()
    session = kept()
    raw = link().get("lang")
    if raw in LANGS and raw != session.language:
        session.language = raw
        # A page link's parameters reach the script but not the browser's address bar (Streamlit
        # 1.67): written again, the address says the language (the default is then left out).
        st.query_params["lang"] = raw
        if session.url_read:  # not the session's first run: the browser holds values in the old language
            _relabel()
    _RUN.lang = session.language  # only ever set from LANGS
    return session.language


#: The link parameter of the page's view (`visa=diagram|tabell`) and where the session keeps it
#: (pluginnan_core.urlstate reads a shared link's value into `_visa`).
VIEW_PARAM = "visa"
_VIEW = "_visa"


def view() -> str:
    """The page's view, "diagram" or "tabell": a link's valid `visa=` sets it for the session.

    Why kept in the session: the view link (ui.components.view_switch) leads to the same page with
    `visa=`, but Streamlit's page menu drops the link's parameters, and the view should stay as
    chosen on the next page. Worked out once per run.
    """
    value = getattr(_RUN, "view", None)
    if value is not None:
        return value
    views = urlstate.VIEWS
    raw = link().get(VIEW_PARAM)
    if raw in views and raw != st.session_state.get(_VIEW, views[0]):
        st.session_state[_VIEW] = raw
        if raw != views[0]:  # as for `lang=`: a page link's parameters do not reach the address bar
            st.query_params[VIEW_PARAM] = raw
    value = _RUN.view = st.session_state.get(_VIEW, views[0])
    url_write(VIEW_PARAM, value, views[0])
    return value


def set_view_slot(slot: Any) -> None:
    """Keep the place where the page's view link goes (ui.components.view_switch)."""
    _RUN.view_slot = slot


def view_slot() -> Any:
    """The place `set_view_slot` kept in this run, or None on a page without a view link."""
    return _RUN.view_slot


def set_page(page: Any) -> None:
    """Remember the page st.navigation chose for this run (app.py), for links to it (`page`)."""
    _RUN.page = page


def page() -> Any:
    """This run's page (`set_page`), which the view link and the language link lead to."""
    return _RUN.page


#: Widgets whose options are shown in words of the page's language. Streamlit (1.67) keeps a radio
#: button's, select box's or pills' value in the browser as the label shown, so after a language
#: switch the browser's "Flickor" matched no English option: the gender filter showed nothing
#: chosen in English and fell back to "Alla" on the way back (and so did the measure pickers). On
#: the switch, each is handed its value again, which sends it to the browser with the new labels.
#: Widgets whose value is handed to them on every run anyway (the section tabs,
#: the förbund, Jämför's measure, Delprojekt's type and status filters) need no entry.
#: tests/pages/test_app_shell.py and test_ladda_upp.py check every page for a missing one.
RELABELLED = ("f_kon", "be_matt", "dp_matt", "dp_typmatt", "p_matt", "upload_kind")


def _relabel() -> None:
    """Hand every `RELABELLED` widget of the session its value again (read with the old labels)."""
    values = st.session_state
    for key in RELABELLED:
        if key in values:
            values[key] = values[key]


def language_link(language: str) -> None:
    """The sidebar's link to this page in the other language, with the link's other parameters.

    Labelled in the language it leads to ("English", "Svenska"), as public sites do; `lang=` is
    always given, so a switch back to Swedish, the default, is not read as "no choice". app.py
    draws it last in the run, under the filters, once the page has written its own parameters to
    the link (its section, measure, slide), so the link carries them all.
    """
    other = "en" if language == "sv" else "sv"
    st.sidebar.page_link(page(), label=_LANGUAGE_NAMES[other], icon=":material/translate:",
                         query_params={**link(), "lang": other})


def _init_from_url(database: core_db.Database) -> None:
    """Read the URL once per session into widget state; pluginnan_core.urlstate validates every value."""
    session = kept()
    if session.url_read:
        return
    session.url_read = True
    qp = st.query_params
    params = {key: qp.get_all(key) for key in urlstate.KEYS if key in link()}
    for key, values in params.items():
        if len(values) > 1:  # a doubled parameter is taken out here and written back once, as used
            url_write(key, None)
    table = cache.call(queries.kommun_table, database)
    parsed = urlstate.parse_url(params, table["kommun_kod"], table["forbund_id"].dropna(),
                                cache.call(queries.all_years, database))
    st.session_state.update(parsed.session_state())
    session.years = (parsed.fran, parsed.till)
    session.notices = list(parsed.notices)


@dataclass(frozen=True)
class _Lists:
    """The sidebar's option lists as plain Python values, built once per database file.

    Why: filtering the kommun frame and zipping names on every rerun cost more than the widgets.
    """

    names: dict[str, str]  # kommun_kod -> namn, every kommun (a linked one outside Plug Innan too)
    members: list[str]  # Plug Innan kommuner
    by_forbund: dict[str, list[str]]
    forbund_ids: list[str]  # "" (all) first
    short: dict[str, str]  # forbund_id -> kortnamn
    years: list[str]


def _lists(database: core_db.Database) -> _Lists:
    table = queries.kommun_table(database)
    forbund = queries.forbund_table(database)
    codes, namn, fb = table["kommun_kod"].tolist(), table["namn"].tolist(), table["forbund_id"].tolist()
    members = [k for k, f in zip(codes, fb, strict=True) if isinstance(f, str)]
    by_forbund: dict[str, list[str]] = {}
    for k, f in zip(codes, fb, strict=True):
        if isinstance(f, str):
            by_forbund.setdefault(f, []).append(k)
    return _Lists(names=dict(zip(codes, namn, strict=True)), members=members, by_forbund=by_forbund,
                  forbund_ids=["", *forbund["forbund_id"].tolist()],
                  short=dict(zip(forbund["forbund_id"].tolist(), forbund["kortnamn"].tolist(), strict=True)),
                  years=list(queries.all_years(database)))


def sidebar_filters(database: core_db.Database) -> queries.Selection:
    """Draw the sidebar filters, keep them in the URL, and return the selection."""
    _init_from_url(database)
    session = kept()
    language = lang()
    # the heading "Urval" and the link hint are drawn with the page's styles (ui.components.chrome)
    lists = cache.call(_lists, database)  # reference lists: cached per database file
    if st.session_state.get("f_forbund") not in lists.short:
        st.session_state["f_forbund"] = ""
    all_forbund = t("all_forbund", language)
    forbund = st.sidebar.selectbox(t("forbund", language), lists.forbund_ids, key="f_forbund",
                                   format_func=lambda x: lists.short.get(x, all_forbund))
    allowed = lists.by_forbund.get(forbund, []) if forbund else lists.members
    names = lists.names
    current = [k for k in st.session_state.get("f_kommuner", []) if k in names]
    extra = [k for k in current if k not in allowed]  # a linked kommun outside the förbund stays pickable
    st.session_state["f_kommuner"] = current
    # select_all=False here and on every page: Streamlit's bulk action is labelled in English only
    # ("Select all"), and with at most 12 kommuner it could not pick all 50 anyway
    kommuner = st.sidebar.multiselect(t("kommuner", language), allowed + extra if extra else allowed,
                                      key="f_kommuner", format_func=lambda k: names.get(k, k), max_selections=12,
                                      placeholder=t("kommun_placeholder", language), select_all=False)
    years = lists.years
    if years:
        first, last = session.years
        first = first if first in years else years[0]
        last = last if last in years else years[-1]
        first, last = (first, last) if first <= last else (last, first)
        # The range is passed as `value`, never written to st.session_state["f_years"]: a range
        # select_slider initialised through Session State loses its second value when moved
        # (Streamlit 1.67: mouse and keyboard), so the year filter could not be changed at all.
        current = st.session_state.get("f_years")
        if current is not None and not (isinstance(current, (tuple, list)) and len(current) == 2
                                        and all(y in years for y in current)):
            del st.session_state["f_years"]  # a stale value (e.g. years of a replaced database)
        lo, hi = st.sidebar.select_slider(t("years", language), options=years, value=(first, last), key="f_years")
    else:
        lo = hi = None
    grupp = st.sidebar.radio(t("gender", language), GROUPS, key="f_kon",
                             format_func=lambda g: t("grupp_alla_radio" if g == "alla" else f"grupp_{g}", language),
                             horizontal=True)
    session.years = (lo, hi)
    _write_url(language, forbund, kommuner, lo, hi, grupp, years)
    _RUN.selection = queries.Selection(forbund=(forbund,) if forbund else (), kommuner=tuple(kommuner),
                                       lasar_from=lo, lasar_to=hi, grupp=grupp, notices=tuple(session.notices))
    return _RUN.selection


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
        url_write(key, value)


def url_notice(param: str, raw: object, language: str) -> None:
    """Say that a value from the link was not understood and the default is shown instead."""
    text = str(raw)
    shown = text if len(text) <= 40 else text[:39] + "…"
    st.warning(t("url_fallback", language, items=f"{param}={shown}"), icon=":material/warning:")


def url_choice(param: str, options: list[str], default: str, key: str, language: str) -> None:
    """Seed a page's widget from the URL once; an unknown value falls back to the default with a notice.

    Later, when the options change under a kept value (other kommuner picked), it falls back
    silently: that is not a broken link.
    """
    if key in st.session_state:
        if st.session_state[key] not in options:
            st.session_state[key] = default
        return
    raw = link().get(param)
    if raw is not None and raw not in options:
        url_notice(param, raw, language)
    st.session_state[key] = raw if raw in options else default


def url_write(param: str, value: str | None, default: str | None = None) -> None:
    """Mirror a choice into the URL; the default (or nothing) is left out, so links stay short.
    Only a change is written, to the link and to this run's copy of it (`link`)."""
    params = link()
    if not value or value == default:
        if param in params:
            del st.query_params[param]
            del params[param]
    elif params.get(param) != value:
        st.query_params[param] = value
        params[param] = value


def threshold_choice(options: list[int], language: str, widget: Callable[..., Any] = st.radio,
                     **widget_args: Any) -> int | None:
    """The absence threshold picker shared by Frånvaro and Karta, bound to the URL as `grans=`.

    Read from the link once (an unknown value falls back with a notice), drawn with `widget`
    (a radio or a select box), written back with the default left out.
    """
    default, _ = absence.pick_threshold(None, options)
    if st.session_state.get("p_grans") not in options:
        raw = link().get("grans")
        value, ok = absence.pick_threshold(raw, options)
        if not ok:
            url_notice("grans", raw, language)
        st.session_state["p_grans"] = value
    if not options:
        return None
    value = widget(t("threshold_label", language), options, key="p_grans", format_func=lambda v: f"{v}\u00a0%",
                   help=t("threshold_help", language), **widget_args)
    url_write("grans", str(value), None if default is None else str(default))
    return value


def selection() -> queries.Selection:
    """The selection the sidebar produced in this run (`sidebar_filters`, before the page runs)."""
    value = getattr(_RUN, "selection", None)
    return queries.Selection() if value is None else value


def url_notices(language: str) -> None:
    """Show, once, which values from a tampered or outdated link were replaced by defaults."""
    session = kept()
    if session.notices:
        shown = ", ".join(urlstate.escape_markdown(item) for item in session.notices)
        st.warning(t("url_fallback", language, items=shown), icon=":material/warning:")
        session.notices = []


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
