# Plug Innan dashboard entry point: page navigation, the URL-bound sidebar filters, the demo
# notice and link notices shown on every page. Start with `bash scripts/start.sh`.
"""Streamlit entry point (`streamlit run app.py`)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from pluginnan_core.i18n import t
from ui import components, memory, state

ROOT = Path(__file__).parent

#: (file, title key, icon, shown?) in menu order; a page appears once its file exists.
PAGES = [
    ("app_pages/oversikt.py", "nav_oversikt", ":material/dashboard:"),
    ("app_pages/behorighet.py", "nav_behorighet", ":material/school:"),
    ("app_pages/franvaro.py", "nav_franvaro", ":material/event_busy:"),
    ("app_pages/karta.py", "nav_karta", ":material/map:"),
    ("app_pages/jamfor.py", "nav_jamfor", ":material/compare_arrows:"),
    ("app_pages/delprojekt.py", "nav_delprojekt", ":material/diversity_3:"),
    ("app_pages/presentation.py", "nav_presentation", ":material/slideshow:"),
    ("app_pages/ladda_upp.py", "nav_ladda_upp", ":material/upload_file:"),
    ("app_pages/data_och_metod.py", "nav_data", ":material/info:"),
    ("app_pages/tillganglighet.py", "nav_tillganglighet", ":material/accessibility:"),
]


#: The url_path reserved for the first (default) page, which is served at "/".
START = "start"


def _pages(language: str) -> list:
    """The menu's pages, built once per session and language (kept in the session: a rerun reuses them)."""
    session = state.kept()
    if session.pages and session.pages[0] == language:
        return session.pages[1]
    pages = [st.Page(str(ROOT / path), title=t(key, language), icon=icon,
                     url_path=START if i == 0 else Path(path).stem, default=(i == 0))
             for i, (path, key, icon) in enumerate(PAGES) if (ROOT / path).exists() and state.page_enabled(path)]
    first = pages[0]

    def to_first_page() -> None:
        st.switch_page(first, query_params=st.query_params.to_dict())

    # The first page is served at "/", but Streamlit still reserves its url_path and answers a
    # typed /oversikt with an English "Page not found" box; this hidden page takes that address
    # and goes to "/" with the link's filters kept.
    pages.append(st.Page(to_first_page, title=first.title, url_path=Path(PAGES[0][0]).stem, visibility="hidden"))
    session.pages = (language, pages)
    return pages


def main() -> None:
    state.begin_run()  # the link's parameters and the session's kept values, read once for the whole run
    memory.tune()  # once per server process: freed memory goes back to the system
    language = state.lang()  # from the link (the language link sets `lang=`), else the session's
    if state.kept().pages is None:
        # A session's first run sets the tab icon before the menu: Streamlit's front end otherwise
        # shows the opened page's menu icon (":material/...") as the tab icon until the page config
        # arrives, and fetches it from fonts.gstatic.com: a request to Google from every new visitor
        # (and a failed one offline). Once set, the front end keeps it for the session.
        st.set_page_config(page_icon=components.FAVICON)
    page = st.navigation(_pages(language), position="sidebar")  # ten pages: "top" overflows into an English "N more"
    state.set_page(page)  # the view link and the language link lead to it
    # Once per run, before anything is drawn: each page its own title (WCAG 2.4.2)
    st.set_page_config(page_title=f"{page.title} – {t('app_title', language)}", page_icon=components.FAVICON,
                       layout="wide", initial_sidebar_state="expanded")
    database = state.db()
    # <html lang> for screen readers (WCAG 3.1.1), A4 landscape print styles, and the filters' heading
    components.chrome(language)
    state.sidebar_filters(database)  # the page reads the selection with state.selection()
    components.demo_notice(database, language)
    state.url_notices(language)
    try:
        page.run()
    finally:  # also under a page that stops early (st.stop), as the upload page's login does
        # the links carry the link's parameters as the page left them (its section, measure, school)
        components.view_link(language)
        state.language_link(language)


try:
    main()
except state.DAMAGED as exc:  # a file cut off or damaged past its first pages fails mid-page, not on open
    state.database_failed(exc)
