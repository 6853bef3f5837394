# The sub-project register as XLSX, the import preview (rows added / replaced / unchanged, years),
# kind detection (`auto`) for every format, and the CLI with --lasar.
"""importers.subprojects, importers.preview, importers.detect_kind."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from pluginnan_core import cli
from pluginnan_core.db import Database
from pluginnan_core.importers import ImportRejected, detect_kind, kinds, run_import
from pluginnan_core.importers import preview as core_preview
from tests.conftest import ROOT, sha256
from tests.importers import render

TEMPLATES = ROOT / "data" / "templates"
SCHOOL_FILE = "Grundskola - Slutbetyg årskurs 9, samtliga elever 2025 Skolnivå.csv"


@pytest.fixture(scope="module")
def schools_db(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sp") / "s.duckdb"
    run_import(path, "skolverket-skola", [shared_data / "skolverket" / SCHOOL_FILE])
    return path


@pytest.fixture
def db(schools_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "d.duckdb"
    path.write_bytes(schools_db.read_bytes())
    return path


def register_xlsx(rows: list[list[object]], title_row: bool = False) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    if title_row:
        ws.append(["Delprojektregister Plug Innan, GR"])
    ws.append(["projekt_id", "namn", "kommun_kod", "skolenhetskoder", "insatser", "start_datum", "slut_datum",
               "arskurs_fran", "arskurs_till", "elever_nadda", "beskrivning"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_template_equals_csv_template(db: Path, tmp_path: Path) -> None:
    run_import(db, "subprojects", [TEMPLATES / "delprojekt.xlsx"])
    snap = Database(db)
    from_xlsx = snap.query("SELECT * EXCLUDE (import_id) FROM subproject")
    snap.close()
    other = tmp_path / "o.duckdb"
    other.write_bytes(db.read_bytes())
    run_import(other, "subprojects", [TEMPLATES / "delprojekt.csv"])
    snap = Database(other)
    from_csv = snap.query("SELECT * EXCLUDE (import_id) FROM subproject")
    schools = snap.query("SELECT * FROM subproject_school")
    snap.close()
    assert from_xlsx.equals(from_csv) and len(from_csv) == 1 and schools["skolenhetskod"].tolist() == ["48529699"]


def test_xlsx_register_with_real_cell_types(db: Path, tmp_path: Path) -> None:
    import datetime as dt

    raw = register_xlsx([["PI-1", "Närvaro i fokus", 1440, 48529699, "mentorskap, elevhalsa", dt.date(2024, 8, 19),
                          dt.datetime(2026, 6, 12), 7, 9, 30, None]], title_row=True)
    path = tmp_path / "register.xlsx"
    path.write_bytes(raw)
    assert run_import(db, "subprojects", [path]).rows == 4
    snap = Database(db)
    row = snap.query("SELECT * FROM subproject").iloc[0]
    snap.close()
    assert str(row["start_datum"])[:10] == "2024-08-19" and row["elever_nadda"] == 30 and row["kommun_kod"] == "1440"


def test_xlsx_register_problems_name_excel_rows(db: Path, tmp_path: Path) -> None:
    raw = register_xlsx([
        ["PI-1", "A", "1440", "48529699", "mentorskap", "2024-08-19", "2024-06-01", 7, 9, 10, ""],
        ["PI-2", "B", "9999", "12345678", "trolleri", "2024-08-19", "2025-06-01", 9, 7, -3, ""],
    ])
    path = tmp_path / "register.xlsx"
    path.write_bytes(raw)
    before = sha256(db)
    with pytest.raises(ImportRejected) as err:
        run_import(db, "subprojects", [path])
    report = err.value.problems.report("sv")
    assert "register.xlsx, rad 2, kolumn ”slut_datum”: ”2024-06-01” – slutdatum före startdatum" in report
    assert "rad 3, kolumn ”kommun_kod”: ”9999” – okänd kommunkod" in report
    assert "rad 3, kolumn ”skolenhetskoder”: ”12345678” – okänd skolenhetskod" in report
    assert "rad 3, kolumn ”insatser”: ”trolleri” – väntade ett av" in report
    assert "rad 3, kolumn ”arskurs_till”" in report and "rad 3, kolumn ”elever_nadda”: ”-3”" in report
    assert sha256(db) == before


def test_preview_counts_added_replaced_unchanged(db: Path, shared_data: Path, tmp_path: Path) -> None:
    before = sha256(db)
    same = core_preview.preview(db, "skolverket-skola", [shared_data / "skolverket" / SCHOOL_FILE])
    assert same.ok and same.years == ["2024/25"]
    change = {c.table: c for c in same.files[0].changes}
    assert change["eligibility_school"].replaced == 1714 and change["eligibility_school"].unchanged == 1714
    year = render.load_year(shared_data / "kungsbacka" / "grundskolor_2024.json")
    path = tmp_path / "k2024.csv"
    path.write_bytes(render.school_export(year, render.CRITERIA))
    new = core_preview.preview(db, "auto", [path])
    assert new.ok and new.files[0].kind == "skolverket-skola"
    change = {c.table: c for c in new.files[0].changes}
    assert change["eligibility_school"].added == 21 and change["eligibility_school"].replaced == 0
    assert change["school"].replaced > 0 and new.years == ["2023/24"]
    table = new.table("sv")
    assert list(table.columns) == ["Fil", "Uppgifter", "Rader", "Nya", "Ersätts", "varav oförändrade", "Läsår"]
    assert "Behörighet per skola" in set(table["Uppgifter"])
    assert list(new.table("en").columns)[1] == "Figures"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(path.read_bytes().replace(b";237,1", b";xyz", 1).replace(b";229,4", b";xyz"))
    rejected = core_preview.preview(db, "skolverket-skola", [bad])
    assert not rejected.ok and "xyz" in rejected.problems.report("sv")
    assert sha256(db) == before, "a preview writes nothing"


def test_auto_detects_every_kind(shared_data: Path, tmp_path: Path) -> None:
    year = render.load_year(shared_data / "kungsbacka" / "grundskolor_2018.json")
    samples = {
        "skolverket-skola": (shared_data / "skolverket" / SCHOOL_FILE).read_bytes(),
        "skolverket-kommun": (shared_data / "skolverket" / "behorighet_grundskola_2024_25.csv").read_bytes(),
        "skolverket-tidsserie": render.series_workbook([year]),
        "kolada": json.dumps({"values": [{"kpi": "N15428", "municipality": "1384", "period": 2024,
                                          "values": []}]}).encode(),
        "absence-pupils": "Personnummer;Skolenhetskod;Månad;Lekt.;GF min;OF min\n".encode(),
        "subprojects": (TEMPLATES / "delprojekt.xlsx").read_bytes(),
        "eligibility": (TEMPLATES / "behorighet_skola.csv").read_bytes(),
        "eligibility-kommun": (TEMPLATES / "behorighet_kommun.csv").read_bytes(),
        "absence": (TEMPLATES / "franvaro_manad.csv").read_bytes(),
    }
    assert set(samples) | {"auto"} == set(kinds())
    for kind, raw in samples.items():
        assert detect_kind("x", raw) == kind, kind
    assert detect_kind("x", b"hello;world\n1;2\n") is None
    path = tmp_path / "okand.csv"
    path.write_bytes(b"hello;world\n1;2\n")
    with pytest.raises(ImportRejected) as err:
        run_import(tmp_path / "a.duckdb", "auto", [path])
    assert "filtypen gick inte att känna igen" in err.value.problems.report("sv")


def test_cli_import_with_lasar_and_auto(shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    year = render.load_year(shared_data / "kungsbacka" / "grundskolor_2021.json")
    path = tmp_path / "utan.csv"
    path.write_bytes(render.school_export(year, render.PROGRAMS, lasar_in_banner=False))
    db = tmp_path / "c.duckdb"
    assert cli.main(["import", "auto", str(path), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "Inget lästes in" in err and "--lasar" in err and not db.exists()
    assert cli.main(["import", "auto", str(path), "--db", str(db), "--lasar", "2020/21"]) == 0
    err = capsys.readouterr().err
    assert "lästes som skolverket-skola" in err
    snap = Database(db)
    assert snap.query("SELECT kind FROM import_log")["kind"].tolist() == ["skolverket-skola"]
    snap.close()
    assert cli.main(["kinds"]) == 0
    out = capsys.readouterr().out
    for kind in ("skolverket-skola", "skolverket-kommun", "skolverket-tidsserie", "kolada", "absence-pupils"):
        assert kind in out
