# Process-wide memory settings for the long-running dashboard server: memory freed after a query
# or a page goes back to the operating system instead of staying in allocator pools.
"""Allocator settings, applied once per server process (app.py calls `tune()` on every run).

Why: at national scale the server's resident memory after every page had been opened was well
above the 300 MiB target, and much of the excess was memory already freed but kept by
allocators (measured with benchmarks/run.py and docs/performance.md):
- pyarrow's default pool (mimalloc) kept ~35-50 MiB of freed query results; the system pool
  (glibc malloc) gives it back;
- glibc gives every thread that allocates its own arena (up to 8 per core), and each keeps its
  freed memory; Streamlit runs each session's script in its own thread. Two arenas suffice;
- glibc only returns memory from the top of its heap, so blocks freed in the middle (the
  transient frames of a page's first run, below the caches that stay) were kept: after every
  page had been opened 50-60 MiB of the heap was free but resident (mallinfo2). A background
  thread calls `malloc_trim(0)` once the server has been quiet for a moment after a run
  (`TRIM_AFTER_S`), which hands back free pages inside the heap (0.6-5.5 ms per call measured, off the
  script threads): the server's RSS after every page went from 307-328 to 306-307 MiB over
  repeated runs. A fixed mmap threshold as well measured no lower (308-310), so it is not set;
- before each trim, what registered with `when_quiet` is released: DuckDB's copies of the
  database file's blocks (~21 MiB at national scale, `Database.release_memory`). They only
  spare the next new selection a re-read from the operating system's file cache, which costs
  +12 to +17 ms (median, paired per kommun) on a 0.4-0.65 s "ny kommun" (docs/performance.md).
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import threading
from collections.abc import Callable, Sequence

import pyarrow as pa

_M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)
#: Seconds without a new run after which freed memory is trimmed, each wait after the one before
#: (1, 11 and 71 s after the last run): again after the longer waits, for a run that went on after
#: the first trim (a page's first run takes up to ~3 s nationally) and for what Streamlit frees
#: later. What registered with `when_quiet` is released before each trim.
TRIM_AFTER_S: tuple[float, ...] = (1.0, 10.0, 60.0)

_tuned = False
_activity = threading.Event()
#: Set at interpreter exit: the trimming thread stops before touching DuckDB again (see _stop).
_stopping = threading.Event()
#: Called before each trim, once the server has been quiet for a wait of `TRIM_AFTER_S`: memory
#: that is cheap to fill again (the database snapshot's copies of file blocks, ui/state).
_releases: list[Callable[[], object]] = []


def when_quiet(release: Callable[[], object]) -> None:
    """Have `release()` called each time the server has been quiet for one of the waits."""
    if release not in _releases:
        _releases.append(release)


def tune() -> None:
    """Apply the settings once; later calls only note that a run started (for the trimming
    thread). Harmless where glibc is not the C library."""
    global _tuned
    _activity.set()
    if _tuned:
        return
    _tuned = True
    pa.set_memory_pool(pa.system_memory_pool())
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:  # no loadable C library: nothing to tune
        return
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(_M_ARENA_MAX, 2)
    if libc is not None and hasattr(libc, "malloc_trim"):
        thread = threading.Thread(target=trim_when_quiet, args=(libc.malloc_trim,), name="pluginnan-malloc-trim",
                                  daemon=True)
        thread.start()
        atexit.register(_stop, thread)


def _stop(thread: threading.Thread) -> None:
    """Stop the trimming thread before the interpreter tears down.

    Why: Python ends a daemon thread that is still running during finalisation with
    pthread_exit; if it is then inside DuckDB (a release before a trim), the unwinding meets
    DuckDB's C++ handlers and the whole process aborts ("FATAL: exception not rethrown", exit
    code 134), seen here when a test run ended a second after its last page run.
    """
    _stopping.set()
    _activity.set()
    thread.join(timeout=10)


def trim_when_quiet(trim: Callable[[int], object], waits: Sequence[float] = TRIM_AFTER_S,
                    rounds: int | None = None, activity: threading.Event = _activity,
                    releases: Sequence[Callable[[], object]] = _releases,
                    stop: threading.Event = _stopping) -> None:
    """Call each of `releases`, then `trim(0)`, after each of `waits` seconds without a new run
    (`activity` set), forever (or `rounds` times the whole sequence, for tests) or until `stop`
    is set (set `activity` too, to wake it). A run that starts meanwhile begins the sequence again."""
    done = 0
    while (rounds is None or done < rounds) and not stop.is_set():
        activity.wait()
        activity.clear()
        step = 0
        while step < len(waits) and not stop.is_set():
            if activity.wait(waits[step]):  # another run started (or a stop): from the first wait again
                activity.clear()
                step = 0
                continue
            if stop.is_set():
                break
            for release in list(releases):
                try:
                    release()
                except Exception:  # e.g. a database closed meanwhile: the trimming goes on
                    pass
            trim(0)
            step += 1
        done += 1
