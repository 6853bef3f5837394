# Pupil-level absence exports: Vklass and Skola24 column forms, aggregation to school × month ×
# group and threshold counts, and the promise that no personnummer, name or pupil id is stored
# anywhere or echoed in a message.
"""importers.absence_pupils."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pluginnan_core import db as core_db
from pluginnan_core.db import Database
from pluginnan_core.importers import ImportRejected, run_import
from pluginnan_core.importers import absence_pupils as ap
from tests.conftest import sha256

SCHOOL = "48529699"  # Aroseniusskolan, Ale
OTHER = "11043800"  # Bohusskolan, Ale
PNR = ["20110512-1234", "20110612-1253", "20110712-1244", "201108121276"]
NAMES = ["Anna Andersson", "Bertil Berg", "Cecilia Carlsson", "David Dahl"]


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database that knows the two schools (from a one-line eligibility template)."""
    tmp = tmp_path_factory.mktemp("abs")
    path = tmp / "base.duckdb"
    template = tmp / "skolor.csv"
    template.write_text(
        "skolenhetskod;skola;kommun_kod;huvudman;lasar;grupp;antal_elever;behorig_yrk;behorig_es;behorig_ehs;"
        "behorig_nt;alla_amnen;meritvarde\n"
        f"{SCHOOL};Aroseniusskolan;1440;kommunal;2024/25;alla;174;82,2;.;.;.;76,4;236\n"
        f"{OTHER};Bohusskolan;1440;kommunal;2024/25;alla;88;84,1;.;.;.;73,9;221,6\n", encoding="utf-8")
    run_import(path, "eligibility", [template])
    return path


@pytest.fixture
def db(base_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "a.duckdb"
    path.write_bytes(base_db.read_bytes())
    return path


def query(path: Path, sql: str) -> pd.DataFrame:
    snapshot = Database(path)
    try:
        return snapshot.query(sql)
    finally:
        snapshot.close()


VKLASS = (
    "Frånvarorapport;;;;;;;\n"
    "Period: 2024-09-01 – 2024-09-30;;;;;;;\n"
    ";;;;;;;\n"
    "Personnummer;Namn;Klass;Kön;Skolenhetskod;Lekt.;GF min;OF min\n"
    f"{PNR[0]};{NAMES[0]};7A;F;{SCHOOL};2400;120;0\n"
    f"{PNR[1]};{NAMES[1]};7A;P;{SCHOOL};2400;300;200\n"
    f"{PNR[1]};{NAMES[1]};7A;P;{SCHOOL};600;0;0\n"  # a second row of the same pupil (another subject)
    f"{PNR[2]};{NAMES[2]};7B;F;{SCHOOL};2400;1300;0\n"
    f"{PNR[3]};{NAMES[3]};8A;P;{SCHOOL};0;0;0\n"  # no scheduled time: left out
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_vklass_export_is_aggregated(db: Path, tmp_path: Path) -> None:
    result = run_import(db, "absence-pupils", [write(tmp_path, "vklass.csv", VKLASS, "cp1252")])
    months = query(db, "SELECT * FROM absence_month ORDER BY grupp").set_index("grupp")
    assert list(months.index) == ["alla", "flickor", "pojkar"]
    alla = months.loc["alla"]
    assert alla["antal_elever"] == 3 and alla["schemalagd_min"] == 7800
    assert (alla["giltig_min"], alla["ogiltig_min"], alla["franvaro_min"]) == (1720, 200, 1920)
    assert str(alla["manad"])[:10] == "2024-09-01" and alla["lasar"] == "2024/25"
    assert months.loc["pojkar", "antal_elever"] == 1 and months.loc["pojkar", "schemalagd_min"] == 3000
    over = query(db, "SELECT grupp, troskel_pct, antal_over FROM absence_threshold")
    got = {(r.grupp, r.troskel_pct): r.antal_over for r in over.itertuples()}
    # Anna 5 %, Bertil 500/3000 = 16,7 %, Cecilia 54 %
    assert got[("alla", 10)] == 2 and got[("alla", 15)] == 2 and got[("alla", 20)] == 1 and got[("alla", 50)] == 1
    assert got[("pojkar", 20)] == 0 and got[("flickor", 50)] == 1
    assert any("utan schemalagd tid" in n for n in result.notes)


def test_no_identity_is_stored_anywhere(db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "vklass elever.csv", VKLASS)
    run_import(db, "absence-pupils", [path])
    raw = db.read_bytes()
    for secret in [*PNR, *NAMES, "Andersson", "201105121234", "20110512"]:
        assert secret.encode("utf-8") not in raw, secret
    snapshot = Database(db)
    try:
        tables = snapshot.query("SELECT table_name FROM information_schema.tables")["table_name"]
        for table in tables:
            text = snapshot.query(f"SELECT * FROM {table}").astype(str).to_csv()
            assert not any(s in text for s in [*PNR, *NAMES]), table
        log = snapshot.query("SELECT * FROM import_log ORDER BY import_id DESC").iloc[0]
    finally:
        snapshot.close()
    assert log["file_name"] == "vklass elever.csv" and len(log["sha256"]) == 64


def test_skola24_percentages_with_scheduled_hours(db: Path, tmp_path: Path) -> None:
    text = ("Skola;Elev;Kön;Från;Till;Schemalagd tid (h);Frånvaro (%);Giltig frånvaro (%);Ogiltig frånvaro (%)\n"
            f"Aroseniusskolan;{NAMES[0]};Flicka;2024-10-01;2024-10-31;40;10,0;7,5;2,5\n"
            f"Aroseniusskolan;{NAMES[1]};Pojke;2024-10-01;2024-10-31;40:00;25,0;0,0;25,0\n"
            f"aroseniusskolan ;{NAMES[2]};;2024-10-01;2024-10-31;40;0;0;0\n")
    run_import(db, "absence-pupils", [write(tmp_path, "skola24.csv", text)])
    month = query(db, "SELECT * FROM absence_month").set_index("grupp")
    alla = month.loc["alla"]
    assert alla["antal_elever"] == 3 and alla["schemalagd_min"] == 3 * 2400
    assert alla["giltig_min"] == pytest.approx(180) and alla["ogiltig_min"] == pytest.approx(60 + 600)
    assert set(month.index) == {"alla", "flickor", "pojkar"}  # the pupil without kön counts in alla only
    assert month.loc["flickor", "antal_elever"] == 1


def test_month_column_forms_and_kon_from_personnummer(db: Path, tmp_path: Path) -> None:
    text = ("Personnummer\tSkolenhetskod\tMånad\tSchemalagd tid (min)\tGiltig frånvaro (min)\tOgiltig frånvaro (min)\n"
            f"{PNR[2]}\t{SCHOOL}\tseptember 2024\t2 400\t240\t0\n"  # …1244: even digit, a girl
            f"{PNR[1]}\t{SCHOOL}\t2024-10\t2400\t0\t0\n"
            f"{PNR[1]}\t{OTHER}\t202411\t2400\t0\t480\n")
    result = run_import(db, "absence-pupils", [write(tmp_path, "ist.txt", text)])
    rows = query(db, "SELECT skolenhetskod, strftime(manad, '%Y-%m') AS m, grupp, antal_elever FROM absence_month")
    assert set(zip(rows["skolenhetskod"], rows["m"], rows["grupp"], strict=True)) >= {
        (SCHOOL, "2024-09", "flickor"), (SCHOOL, "2024-10", "pojkar"), (OTHER, "2024-11", "pojkar")}
    assert any("personnumret" in n for n in result.notes)


def test_xlsx_export(db: Path, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Elevrapport frånvaro"])
    ws.append(["Månad: 2025-01"])
    ws.append([])
    ws.append(["Elev-ID", "Skolenhetskod", "Kön", "Schemalagd tid (min)", "F min", "GF min"])
    ws.append(["e1", SCHOOL, "K", 2400, 300, 100])
    ws.append(["e2", SCHOOL, "M", 2400, 0, 0])
    out = io.BytesIO()
    book.save(out)
    (tmp_path / "unikum.xlsx").write_bytes(out.getvalue())
    run_import(db, "absence-pupils", [tmp_path / "unikum.xlsx"])
    alla = query(db, "SELECT * FROM absence_month WHERE grupp = 'alla'").iloc[0]
    assert (alla["franvaro_min"], alla["giltig_min"], alla["ogiltig_min"]) == (300, 100, 200)


def test_problems_never_echo_identity(db: Path, tmp_path: Path) -> None:
    text = ("Personnummer;Namn;Kön;Skolenhetskod;Månad;Lekt.;GF min;OF min\n"
            f"{PNR[0]};{NAMES[0]};{NAMES[0]};{SCHOOL};2024-09;2400;120;0\n"  # a name in the kön column
            f"{PNR[1]};{NAMES[1]};P;{SCHOOL};2024-09;{PNR[2]};120;0\n"  # a personnummer in a number column
            f"{PNR[2]};{NAMES[2]};F;{SCHOOL};2024-09;2400;2000;1000\n"  # more absence than scheduled
            f"{PNR[3]};{NAMES[3]};F;99999999;2024-09-01 – 2024-10-31;2400;0;0\n")
    before = sha256(db)
    with pytest.raises(ImportRejected) as err:
        run_import(db, "absence-pupils", [write(tmp_path, "fel.csv", text)])
    for lang in ("sv", "en"):
        report = err.value.problems.report(lang)
        for secret in [*PNR, *NAMES, "Andersson", "20110712"]:
            assert secret not in report, (secret, report)
    report = err.value.problems.report("sv")
    assert "fel.csv, rad 2, kolumn ”Kön”: ”A… (14 tecken)” – väntade kön" in report
    assert "rad 3, kolumn ”Lekt.”: ”ÅÅMMDD-XXXX”" in report
    assert "rad 4, kolumn ”GF min”" in report and "är större än schemalagd tid" in report
    assert "rad 5, kolumn ”Skolenhetskod”: ”99999999” – okänd skolenhetskod" in report
    assert "omfattar flera månader" in report
    assert sha256(db) == before


def test_exception_messages_never_leak(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the parser becomes a problem naming only the exception type, not its text."""
    def boom(*_args: object) -> None:
        raise ValueError(f"kan inte tolka {PNR[0]}")

    monkeypatch.setattr(ap, "_per_pupil", boom)
    with pytest.raises(ImportRejected) as err:
        run_import(db, "absence-pupils", [write(tmp_path, "vklass.csv", VKLASS)])
    report = err.value.problems.report("sv")
    assert "kunde inte tolkas (ValueError)" in report and PNR[0] not in report


def test_missing_pieces_are_explained(db: Path, tmp_path: Path) -> None:
    no_period = f"Skolenhetskod;Lekt.;GF min;OF min\n{SCHOOL};2400;0;0\n"
    no_school = "Månad;Lekt.;GF min;OF min\n2024-09;2400;0;0\n"
    only_total = f"Skolenhetskod;Månad;Lekt.;F min\n{SCHOOL};2024-09;2400;10\n"
    unknown_name = "Skola;Månad;Lekt.;GF min;OF min\nOkändaskolan;2024-09;2400;0;0\n"
    for name, text, expected in [
        ("a.csv", no_period, "anger ingen månad eller period"),
        ("b.csv", no_school, "anger ingen skola"),
        ("c.csv", only_total, "kolumnen saknas"),
        ("d.csv", unknown_name, "skolan finns inte i databasen under det namnet"),
        ("e.csv", "Namn;Kön\nA;F\n", "Schemalagd tid (min)"),
    ]:
        with pytest.raises(ImportRejected) as err:
            run_import(db, "absence-pupils", [write(tmp_path, name, text)])
        assert expected in err.value.problems.report("sv"), name


def test_thresholds_are_a_setting(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ap.ENV_THRESHOLDS, "5,25")
    assert ap.thresholds() == (5, 25)
    run_import(db, "absence-pupils", [write(tmp_path, "vklass.csv", VKLASS)])
    assert sorted(set(query(db, "SELECT troskel_pct FROM absence_threshold")["troskel_pct"])) == [5, 25]
    monkeypatch.setenv(ap.ENV_THRESHOLDS, "noll")
    assert ap.thresholds() == ap.DEFAULT_THRESHOLDS


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-09", "2024-09-01"), ("2024-09-01", "2024-09-01"), ("202409", "2024-09-01"), ("sep 2024", "2024-09-01"),
    ("September 2024", "2024-09-01"), ("09/2024", "2024-09-01"), ("2024-09-02 – 2024-09-27", "2024-09-01"),
    ("2.9.2024 - 27.9.2024", "2024-09-01"), ("2024-08-19 - 2024-12-20", "multi"), ("Anna", "bad"), ("2024-13", "bad"),
])
def test_parse_month(text: str, expected: str) -> None:
    month, err = ap.parse_month(text)
    assert (str(month) if month else err) == expected


def test_column_mapping_is_data() -> None:
    assert ap.field_of("GF min") == "giltig_min" and ap.field_of("OF min") == "ogiltig_min"
    assert ap.field_of("F min") == "franvaro_min" and ap.field_of("Lekt.") == "schemalagd_min"
    assert ap.field_of("  Personnummer ") == "personnummer" and ap.field_of("Okänd kolumn") is None
    readme = (Path(__file__).resolve().parents[2] / "data" / "templates" / "README.md").read_text(encoding="utf-8").lower()
    for spellings in ap.COLUMNS.values():  # every accepted header is documented
        for spelling in spellings:
            assert f"`{spelling}`" in readme, spelling


def test_prev_file_is_kept_for_undo(db: Path, tmp_path: Path) -> None:
    before = sha256(db)
    run_import(db, "absence-pupils", [write(tmp_path, "vklass.csv", VKLASS)])
    assert core_db.undo_last_import(db) and sha256(db) == before
