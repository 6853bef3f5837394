# Tests of the command line as a coordinator uses it: demo, import, info (text and JSON), undo,
# exit codes, and messages on stderr with the database untouched on rejection.
"""python -m pluginnan_core ..."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.conftest import ROOT, sha256


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pluginnan_core", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_demo_info_import_undo_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "d.duckdb"
    r = cli("demo", "--db", str(path), "--seed", "5")
    assert r.returncode == 0, r.stderr
    info = json.loads(cli("info", "--db", str(path), "--json").stdout)
    assert info["is_demo"] is True and info["eligibility_years"][0] == "2015/16"
    assert info["imports"][0]["kind"] == "demo"
    text = cli("info", "--db", str(path)).stdout
    assert "DEMODATA" in text and "Frånvaro: 2019/20–2024/25" in text

    before = sha256(path)
    r = cli("import", "eligibility", str(ROOT / "data/templates/behorighet_skola.csv"), "--db", str(path))
    assert r.returncode == 0, r.stderr
    assert "1 rader" in r.stderr and sha256(path) != before
    assert cli("undo", "--db", str(path)).returncode == 0
    assert sha256(path) == before


def test_rejected_import_exits_nonzero_names_file_line_column(tmp_path: Path) -> None:
    path = tmp_path / "d.duckdb"
    cli("import", "eligibility", str(ROOT / "data/templates/behorighet_skola.csv"), "--db", str(path))
    bad = tmp_path / "bad.csv"
    good = (ROOT / "data/templates/behorighet_skola.csv").read_text(encoding="utf-8")
    bad.write_text(good.replace(";1440;", ";0000;"), encoding="utf-8")
    before = sha256(path)
    r = cli("import", "eligibility", str(bad), "--db", str(path))
    assert r.returncode == 1
    assert "bad.csv, rad 2, kolumn ”kommun_kod”: ”0000”" in r.stderr
    assert "Traceback" not in r.stderr
    assert sha256(path) == before


def test_unknown_kind_and_missing_db(tmp_path: Path) -> None:
    r = cli("import", "nonsense", "x.csv", "--db", str(tmp_path / "d.duckdb"))
    assert r.returncode == 1 and "okänd filtyp" in r.stderr
    r = cli("info", "--db", str(tmp_path / "missing.duckdb"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert cli("kinds").returncode == 0


def test_migrate_upgrades_an_old_file_and_leaves_a_current_one(tmp_path: Path) -> None:
    path = tmp_path / "gammal.duckdb"
    assert cli("demo", "--db", str(path)).returncode == 0
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")  # as a file from version 1 says
    con.close()
    done = cli("migrate", "--db", str(path))
    assert done.returncode == 0 and "Uppgraderad till version" in done.stderr, done.stderr
    assert (tmp_path / "gammal.duckdb.prev").exists()
    again = cli("migrate", "--db", str(path))
    assert again.returncode == 0 and "inget ändrades" in again.stderr
    missing = cli("migrate", "--db", str(tmp_path / "finns-inte.duckdb"))
    assert missing.returncode == 1 and "kan inte uppgraderas" in missing.stderr
