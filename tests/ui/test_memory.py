# Tests for ui/memory.py: the allocator settings and the thread that hands freed memory back.
"""What matters: tune() is safe to call on every run, and freed memory is trimmed after a burst
of runs (twice: soon, and later for a run that went on) and again after a later run; what asked
to be released when quiet is released before every trim."""

from __future__ import annotations

import threading

import pyarrow as pa

from ui import memory


def test_tune_uses_the_system_pool_and_is_cheap_to_repeat() -> None:
    memory.tune()
    memory.tune()
    assert pa.default_memory_pool().backend_name == "system"
    trimmers = [t for t in threading.enumerate() if t.name == "pluginnan-malloc-trim"]
    assert len(trimmers) <= 1  # one trimming thread per process, however many runs


def test_trim_follows_each_burst_of_runs() -> None:
    calls: list[int] = []
    done = threading.Semaphore(0)
    activity = threading.Event()

    def trim(pad: int) -> int:
        calls.append(pad)
        done.release()
        return 1

    def release() -> None:
        calls.append(-1)

    worker = threading.Thread(target=memory.trim_when_quiet, args=(trim, (0.01, 0.02), 2, activity, [release]),
                              daemon=True)
    worker.start()
    assert not done.acquire(timeout=0.2)  # no run yet: nothing to trim
    activity.set()  # a run started
    assert done.acquire(timeout=30) and done.acquire(timeout=30)  # trimmed soon, and once more later
    activity.set()  # a later run: trimmed again after it
    worker.join(30)
    assert not worker.is_alive()
    assert calls == [-1, 0, -1, 0, -1, 0, -1, 0]  # released before every trim of each burst


def test_a_stop_ends_the_thread_without_another_release() -> None:
    """At interpreter exit (memory._stop) the thread must end, not touch DuckDB once more: a
    daemon thread inside DuckDB during finalisation aborts the process."""
    calls: list[int] = []
    activity, stop = threading.Event(), threading.Event()
    worker = threading.Thread(target=memory.trim_when_quiet,
                              args=(calls.append, (60.0,), None, activity, [lambda: calls.append(-1)], stop),
                              daemon=True)
    worker.start()
    activity.set()  # a run: the thread now waits a minute before releasing
    stop.set()
    activity.set()  # what memory._stop does
    worker.join(5)
    assert not worker.is_alive() and calls == []


def test_when_quiet_registers_a_release_once() -> None:
    def release() -> None:
        pass

    memory.when_quiet(release)
    memory.when_quiet(release)
    try:
        assert memory._releases.count(release) == 1
    finally:
        memory._releases.remove(release)


def test_the_database_holder_is_released_when_quiet(demo_db) -> None:
    from ui import state

    holder = state._holder(str(demo_db))
    assert holder.release_memory in memory._releases  # DuckDB's blocks go when the server is quiet


def test_a_failing_release_does_not_stop_the_trimming() -> None:
    calls: list[int] = []
    activity = threading.Event()

    def release() -> None:
        raise RuntimeError("closed")

    activity.set()
    memory.trim_when_quiet(calls.append, (0.01, 0.02), 1, activity, [release])
    assert calls == [0, 0]  # both trims ran, each after the failed release
