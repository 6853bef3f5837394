# Database files: creating one, opening read-only snapshots, writing by copy-and-swap,
# schema version checks. Every other module reaches DuckDB through here.
"""Connection handling for the Plug Innan DuckDB file.

Why copy-and-swap: DuckDB lets one process write a file only when no other process holds it,
and the dashboard holds it read-only all day. So a writer copies the file, changes the copy
and atomically renames it over the original (`os.replace`). Readers keep the old inode open
until they notice the new file and open a fresh snapshot; no reader ever sees half an import,
and a rejected import never touches the original file at all.

Why ATTACH into an in-memory instance: `duckdb.connect(path)` caches one instance per path in
the process, so reopening a swapped file by its path would hand back the old data. Writers
attach their copy the same way, so an import can insert straight from rows it staged in its own
in-memory instance while checking the file (no round trip through pandas).

Why a derived table: kommun, förbund and region absence figures sum every school's rows,
millions at national scale, on each page view. `refresh_derived` keeps per-kommun sums next to
the school rows, rebuilt at the end of every write (an import rebuilds only the kommun months it
touched, see `refresh_derived`'s `scope`).

Why thresholds are columns (schema version 3): one `antal_over_<t>` column per absence
threshold on absence_month keeps a million-row import at a million rows; as rows (version 2)
the same file was five million, and storing them alone cost more than DuckDB's whole read of
the file. A threshold a file brings that the table lacks becomes a new column
(`ensure_thresholds`); the view absence_threshold gives them all back as rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from . import reference

#: 2: absence_month/absence_threshold lost their key index; derived absence_kommun_* tables.
#: 3: thresholds are antal_over_<t> columns of absence_month and absence_kommun_month;
#:    absence_threshold is a view, absence_kommun_threshold is gone.
SCHEMA_VERSION = 3
DEFAULT_DB = Path("data/pluginnan.duckdb")
ENV_DB = "PLUGINNAN_DB"
PREVIOUS_SUFFIX = ".prev"


class DatabaseError(Exception):
    """A database file that cannot be used; `code` selects the user-facing explanation."""

    def __init__(self, code: str, path: Path, detail: str = "") -> None:
        super().__init__(f"{code}: {path} {detail}".strip())
        self.code = code  # missing | empty | corrupt | old_schema | new_schema
        self.path = path
        self.detail = detail


def default_path() -> Path:
    """The database path: $PLUGINNAN_DB, else data/pluginnan.duckdb."""
    return Path(os.environ.get(ENV_DB) or DEFAULT_DB)


def previous_path(path: Path) -> Path:
    """Where the file before the last import is kept, so that import can be undone."""
    return path.with_name(path.name + PREVIOUS_SUFFIX)


def _schema_sql() -> str:
    return resources.files(__package__).joinpath("schema.sql").read_text(encoding="utf-8")


def initialise(con: duckdb.DuckDBPyConnection, *, is_demo: bool) -> None:
    """Create the schema and load the reference tables into an empty database."""
    con.execute(_schema_sql())
    _insert_rows(con, "forbund", [(k, name, short) for k, (name, short) in reference.FORBUND.items()])
    _insert_rows(con, "kommun", [(kod, namn, kod[:2], reference.KOMMUN_FORBUND.get(kod))
                                 for kod, namn in sorted(reference.kommuner().items())])
    _insert_rows(con, "intervention_type", [(code, sv, en) for code, (sv, en) in reference.INTERVENTIONS.items()])
    now = dt.datetime.now().isoformat(timespec="seconds")
    set_meta(con, schema_version=str(SCHEMA_VERSION), is_demo=str(is_demo).lower(), created_at=now)


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert text rows in one statement (executemany costs a statement per row: 0.2 s for kommun)."""
    columns = [list(col) for col in zip(*rows, strict=True)]
    select = ", ".join("unnest(?::VARCHAR[])" for _ in columns)
    con.execute(f"INSERT INTO {table} SELECT {select}", columns)


#: Tables rebuilt from the others by refresh_derived (never copied or imported).
DERIVED_TABLES = ("absence_kommun_month",)
#: absence_month's column for the pupils at or above threshold t percent is THRESHOLD_PREFIX + t.
THRESHOLD_PREFIX = "antal_over_"


def threshold_column(t: int) -> str:
    """The column of threshold `t` (an int 1-100: it becomes part of SQL, so it is checked)."""
    t = int(t)
    if not 1 <= t <= 100:
        raise ValueError(f"threshold {t} outside 1-100")
    return f"{THRESHOLD_PREFIX}{t}"


def stored_thresholds(con: duckdb.DuckDBPyConnection, table: str = "absence_month",
                      database: str | None = None) -> list[int]:
    """The thresholds that have a column in `table` (of `database`, default the current one)."""
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = coalesce(?, current_database()) "
        "AND schema_name = 'main' AND table_name = ? AND regexp_full_match(column_name, ?)",
        [database, table, THRESHOLD_PREFIX + "[0-9]+"]).fetchall()
    return sorted(int(r[0].removeprefix(THRESHOLD_PREFIX)) for r in rows)


def ensure_thresholds(con: duckdb.DuckDBPyConnection, thresholds: list[int] | tuple[int, ...]) -> list[int]:
    """Add a column to absence_month and absence_kommun_month for each threshold they lack.

    Why columns can be added: thresholds are configurable (an export's
    PLUGINNAN_ABSENCE_THRESHOLDS, a template's elever_minst_<t>), so a file may bring one the
    schema does not have. Existing rows get NULL (not reported). Returns the added thresholds.
    """
    have = set(stored_thresholds(con))
    added = sorted({int(t) for t in thresholds} - have)
    for t in added:
        col = threshold_column(t)
        con.execute(f"ALTER TABLE absence_month ADD COLUMN {col} INTEGER")
        con.execute(f"COMMENT ON COLUMN absence_month.{col} IS 'Pupils whose absence that month was at least "
                    f"{t} % of their scheduled time; NULL when the source did not report it.'")
        con.execute(f"ALTER TABLE absence_kommun_month ADD COLUMN {col} BIGINT")
        con.execute(f"COMMENT ON COLUMN absence_kommun_month.{col} IS 'Pupils in the kommun''s schools at or "
                    f"above {t} % absence that month (sum over the schools that reported it).'")
    return added


def refresh_derived(con: duckdb.DuckDBPyConnection, scope: str | None = None) -> None:
    """Rebuild the per-kommun absence sums (absence_kommun_month) from absence_month and school.

    Without `scope`, the whole table: what every write does unless told otherwise, since a
    school moved to another kommun, a deleted month or a new threshold all change the sums, and
    a full rebuild cannot drift. `scope` is SQL selecting (kommun_kod, manad) pairs whose rows
    to rebuild, manad NULL meaning every month of that kommun: an import names the kommun months
    of the rows it brought and the kommuner of the schools it moved (importers.run_import), so
    a month's file at national scale does not re-sum years of rows.
    """
    ts = stored_thresholds(con)
    over_cols = "".join(f", {threshold_column(t)}" for t in ts)
    over_sums = "".join(f", sum(a.{threshold_column(t)})" for t in ts)
    where = "TRUE"
    if scope is None:
        con.execute("DELETE FROM absence_kommun_month")
    else:
        # One row per kommun with every month, else one per kommun month: the join below is 1:1.
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _derived_scope AS
                        WITH x AS (SELECT DISTINCT kommun_kod, manad FROM ({scope}))
                        SELECT * FROM x WHERE manad IS NULL OR kommun_kod NOT IN
                            (SELECT kommun_kod FROM x WHERE manad IS NULL)""")
        if not con.execute("SELECT count(*) FROM _derived_scope").fetchall()[0][0]:
            con.execute("DROP TABLE _derived_scope")
            return
        con.execute("""DELETE FROM absence_kommun_month d WHERE EXISTS (
                           SELECT 1 FROM _derived_scope x
                           WHERE x.kommun_kod = d.kommun_kod AND (x.manad IS NULL OR x.manad = d.manad))""")
        where = """EXISTS (SELECT 1 FROM _derived_scope x
                           WHERE x.kommun_kod = s.kommun_kod AND (x.manad IS NULL OR x.manad = a.manad))"""
    con.execute(f"""
        INSERT INTO absence_kommun_month (kommun_kod, manad, lasar, grupp, antal_elever, schemalagd_min,
                                          franvaro_min, giltig_min, ogiltig_min{over_cols})
        SELECT s.kommun_kod, a.manad, a.lasar, a.grupp, sum(a.antal_elever), sum(a.schemalagd_min),
               sum(a.franvaro_min), sum(a.giltig_min), sum(a.ogiltig_min){over_sums}
        FROM absence_month a JOIN school s USING (skolenhetskod)
        WHERE {where}
        GROUP BY s.kommun_kod, a.manad, a.lasar, a.grupp""")
    if scope is not None:
        con.execute("DROP TABLE _derived_scope")


def set_meta(con: duckdb.DuckDBPyConnection, **values: str) -> None:
    con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(values.items()))


def next_import_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM import_log").fetchall()[0][0])


#: The name a writer's copy is attached under (its default database while writing).
WRITE_ALIAS = "pluginnan_write"


@contextlib.contextmanager
def writing(path: Path, *, create: bool = False, is_demo: bool = False, keep_previous: bool = True,
            con: duckdb.DuckDBPyConnection | None = None, refresh: bool = True
            ) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a writable connection to a copy of `path`; swap it in only if the block succeeds.

    On any exception the copy is deleted and `path` is untouched, byte for byte. With
    `create`, the copy starts as a fresh database (schema + reference data) instead. The copy
    is attached as the default database of an in-memory instance: `con`, when given, so that
    tables staged there (an import's checked rows, under `memory.main`) can be inserted
    directly; the caller keeps and closes it. Derived tables are rebuilt before the swap,
    all of them unless `refresh` is False: then the block must call `refresh_derived` for what it
    changed (run_import does, with the kommun months it touched).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    own = con is None
    writer = duckdb.connect() if con is None else con
    try:
        fresh = create or not path.exists()
        if fresh:
            tmp.unlink()
        else:
            check_file(path)
            shutil.copyfile(path, tmp)
        writer.execute(f"ATTACH ? AS {WRITE_ALIAS}", [str(tmp)])
        try:
            writer.execute(f"USE {WRITE_ALIAS}")
            # Row order in a table means nothing here; letting DuckDB drop it halves big inserts.
            writer.execute("SET preserve_insertion_order = false")
            if fresh:
                # One transaction: committed statement by statement (a commit each), schema.sql's
                # tables and comments took 0.11-0.34 s on the shared 2-core machine, together 0.06-0.12 s.
                writer.execute("BEGIN TRANSACTION")
                try:
                    initialise(writer, is_demo=is_demo)
                except BaseException:
                    writer.execute("ROLLBACK")
                    raise
                writer.execute("COMMIT")
            yield writer
            if refresh:
                refresh_derived(writer)
            writer.execute(f"CHECKPOINT {WRITE_ALIAS}")
        finally:
            writer.execute("USE memory")
            writer.execute(f"DETACH {WRITE_ALIAS}")
        if path.exists() and keep_previous:
            shutil.copyfile(path, previous_path(path))
        os.replace(tmp, path)
    finally:
        if own:
            writer.close()
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


#: Tables whose rows come from reference.py, not from imports: a migrated file gets today's.
REFERENCE_TABLES = ("forbund", "kommun", "intervention_type")


def migrate(path: Path) -> bool:
    """Bring a file made by an older version up to SCHEMA_VERSION; False if it already is current.

    Why a rebuild rather than ALTER statements: version 0 is every file from before
    meta.schema_version existed, so its exact shape is not known. A new file is made from
    schema.sql (with today's reference data) and every column the old file shares with it is
    copied, table by table; meta keys are kept and schema_version is set. Threshold rows of a
    version 0-2 file (table absence_threshold) become absence_month's antal_over_<t> columns,
    summed per school month as the queries always summed them; rows without a month row, which
    no figure ever counted, are left behind. The upgrade is a copy
    and swap like an import: a running dashboard keeps reading the old file until the swap, and
    the old file is kept next to it (`<name>.prev`, so `undo` puts it back). Missing, corrupt or
    newer files raise DatabaseError as before.
    """
    path = Path(path)
    try:
        check_file(path)
        return False
    except DatabaseError as exc:
        if exc.code != "old_schema":
            raise
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".migrate", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        con = duckdb.connect(str(tmp))
        try:
            initialise(con, is_demo=False)
            con.execute("ATTACH ? AS old (READ_ONLY)", [str(path)])
            over = _old_threshold_rows(con)
            tables = [r[0] for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()]
            for table in tables:
                if table in (*REFERENCE_TABLES, *DERIVED_TABLES, "meta"):
                    continue
                old_cols = [r[0] for r in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE database_name = 'old' AND table_name = ?",
                    [table]).fetchall()]
                new_cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
                common = [c for c in new_cols if c in old_cols]
                if not common:
                    continue
                cols = ", ".join(common)
                pivoted = [c for c in over if c not in common] if table == "absence_month" else []
                if pivoted:
                    con.execute(f"INSERT INTO {table} ({cols}, {', '.join(pivoted)}) "
                                f"SELECT {', '.join(f'a.{c}' for c in common)}, {', '.join(f'o.{c}' for c in pivoted)} "
                                f"FROM old.main.{table} a LEFT JOIN _old_over o "
                                "ON o.skolenhetskod = a.skolenhetskod AND o.manad = a.manad AND o.grupp = a.grupp")
                else:
                    con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM old.main.{table}")
            con.execute("DROP TABLE IF EXISTS _old_over")
            kept = con.execute("SELECT key, value FROM old.main.meta WHERE key <> 'schema_version'").fetchall()
            con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", kept)
            set_meta(con, schema_version=str(SCHEMA_VERSION),
                     migrated_at=dt.datetime.now().isoformat(timespec="seconds"))
            con.execute("DETACH old")
            refresh_derived(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        shutil.copyfile(path, previous_path(path))
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return True


def _old_threshold_rows(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Make the new file's threshold columns for a file attached as `old`; list those to pivot.

    The old file's thresholds are its absence_month antal_over_<t> columns (version 3 shape)
    and, when it has the version 0-2 table absence_threshold, that table's troskel_pct values,
    pivoted into the temp table _old_over (one row per school month, sum per threshold).
    """
    ts = set(stored_thresholds(con, database="old"))
    is_table = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'old' "
                           "AND schema_name = 'main' AND table_name = 'absence_threshold'").fetchall()[0][0]
    rows: list[int] = []
    if is_table:
        rows = [int(r[0]) for r in con.execute(
            "SELECT DISTINCT troskel_pct FROM old.main.absence_threshold ORDER BY 1").fetchall()]
    ensure_thresholds(con, sorted(ts | set(rows)))
    if not rows:
        return []
    pivot = ", ".join(f"sum(antal_over) FILTER (WHERE troskel_pct = {int(t)}) AS {threshold_column(t)}"
                      for t in rows)
    con.execute(f"CREATE TEMP TABLE _old_over AS SELECT skolenhetskod, manad, grupp, {pivot} "
                "FROM old.main.absence_threshold GROUP BY ALL")
    return [threshold_column(t) for t in rows]


def undo_last_import(path: Path) -> bool:
    """Put back the file as it was before the last import; False when there is nothing to undo."""
    prev = previous_path(Path(path))
    if not prev.exists():
        return False
    os.replace(prev, path)
    return True


def check_file(path: Path) -> None:
    """Raise DatabaseError with a specific code for a missing, empty, corrupt or old file."""
    path = Path(path)
    if not path.exists():
        raise DatabaseError("missing", path)
    if path.stat().st_size == 0:
        raise DatabaseError("empty", path)
    con = _attach(path)
    try:
        _check_version(con, path)
    finally:
        con.close()


#: DuckDB settings of a read-only snapshot. One thread: the dashboard's queries are small now
#: that kommun figures come from the derived tables, sessions already run in parallel, and each
#: DuckDB worker thread keeps its own memory (measured at national scale: ~20 MiB less RSS after
#: every absence query, no query slower; docs/performance.md).
#: A memory limit: DuckDB otherwise keeps up to 80 % of the machine's memory of table blocks and
#: work space. At national scale every page's queries ran in 64 MB and the kommun × month
#: absence query failed with "Out of Memory" at 32 MB (its result is held in DuckDB until
#: converted), so 96 MB leaves three times that for more years of data; operators that can spill
#: use the temporary directory. One async I/O thread rather than DuckDB's default eight, and
#: 96 rather than 128 MB: every page opened once in one process (AppTest, national scale) left
#: 390-395 MiB resident before, 361-366 with one async thread, 319-321 with that and 64 MB, and
#: 96 MB was as low as 64 MB; page times unchanged (docs/performance.md).
SNAPSHOT_CONFIG = {"threads": 1, "async_threads": 1, "memory_limit": "96MB",
                   "temp_directory": str(Path(tempfile.gettempdir()) / "pluginnan-duckdb")}


def _attach(path: Path, config: dict[str, object] | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config=config or {})
    try:
        con.execute("ATTACH ? AS pluginnan (READ_ONLY)", [str(path)])
        con.execute("USE pluginnan")
    except duckdb.Error as exc:
        con.close()
        raise DatabaseError("corrupt", path, str(exc).splitlines()[0]) from exc
    return con


def _check_version(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    except duckdb.Error as exc:
        raise DatabaseError("corrupt", path, "meta table missing") from exc
    version = int(row[0][0]) if row else 0
    if version < SCHEMA_VERSION:
        raise DatabaseError("old_schema", path, f"version {version} < {SCHEMA_VERSION}")
    if version > SCHEMA_VERSION:
        raise DatabaseError("new_schema", path, f"version {version} > {SCHEMA_VERSION}")


@dataclass(frozen=True)
class FileIdentity:
    """What tells one database file apart from the one swapped in after it."""

    inode: int
    mtime_ns: int
    size: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity:
        st = os.stat(path)
        return cls(st.st_ino, st.st_mtime_ns, st.st_size)


class Database:
    """A read-only snapshot of one database file, safe to query from many threads.

    A snapshot never changes: after an import, `Database.open` again gives the new data,
    while queries on this one keep seeing the old file.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        check_file(self.path)
        self.identity = FileIdentity.of(self.path)
        self._con = _attach(self.path, SNAPSHOT_CONFIG)
        self._lock = threading.Lock()
        self._running = 0  # queries under way (release_memory waits for none)
        self.meta: dict[str, str] = dict(self._con.execute("SELECT key, value FROM meta").fetchall())

    @property
    def is_demo(self) -> bool:
        return self.meta.get("is_demo") == "true"

    @property
    def token(self) -> str:
        """A short key that changes with the file: use it in cache keys, never the object."""
        i = self.identity
        return f"{i.inode}-{i.mtime_ns}-{i.size}"

    def is_current(self) -> bool:
        """False once another file has been swapped in at the same path (or it vanished)."""
        try:
            return FileIdentity.of(self.path) == self.identity
        except FileNotFoundError:
            return False

    @contextlib.contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A fresh cursor for one query (thread-safe), counted while it runs."""
        with self._lock:
            cur = self._con.cursor()
            self._running += 1
        try:
            cur.execute("USE pluginnan")
            yield cur
        finally:
            cur.close()
            with self._lock:
                self._running -= 1

    def query(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        """Run parameterised SQL and return a DataFrame (a fresh cursor per call: thread-safe)."""
        with self._cursor() as cur:
            return cur.execute(sql, params or []).df()

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        with self._cursor() as cur:
            rows = cur.execute(sql, params or []).fetchall()
            return rows[0][0] if rows else None

    def release_memory(self) -> bool:
        """Drop DuckDB's copies of the file's blocks, unless a query is running (then False).

        Why: DuckDB keeps every block it has read until its memory limit, ~21 MiB of this server's
        ~300 MiB at national scale after every page has been opened, although the pages' results are
        cached above it (ui/cache) and the operating system's file cache holds the same bytes. The
        server calls this whenever it has been quiet for a second (ui/memory); a query after it reads
        its blocks again from the file cache (a new selection took 12-17 ms longer, median paired per
        kommun, docs/performance.md). How: a memory
        limit of 0 makes DuckDB evict every table block (it then refuses the limit, as the primary
        keys' index blocks stay, <1 MiB), and the usual limit is set straight back; no query can
        start in between (the lock hands out cursors).
        """
        with self._lock:
            if self._running:
                return False
            try:
                self._con.execute("SET memory_limit = '0B'")
            except duckdb.OutOfMemoryException:  # index blocks stay (<1 MiB); the table blocks went
                pass
            finally:
                self._con.execute("SET memory_limit = ?", [SNAPSHOT_CONFIG["memory_limit"]])
            return True

    def close(self) -> None:
        self._con.close()


class DatabaseHolder:
    """Hands out the current snapshot, opening a new one when the file was swapped.

    The check is one `os.stat` per call, cheap enough for every page rerun.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db: Database | None = None
        self._lock = threading.Lock()

    def current(self) -> Database:
        with self._lock:
            if self._db is None or not self._db.is_current():
                self._db = Database(self.path)  # the old snapshot closes when unreferenced
            return self._db

    def release_memory(self) -> None:
        """`Database.release_memory` on the snapshot in use, if one is open (none is opened for it)."""
        with self._lock:
            db = self._db
        if db is not None:
            db.release_memory()
