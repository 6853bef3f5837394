# Concurrent use: N browser sessions (contexts of one system Chromium) keep loading the Behörighet
# page with changing filters while an import swaps the database file under them. Every page must
# show either the old or the new figures (never one of each), the new ones from the first page
# load that starts after the swap, and nothing may fail.
"""`python benchmarks/concurrency.py [--sessions 20] [--loads 3]`.

Why this shape: DuckDB lets one process write a file only when nobody else holds it, and the
dashboard holds it all day, so an import writes a copy and swaps it in with os.replace
(pluginnan_core.db.writing); each page load asks DatabaseHolder for the current snapshot. This
script checks the promise from the outside: two figures that change in the same import (the
watched kommun's eligibility and meritvärde tiles) must never disagree on one page, and a load
that starts after the swap must show the new ones. It prints what it saw and exits 1 on any
error, mix or stale load. tests/e2e/test_concurrency.py runs a 4-session version in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KOMMUN = "1489"  # Alingsås: every session watches it
HEADER = ("kommun_kod;lasar;grupp;huvudman;antal_elever;behorig_yrk;behorig_es;behorig_ehs;behorig_nt;alla_amnen;"
          "meritvarde")
TIMEOUT_MS = 300_000  # 20 sessions share two cores: a Behörighet rerun may wait its turn for minutes


@dataclass
class Figures:
    """The two watched figures as the page prints them (Swedish and English spelling)."""

    yrk: dict[str, str]
    merit: dict[str, str]


@dataclass
class Seen:
    session: int
    started: float
    url: str
    state: str  # old | new | mixed | missing | error
    detail: str = ""


@dataclass
class Result:
    sessions: int
    loads: list[Seen] = field(default_factory=list)
    swap_started: float | None = None
    swap_done: float | None = None
    import_error: str = ""

    def count(self, state: str) -> int:
        return sum(s.state == state for s in self.loads)

    @property
    def stale(self) -> list[Seen]:
        """Loads that started after the swap was complete but still showed the old figures."""
        return [s for s in self.loads if self.swap_done and s.started > self.swap_done and s.state == "old"]

    @property
    def ok(self) -> bool:
        return (not self.import_error and self.count("error") == 0 and self.count("mixed") == 0
                and self.count("missing") == 0 and not self.stale and self.count("new") > 0 and self.count("old") > 0)

    def report(self) -> str:
        after = [s for s in self.loads if self.swap_done and s.started > self.swap_done]
        lines = [
            f"Samtidiga sessioner: {self.sessions} (en Chromium, {self.sessions} kontexter)",
            f"Sidladdningar: {len(self.loads)} – gamla siffror {self.count('old')}, nya {self.count('new')}, "
            f"blandade {self.count('mixed')}, saknas {self.count('missing')}, fel {self.count('error')}",
            f"Bytet av databasfilen: {self._swap_text()}",
            f"Laddningar som började efter bytet: {len(after)}, varav med gamla siffror: {len(self.stale)}",
        ]
        if self.import_error:
            lines.append(f"Inläsningen misslyckades: {self.import_error}")
        for s in [x for x in self.loads if x.state in ("mixed", "missing", "error")][:10]:
            lines.append(f"  session {s.session}: {s.state}: {s.detail[:200]}")
        for s in self.stale[:10]:
            lines.append(f"  session {s.session}: gamla siffror efter bytet ({s.url})")
        lines.append("Resultat: " + ("OK – varje sida visade antingen gamla eller nya siffror, de nya från första "
                                     "laddningen efter bytet, inga fel" if self.ok else "FEL"))
        return "\n".join(lines)

    def _swap_text(self) -> str:
        if self.swap_started is None or self.swap_done is None:
            return "gjordes inte"
        return f"tog {self.swap_done - self.swap_started:.1f} s (inläsning + atomiskt byte)"


def _spellings(value: float, unit: str) -> dict[str, str]:
    from pluginnan_core.i18n import fmt_value

    return {lang: fmt_value(value, unit, lang) for lang in ("sv", "en")}


def prepare(db_path: Path, workdir: Path) -> tuple[Path, Figures, Figures]:
    """A template file that changes the watched kommun's latest figures; (file, old, new)."""
    from pluginnan_core.db import Database

    db = Database(db_path)
    row = db.query(
        """SELECT * FROM eligibility_kommun WHERE kommun_kod = ? AND grupp = 'alla' AND huvudman = 'samtliga'
           AND population = 'skolkommun' ORDER BY lasar DESC LIMIT 1""", [KOMMUN]).iloc[0]
    db.close()
    old_yrk, old_merit = float(row["behorig_yrk"]), float(row["meritvarde"])
    new_yrk = round(old_yrk - 6.3 if old_yrk > 50 else old_yrk + 6.3, 1)
    new_merit = round(old_merit - 11.4 if old_merit > 120 else old_merit + 11.4, 1)

    def cell(col: str) -> str:
        v = row[col]
        if col == "behorig_yrk":
            v = new_yrk
        elif col == "meritvarde":
            v = new_merit
        return "." if v is None or v != v else str(v).replace(".", ",")

    values = [KOMMUN, row["lasar"], "alla", "samtliga", str(int(row["antal_elever"])),
              *(cell(c) for c in ("behorig_yrk", "behorig_es", "behorig_ehs", "behorig_nt", "alla_amnen", "meritvarde"))]
    path = workdir / "byte.csv"
    path.write_text(HEADER + "\n" + ";".join(values) + "\n", encoding="utf-8")
    return (path, Figures(_spellings(old_yrk, "%"), _spellings(old_merit, "p")),
            Figures(_spellings(new_yrk, "%"), _spellings(new_merit, "p")))


def classify(values: list[str], old: Figures, new: Figures, lang: str) -> tuple[str, str]:
    text = " | ".join(values)
    has = {name: (fig.yrk[lang] in values, fig.merit[lang] in values) for name, fig in (("old", old), ("new", new))}
    if all(has["old"]) and not any(has["new"]):
        return "old", text
    if all(has["new"]) and not any(has["old"]):
        return "new", text
    if any(has["old"]) and any(has["new"]):
        return "mixed", text
    return "missing", text


def urls(base: str, session: int, loads: int) -> list[tuple[str, str]]:
    """A changing filter per load: the years range and the language (the watched tiles stay the same)."""
    variants = [("", "sv"), ("&fran=2019%2F20", "sv"), ("&lang=en", "en"), ("&fran=2017%2F18&till=2024%2F25", "sv"),
                ("&lang=en&fran=2020%2F21", "en")]
    out = []
    for i in range(loads):
        extra, lang = variants[(session + i) % len(variants)]
        out.append((f"{base}/behorighet?kommun={KOMMUN}{extra}", lang))
    return out


async def _session(browser, base: str, index: int, loads: int, old: Figures, new: Figures, result: Result,
                   go_on: asyncio.Event) -> None:
    from tests.e2e.browser import SCRIPT_DONE_JS

    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await asyncio.sleep(0.5 * index)  # sessions arrive one after another, as people do
    try:
        for i, (url, lang) in enumerate(urls(base, index, loads)):
            if i == loads - 1:
                await go_on.wait()  # the last load waits until the swap is done
            started = time.perf_counter()
            errors.clear()
            try:
                await page.goto(url)
                await page.wait_for_selector("h1", timeout=TIMEOUT_MS)
                await page.wait_for_selector(".pi-tile-value", timeout=TIMEOUT_MS)
                await page.wait_for_function(SCRIPT_DONE_JS, timeout=TIMEOUT_MS)  # all tiles, not the first
                await page.wait_for_timeout(300)
                values = [v.strip() for v in await page.locator(".pi-tile-value").all_inner_texts()]
                failures = await page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").count()
                if failures or errors:
                    result.loads.append(Seen(index, started, url, "error", "; ".join(errors) or "felruta på sidan"))
                    continue
                state, detail = classify(values, old, new, lang)
                result.loads.append(Seen(index, started, url, state, detail))
            except Exception as exc:  # a timeout or a crashed page counts as an error
                result.loads.append(Seen(index, started, url, "error", f"{type(exc).__name__}: {exc}"))
    finally:
        await context.close()


async def _run(base: str, sessions: int, loads: int, db_path: Path, template: Path, old: Figures,
               new: Figures) -> Result:
    from playwright.async_api import async_playwright

    from pluginnan_core.importers import run_import
    from tests.e2e.browser import CHROMIUM_ARGS, chromium_path

    result = Result(sessions)
    go_on = asyncio.Event()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        tasks = [asyncio.create_task(_session(browser, base, i, loads, old, new, result, go_on))
                 for i in range(sessions)]
        # swap once every session has seen the old data at least once and more loads are under way
        while sum(1 for s in result.loads if s.state in ("old", "error", "missing")) < sessions:
            if all(t.done() for t in tasks):
                break
            await asyncio.sleep(0.5)
        done = threading.Event()

        def swap() -> None:
            try:
                result.swap_started = time.perf_counter()
                run_import(db_path, "eligibility-kommun", [template])
            except Exception as exc:
                result.import_error = f"{type(exc).__name__}: {exc}"
            finally:
                result.swap_done = time.perf_counter()
                done.set()

        threading.Thread(target=swap, daemon=True).start()
        while not done.is_set():
            await asyncio.sleep(0.2)
        go_on.set()
        await asyncio.gather(*tasks)
        await browser.close()
    return result


def _in_own_loop(coro):
    """Run a coroutine in a fresh thread with its own event loop.

    Why: under pytest-playwright's sync fixtures an event loop already runs in this thread, and
    asyncio.run() refuses to start a second one there.
    """
    import threading

    box: dict = {}

    def target() -> None:
        try:
            box["result"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=target)
    worker.start()
    worker.join()
    if "error" in box:
        raise box["error"]
    return box["result"]


def run(sessions: int = 20, loads: int = 3, *, workdir: Path | None = None) -> Result:
    """Start a server on a demo database, run the sessions and the swap, stop the server."""
    from pluginnan_core import demo
    from tests.e2e.browser import free_port, start_server

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        tmpdir = Path(tmp)
        db_path = tmpdir / "samtidig.duckdb"
        demo.generate(db_path)
        template, old, new = prepare(db_path, tmpdir)
        port = free_port()
        proc = start_server(db_path, port)
        try:
            return _in_own_loop(_run(f"http://127.0.0.1:{port}", sessions, max(2, loads), db_path, template, old,
                                     new))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except Exception:
                proc.kill()
            shutil.rmtree(tmpdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--loads", type=int, default=3, help="page loads per session (the last one after the swap)")
    args = parser.parse_args()
    started = time.perf_counter()
    result = run(args.sessions, args.loads)
    print(result.report())
    print(f"Tid: {time.perf_counter() - started:.0f} s")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
