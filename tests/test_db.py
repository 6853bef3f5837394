# Tests of pluginnan_core.db: copy-and-swap writes, snapshots that see the new file after a swap,
# byte-identical files after a failed write, and clear errors for missing/corrupt/old files.
"""Database file handling."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pluginnan_core import db
from tests.conftest import sha256


def _new_db(path: Path) -> Path:
    with db.writing(path, create=True):
        pass
    return path


def test_swap_is_seen_by_new_snapshot_while_old_keeps_old_data(tmp_path: Path) -> None:
    path = _new_db(tmp_path / "a.duckdb")
    holder = db.DatabaseHolder(path)
    old = holder.current()
    assert old.scalar("SELECT count(*) FROM school") == 0
    with db.writing(path) as con:
        con.execute("INSERT INTO school VALUES ('00000001', 'Testskolan', '1440', 'kommunal', NULL)")
    assert not old.is_current()
    assert old.scalar("SELECT count(*) FROM school") == 0  # a running page keeps its snapshot
    new = holder.current()
    assert new is not old
    assert new.scalar("SELECT count(*) FROM school") == 1


def test_failed_write_leaves_file_byte_identical(tmp_path: Path) -> None:
    path = _new_db(tmp_path / "a.duckdb")
    before = sha256(path)
    with pytest.raises(RuntimeError), db.writing(path) as con:
        con.execute("INSERT INTO school VALUES ('00000001', 'Testskolan', '1440', 'kommunal', NULL)")
        raise RuntimeError("stop")
    assert sha256(path) == before
    assert [p.name for p in tmp_path.iterdir()] == ["a.duckdb"]  # no temp files left


def test_writer_works_while_another_process_style_reader_holds_file(tmp_path: Path) -> None:
    path = _new_db(tmp_path / "a.duckdb")
    reader = duckdb.connect(str(path), read_only=True)  # like the dashboard in another process
    with db.writing(path) as con:
        con.execute("INSERT INTO school VALUES ('00000001', 'Testskolan', '1440', 'kommunal', NULL)")
    reader.close()
    assert db.Database(path).scalar("SELECT count(*) FROM school") == 1


def test_undo_restores_previous_file(tmp_path: Path) -> None:
    path = _new_db(tmp_path / "a.duckdb")
    before = sha256(path)
    with db.writing(path) as con:
        con.execute("INSERT INTO school VALUES ('00000001', 'Testskolan', '1440', 'kommunal', NULL)")
    assert sha256(path) != before
    assert db.undo_last_import(path)
    assert sha256(path) == before
    assert not db.undo_last_import(path)


def test_reference_tables_hold_290_kommuner_and_50_members(tmp_path: Path) -> None:
    snapshot = db.Database(_new_db(tmp_path / "a.duckdb"))
    assert snapshot.scalar("SELECT count(*) FROM kommun") == 290
    assert snapshot.scalar("SELECT count(*) FROM kommun WHERE forbund_id IS NOT NULL") == 50
    assert snapshot.scalar("SELECT forbund_id FROM kommun WHERE kommun_kod = '1384'") == "GR"
    assert snapshot.scalar("SELECT namn FROM kommun WHERE kommun_kod = '1480'") == "Göteborg"
    assert snapshot.scalar("SELECT count(*) FROM kommun WHERE forbund_id = 'SKARABORG'") == 15


@pytest.mark.parametrize("content,code", [(None, "missing"), (b"", "empty"), (b"not a database" * 100, "corrupt")])
def test_unusable_files_raise_with_code(tmp_path: Path, content: bytes | None, code: str) -> None:
    path = tmp_path / "x.duckdb"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(db.DatabaseError) as info:
        db.Database(path)
    assert info.value.code == code


def test_old_schema_is_refused_with_code(tmp_path: Path) -> None:
    path = _new_db(tmp_path / "a.duckdb")
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(db.DatabaseError) as info:
        db.Database(path)
    assert info.value.code == "old_schema"


def test_default_path_honours_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(db.ENV_DB, raising=False)
    assert db.default_path() == Path("data/pluginnan.duckdb")
    monkeypatch.setenv(db.ENV_DB, str(tmp_path / "x.duckdb"))
    assert db.default_path() == tmp_path / "x.duckdb"


def test_copy_of_database_opens_in_plain_duckdb(tmp_path: Path) -> None:
    """Analysts open the file in DBeaver/Power BI: plain DuckDB must read it, comments included."""
    path = _new_db(tmp_path / "a.duckdb")
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(path, copy)
    con = duckdb.connect(str(copy), read_only=True)
    comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'eligibility_school'").fetchall()
    con.close()
    assert "Årskurs 9" in comment[0][0]


def test_threshold_columns_are_added_once_with_a_comment_and_checked(tmp_path: Path) -> None:
    """Thresholds are columns (schema 3); one a file brings that the table lacks becomes a new column."""
    path = _new_db(tmp_path / "a.duckdb")
    with db.writing(path) as con:
        assert db.stored_thresholds(con) == [10, 15, 20, 50]
        assert db.ensure_thresholds(con, [12, 10]) == [12]
        assert db.ensure_thresholds(con, (12,)) == []
    for bad in (0, 101, -5):
        with pytest.raises(ValueError):
            db.threshold_column(bad)
    con = duckdb.connect(str(path), read_only=True)
    comments = dict(con.execute("SELECT table_name || '.' || column_name, comment FROM duckdb_columns() "
                                "WHERE column_name LIKE 'antal_over_%' AND NOT internal AND table_name IN "
                                "('absence_month', 'absence_kommun_month')").fetchall())
    con.close()
    assert set(comments) == {f"{t}.antal_over_{x}" for t in ("absence_month", "absence_kommun_month")
                             for x in (10, 12, 15, 20, 50)}
    assert all(comments.values()) and "12 %" in comments["absence_month.antal_over_12"]
    snapshot = db.Database(path)
    assert snapshot.meta["schema_version"] == "3"
    assert list(snapshot.query("DESCRIBE absence_threshold")["column_name"]) == [
        "skolenhetskod", "manad", "grupp", "troskel_pct", "antal_over"]
    snapshot.close()


def _block_bytes(snapshot: db.Database) -> int:
    return int(snapshot.scalar("SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory() "
                               "WHERE tag = 'BASE_TABLE'"))


def test_release_memory_drops_read_blocks_and_answers_stay_the_same(demo_db: Path) -> None:
    snapshot = db.Database(demo_db)
    sql = "SELECT grupp, sum(franvaro_min) AS m, count(*) AS n FROM absence_month GROUP BY 1 ORDER BY 1"
    before = snapshot.query(sql)
    assert _block_bytes(snapshot) > 0  # the scan left the table's blocks in DuckDB
    assert snapshot.release_memory()
    assert _block_bytes(snapshot) == 0
    assert snapshot.scalar("SELECT current_setting('memory_limit')") == \
        db.Database(demo_db).scalar("SELECT current_setting('memory_limit')")  # the usual limit is back
    assert snapshot.query(sql).equals(before)  # read again from the file


def test_release_memory_waits_for_a_running_query(demo_db: Path) -> None:
    snapshot = db.Database(demo_db)
    snapshot.query("SELECT sum(franvaro_min) FROM absence_month")
    with snapshot._cursor() as cur:  # a query under way in another session
        assert not snapshot.release_memory()
        assert cur.execute("SELECT count(*) FROM absence_month").fetchone()[0] > 0
    assert _block_bytes(snapshot) > 0
    assert snapshot.release_memory()


def test_holder_releases_only_an_open_snapshot(tmp_path: Path) -> None:
    holder = db.DatabaseHolder(_new_db(tmp_path / "a.duckdb"))
    holder.release_memory()  # nothing open: nothing opened for it
    assert holder._db is None
    holder.current().scalar("SELECT count(*) FROM school")
    holder.release_memory()
    assert _block_bytes(holder.current()) == 0
