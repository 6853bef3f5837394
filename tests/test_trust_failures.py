# A missing, empty, corrupt, cut-off, old or swapped database file gives a page that says what is
# wrong and what to do (AppTest), never a traceback; an old file can be migrated without losing data.
"""Database failures as the user meets them (ui/state.py, app.py, pluginnan_core.db.migrate)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from pluginnan_core import db
from tests.conftest import ROOT, tiles
from tests.trust.pages import existing_pages

PAGES = [p.path for p in existing_pages() if not p.path.endswith("ladda_upp.py")]


def _run(path: Path, monkeypatch, page: str | None = None) -> AppTest:
    monkeypatch.setenv("PLUGINNAN_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    if page:
        at.switch_page(page).run()
    return at


def _old_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A file as an older version wrote it: no schema_version, and a table that came later missing."""
    path = tmp_path / "gammal.duckdb"
    shutil.copyfile(demo_db, path)
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM meta WHERE key = 'schema_version'")
    con.execute("DROP TABLE subproject_intervention")
    con.close()
    return path


@pytest.mark.parametrize(("state", "expected"), [
    ("missing", "finns inte"), ("empty", "är tom"), ("garbage", "går inte att läsa"), ("cut_1", "går inte att läsa"),
    ("cut_50", "går inte att läsa"), ("cut_97", "går inte att läsa"), ("wal_only", "går inte att läsa"),
])
def test_broken_file_gives_a_page_that_says_what_to_do(demo_db, tmp_path, monkeypatch, state, expected) -> None:
    path = tmp_path / "x.duckdb"
    raw = demo_db.read_bytes()
    content = {"missing": None, "empty": b"", "garbage": b"PK\x03\x04 inte en databas" * 500,
               "cut_1": raw[: len(raw) // 100], "cut_50": raw[: len(raw) // 2], "cut_97": raw[: len(raw) * 97 // 100],
               "wal_only": b"\x00" * 4096}[state]
    if content is not None:
        path.write_bytes(content)
    at = _run(path, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and expected in at.error[0].value
    assert any("python -m pluginnan_core demo" in m.value for m in at.markdown)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_survives_a_file_cut_off_near_its_end(demo_db, tmp_path, monkeypatch, page) -> None:
    """The first pages of a cut-off file open fine; a query that reaches the missing end fails.
    That must give the same page as a file that does not open, whatever page it happens on."""
    path = tmp_path / "kapad.duckdb"
    raw = demo_db.read_bytes()
    path.write_bytes(raw[: len(raw) * 97 // 100])
    at = _run(path, monkeypatch, page)
    assert not at.exception, (page, [e.value for e in at.exception])


def test_old_schema_says_how_to_upgrade_and_migrate_keeps_everything(demo_db, tmp_path, monkeypatch) -> None:
    path = _old_copy(demo_db, tmp_path)
    at = _run(path, monkeypatch)
    assert not at.exception
    assert "äldre version" in at.error[0].value
    command = f"python -m pluginnan_core migrate --db {path}"
    assert any(command in m.value for m in at.markdown)
    before = duckdb.connect(str(path), read_only=True)
    counts = {t: before.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("school", "eligibility_school", "eligibility_kommun", "absence_month", "subproject", "import_log")}
    before.close()
    done = subprocess.run([sys.executable, *command.split()[1:]], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)  # the command the page shows, as an administrator would run it
    assert done.returncode == 0 and "Uppgraderad till version" in done.stderr, done.stderr
    assert db.previous_path(path).exists()
    snapshot = db.Database(path)
    assert snapshot.meta["schema_version"] == str(db.SCHEMA_VERSION) and snapshot.is_demo
    for table, n in counts.items():
        assert snapshot.scalar(f"SELECT count(*) FROM {table}") == n, table
    assert snapshot.scalar("SELECT count(*) FROM subproject_intervention") == 0  # the new table exists, empty
    snapshot.close()
    assert db.migrate(path) is False  # current files are left alone
    at = _run(path, monkeypatch)
    assert not at.exception and not at.error and at.title[0].value == "Översikt"


def test_a_swapped_file_is_read_on_the_next_run_and_a_vanished_one_is_explained(demo_db, tmp_path,
                                                                               monkeypatch) -> None:
    path = tmp_path / "byts.duckdb"
    shutil.copyfile(demo_db, path)
    at = _run(path, monkeypatch)
    assert not at.exception and not at.error
    with db.writing(path) as con:  # an import swaps the file while the session is open
        con.execute("UPDATE eligibility_kommun SET behorig_yrk = 12.3 WHERE kommun_kod = '1489' "
                    "AND lasar = (SELECT max(lasar) FROM eligibility_kommun) AND grupp = 'alla'")
    at.sidebar.multiselect[0].select("1489").run()
    assert not at.exception
    assert tiles(at)[0].value.startswith("12,3")
    path.unlink()  # then someone deletes it
    at.radio(key="f_kon").set_value("flickor").run()
    assert not at.exception
    assert at.error and "finns inte" in at.error[-1].value
