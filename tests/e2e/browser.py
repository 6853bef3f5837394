# Browser-test helpers: the system Chromium, a Streamlit server on a free port, offline routing
# and waiting for a page to finish. Fixtures using them live in tests/e2e/conftest.py.
"""Helpers for tests/e2e (importable as tests.e2e.browser)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 30_000

#: True once Streamlit has finished the page's script. Why the app's script state and not only the
#: absent status widget: that widget appears only after a short delay, so a load under way on a
#: busy machine can look finished with half its elements drawn (seen once in test_concurrency).
SCRIPT_DONE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stStatusWidget"]');
}"""


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium saknas: installera Debians paket `chromium` (apt-get install -y chromium). "
                    "Webbläsartesterna får inte hoppas över.")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_path: Path, port: int, env_extra: dict[str, str] | None = None) -> subprocess.Popen:
    env = {**os.environ, "PLUGINNAN_DB": str(db_path), **(env_extra or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"Streamlit-servern startade inte:\n{out}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    pytest.fail("Streamlit-servern svarade inte inom 60 s")


def block_internet(page) -> list[str]:
    """Abort every request that is not to this machine; returns the list of blocked URLs."""
    blocked: list[str] = []

    def handle(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", handle)
    return blocked


def open_page(page, url: str) -> None:
    """Go to a dashboard page and wait until its script has finished and a title shows."""
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.wait_for_selector("h1", timeout=TIMEOUT_MS)
    page.wait_for_function(SCRIPT_DONE_JS, timeout=TIMEOUT_MS)


def wait_drawn(page) -> None:
    """Wait until the script has finished and every Plotly chart on the page has drawn, and a
    moment more for Plotly.js's own resize pass.

    Why: a chart taken away while Plotly.js still draws or resizes it (a tab switched at once)
    makes Plotly.js throw a page error ("reading '_axisMatchGroups'"). Nothing shows on screen,
    but a test that counts page errors must not click into that race.
    """
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
            return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                .every(c => c.querySelector('.main-svg'));
        }""", timeout=TIMEOUT_MS)
    page.wait_for_timeout(300)
