# Performance benchmark of the dashboard against floors measured in the same run: page reruns
# (AppTest) against a bare page, a 1M-row absence import against DuckDB's read_csv, Chromium load
# and filter-change times, server memory, and 20 concurrent websocket sessions against one.
"""`python benchmarks/run.py [--scale region|national] [--quick]`.

Why ratios: this machine's absolute speed varies with what else runs on it, so every target is
a ratio to a floor measured in the same run (a bare Streamlit page, DuckDB reading the same CSV,
one session alone). The command prints a table and writes benchmarks/out/results-<scale>.json;
it never fails a build (see docs/performance.md for the results and what was changed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))

from ui.memory import TRIM_AFTER_S  # noqa: E402 (needs ROOT on the path)

#: Seconds the server is left quiet before its memory is read: past its last malloc_trim.
# The trims' waits follow one another (ui/memory.trim_when_quiet): 1, 11 and 71 s after a run;
# DuckDB's copies of the file's blocks are released before each (since 23 November 09:00).
QUIET_S = sum(TRIM_AFTER_S) + 2  # past the last trim: an idle server
IN_USE_S = sum(TRIM_AFTER_S[:-1]) + 2  # past the trim before it: a server still in use
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BARE_PAGE = "import streamlit as st\nst.write('Hej')\n"
#: Not a target, a second floor: what Streamlit's elements of five visuals cost with no data work
#: at all (each: a two-point chart with its text, replayed, as in the default Diagram view).
FIVE_VISUALS = """import sys
sys.path.insert(0, {root!r})
import pandas as pd
from ui import components
TABLE = pd.DataFrame({{"Månad": ["aug", "sep"], "Värde": ["1,0", "2,0"]}})
FIGURE = {{"data": [{{"type": "scatter", "x": [1, 2], "y": [1, 2]}}], "layout": {{}}}}
for i in range(5):
    components.visual(f"v{{i}}", "Titel", FIGURE, TABLE, "Sammanfattning.", language="sv", source="Källa",
                      replay=("benchmark", i))
"""
IMPORT_ROWS = 1_000_000
#: Sections a page draws only when opened (ui.components.sections, `avsnitt=`), besides its first,
#: as the link that opens each: measured as pages of their own, since a user who opens one waits for
#: its reruns. Delprojekt's project is one with an estimate (the first in the list has none at
#: national scale), so its charts, measure picker and fact boxes are all drawn.
SECTIONS = {"app_pages/delprojekt.py": ("avsnitt=projekt&projekt=PI-003", "avsnitt=insatser"),
            "app_pages/jamfor.py": ("avsnitt=liknande",), "app_pages/franvaro.py": ("avsnitt=skolor",)}


def log(msg: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def p95(xs: list[float]) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]


# --------------------------------------------------------------------------- database

def ensure_db(scale: str) -> Path:
    """The demo database at `scale`, built once and reused (benchmarks/out/ is gitignored)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{scale}.duckdb"
    if not path.exists():
        log(f"bygger demodatabasen ({scale}) …")
        subprocess.run([sys.executable, "-m", "pluginnan_core", "demo", "--scale", scale, "--db", str(path)],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return path


def page_files() -> list[str]:
    """Page files from app.PAGES that exist (read from the source: importing app.py runs it)."""
    import ast

    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PAGES" for t in node.targets):
            paths = [elt.elts[0].value for elt in node.value.elts]  # type: ignore[attr-defined]
            return [p for p in paths if (ROOT / p).exists()]
    return sorted(str(p.relative_to(ROOT)) for d in ("pages", "app_pages") for p in (ROOT / d).glob("*.py"))


def plug_innan_kommuner(db_path: Path) -> list[str]:
    from pluginnan_core import db as core_db

    snap = core_db.Database(db_path)
    try:
        return snap.query("SELECT kommun_kod FROM kommun WHERE forbund_id IS NOT NULL ORDER BY 1")[
            "kommun_kod"].tolist()
    finally:
        snap.close()


# --------------------------------------------------------------------------- page reruns (AppTest)

def _timed_runs(at, n: int, change: Callable[[object, int], None], beside=None,
                beside_times: list[float] | None = None) -> list[float]:
    """`n` timed reruns of `at` after `change(at, i)`. With `beside` (the bare page's AppTest), each
    rerun is preceded by one timed bare rerun, appended to `beside_times`.

    Why interleaved: this machine's speed drifts with load over a run of several minutes, so a page
    is compared with bare reruns measured in the same seconds, not with ones from the start.
    """
    times = []
    for i in range(n):
        if beside is not None:
            t0 = time.perf_counter()
            beside.run()
            beside_times.append(time.perf_counter() - t0)
        change(at, i)
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        if at.exception:
            raise RuntimeError(f"{at.exception[0].value}")
    return times


SHELL = """# generated by benchmarks/run.py: app.py with {target!r} as its default page
import sys
sys.path.insert(0, {root!r})
import streamlit as st

_page = getattr(st, "_benchmark_page", st.Page)
st._benchmark_page = _page


def _as_default(page, *, default=False, url_path=None, **kw):
    is_file = isinstance(page, str) and page.endswith(".py")
    return _page(page, default=is_file and page.endswith("/" + {stem!r} + ".py"), url_path=url_path, **kw)


def _empty(page):  # the page app.py navigates to, doing nothing: the shell's own cost
    page.run = lambda: None  # this shell's own session's page object (app.py keeps them per session)
    return page


_navigation = getattr(st, "_benchmark_navigation", st.navigation)
st._benchmark_navigation = _navigation
if {stem!r} == "__empty__":
    st.navigation = lambda pages, **kw: _empty(_navigation(pages, **kw))
st.Page = _as_default
_code = getattr(st, "_benchmark_app_code", None)
if _code is None:  # compiled once, as the server's script cache does
    with open({app!r}, encoding="utf-8") as _f:
        _code = st._benchmark_app_code = compile(_f.read(), {app!r}, "exec")
try:
    exec(_code, {{"__name__": "__main__", "__file__": {app!r}}})
finally:
    st.Page = _page
    st.navigation = _navigation
"""


def shell_for(page: str) -> Path:
    """A main script that runs app.py with `page` as the default page.

    Why: AppTest.switch_page runs the page file alone, without app.py's sidebar filters, so a
    filter could not be changed and the shell's own cost would be missing from the rerun.
    """
    path = OUT / f"shell_{Path(page).stem}.py"
    path.write_text(SHELL.format(target=page, root=str(ROOT), stem=Path(page).stem, app=str(ROOT / "app.py")),
                    encoding="utf-8")
    return path


def _one_script_cache() -> None:
    """Give AppTest one script cache for all its runs, as the server has.

    Why: AppTest makes a new ScriptCache on every run (streamlit/testing/v1/app_test.py and
    local_script_runner.py), so it compiles the main script and the page file again each time;
    the server compiles each file once. The bare page gets the same treatment, so the ratio
    compares the scripts' own work.
    """
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


#: Rounds over all pages for the gender reruns (bench_pages): each page gets runs / rounds per round.
TOGGLE_ROUNDS = 4


def bench_pages(db_path: Path, runs: int) -> dict:
    """Median rerun per page after a filter change, against a bare one-line page."""
    from streamlit.testing.v1 import AppTest

    _one_script_cache()

    os.environ["PLUGINNAN_DB"] = str(db_path)
    os.environ.setdefault("PLUGINNAN_ADMIN_PASSWORD", "benchmark")  # the upload page exists only then
    kommuner = plug_innan_kommuner(db_path)

    def floor_app(name: str, source: str):
        """An AppTest of a script with no filters, after two warm-up runs."""
        path = OUT / f"floor_{name}.py"
        path.write_text(source, encoding="utf-8")
        at = AppTest.from_file(str(path), default_timeout=120)
        at.run()
        at.run()
        return at

    def nothing(at, i: int) -> None:
        pass

    bare_at = floor_app("bare", BARE_PAGE)
    bare = _timed_runs(bare_at, runs, nothing)
    log(f"bar sida: median {median(bare) * 1000:.1f} ms")
    five_bare: list[float] = []
    five = _timed_runs(floor_app("five_visuals", FIVE_VISUALS.format(root=str(ROOT))), runs, nothing, bare_at, five_bare)
    log(f"fem tomma visualer: median {median(five) * 1000:.1f} ms (bar sida bredvid {median(five_bare) * 1000:.1f})")

    def new_kommun(at, i: int) -> None:  # a kommun not picked before in this session: nothing cached
        at.multiselect(key="f_kommuner").set_value([kommuner[(i * 7 + 3) % len(kommuner)]])

    def toggle_gender(at, i: int) -> None:  # alternating values seen before: caches may answer
        at.radio(key="f_kon").set_value(("flickor", "alla")[i % 2])

    shell_at = AppTest.from_file(str(shell_for("__empty__.py")), default_timeout=300)
    shell_at.run()
    _timed_runs(shell_at, 2, toggle_gender)

    def first_and_new(at, name: str, first: float) -> None:
        """After the first run: the new-kommun reruns (each misses every cache), then back to all."""
        _timed_runs(at, 2, toggle_gender)  # warm-up
        bare_new: list[float] = []
        new = _timed_runs(at, max(runs // 2, 5), new_kommun, bare_at, bare_new)
        at.multiselect(key="f_kommuner").set_value([])
        at.run()
        pages[name] = {"first": first, "new_kommun": new, "bare_new": bare_new, "toggle_gender": [],
                       "bare_toggle": []}
        log(f"{name}: ny kommun {median(new) * 1000:.0f} ms")

    pages: dict[str, dict] = {}
    tests = {}  # name -> its AppTest, kept for the rounds below
    for path in page_files():
        at = AppTest.from_file(str(shell_for(path)), default_timeout=300)
        t0 = time.perf_counter()
        at.run()
        first = time.perf_counter() - t0
        if at.exception:
            log(f"{path}: undantag {at.exception[0].value}")
            pages[path] = {"error": str(at.exception[0].value)}
            continue
        first_and_new(at, path, first)
        tests[path] = at
        for query in SECTIONS.get(path, ()):  # the page's other sections, each opened by its link
            at = AppTest.from_file(str(shell_for(path)), default_timeout=300)
            at.query_params.update(urllib.parse.parse_qsl(query))
            t0 = time.perf_counter()
            at.run()
            first_and_new(at, f"{path}?{query}", time.perf_counter() - t0)
            tests[f"{path}?{query}"] = at

    # The gender reruns in rounds: each round gives every page (and the shell) a block of reruns
    # after two unmeasured ones. Why: this machine has slow and fast spells lasting tens of seconds
    # (a page's block medians in one process measured 2.3-3.6x the bare page, docs/performance.md);
    # measured all at once, a page's median was whichever spell it fell in. In rounds every row
    # sees the same mix. The unmeasured reruns bring each page's data back into the CPU's caches,
    # as for a user who keeps changing filters on one page.
    shell: list[float] = []
    shell_bare: list[float] = []
    per_round = max(runs // TOGGLE_ROUNDS, 1)
    for _ in range(TOGGLE_ROUNDS):
        _timed_runs(shell_at, 2, toggle_gender)
        shell += _timed_runs(shell_at, per_round, toggle_gender, bare_at, shell_bare)
        for name, at in tests.items():
            _timed_runs(at, 2, toggle_gender)
            pages[name]["toggle_gender"] += _timed_runs(at, per_round, toggle_gender, bare_at,
                                                        pages[name]["bare_toggle"])
    log(f"app.py med tom sida: median {median(shell) * 1000:.1f} ms")
    for name in tests:
        m = pages[name]
        log(f"{name}: kön fram och tillbaka {median(m['toggle_gender']) * 1000:.1f} ms"
            f" (bar sida bredvid {median(m['bare_toggle']) * 1000:.1f} ms)")
    return {"bare": bare, "five_visuals": five, "five_bare": five_bare, "shell": shell, "shell_bare": shell_bare,
            "pages": pages}


# --------------------------------------------------------------------------- a day's use (memory)

DAY_PAGES = ("oversikt", "behorighet", "franvaro", "franvaro?avsnitt=skolor", "karta", "presentation")


def _process_mib() -> float:
    """This process's RSS after what a quiet server does (DuckDB's blocks released, garbage
    collected, glibc's free memory returned): the memory the caches and their leftovers hold."""
    import ctypes
    import gc

    from ui import state

    for holder in list(state._HOLDERS.values()):
        holder.release_memory()
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return rss_mib(os.getpid())


def bench_day(db_path: Path, selections: int) -> dict:
    """Memory over a day's use: `selections` new selections (every third two kommuner), each on the
    six pages with charts, in one process (AppTest); RSS after every fifth.

    Why: the memory target is read after every page has been opened once, but each new selection
    leaves results in the caches until their budgets are full (ui/cache.py, queries._PROTECTED).
    This shows whether a server in use all day stays near the target.
    """
    import urllib.parse as up

    from streamlit.testing.v1 import AppTest

    _one_script_cache()
    os.environ["PLUGINNAN_DB"] = str(db_path)
    kommuner = plug_innan_kommuner(db_path)
    apps = []
    for spec in DAY_PAGES:
        stem, _, query = spec.partition("?")
        at = AppTest.from_file(str(shell_for(f"app_pages/{stem}.py")), default_timeout=300)
        at.query_params.update(up.parse_qsl(query))
        at.run()
        apps.append(at)
    out = {"selections": [0], "rss_mib": [_process_mib()]}
    for n in range(1, selections + 1):
        pick = [kommuner[(n * 7 + 3) % len(kommuner)]]
        if n % 3 == 0:
            pick.append(kommuner[(n * 11 + 5) % len(kommuner)])
        for at in apps:
            at.multiselect(key="f_kommuner").set_value(pick).run()
            if at.exception:
                raise RuntimeError(f"{at.exception[0].value}")
        if n % 5 == 0:
            out["selections"].append(n)
            out["rss_mib"].append(_process_mib())
    log("en dags urval: RSS " + ", ".join(f"{n}: {m:.0f}" for n, m in zip(out["selections"], out["rss_mib"],
                                                                          strict=True)) + " MiB")
    return out


# --------------------------------------------------------------------------- import

def absence_csv(db_path: Path, rows: int = IMPORT_ROWS) -> Path:
    """A template-format franvaro_manad file with `rows` rows for the schools in `db_path`."""
    import numpy as np
    import pandas as pd

    from pluginnan_core import db as core_db

    path = OUT / f"franvaro_manad_{rows}.csv"
    if path.exists():
        return path
    snap = core_db.Database(db_path)
    schools = snap.query("SELECT skolenhetskod, namn, kommun_kod, huvudman FROM school ORDER BY 1")
    snap.close()
    months = [f"{y + (m < 8)}-{m:02d}" for y in range(2018, 2025) for m in (9, 10, 11, 12, 1, 2, 3, 4, 5, 6)]
    grid = pd.MultiIndex.from_product([range(len(schools)), months, ["alla", "flickor", "pojkar"]],
                                      names=["i", "manad", "grupp"]).to_frame(index=False).head(rows)
    rng = np.random.default_rng(8)
    n = len(grid)
    s = schools.iloc[grid["i"].to_numpy()].reset_index(drop=True)
    pupils = rng.integers(20, 600, n)
    sched = pupils * rng.integers(5000, 7000, n)
    fr = (sched * rng.uniform(0.02, 0.15, n)).astype(int)
    gi = (fr * rng.uniform(0.5, 0.9, n)).astype(int)
    frame = pd.DataFrame({
        "skolenhetskod": s["skolenhetskod"], "skola": s["namn"], "kommun_kod": s["kommun_kod"],
        "huvudman": s["huvudman"], "manad": grid["manad"], "grupp": grid["grupp"], "antal_elever": pupils,
        "schemalagd_min": sched, "franvaro_min": fr, "giltig_min": gi, "ogiltig_min": fr - gi,
    })
    over = pupils
    for t in (10, 15, 20, 50):
        over = (over * rng.uniform(0.3, 0.8, n)).astype(int)
        frame[f"elever_minst_{t}"] = over
    frame.to_csv(path, sep=";", index=False)
    return path


def bench_import(db_path: Path, repeats: int) -> dict:
    """run_import of the 1M-row file into a new database against DuckDB's read_csv into one.

    Besides wall time, the process's CPU time (user + system, DuckDB's threads included) of
    each: on a shared two-core machine the wall times follow the other load, the CPU times much
    less, so their ratio tells whether a change made the import cheaper.
    """
    import duckdb

    from pluginnan_core.importers import run_import

    def cpu() -> float:
        t = os.times()
        return t.user + t.system

    csv_path = absence_csv(db_path)
    ours, floor, shaped, parse, ours_cpu, floor_cpu = [], [], [], [], [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(dir=OUT) as tmp:
            target = Path(tmp) / "import.duckdb"
            c0, t0 = cpu(), time.perf_counter()
            con = duckdb.connect(str(target))
            con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv_path}', delim=';', header=true)")
            con.execute("CHECKPOINT")
            con.close()
            floor.append(time.perf_counter() - t0)
            floor_cpu.append(cpu() - c0)
            target.unlink()
            # A second, informative floor: DuckDB alone storing the same rows in the database's
            # shape (schema 3: one row per school, month and group with the thresholds as columns,
            # and the per-kommun sums), with no checks.
            t0 = time.perf_counter()
            con = duckdb.connect(str(target))
            con.execute(f"CREATE TEMP TABLE raw AS SELECT * FROM read_csv('{csv_path}', delim=';', header=true)")
            con.execute("CREATE TABLE m AS SELECT skolenhetskod, manad, grupp, antal_elever, schemalagd_min, "
                        "franvaro_min, giltig_min, ogiltig_min, COLUMNS('elever_minst_.*') FROM raw")
            con.execute("CREATE TABLE k AS SELECT kommun_kod, manad, grupp, sum(COLUMNS(* EXCLUDE (skolenhetskod, "
                        "skola, kommun_kod, huvudman, manad, grupp))) FROM raw GROUP BY ALL")
            con.execute("CHECKPOINT")
            con.close()
            shaped.append(time.perf_counter() - t0)
            target.unlink()
            c0, t0 = cpu(), time.perf_counter()
            run_import(target, "absence", [csv_path])
            ours.append(time.perf_counter() - t0)
            ours_cpu.append(cpu() - c0)
        log(f"  inläsning {ours[-1]:.2f} s / read_csv {floor[-1]:.2f} s = {ours[-1] / floor[-1]:.2f}×; "
            f"CPU {ours_cpu[-1]:.2f} / {floor_cpu[-1]:.2f} s = {ours_cpu[-1] / floor_cpu[-1]:.2f}×; "
            f"belastning {os.getloadavg()[0]:.1f}")
        from pluginnan_core.importers import parse_files

        t0 = time.perf_counter()
        _, problems = parse_files(Path("/nonexistent/x.duckdb"), "absence", [csv_path])
        parse.append(time.perf_counter() - t0)
        assert not problems, problems.report()
    log(f"inläsning: {median(ours):.2f} s (tolkning {median(parse):.2f} s), read_csv {median(floor):.2f} s, "
        f"samma rader i databasens form {median(shaped):.2f} s; CPU {median(ours_cpu):.2f} s mot "
        f"{median(floor_cpu):.2f} s")
    return {"rows": IMPORT_ROWS, "import": ours, "parse_only": parse, "read_csv": floor, "shaped": shaped,
            "import_cpu": ours_cpu, "read_csv_cpu": floor_cpu}


# --------------------------------------------------------------------------- a real server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(db_path: Path):
    port = free_port()
    env = {**os.environ, "PLUGINNAN_DB": str(db_path), "PLUGINNAN_ADMIN_PASSWORD": "benchmark"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _status_mib(pid: int, names: tuple[str, ...]) -> dict[str, float]:
    """The named memory lines of /proc/<pid>/status, in MiB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name = line.split(":")[0]
        if name in names:
            out[name] = int(line.split()[1]) / 1024
    return out


def rss_mib(pid: int) -> float:
    return _status_mib(pid, ("VmRSS",)).get("VmRSS", float("nan"))


def rss_parts(pid: int) -> dict[str, float]:
    """RSS split into anonymous memory (heaps, Python objects, DuckDB's blocks) and file pages (the
    shared libraries' code actually touched), MiB, so a change in either shows next to the total."""
    return _status_mib(pid, ("RssAnon", "RssFile"))


# --------------------------------------------------------------------------- browser

_CHART = '[data-testid="stPlotlyChart"] .main-svg'
_DATA_JS = ("() => { const g = document.querySelector('.js-plotly-plot'); "
            "return g && g.data ? JSON.stringify(g.data.map(t => [t.name, t.y])) : null; }")
#: Every chart's data on the page: on Frånvaro's "Skolorna" the heatmap keeps showing the first
#: picked kommun while the selection grows, and the early warning below it is what changes.
_ALL_DATA_JS = ("() => JSON.stringify([...document.querySelectorAll('.js-plotly-plot')]"
                ".map(g => g.data ? g.data.map(t => [t.name, t.y]) : null))")
#: Pages where the Chromium benchmark picks new kommuner (address, what to watch): Behörighet, and
#: Frånvaro's schools, the slowest new selection (AppTest) among the pages with the sidebar.
NEW_KOMMUN_PAGES = {"behorighet": ("behorighet", _DATA_JS), "franvaro-skolor": ("franvaro?avsnitt=skolor", _ALL_DATA_JS)}


def page_url(url: str, stem: str) -> str:
    """The first page of app.PAGES is the default, served at the root (its stem is no address)."""
    first = Path(page_files()[0]).stem
    return url if stem == first else f"{url}/{stem}"


def _settled(page) -> None:
    page.wait_for_function("() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
                           " return a && a.getAttribute('data-test-script-state') === 'notRunning'; }",
                           timeout=300_000)


def plug_innan_names(db_path: Path) -> list[str]:
    """The Plug Innan kommuner's names, in code order (what a user types into the kommun filter)."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return [r[0] for r in con.execute(
            "SELECT namn FROM kommun WHERE forbund_id IS NOT NULL ORDER BY kommun_kod").fetchall()]
    finally:
        con.close()


#: Marks when the page's script starts running after the next pick (reset before each pick).
_WATCH_RUN_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__pluginnanRan = false;
    if (window.__pluginnanRunWatch) window.__pluginnanRunWatch.disconnect();
    window.__pluginnanRunWatch = new MutationObserver(() => {
        if (app.getAttribute('data-test-script-state') === 'running') window.__pluginnanRan = true;
    });
    window.__pluginnanRunWatch.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
#: The rerun after the pick has finished and every chart has drawn.
_RUN_DONE_JS = """() => window.__pluginnanRan
    && document.querySelector('[data-testid="stApp"]').getAttribute('data-test-script-state') === 'notRunning'
    && [...document.querySelectorAll('.js-plotly-plot')].every(g => g.querySelector('.main-svg'))"""


def _pick_kommuner(page, names: list[str], data_js: str = _DATA_JS) -> list[float]:
    """Pick each kommun in turn in the sidebar's kommun filter (the selection grows by one each
    time, so every pick is a selection not seen before); time from Enter to the watched charts'
    data changing, or, where the pick changes none of them (on Frånvaro's schools a kommun whose
    schools do not enter the early warning), to the rerun having finished with every chart drawn.
    The first pick comes right after the page appeared, as a hurried user's would."""
    times = []
    for name in names:
        box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").locator("input")
        box.click()
        box.fill(name)
        page.get_by_role("option", name=name, exact=True).wait_for(timeout=30_000)
        before = page.evaluate(data_js)
        page.evaluate(_WATCH_RUN_JS)
        t0 = time.perf_counter()
        page.keyboard.press("Enter")
        page.wait_for_function(f"(b) => ({data_js})() !== b || ({_RUN_DONE_JS})()", arg=before, timeout=300_000)
        times.append(time.perf_counter() - t0)
        page.keyboard.press("Escape")
        _settled(page)
    return times


def bench_browser(url: str, proc: subprocess.Popen, loads: int, changes: int, names: list[str]) -> dict:
    """Cold load to the first chart, filter change to the updated chart (the gender filter on two
    pages; new kommuner on Behörighet and Frånvaro's schools), then RSS after all pages."""
    from playwright.sync_api import sync_playwright

    out: dict = {"cold_load": [], "filter_change": {}, "rss_mib": None, "rss_start_mib": rss_mib(proc.pid)}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        for i in range(loads + 1):
            ctx = browser.new_context(viewport={"width": 1280, "height": 800})
            page = ctx.new_page()
            t0 = time.perf_counter()
            page.goto(url)
            page.wait_for_selector(_CHART, timeout=300_000)
            if i:  # the first load starts the server-side session machinery; not counted
                out["cold_load"].append(time.perf_counter() - t0)
            ctx.close()
        log(f"kall laddning till första diagram: median {median(out['cold_load']):.2f} s")
        ctx = browser.new_context(viewport={"width": 1280, "height": 800})
        page = ctx.new_page()
        for stem in ("oversikt", "franvaro"):
            page.goto(page_url(url, stem))
            page.wait_for_selector(_CHART, timeout=300_000)
            _settled(page)
            times = []
            labels = ["Flickor", "Pojkar", "Alla"]
            for i in range(changes + 1):
                before = page.evaluate(_DATA_JS)
                radio = page.get_by_test_id("stSidebar").get_by_text(labels[i % 3], exact=True)
                t0 = time.perf_counter()
                radio.click()
                page.wait_for_function(f"(b) => ({_DATA_JS})() !== b", arg=before, timeout=300_000)
                if i:
                    times.append(time.perf_counter() - t0)
                _settled(page)
            out["filter_change"][stem] = times
            log(f"filterbyte {stem}: median {median(times):.2f} s")
        for path in page_files():  # every page, and each of its sections (drawn only when opened)
            for query in ["", *(f"?{q}" for q in SECTIONS.get(path, ()))]:
                page.goto(page_url(url, Path(path).stem) + query)
                page.wait_for_selector("h1", timeout=300_000)
                _settled(page)
        # Read three times: 1 s after the last page; 2 s past the trim 11 s after the last run, what
        # the server holds while in use; and 2 s past the trim 71 s after it (ui/memory.TRIM_AFTER_S):
        # what an idle server holds after every page has been opened. DuckDB's copies of the file's
        # blocks are released before each trim (until 23 November 09:00 only before the last). The
        # reading at 1 s races the first trim, so it can move by ~10-20 MiB between runs.
        time.sleep(1)
        out["rss_1s_mib"] = rss_mib(proc.pid)
        time.sleep(IN_USE_S - 1)
        out["rss_in_use_mib"] = rss_mib(proc.pid)
        out["rss_in_use_parts_mib"] = rss_parts(proc.pid)
        time.sleep(QUIET_S - IN_USE_S)
        out["rss_mib"] = rss_mib(proc.pid)
        out["rss_parts_mib"] = rss_parts(proc.pid)
        log(f"RSS efter alla sidor: {out['rss_mib']:.0f} MiB efter {QUIET_S:.0f} s ("
            + ", ".join(f"{k} {v:.0f}" for k, v in out["rss_parts_mib"].items())
            + f"); {out['rss_in_use_mib']:.0f} MiB efter {IN_USE_S:.0f} s; 1 s efter sista sidan"
            f" {out['rss_1s_mib']:.0f} MiB")
        # A new kommun on Behörighet: the filter users change most, and one no cache has seen (since
        # 23 November 12:00). After the readings above, so the memory target is read as before (after
        # every page); the picks' own cost in memory is read 13 s after them, for information.
        # Since 23 November 14:40 also on Frånvaro's schools, with kommuner not picked on Behörighet.
        out["new_kommun"] = {}
        for i, (name, (address, data_js)) in enumerate(NEW_KOMMUN_PAGES.items()):
            page.goto(page_url(url, address))
            page.wait_for_selector(_CHART, timeout=300_000)
            _settled(page)
            picks = names[1 + i * (changes + 1):(i + 1) * (changes + 1) + 1]
            out["new_kommun"][name] = times = _pick_kommuner(page, picks, data_js)
            log(f"ny kommun {name}: " + " ".join(f"{x:.2f}" for x in times) + f" s, median {median(times):.2f} s")
        time.sleep(IN_USE_S)
        out["rss_after_picks_mib"] = rss_mib(proc.pid)
        log(f"RSS {IN_USE_S:.0f} s efter de nya kommunerna: {out['rss_after_picks_mib']:.0f} MiB")
        browser.close()
    return out


# --------------------------------------------------------------------------- websocket sessions

class Session:
    """One browser tab's worth of protocol: a websocket session that reruns app.py with widget states.

    Why not AppTest in threads: AppTest swaps a process-wide mock Runtime, so concurrent AppTests
    interfere; a websocket client measures the real server, as 20 open tabs would load it.
    """

    def __init__(self, url: str) -> None:
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = None
        self.widgets: dict[str, str] = {}

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        self.ws = await connect(self.url, subprotocols=["streamlit"], max_size=None)

    async def rerun(self, widget_states: list | None = None, page: str = "") -> float:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_name = page
        for state in widget_states or []:
            msg.rerun_script.widget_states.widgets.append(state)
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await self.ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                el = fwd.delta.new_element
                inner = getattr(el, el.WhichOneof("type") or "", None)
                wid = getattr(inner, "id", "") if inner is not None else ""
                if isinstance(wid, str) and "f_kon" in wid:
                    self.widgets["f_kon"] = wid
            if kind == "script_finished":
                return time.perf_counter() - t0

    def gender(self, index: int) -> list:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState(id=self.widgets["f_kon"])
        state.string_value = ("alla", "flickor", "pojkar")[index % 3]
        return [state]

    async def close(self) -> None:
        await self.ws.close()


async def _session_loop(url: str, reruns: int, think: float, out: list[float], seed: int) -> None:
    rng = random.Random(seed)
    s = Session(url)
    await s.connect()
    await s.rerun()
    for i in range(3):  # warm-up: each value once, so the median compares cached reruns with cached reruns
        await s.rerun(s.gender(i))
    for i in range(reruns):
        if think:
            await asyncio.sleep(rng.uniform(0, 2 * think))
        out.append(await s.rerun(s.gender(i + 1 + seed)))
    await s.close()


def bench_sessions(url: str, sessions: int, reruns: int, think: float) -> dict:
    """Filter-change reruns of one session alone, then of `sessions` at once (with think time)."""
    single: list[float] = []
    asyncio.run(_session_loop(url, reruns, 0.0, single, 0))
    many: list[float] = []

    async def all_of_them() -> None:
        await asyncio.gather(*(_session_loop(url, reruns, think, many, i) for i in range(sessions)))

    asyncio.run(all_of_them())
    log(f"en session: median {median(single) * 1000:.0f} ms; {sessions} samtidiga: p95 {p95(many) * 1000:.0f} ms")
    return {"single": single, "many": many, "sessions": sessions, "think_s": think}


# --------------------------------------------------------------------------- report

def _ms(x: float) -> str:
    if x < 0.1:
        return f"{x * 1000:.1f} ms".replace(".", ",")
    return f"{x * 1000:,.0f} ms".replace(",", " ")


def _row(name: str, value: str, floor: str, ratio: float | None, target: str) -> str:
    r = f"{ratio:.2f}×" if ratio is not None else "–"
    return f"| {name} | {value} | {floor} | {r} | {target} |"


def report(res: dict) -> str:
    lines = [f"Skala: {res['scale']}, {res['when']}, belastning före/efter: {res['load_before']} / "
             f"{res['load_after']}, {os.cpu_count()} kärnor", "",
             "| Mätning | Värde | Golv | Kvot | Mål |", "| --- | --- | --- | --- | --- |"]
    if "pages" in res:
        pr = res["pages"]

        def beside(key: str, fallback: str = "bare") -> float:
            """The bare page's median from reruns interleaved with this measurement (older results: the
            bare runs at the start)."""
            return median(pr.get(key) or pr[fallback])

        bare, shell = beside("shell_bare"), median(pr["shell"])
        lines.append(_row("app.py med tom sida (sidomeny, navigering), kön fram och tillbaka", _ms(shell),
                          f"bar sida {_ms(bare)}", shell / bare, ""))
        if pr.get("five_visuals"):
            five, bare = median(pr["five_visuals"]), beside("five_bare")
            lines.append(_row("fem visualer utan data (diagram och text), ingen sidomeny",
                              _ms(five), f"bar sida {_ms(bare)}", five / bare, ""))
        for path, r in pr["pages"].items():
            if "error" in r:
                lines.append(_row(f"{path}", "fel: " + r["error"][:60], _ms(median(pr["bare"])), None, "≤ 3×"))
                continue
            new, tog = median(r["new_kommun"]), median(r["toggle_gender"])
            b_new = median(r.get("bare_new") or pr["bare"])
            b_tog = median(r.get("bare_toggle") or pr["bare"])
            lines.append(_row(f"{path}, första körningen (tomma cacher)", _ms(r["first"]), "", None, ""))
            # A selection no cache has seen is computed anew (DuckDB, disclosure control, figure): its
            # target is the absolute one in Chromium (filter change -> chart <= 0.6 s), not 3x a bare page.
            lines.append(_row(f"{path}, ny kommun (nytt urval, inget i cachen)", _ms(new), f"bar sida {_ms(b_new)}",
                              new / b_new, "se Chromium"))
            lines.append(_row(f"{path}, kön fram och tillbaka", _ms(tog), f"bar sida {_ms(b_tog)}", tog / b_tog,
                              "≤ 3×"))
    if "import" in res:
        r = res["import"]
        ours, floor = median(r["import"]), median(r["read_csv"])
        lines.append(_row(f"inläsning {r['rows']:,} rader frånvaro".replace(",", " "), f"{ours:.2f} s "
                          f"(varav tolkning {median(r['parse_only']):.2f} s)", f"read_csv {floor:.2f} s",
                          ours / floor, "≤ 1,5×"))
        if r.get("shaped"):
            shaped = median(r["shaped"])
            lines.append(_row("inläsning mot DuckDB ensamt med samma rader i databasens form (utan kontroller)",
                              f"{ours:.2f} s", f"{shaped:.2f} s", ours / shaped, ""))
    if "browser" in res:
        b = res["browser"]
        lines.append(_row("Chromium: kall laddning → första diagram", f"{median(b['cold_load']):.2f} s", "", None,
                          ""))
        for stem, times in b["filter_change"].items():
            lines.append(_row(f"Chromium: filterbyte → nytt diagram ({stem})", f"{median(times):.2f} s", "",
                              None, "≤ 0,6 s"))
        for stem, times in b.get("new_kommun", {}).items():
            lines.append(_row(f"Chromium: ny kommun → nytt diagram ({stem}; första valet {times[0]:.2f} s)",
                              f"{median(times):.2f} s", "", None, "≤ 0,6 s"))
        if "rss_1s_mib" in b:
            lines.append(_row("serverns minne (RSS) 1 s efter sista sidan", f"{b['rss_1s_mib']:.0f} MiB", "", None,
                              ""))
        if "rss_in_use_mib" in b:
            lines.append(_row(f"serverns minne (RSS) efter alla sidor, servern stilla {IN_USE_S:.0f} s",
                              f"{b['rss_in_use_mib']:.0f} MiB", "", None, ""))
        lines.append(_row(f"serverns minne (RSS) efter alla sidor, servern stilla {QUIET_S:.0f} s",
                          f"{b['rss_mib']:.0f} MiB",
                          f"nystartad server {b.get('rss_start_mib', float('nan')):.0f} MiB", None, "≤ 300 MiB"))
        if "rss_after_picks_mib" in b:
            picked = " och ".join(f"{len(v)} på {k}" for k, v in b["new_kommun"].items())
            lines.append(_row(f"serverns minne (RSS) därefter, {IN_USE_S:.0f} s efter nya kommuner ({picked})",
                              f"{b['rss_after_picks_mib']:.0f} MiB", "", None, ""))
    if "day" in res:
        d = res["day"]
        lines.append(_row(f"minnets tillväxt under en dags användning: {d['selections'][-1]} nya urval på "
                          f"{len(DAY_PAGES)} sidor (AppTest, en process)",
                          f"+{d['rss_mib'][-1] - d['rss_mib'][0]:.0f} MiB", f"efter alla sidor {d['rss_mib'][0]:.0f} MiB",
                          None, ""))
    if "sessions" in res:
        r = res["sessions"]
        single, many = median(r["single"]), p95(r["many"])
        lines.append(_row(f"{r['sessions']} samtidiga sessioner, p95 omkörning", _ms(many),
                          f"en session, median {_ms(single)}", many / single, "≤ 3×"))
    return "\n".join(lines)


def _day_apart(args: argparse.Namespace) -> dict:
    """`bench_day` in a process of its own: in this one, the page measurements have already filled
    the caches, so the growth from a day's selections would not show."""
    target = OUT / f"day-{args.scale}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--scale", args.scale, "--only", "day",
           "--json", str(target), *(["--quick"] if args.quick else [])]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return json.loads(target.read_text(encoding="utf-8"))["day"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", choices=["region", "national"], default="national")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions, for trying the benchmark out")
    ap.add_argument("--only", default="pages,import,day,browser,sessions",
                    help="comma-separated parts to run (pages, import, day, browser, sessions)")
    ap.add_argument("--json", type=Path, help="where to write the results (default benchmarks/out/results-<scale>.json)")
    args = ap.parse_args(argv)
    parts = set(args.only.split(","))
    runs = 5 if args.quick else 40  # reruns per measurement: the machine drifts, and a median of 40 is steadier than of 20
    db_path = ensure_db(args.scale)
    res: dict = {"scale": args.scale, "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                 "load_before": " ".join(f"{x:.1f}" for x in os.getloadavg()), "quick": args.quick}
    if "pages" in parts:
        res["pages"] = bench_pages(db_path, runs)
    if "import" in parts:
        res["import"] = bench_import(db_path, 1 if args.quick else 5)
    if "day" in parts:
        res["day"] = bench_day(db_path, 10 if args.quick else 30) if parts == {"day"} else _day_apart(args)
    if parts & {"browser", "sessions"}:
        with server(db_path) as (proc, url):
            if "browser" in parts:
                res["browser"] = bench_browser(url, proc, 2 if args.quick else 5, 3 if args.quick else 6,
                                               plug_innan_names(db_path))
            if "sessions" in parts:
                res["sessions"] = bench_sessions(url, 20, 5 if args.quick else 10, 1.0)
    res["load_after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    (args.json or OUT / f"results-{args.scale}.json").write_text(json.dumps(res, indent=1, default=str),
                                                                encoding="utf-8")
    print(report(res))
    return 0


if __name__ == "__main__":
    threading.current_thread().name = "benchmark"
    raise SystemExit(main())
