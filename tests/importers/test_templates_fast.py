# The DuckDB path for large absence template files: it must give the very same rows as the
# ordinary Python path, and any file with a problem must get the ordinary path's messages.
"""pluginnan_core.importers.templates._absence_fast (via parse_absence)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


#: The last line of the files below, a new school; ODD_CELLS puts one odd cell into it.
ODD_LINE = "20000000;Ny skola;1440;kommunal;2023-09;alla;50;100000;5000;4000;1000;9;7;5;1"
#: (column, cell, what the message says; None: a valid cell, read as `value`). DuckDB's own integer
#: reading takes 1e3, 1e2, 0x10, 0xFFFFF, 1_000, +50, ' 50' and 050 and rounds 12.5 and 100000.5:
#: the template's rule (validate.parse_number) takes only the last four and reads 100000.5 as it is.
ODD_CELLS = [
    ("antal_elever", "1e3", "väntade ett heltal ≥ 0", None),
    ("antal_elever", "1e2", "väntade ett heltal ≥ 0", None),  # as many characters as 100 has digits
    ("antal_elever", "0x10", "väntade ett heltal ≥ 0", None),
    ("elever_minst_10", "1_000", "väntade ett heltal ≥ 0", None),
    ("antal_elever", "12.5", "väntade ett heltal ≥ 0", None),
    ("antal_elever", "-12", "väntade ett heltal ≥ 0", None),
    ("antal_elever", "١٢", "väntade ett heltal ≥ 0", None),
    ("antal_elever", "", "värde saknas", None),
    ("schemalagd_min", "1e6", "väntade ett tal", None),
    ("schemalagd_min", "0xFFFFF", "väntade ett tal", None),  # as many characters as 1048575 has digits
    ("schemalagd_min", "-5", "värdet ska ligga mellan 0 och ∞", None),
    ("schemalagd_min", "", "värde saknas", None),
    ("antal_elever", "+50", None, 50),
    ("antal_elever", " 50", None, 50),
    ("antal_elever", "050", None, 50),
    ("elever_minst_50", "-0", None, 0),
    ("schemalagd_min", "100000.5", None, 100000.5),
    ("schemalagd_min", "100000,5", None, 100000.5),
    ("schemalagd_min", "100 000", None, 100000),
]
_COLUMNS = HEADER.split(";")
_THRESHOLD_COLUMN = {f"elever_minst_{t}": f"antal_over_{t}" for t in (10, 15, 20, 50)}


def _plain_rows(n_schools: int = 12) -> list[str]:
    """Rows like _rows but with plain digits in every number cell, as a program writes the template."""
    return [f"{10000000 + s};Skola {s};1440;{'kommunal' if s % 2 else 'Enskild'};{month};{g};{40 + s};"
            f"{100_000 + 977 * s};{7_000 + 13 * s};{6_000 + 13 * s};1000;9;7;5;1"
            for s in range(n_schools) for month in ("2023-09", "2023-10", "2024-01-01", "2024-06")
            for g in ("alla", "Flickor", "pojkar")]


def _odd_file(tmp_path: Path, column: str, cell: str, at_head: bool, newline: str = "\n") -> tuple[Path, int]:
    """A valid file with `cell` in `column` of one line: its first line (within the bytes the
    fast path looks at before it picks how to read numbers) or its last. Returns (file, line number)."""
    cells = ODD_LINE.split(";")
    cells[_COLUMNS.index(column)] = cell
    odd = ";".join(cells)
    rows = [odd, *_plain_rows()] if at_head else [*_plain_rows(), odd]
    path = tmp_path / "franvaro.csv"
    path.write_bytes(newline.join([HEADER, *rows, ""]).encode("utf-8"))
    assert len(";".join(_plain_rows())) > 4096  # the last line lies beyond the first bytes
    return path, 2 if at_head else len(rows) + 1


@pytest.mark.parametrize("at_head", [False, True], ids=["last_line", "first_line"])
@pytest.mark.parametrize(("column", "cell", "reason", "value"), ODD_CELLS)
def test_a_number_duckdb_reads_leniently_is_read_as_the_ordinary_path_reads_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, column: str, cell: str, reason: str | None,
        value: float | None, at_head: bool) -> None:
    """Whichever way the fast path reads numbers, an odd cell gets the ordinary path's message
    (file, line, column, reason) or, when valid, the very value the ordinary path reads."""
    path, line = _odd_file(tmp_path, column, cell, at_head)
    fast, fast_problems = _parse(path, True, monkeypatch)
    slow, slow_problems = _parse(path, False, monkeypatch)
    assert fast_problems.report() == slow_problems.report()
    if reason is not None:
        assert templates._absence_fast(path, path.name, path.read_bytes()) is None  # the ordinary path words it
        assert f"franvaro.csv, rad {line}, kolumn ”{column}”: ”{cell.strip()}” – {reason}" in fast_problems.report()
        return
    assert fast is not None and slow is not None and not fast_problems
    assert templates._absence_fast(path, path.name, path.read_bytes()) is not None  # read by the fast path
    for name in slow.tables:
        pd.testing.assert_frame_equal(_sorted(fast.tables[name]), _sorted(slow.tables[name]), check_dtype=False)
    row = as_frame(fast.tables["absence_month"]).set_index("skolenhetskod").loc["20000000"]
    assert row[_THRESHOLD_COLUMN.get(column, column)] == value


def test_a_rejected_odd_number_leaves_the_database_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    from pluginnan_core.importers import ImportRejected, run_import
    from tests.conftest import sha256

    target = tmp_path / "x.duckdb"
    good = tmp_path / "good.csv"
    good.write_text("\n".join([HEADER, *_rows()]) + "\n", encoding="utf-8")
    monkeypatch.setattr(templates, "FAST_MIN_BYTES", 0)
    run_import(target, "absence", [good])
    before = sha256(target)
    path, line = _odd_file(tmp_path, "antal_elever", "1e3", at_head=False)
    with pytest.raises(ImportRejected) as info:
        run_import(target, "absence", [path])
    assert f"franvaro.csv, rad {line}, kolumn ”antal_elever”: ”1e3” – väntade ett heltal ≥ 0" in str(info.value)
    assert sha256(target) == before


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_plain_numbers_are_read_as_integers_and_anything_else_as_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, newline: str) -> None:
    """The byte count behind the integer reading: it vouches for a plain file (Windows line ends
    too) and for no file with another character in a number cell."""
    verdicts: list[bool] = []
    original = templates._plain_numbers

    def spy(*args: Any) -> bool:
        verdicts.append(original(*args))
        return verdicts[-1]

    monkeypatch.setattr(templates, "_plain_numbers", spy)
    plain = tmp_path / "plain.csv"
    plain.write_bytes(newline.join([HEADER, *_plain_rows(), ODD_LINE, ""]).encode("utf-8"))
    assert templates._absence_fast(plain, plain.name, plain.read_bytes()) is not None
    path, _ = _odd_file(tmp_path, "antal_elever", "+50", at_head=False, newline=newline)
    assert templates._absence_fast(path, path.name, path.read_bytes()) is not None
    assert verdicts == [True, False]
    _, slow_problems = _parse(path, False, monkeypatch)
    assert not slow_problems


@pytest.mark.parametrize("plain", [True, False], ids=["plain_numbers", "swedish_numbers"])
@pytest.mark.parametrize("spelling", ["Skolan Noll", "Skola 0  "], ids=["renamed", "a_space_more"])
def test_a_key_repeated_under_another_spelling_of_the_school_is_a_duplicate(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plain: bool, spelling: str) -> None:
    """Repeated keys are found per spelling of a school's columns and, when a school has two, per code
    (also when the spellings differ only in spaces, which the school table does not keep)."""
    rows = _plain_rows() if plain else _rows()
    renamed = rows[5].replace("Skola 0 ;", ";").replace("Skola 0;", ";").replace(";;", f";{spelling};", 1)
    assert renamed != rows[5] and renamed.split(";")[1] == spelling
    path = tmp_path / "franvaro.csv"
    path.write_text("\n".join([HEADER, *rows, renamed]) + "\n", encoding="utf-8")
    assert templates._absence_fast(path, path.name, path.read_bytes()) is None
    _, fast_problems = _parse(path, True, monkeypatch)
    _, slow_problems = _parse(path, False, monkeypatch)
    assert fast_problems.report() == slow_problems.report()
    assert f"franvaro.csv, rad {len(rows) + 2}, kolumn ”skolenhetskod”: ”10000000” – samma rad finns redan på rad 7" \
        in fast_problems.report()
