# Shared test fixtures: a demo database per session, the real published files from ../shared,
# and a cached Streamlit component scan so each AppTest starts quickly.
"""Root fixtures for the whole suite."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from html.parser import HTMLParser
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



def view_link(at) -> dict[str, str]:
    """The page's view link (ui.components.view_switch): its label and the parameters it carries."""
    from urllib.parse import parse_qsl

    links = at.main.get("page_link")
    assert len(links) == 1, "no view link (Diagram / Tabell) on this page"
    return {"label": links[0].proto.label, **dict(parse_qsl(links[0].proto.query_string))}


def show_as(at, view: str):
    """Follow the page's view link to `view` (`diagram` or `tabell`), as a click does, and rerun.

    Why: a visual draws its table and download buttons only when the page shows tables
    (ui.components.view_switch), so a test that reads them switches, as a user would. AppTest
    cannot click a page link; a click runs the same page with the link's query string, so the
    test checks that the link carries the page's other parameters and then runs exactly that.
    """
    from ui.components import VIEW_KEY

    params = view_link(at)
    label = params.pop("label")
    if params[VIEW_KEY] != view:  # the page shows `view` already: its link leads to the other one
        assert at.query_params.get(VIEW_KEY, "diagram") == view, label
        return at
    assert {k: v for k, v in params.items() if k != VIEW_KEY} == \
        {k: v for k, v in at.query_params.items() if k != VIEW_KEY}, "the view link drops the link's parameters"
    at.query_params.clear()
    at.query_params.update(params)
    at.run()
    return at


def tables(at) -> list:
    """Every table on the page, shown as a user would (Tabell och nedladdning); the charts are shown again after."""
    show_as(at, "tabell")
    out = [d.value for d in at.dataframe]
    show_as(at, "diagram")
    return out


@dataclass(frozen=True)
class ShownTile:
    """One KPI tile as a user reads it: label, value, change (with its colour class) and help."""

    label: str
    value: str
    delta: str
    help: str
    look: str  # pi-good, pi-bad, pi-flat or "" (no change shown)


class _TileParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[ShownTile] = []
        self._part: str | None = None
        self._texts: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        cls = dict(attrs).get("class") or ""
        if cls == "pi-tile":
            self._texts = {"label": "", "value": "", "delta": "", "help": "", "look": ""}
        elif cls.startswith("pi-tile-"):
            self._part = cls.split()[0].removeprefix("pi-tile-")
            if self._part == "delta":
                self._texts["look"] = cls.split()[1]
        elif cls == "pi-help":
            self._texts["help"] = dict(attrs).get("data-help") or ""
            self._part = None  # the hidden copy of the help is not part of the label

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._part = None
        if tag == "div" and self._texts and self._texts["value"]:
            self.found.append(ShownTile(**{k: v.strip() for k, v in self._texts.items()}))
            self._texts = {}

    def handle_data(self, data: str) -> None:
        if self._part in ("label", "value", "delta"):
            self._texts[self._part] += data


def tiles(at) -> list[ShownTile]:
    """The page's KPI tiles (ui.components.tiles: one Markdown element of HTML), in order."""
    out: list[ShownTile] = []
    for m in at.markdown:
        if 'class="pi-tiles"' in m.value:
            parser = _TileParser()
            parser.feed(m.value)
            out += parser.found
    return out


def switch_language(at, code: str):
    """Follow the sidebar's language link (ui.state.language_link) as a click does, and rerun.

    Why through the link's own parameters: AppTest cannot click a page link; a click runs the same
    page with the link's query string, so the test checks what the link carries (the language
    and the other parameters) and then runs exactly that. The browser tests click the real one.
    """
    from urllib.parse import parse_qsl

    (link,) = at.sidebar.get("page_link")
    params = dict(parse_qsl(link.proto.query_string))
    assert params["lang"] == code, f"the language link leads to {params['lang']!r}, not {code!r}"
    assert {k: v for k, v in params.items() if k != "lang"} == \
        {k: v for k, v in at.query_params.items() if k != "lang"}, "the language link drops the link's filters"
    at.query_params.clear()
    at.query_params.update(params)
    at.run()
    return at


def open_section(at, page: str, code: str):
    """Open a page's section (ui.components.sections; `page` is its name there: dp, jf, fr) and rerun.

    Why through the kept code: AppTest cannot click a tab; the browser tests click the real one.
    """
    from ui.components import section_key

    at.session_state[section_key(page)] = code
    at.run()
    return at
