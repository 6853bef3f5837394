# Fuzzing every import format with hypothesis: mutated real-shaped files and random bytes must
# never raise (a parser exception is a bug, even if run_import would wrap it) and a rejected
# import must leave the database file byte-identical.
"""Property tests: no traceback, no changed database."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pluginnan_core.importers import ImportRejected, parse_files, run_import
from tests.conftest import ROOT, sha256
from tests.importers import render

SCHOOL = "48529699"
NASTY = st.one_of(
    st.sampled_from(["..", ".", "~100", "", "-1", "1e308", "NaN", "inf", "9" * 30, "0,0,0", "1 000 000", "2024/25",
                     "2024/2025", "9999/00", "12345678", "1384", "\x00", "\u202e", '"', '";"', "=1+1", "2024-02-30",
                     "13/2024", "Flickor", "Samtliga", "Enskild", "Valt läsår: 2019/20", "..;..", "\r", "\t",
                     "19990101-1234", "00:61", "99:59", "101", "340,1", "-0", "٣", "½"]),
    st.text(max_size=12),
)
FORMATS = ["skolverket-skola", "skolverket-kommun", "skolverket-tidsserie", "kolada", "absence-pupils",
           "subprojects", "eligibility", "eligibility-kommun", "absence", "auto"]


def _seeds(shared: Path) -> dict[str, str]:
    year = render.load_year(shared / "kungsbacka" / "grundskolor_2018.json")
    kommun = (shared / "skolverket" / "behorighet_grundskola_2024_25.csv").read_text(encoding="utf-8-sig")
    lines = kommun.splitlines()
    small_kommun = "\n".join(lines[:40] + lines[2148:2170])
    kolada = json.dumps({"values": [
        {"kpi": "N15428", "municipality": "1384", "period": 2024,
         "values": [{"gender": "T", "count": 1, "status": "", "value": 87.8},
                    {"gender": "K", "count": 1, "status": "Missing", "value": None}]},
        {"kpi": "N15507", "municipality": "1440", "period": 2023,
         "values": [{"gender": "M", "count": 1, "status": "", "value": 221.5}]}]}, indent=1)
    absence = ("Period: 2024-09-01 – 2024-09-30\n\nPersonnummer;Namn;Kön;Skolenhetskod;Lekt.;GF min;OF min\n"
               f"20110512-1234;Anna A;F;{SCHOOL};2400;120;0\n20110612-1253;Bo B;P;{SCHOOL};2400;300;200\n"
               f"20110612-1253;Bo B;P;{SCHOOL};600;0;0\n")
    return {
        "skolverket-skola": render.school_export(year, render.PROGRAMS, footnotes=True).decode("utf-8-sig"),
        "skolverket-kommun": small_kommun,
        "kolada": kolada,
        "absence-pupils": absence,
        "subprojects": (ROOT / "data/templates/delprojekt.csv").read_text(encoding="utf-8"),
        "eligibility": (ROOT / "data/templates/behorighet_skola.csv").read_text(encoding="utf-8"),
        "eligibility-kommun": (ROOT / "data/templates/behorighet_kommun.csv").read_text(encoding="utf-8"),
        "absence": (ROOT / "data/templates/franvaro_manad.csv").read_text(encoding="utf-8"),
    }


@pytest.fixture(scope="module")
def seeds(shared_data: Path) -> dict[str, str]:
    return _seeds(shared_data)


@pytest.fixture(scope="module")
def years(shared_data: Path) -> list[dict]:
    return [render.load_year(shared_data / "kungsbacka" / f"grundskolor_{n}.json") for n in (2018, 2023)]


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database knowing Aroseniusskolan, so absence and sub-project rows can be valid."""
    tmp = tmp_path_factory.mktemp("fuzz")
    path = tmp / "base.duckdb"
    run_import(path, "eligibility", [ROOT / "data/templates/behorighet_skola.csv"])
    return path


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        op = draw(st.sampled_from(["field", "field", "delete", "duplicate", "insert", "truncate", "swap_sep"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "field":
            sep = ";" if ";" in lines[i] else ","
            cells = lines[i].split(sep)
            j = draw(st.integers(0, len(cells) - 1))
            cells[j] = draw(NASTY)
            lines[i] = sep.join(cells)
        elif op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "insert":
            lines.insert(i, draw(NASTY))
        elif op == "truncate":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
            lines = lines[: i + 1]
        else:
            lines[i] = lines[i].replace(";", draw(st.sampled_from([",", "\t", "|", ";;"])))
    return draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)


def encode(text: str, how: str) -> bytes:
    if how == "cp1252":
        return text.encode("cp1252", errors="replace")
    if how == "utf-16":
        return text.encode("utf-16")
    return ("\ufeff" if how == "bom" else "").encode() + text.encode("utf-8", errors="surrogatepass")


def series_bytes(years: list[dict], edits: list[tuple[int, int, object]]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(render.series_workbook(years)))
    for sheet, (row, col, value) in zip([0, 1, 2] * 10, edits, strict=False):
        book.worksheets[sheet].cell(row=row, column=col, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check_parse(tmp_path: Path, db: Path, kind: str, name: str, raw: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(raw)
    parsed, problems = parse_files(db, kind, [path])  # must not raise
    assert all(p.code != "parse_error" for p in problems.items), problems.report("sv")
    for p in problems.items:
        assert p.message("sv") and p.message("en")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_files_never_raise(data: st.DataObject, seeds: dict[str, str], base_db: Path,
                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    kind = data.draw(st.sampled_from(sorted(seeds)))
    text = data.draw(mutated(seeds[kind]))
    raw = encode(text, data.draw(st.sampled_from(["utf-8", "bom", "cp1252", "utf-16"])))
    as_kind = data.draw(st.sampled_from([kind, kind, "auto", data.draw(st.sampled_from(FORMATS))]))
    check_parse(tmp_path_factory.mktemp("m"), base_db, as_kind, "fil.csv", raw)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(raw=st.binary(max_size=600), kind=st.sampled_from(FORMATS))
def test_random_bytes_never_raise(raw: bytes, kind: str, base_db: Path, tmp_path_factory: pytest.TempPathFactory
                                  ) -> None:
    check_parse(tmp_path_factory.mktemp("r"), base_db, kind, "slump.bin", raw)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.integers(1, 14), st.integers(1, 9),
                                st.one_of(NASTY, st.floats(allow_nan=True), st.integers(-10, 10 ** 6))),
                      min_size=1, max_size=6))
def test_mutated_workbooks_never_raise(edits: list, years: list[dict], base_db: Path,
                                       tmp_path_factory: pytest.TempPathFactory) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # Excel itself cannot hold control characters

    raw = series_bytes(years, [(r, c, ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
                               for r, c, v in edits])
    check_parse(tmp_path_factory.mktemp("w"), base_db, "auto" if len(edits) % 2 else "skolverket-tidsserie",
                "serie.xlsx", raw)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_rejected_imports_leave_the_database_byte_identical(data: st.DataObject, seeds: dict[str, str],
                                                            base_db: Path,
                                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    tmp = tmp_path_factory.mktemp("db")
    db = tmp / "d.duckdb"
    db.write_bytes(base_db.read_bytes())
    before = sha256(db)
    kind = data.draw(st.sampled_from(sorted(seeds)))
    files = []
    for i in range(data.draw(st.integers(1, 2))):
        path = tmp / f"fil{i}.csv"
        path.write_bytes(encode(data.draw(mutated(seeds[kind])), "utf-8"))
        files.append(path)
    try:
        run_import(db, kind, files)
    except ImportRejected as exc:
        assert all(p.code != "parse_error" for p in exc.problems.items), exc.problems.report("sv")
        assert sha256(db) == before
        assert not list(tmp.glob(".d.duckdb.*")), "no temporary copy is left behind"


@pytest.mark.parametrize("kind", sorted(set(FORMATS) - {"skolverket-tidsserie"}))
def test_giant_numbers_and_huge_lines_are_problems_not_crashes(kind: str, seeds: dict[str, str], base_db: Path,
                                                               tmp_path: Path) -> None:
    """Found by tests/trust/hostile.py: '9' × 400 overflowed the integer columns, a 200 000-character
    field broke the csv module; both must be ordinary problems with line and column."""
    text = seeds.get(kind, seeds["eligibility"])
    lines = text.splitlines()
    giant = "\n".join(lines[:-1] + [lines[-1].replace(";", ";" + "9" * 400 + ";", 1)] * 2)
    huge = "\n".join([lines[0], "x" * 200_000, *lines[1:], ";".join(["1" * 140_000] * 2)])
    for name, body in (("giant.csv", giant), ("huge.csv", huge)):
        check_parse(tmp_path, base_db, kind, name, body.encode("utf-8"))
