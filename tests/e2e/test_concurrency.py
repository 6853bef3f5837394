# Concurrent use, small: 4 browser sessions load the Behörighet page with changing filters while an
# import swaps the database; every page shows old or new figures, never a mix, and the new ones
# from the first load after the swap. benchmarks/concurrency.py runs the same with 20 sessions.
"""Copy-and-swap under concurrent readers, seen from the browser."""

from __future__ import annotations

import pytest

from benchmarks import concurrency


@pytest.mark.e2e
def test_four_sessions_see_old_or_new_never_a_mix(tmp_path) -> None:
    result = concurrency.run(sessions=4, loads=3, workdir=tmp_path)
    print(result.report())
    assert not result.import_error
    assert result.count("error") == 0, result.report()
    assert result.count("mixed") == 0 and result.count("missing") == 0, result.report()
    assert not result.stale, result.report()
    assert result.count("old") >= 4 and result.count("new") >= 4, result.report()
    assert result.ok
