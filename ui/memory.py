# Process-wide memory settings for the long-running dashboard server: memory freed after a query
# or a page goes back to the operating system instead of staying in allocator pools.
"""Allocator settings, applied once per server process (app.py calls `tune()` on every run).

Why: at national scale the server's resident memory after every page had been opened was well
above the 300 MiB target, and most of the excess was memory already freed but kept by
allocators (measured with benchmarks/run.py and docs/performance.md):
- pyarrow's default pool (mimalloc) kept ~35-50 MiB of freed query results; the system pool
  (glibc malloc) gives it back;
- glibc gives every thread that allocates its own arena (up to 8 per core), and each keeps its
  freed memory; Streamlit runs each session's script in its own thread. Two arenas suffice.
"""

from __future__ import annotations

import ctypes
import ctypes.util

import pyarrow as pa

_M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)
_tuned = False


def tune() -> None:
    """Apply the settings once; later calls do nothing. Harmless where glibc is not the C library."""
    global _tuned
    if _tuned:
        return
    _tuned = True
    pa.set_memory_pool(pa.system_memory_pool())
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None and hasattr(libc, "mallopt"):
            libc.mallopt(_M_ARENA_MAX, 2)
    except OSError:  # no loadable C library: nothing to tune
        pass
