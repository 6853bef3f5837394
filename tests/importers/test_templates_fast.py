# The DuckDB path for large absence template files: it must give the very same rows as the
# ordinary Python path, and any file with a problem must get the ordinary path's messages.
"""pluginnan_core.importers.templates._absence_fast (via parse_absence)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pluginnan_core.importers import Context, Problems, _load_formats, as_frame, templates

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


def _sorted(rows) -> pd.DataFrame:
    df = as_frame(rows)
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
    assert set(fast.tables) == set(slow.tables) == {"school", "absence_month"}
    assert {"antal_over_10", "antal_over_15", "antal_over_20", "antal_over_50"} <= set(
        as_frame(fast.tables["absence_month"]).columns)
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


def test_a_line_at_the_length_limit_gets_the_ordinary_messages(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB reads no line of MAX_LINE_CHARS bytes or more: such a file goes the ordinary way."""
    from pluginnan_core.importers import validate

    def file(length: int) -> Path:
        rows = _rows(3)
        cells = rows[0].split(";")
        cells[1] = "x" * (length - len(";".join(cells)) + len(cells[1]))
        rows.append(";".join([cells[0][:-1] + "9", *cells[1:]]))
        assert len(rows[-1]) == length
        path = tmp_path / f"franvaro_{length}.csv"
        path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        return path

    assert templates._absence_fast(file(validate.MAX_LINE_CHARS - 1), "f.csv", file(validate.MAX_LINE_CHARS - 1)
                                   .read_bytes()) is not None  # below the limit: both paths read it
    path = file(validate.MAX_LINE_CHARS + 1)
    assert templates._absence_fast(path, path.name, path.read_bytes()) is None
    _, fast_problems = _parse(path, True, monkeypatch)
    _, slow_problems = _parse(path, False, monkeypatch)
    assert fast_problems.report() == slow_problems.report() != ""


def _tables(path: Path) -> dict[str, pd.DataFrame]:
    from pluginnan_core import db

    snap = db.Database(path)
    try:
        return {t: snap.query(f"SELECT * FROM {t} ORDER BY ALL") for t in (
            "school", "absence_month", "absence_threshold", "absence_kommun_month")}
    finally:
        snap.close()


def test_fast_and_ordinary_imports_write_the_same_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Also when the second file replaces rows the first wrote (the upsert deletes before inserting)."""
    from pluginnan_core.importers import run_import

    first = tmp_path / "forsta.csv"
    first.write_text("\n".join([HEADER, *_rows()]) + "\n", encoding="utf-8")
    second = tmp_path / "andra.csv"
    changed = [r.replace(";9;7;5;1", ";8;6;4;0") for r in _rows(5)]
    second.write_text("\n".join([HEADER, *changed, *_rows(14)[-12:]]) + "\n", encoding="utf-8")
    assert templates._absence_fast(second, second.name, second.read_bytes()) is not None
    out = {}
    for fast in (True, False):
        monkeypatch.setattr(templates, "FAST_MIN_BYTES", 0 if fast else 10**15)
        path = tmp_path / f"{fast}.duckdb"
        run_import(path, "absence", [first])
        run_import(path, "absence", [second])
        out[fast] = _tables(path)
    for table, frame in out[False].items():
        pd.testing.assert_frame_equal(out[True][table], frame, check_dtype=False)
    month = out[True]["absence_month"]
    assert len(month) == len(month.drop_duplicates(["skolenhetskod", "manad", "grupp"])) == 13 * 12
    assert (out[True]["absence_threshold"].query("troskel_pct == 50 and skolenhetskod < '10000005'")["antal_over"]
            == 0).all()


def test_the_preview_of_a_staged_file_equals_the_ordinary_one(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from pluginnan_core.importers import preview, run_import

    path = tmp_path / "franvaro.csv"
    path.write_text("\n".join([HEADER, *_rows()]) + "\n", encoding="utf-8")
    target = tmp_path / "x.duckdb"
    seen = {}
    for step in ("new", "again"):
        for fast in (True, False):
            monkeypatch.setattr(templates, "FAST_MIN_BYTES", 0 if fast else 10**15)
            seen[step, fast] = preview.preview(target, "absence", [path]).files[0].changes
        assert seen[step, True] == seen[step, False]
        run_import(target, "absence", [path])
    assert all(c.unchanged == c.rows for c in seen["again", True])


@pytest.mark.parametrize("renamed_last", [True, False])
def test_a_school_spelled_two_ways_gets_the_last_lines_spelling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 renamed_last: bool) -> None:
    """The DuckDB path reads rows in any order; the school's last line still decides its name and kommun."""
    rows = _rows(6)
    moved = [r.replace("Skola 2 ;1440", "Nya skolan;1441") for r in rows if r.startswith("10000002;")]
    kept = [r for r in rows if not r.startswith("10000002;")]
    old = [r for r in rows if r.startswith("10000002;")]
    body = [*kept[:20], *old[:6], *moved[6:], *kept[20:]] if renamed_last else [*kept[:20], *moved[:6], *old[6:],
                                                                                   *kept[20:]]
    path = tmp_path / "franvaro.csv"
    path.write_text("\n".join([HEADER, *body]) + "\n", encoding="utf-8")
    assert templates._absence_fast(path, path.name, path.read_bytes()) is not None
    fast, _ = _parse(path, True, monkeypatch)
    slow, _ = _parse(path, False, monkeypatch)
    school = as_frame(fast.tables["school"]).set_index("skolenhetskod").loc["10000002"]
    assert (school["namn"], school["kommun_kod"]) == (("Nya skolan", "1441") if renamed_last else ("Skola 2", "1440"))
    pd.testing.assert_frame_equal(_sorted(fast.tables["school"]), _sorted(slow.tables["school"]), check_dtype=False)


def test_the_sql_number_reading_equals_parse_number() -> None:
    """The DuckDB path must read exactly the numbers the ordinary path reads, and no others."""
    import duckdb

    from pluginnan_core.importers import validate

    cells = pd.DataFrame({"c": ["12", "0", "00", "012", "1e3", " 12", "12 ", "+12", "-12", "1_000", "0x10", "0b11",
                                "12.0", "12.5", "1,5", "1 000", "1\u00a0000", "1\u202f000", "١٢", "", "inf", "nan",
                                "1.", ".5", "12e0", "-0", "+0", "1 2 3", "9223372036854775808",
                                "18446744073709551616", "123456789012345678901234567890", "1234567890123456789012345678901"]})
    got = duckdb.connect().execute(f"SELECT {templates._sql_number('c')} AS v FROM cells").df()["v"]
    pd.testing.assert_series_equal(got.astype("float64"), validate.parse_number(cells["c"]), check_names=False)
