# Tests of the project's own CSV templates: each template imports and comes out equal, and each
# kind of bad file gives its message (file, line, column, reason) and leaves the database unchanged.
"""Template importers and the shared validator, through the real CLI path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pluginnan_core import db
from pluginnan_core.importers import ImportRejected, run_import, templates
from tests.conftest import ROOT, sha256

TEMPLATES = ROOT / "data" / "templates"
HEADER = ("skolenhetskod;skola;kommun_kod;huvudman;lasar;grupp;antal_elever;behorig_yrk;behorig_es;behorig_ehs;"
          "behorig_nt;alla_amnen;meritvarde")
GOOD = "48529699;Aroseniusskolan;1440;kommunal;2024/25;alla;174;82,2;81,0;79,3;75,9;76,4;236"


@pytest.fixture
def base_db(tmp_path: Path) -> Path:
    path = tmp_path / "base.duckdb"
    with db.writing(path, create=True):
        pass
    run_import(path, "eligibility", [TEMPLATES / "behorighet_skola.csv"])
    return path


def test_all_templates_import_and_come_out_equal(tmp_path: Path) -> None:
    path = tmp_path / "t.duckdb"
    for kind, name in [("eligibility", "behorighet_skola.csv"), ("eligibility-kommun", "behorighet_kommun.csv"),
                       ("absence", "franvaro_manad.csv"), ("subprojects", "delprojekt.csv")]:
        run_import(path, kind, [TEMPLATES / name])
    snap = db.Database(path)
    row = snap.query("SELECT * FROM eligibility_school").iloc[0]
    assert (row.skolenhetskod, row.lasar, row.antal_elever, row.behorig_yrk, row.meritvarde) == (
        "48529699", "2024/25", 174, 82.2, 236.0)
    k = snap.query("SELECT * FROM eligibility_kommun").iloc[0]
    assert (k.kommun_kod, k.antal_elever, k.behorig_nt, k.huvudman) == ("1440", 434, 77.6, "samtliga")
    a = snap.query("SELECT * FROM absence_rates").iloc[0]
    assert a.schemalagd_min == 2855160 and round(a.franvaro_pct, 2) == 8.50
    thresholds = dict(snap.query("SELECT troskel_pct, antal_over FROM absence_threshold").values.tolist())
    assert thresholds == {10: 88, 15: 49, 20: 27, 50: 3}
    p = snap.query("SELECT * FROM subproject").iloc[0]
    assert (p.projekt_id, str(p.start_datum)[:10], p.elever_nadda) == ("PI-101", "2024-08-19", 45)
    assert sorted(snap.query("SELECT code FROM subproject_intervention")["code"]) == ["mentorskap", "tidig_varning"]
    log = snap.query("SELECT kind, rows, sha256 FROM import_log ORDER BY import_id")
    assert list(log["kind"]) == ["eligibility", "eligibility-kommun", "absence", "subprojects"]
    assert len(log["sha256"].iloc[0]) == 64
    assert not snap.is_demo


def test_reimport_replaces_rows_instead_of_duplicating(base_db: Path) -> None:
    run_import(base_db, "eligibility", [TEMPLATES / "behorighet_skola.csv"])
    assert db.Database(base_db).scalar("SELECT count(*) FROM eligibility_school") == 1


def test_markers_stay_markers(tmp_path: Path, base_db: Path) -> None:
    f = tmp_path / "m.csv"
    f.write_text(HEADER + "\n" + "48529699;Aroseniusskolan;1440;kommunal;2023/24;alla;..;..;~100;.;;..;..\n",
                 encoding="utf-8")
    run_import(base_db, "eligibility", [f])
    row = db.Database(base_db).query("SELECT * FROM eligibility_school WHERE lasar = '2023/24'").iloc[0]
    assert row.antal_elever_marker == ".." and row.behorig_es_marker == "~100" and row.behorig_ehs_marker == "."
    assert row.behorig_nt_marker == "." and row.behorig_es != row.behorig_es  # NaN, never a number


BAD_FILES = {
    "wrong_separator": (HEADER.replace(";", ",") + "\n" + GOOD.replace(";", ","), "separator", "rad 1"),
    "missing_column": (HEADER.replace(";meritvarde", "") + "\n" + GOOD.rsplit(";", 1)[0], "meritvarde", "saknas"),
    "unknown_kommun": (HEADER + "\n" + GOOD.replace(";1440;", ";9999;"), "kommun_kod", "okänd kommunkod"),
    "duplicate_row": (HEADER + "\n" + GOOD + "\n" + GOOD, "rad 3", "samma rad finns redan på rad 2"),
    "share_above_100": (HEADER + "\n" + GOOD.replace(";82,2;", ";182,2;"), "behorig_yrk", "mellan 0 och 100"),
    "text_in_number": (HEADER + "\n" + GOOD.replace(";174;", ";sjuttio;"), "antal_elever", "heltal"),
    "empty_file": ("", "tom", "tom"),
    "header_only": (HEADER + "\n", "inga datarader", "inga datarader"),
    "truncated": (HEADER + "\n" + GOOD + "\n" + GOOD[:40], "rad 3", "fält"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_rejected_with_message_and_db_unchanged(case: str, tmp_path: Path, base_db: Path) -> None:
    content, where, reason = BAD_FILES[case]
    f = tmp_path / f"{case}.csv"
    f.write_text(content, encoding="utf-8")
    before = sha256(base_db)
    with pytest.raises(ImportRejected) as info:
        run_import(base_db, "eligibility", [f])
    report = info.value.problems.report("sv")
    assert f"{case}.csv" in report and where in report and reason in report, report
    assert sha256(base_db) == before


def test_wrong_encoding_is_rejected(tmp_path: Path, base_db: Path) -> None:
    f = tmp_path / "utf16.csv"
    f.write_bytes((HEADER + "\n" + GOOD).encode("utf-16"))
    before = sha256(base_db)
    with pytest.raises(ImportRejected) as info:
        run_import(base_db, "eligibility", [f])
    assert "UTF-8" in info.value.problems.report("sv")
    assert sha256(base_db) == before


def test_windows_1252_file_is_accepted(tmp_path: Path, base_db: Path) -> None:
    f = tmp_path / "cp1252.csv"
    f.write_bytes((HEADER + "\n" + GOOD.replace("Aroseniusskolan", "Åsenskolan")).encode("cp1252"))
    run_import(base_db, "eligibility", [f])
    assert db.Database(base_db).scalar("SELECT namn FROM school") == "Åsenskolan"


def test_all_problems_listed_at_once_in_english_too(tmp_path: Path, base_db: Path) -> None:
    f = tmp_path / "many.csv"
    rows = [GOOD.replace(";82,2;", ";182,2;").replace(";174;", ";x;")] * 3
    f.write_text(HEADER + "\n" + "\n".join(rows), encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        run_import(base_db, "eligibility", [f])
    problems = info.value.problems
    assert problems.total >= 6  # every bad cell of every line, not just the first
    assert "line 2, column “behorig_yrk”" in problems.report("en")


def test_subproject_with_unknown_school_and_bad_dates(tmp_path: Path, base_db: Path) -> None:
    f = tmp_path / "sp.csv"
    header = (TEMPLATES / "delprojekt.csv").read_text(encoding="utf-8").splitlines()[0]
    f.write_text(header + "\nPI-9;Test;1440;12345678;mentorskap,trolleri;2025-08-01;2024-06-30;7;9;-3;x\n",
                 encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        run_import(base_db, "subprojects", [f])
    report = info.value.problems.report("sv")
    for expected in ("okänd skolenhetskod", "trolleri", "slutdatum före startdatum", "elever_nadda"):
        assert expected in report, report


def test_import_while_reader_holds_file(tmp_path: Path, base_db: Path) -> None:
    reader = db.Database(base_db)
    f = tmp_path / "new.csv"
    f.write_text(HEADER + "\n" + GOOD.replace("2024/25", "2022/23"), encoding="utf-8")
    run_import(base_db, "eligibility", [f])
    assert reader.scalar("SELECT count(*) FROM eligibility_school") == 1  # old snapshot unchanged
    assert db.Database(base_db).scalar("SELECT count(*) FROM eligibility_school") == 2
    shutil.rmtree(tmp_path / "nonexistent", ignore_errors=True)


@pytest.mark.parametrize("fast", [False, True])
def test_more_scheduled_minutes_than_the_month_has_names_its_cell_and_leaves_the_db(
        fast: bool, tmp_path: Path, base_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scheduled minutes above 31 days × 24 h per pupil (here 10²⁰) are a mistake, named with file,
    row and column; they used to import and show every absence share as 0 %. The same row with
    the minutes a month can hold is read."""
    monkeypatch.setattr(templates, "FAST_MIN_BYTES", 0 if fast else 10**15)
    lines = (TEMPLATES / "franvaro_manad.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")
    cells = lines[1].split(";")
    pupils = int(cells[header.index("antal_elever")])
    f = tmp_path / "franvaro_manad.csv"

    def write(minutes: str) -> None:
        cells[header.index("schemalagd_min")] = minutes
        f.write_text("\n".join([lines[0], ";".join(cells), *lines[2:]]) + "\n", encoding="utf-8")

    write("100000000000000000000")
    before = sha256(base_db)
    with pytest.raises(ImportRejected) as info:
        run_import(base_db, "absence", [f])
    report = info.value.problems.report("sv")
    assert "franvaro_manad.csv, rad 2, kolumn ”schemalagd_min”" in report, report
    assert "är mer än månadens 44640 minuter per elev gånger antalet elever" in report, report
    assert sha256(base_db) == before
    write(str(pupils * 44640))
    run_import(base_db, "absence", [f])  # at the limit: read


@pytest.mark.parametrize(("column", "value"), [("antal_elever", "3000000000"), ("antal_elever", "10000001"),
                                               ("elever_minst_10", "2147483648")])
def test_a_count_beyond_any_school_names_its_cell_and_leaves_the_db(column: str, value: str, tmp_path: Path,
                                                                    base_db: Path) -> None:
    """A count above 10 million pupils (a typing or export mistake; DuckDB's INTEGER ends at 2³¹)
    is named with file, row and column; it used to stop the absence import with a conversion error."""
    lines = (TEMPLATES / "franvaro_manad.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")
    cells = lines[1].split(";")
    cells[header.index(column)] = value
    f = tmp_path / "franvaro_manad.csv"
    f.write_text("\n".join([lines[0], ";".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    before = sha256(base_db)
    with pytest.raises(ImportRejected) as info:
        run_import(base_db, "absence", [f])
    report = info.value.problems.report("sv")
    assert f"franvaro_manad.csv, rad 2, kolumn ”{column}”: ”{value}” – värdet ska ligga mellan 0 och 10000000" \
        in report, report
    assert sha256(base_db) == before
