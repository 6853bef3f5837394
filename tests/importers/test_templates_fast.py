# The DuckDB path for large absence template files: it must give the very same rows as the
# ordinary Python path, and any file with a problem must get the ordinary path's messages.
"""pluginnan_core.importers.templates._absence_fast (via parse_absence)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pluginnan_core.importers import Context, Problems, _load_formats, templates

HEADER = ("skolenhetskod;skola;kommun_kod;huvudman;manad;grupp;antal_elever;schemalagd_min;franvaro_min;"
          "giltig_min;ogiltig_min;elever_minst_10;elever_minst_15;elever_minst_20;elever_minst_50")


def _rows(n_schools: int = 12) -> list[str]:
    rows = []
    for s in range(n_schools):
        for month in ("2023-09", "2023-10", "2024-01-01", "2024-06"):
            for g in ("alla", "Flickor", "pojkar"):
                sched = 100_000 + 977 * s
                fr = 7_000 + 13 * s
                # Swedish spellings: a space as thousands separator, a decimal comma
                rows.append(f"{10000000 + s};Skola {s} ;1440;{'kommunal' if s % 2 else 'Enskild'};{month};{g};"
                            f"{40 + s};{sched:,}".replace(",", " ") + f";{fr},5;{fr - 1000};1000,5;9;7;5;1")
    return rows


def _parse(path: Path, fast: bool, monkeypatch: pytest.MonkeyPatch):
    _load_formats()
    monkeypatch.setattr(templates, "FAST_MIN_BYTES", 0 if fast else 10**15)
    ctx = Context({}, Problems())
    return templates.parse_absence(path, path.name, path.read_bytes(), ctx), ctx.problems


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    df = df.astype({c: "float64" for c in df.columns if df[c].dtype.kind in "iuf" or "double" in str(df[c].dtype)
                    or "int" in str(df[c].dtype)})
    df = df.astype({c: "object" for c in df.columns if df[c].dtype.kind not in "fM"})
    if "manad" in df:
        df["manad"] = pd.to_datetime(df["manad"].astype("datetime64[us]"))
    return df.sort_values(list(df.columns)).reset_index(drop=True)


def test_fast_path_gives_the_same_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "franvaro.csv"
    path.write_text("\n".join([HEADER, *_rows()]) + "\n", encoding="utf-8")
    assert templates._absence_fast(path, path.name, path.read_bytes()) is not None  # not a fallback
    fast, fast_problems = _parse(path, True, monkeypatch)
    slow, slow_problems = _parse(path, False, monkeypatch)
    assert not fast_problems and not slow_problems
    assert fast is not None and slow is not None
    assert set(fast.tables) == set(slow.tables) == {"school", "absence_month", "absence_threshold"}
    for name in slow.tables:
        pd.testing.assert_frame_equal(_sorted(fast.tables[name]), _sorted(slow.tables[name]), check_dtype=False)
    assert fast.source == slow.source


@pytest.mark.parametrize("bad", ["1440;kommunal;2023-13;alla", "1440;kommunal;2023-09;alla|dup",
                                 "9999;kommunal;2023-09;alla", "1440;kommunal;2023-09;alla|minutes"])
def test_a_file_with_problems_gets_the_ordinary_messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         bad: str) -> None:
    rows = _rows(3)
    cells, _, what = bad.partition("|")
    line = f"20000000;Ny skola;{cells};50;100000;5000;4000;1000;9;7;5;1"
    if what == "dup":
        line = rows[0]
    if what == "minutes":
        line = f"20000000;Ny skola;{cells};50;100;5000;4000;1000;9;7;5;1"
    path = tmp_path / "franvaro.csv"
    path.write_text("\n".join([HEADER, *rows, line]) + "\n", encoding="utf-8")
    assert templates._absence_fast(path, path.name, path.read_bytes()) is None
    _, fast_problems = _parse(path, True, monkeypatch)
    _, slow_problems = _parse(path, False, monkeypatch)
    assert fast_problems.report() == slow_problems.report() != ""
