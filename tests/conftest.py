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



def show_as(at, view: str):
    """Switch the page's Diagram / Tabell och nedladdning control (`diagram` or `tabell`) and rerun.

    Why: a visual draws its table and download buttons only when the page shows tables
    (ui.components.view_switch), so a test that reads them switches, as a user would.
    """
    from ui.components import VIEW_KEY

    assert any(b.key == VIEW_KEY for b in at.button_group), "no Diagram / Tabell switch on this page"
    at.button_group(key=VIEW_KEY).set_value(view)
    at.run()
    return at


def tables(at) -> list:
    """Every table on the page, shown as a user would (Tabell och nedladdning); the charts are shown again after."""
    show_as(at, "tabell")
    out = [d.value for d in at.dataframe]
    show_as(at, "diagram")
    return out


def open_section(at, page: str, code: str):
    """Open a page's section (ui.components.sections; `page` is its name there: dp, jf, fr) and rerun.

    Why through the kept code: AppTest cannot click a tab; the browser tests click the real one.
    """
    from ui.components import section_key

    at.session_state[section_key(page)] = code
    at.run()
    return at
