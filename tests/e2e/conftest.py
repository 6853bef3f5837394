# Browser-test fixtures: one Streamlit server per test session on a free port with a demo
# database, and Playwright launching the system Chromium (Debian's `chromium`).
"""Shared fixtures for tests/e2e.

Why these choices: `playwright install` cannot download browsers here, so the system Chromium
is launched by path; if it is missing the tests FAIL (CI must not pass without a browser). A
Plotly page takes 5-8 s on 2 cores, so one server serves the whole session and waits are 30 s.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.browser import CHROMIUM_ARGS, chromium_path, free_port, start_server


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    """pytest-playwright: launch the system Chromium instead of a downloaded one."""
    return {"executable_path": chromium_path(), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def e2e_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pluginnan_core import demo

    path = tmp_path_factory.mktemp("e2e") / "demo.duckdb"
    demo.generate(path)
    return path


@pytest.fixture(scope="session")
def app_url(e2e_db: Path) -> Iterator[str]:
    """Base URL of one dashboard server for the whole session."""
    port = free_port()
    proc = start_server(e2e_db, port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


