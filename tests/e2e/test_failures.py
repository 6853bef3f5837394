# Database failures in the browser: one server whose file goes missing, empty, corrupt, cut off, old
# and is then swapped back, page by page; each time a page that says what is wrong, never a traceback.
"""What a user sees when the database file is not usable (see tests/test_trust_failures.py for AppTest)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import free_port, start_server
from tests.trust import a11y

SLOW_MS = 90_000


@pytest.fixture(scope="module")
def broken(e2e_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    path = tmp_path_factory.mktemp("failures") / "panel.duckdb"
    shutil.copyfile(e2e_db, path)
    port = free_port()
    proc = start_server(path, port)
    try:
        yield f"http://127.0.0.1:{port}", path
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def _show(page: Page, url: str) -> None:
    page.set_default_timeout(SLOW_MS)
    page.goto(url)
    page.wait_for_selector("h1", timeout=SLOW_MS)
    a11y.settle(page, SLOW_MS)


@pytest.mark.e2e
def test_each_broken_state_gives_a_clear_page_then_recovers(page: Page, broken, e2e_db: Path) -> None:
    base, path = broken
    raw = e2e_db.read_bytes()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def old_schema() -> None:  # built beside it and swapped in: the server holds the file (DuckDB's lock)
        tmp = path.with_suffix(".old")
        shutil.copyfile(e2e_db, tmp)
        con = duckdb.connect(str(tmp))
        con.execute("DELETE FROM meta WHERE key = 'schema_version'")
        con.close()
        tmp.replace(path)

    states = [
        ("missing", lambda: path.unlink(), "finns inte"),
        ("empty", lambda: path.write_bytes(b""), "är tom"),
        ("corrupt", lambda: path.write_bytes(b"inte en databas " * 400), "går inte att läsa"),
        ("cut off", lambda: path.write_bytes(raw[: len(raw) * 97 // 100]), "går inte att läsa"),
        ("old", old_schema, "äldre version"),
    ]
    for name, make, expected in states:
        make()
        for url in (base + "/", base + "/behorighet?kommun=1489"):
            _show(page, url)
            assert page.locator("[data-testid='stException']").count() == 0, (name, url)
            if name == "cut off" and "behorighet" in url:
                continue  # the blocks this page reads are intact (DuckDB checks them): it may show its data
            expect(page.get_by_text(expected, exact=False).first).to_be_visible()
            assert page.evaluate("document.documentElement.lang") == "sv"
    shutil.copyfile(e2e_db, path)  # an import puts a good file back: the next load shows the dashboard
    _show(page, base + "/")
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    assert not errors, errors
