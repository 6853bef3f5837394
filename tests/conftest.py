# Shared test fixtures: a demo database per session, the real published files from ../shared,
# and a cached Streamlit component scan so each AppTest starts quickly.
"""Root fixtures for the whole suite."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data with Skolverket's real files; FAIL (never skip) when it is missing."""
    if not (SHARED_DATA / "skolverket").is_dir():
        pytest.fail(f"{SHARED_DATA} saknas: testerna behöver Skolverkets riktiga filer i ../shared/data")
    return SHARED_DATA


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A region-scale demo database built once per session (read-only use only!)."""
    from pluginnan_core import demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    demo.generate(path)
    return path


@pytest.fixture(scope="session")
def demo(demo_db: Path):
    """A read-only snapshot of the session's demo database."""
    from pluginnan_core.db import Database

    snapshot = Database(demo_db)
    yield snapshot
    snapshot.close()


@pytest.fixture(scope="session", autouse=True)
def _cache_component_scan() -> None:
    """Each new AppTest scans installed packages for components (~130 ms); scan once."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:
        return
    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


@pytest.fixture
def app_test(demo_db: Path, monkeypatch: pytest.MonkeyPatch):
    """Factory for an AppTest of app.py on the demo database, optionally with URL params."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PLUGINNAN_DB", str(demo_db))

    def make(page: str | None = None, **query: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        if page:
            at.switch_page(page)
            at.run()
        return at

    return make



def open_tab(at, tab: str):
    """Open tab `tab` (an i18n key: tab_chart, tab_table, tab_download) of every visual and rerun.

    Why: a visual draws only its open tab (ui.components.visual), so a test that reads tables or
    download buttons switches those tabs, as a user would.
    """
    from pluginnan_core.i18n import t

    keys = [k for k in at.session_state.keys() if str(k).startswith("tabs_")]
    assert keys, "no visual on this page"
    language = "en" if any(x.label == t("tab_chart", "en") for x in at.tabs) else "sv"
    for k in keys:
        at.session_state[k] = t(tab, language)
    at.run()
    return at


def tables(at) -> list:
    """Every table on the page with each visual's Tabell tab open; the charts are shown again after."""
    open_tab(at, "tab_table")
    out = [d.value for d in at.dataframe]
    open_tab(at, "tab_chart")
    return out
