# Importers: the registry of file kinds and the one path by which data enters the database
# (parse every file, validate all of it, then write a copy and swap it in, or write nothing).
"""Loading files into the database.

Why one entry point (`run_import`): whatever the format, the guarantees are the same: every
problem of every file is reported at once, nothing is written unless all files are valid, the
database file is byte-identical after a rejection, the write never blocks a running dashboard
(copy-and-swap in db.writing), and every load is logged with file name, sha256 and row count.

A format is a `Kind`: a parse function that turns one file into a `Batch` of table rows and
reports problems to the shared validator. New formats register here.

Why `Staged` rows: a million-row file checked by DuckDB stays in the import's own in-memory
DuckDB instance (`Context.staging`) and is inserted from there by the writer, which attaches
the database copy to that same instance; a pandas round trip took most of the import's time.

Why the import names what it touched: rebuilding the per-kommun absence sums for the whole
database after every file would make a month's file cost as much as all years; `run_import`
collects the kommun months of the absence rows it writes and the kommuner of schools it moves,
and `db.refresh_derived` rebuilds only those (all of them when the derived table was empty).
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import importlib
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from .. import db
from .validate import ImportRejected, Problems

TABLE_KEYS: dict[str, list[str]] = {
    "school": ["skolenhetskod"],
    "eligibility_school": ["skolenhetskod", "lasar", "grupp"],
    "eligibility_kommun": ["kommun_kod", "lasar", "grupp", "huvudman", "population"],
    "absence_month": ["skolenhetskod", "manad", "grupp"],
    "subproject": ["projekt_id"],
    "subproject_school": ["projekt_id", "skolenhetskod"],
    "subproject_intervention": ["projekt_id", "code"],
}
#: Tables whose rows for a replaced parent are deleted first (a sub-project's links).
CHILD_TABLES = {"subproject": ["subproject_school", "subproject_intervention"]}
_ORDER = list(TABLE_KEYS)


@dataclass(eq=False)
class Staged:
    """A table's rows staged in the import's in-memory DuckDB instance: `sql` selects them.

    `sql` names its tables in full (`memory.main.x`) so it still reads them once the writer has
    made the database copy the default. `frame()` gives pandas rows for previews and tests.
    """

    con: duckdb.DuckDBPyConnection
    sql: str
    rows: int

    def __len__(self) -> int:
        return self.rows

    @property
    def empty(self) -> bool:
        return self.rows == 0

    def frame(self) -> pd.DataFrame:
        return self.con.cursor().execute(self.sql).df()


Rows = pd.DataFrame | Staged


def as_frame(rows: Rows) -> pd.DataFrame:
    """A batch table as pandas, whichever way it was parsed."""
    return rows.frame() if isinstance(rows, Staged) else rows


@dataclass
class Batch:
    """Rows one file contributes, per table, plus what the import log should say."""

    tables: dict[str, Rows] = field(default_factory=dict)
    source: str = ""
    notes: list[str] = field(default_factory=list)
    kind: str | None = None  # set when the kind was detected (`auto`): the import log names the real one

    @property
    def rows(self) -> int:
        return sum(len(df) for name, df in self.tables.items() if name != "school")


@dataclass
class Context:
    """What a parser may need to know about the database it loads into."""

    known_schools: dict[str, str]  # skolenhetskod -> kommun_kod
    problems: Problems
    progress: Callable[[str], None] | None = None
    lasar: str | None = None  # a läsår the user supplied for files that do not say it
    school_names: dict[str, str] = field(default_factory=dict)  # normalised name -> kod ('' if ambiguous)
    _staging: duckdb.DuckDBPyConnection | None = None

    def say(self, message: str) -> None:
        if self.progress:
            self.progress(message)

    def staging(self) -> duckdb.DuckDBPyConnection:
        """The in-memory DuckDB instance this import stages big files in (made on first use)."""
        if self._staging is None:
            self._staging = duckdb.connect()
        return self._staging


_STAGE_IDS = itertools.count(1)


def stage_name(prefix: str) -> str:
    """A table name in the staging instance no other file of the process uses."""
    return f"{prefix}_{next(_STAGE_IDS)}"


Parser = Callable[[Path, str, bytes, Context], Batch | None]
#: Scores how sure a kind is that it can read a file (file name, first bytes): 0 = not at all.
Detector = Callable[[str, bytes], int]


@dataclass(frozen=True)
class Kind:
    name: str
    parse: Parser
    description_sv: str
    description_en: str
    template: str | None = None  # file name in data/templates/
    detect: Detector | None = None  # for `auto`: how sure this kind is that a file is its own


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    KINDS[kind.name] = kind


@dataclass
class ImportResult:
    files: list[str]
    rows: int
    per_table: dict[str, int]
    notes: list[str]


def _known_schools(path: Path) -> dict[str, str]:
    schools = _schools_frame(path)
    return dict(zip(schools["skolenhetskod"], schools["kommun_kod"], strict=True))


def _schools_frame(path: Path) -> pd.DataFrame:
    if not Path(path).exists():
        return pd.DataFrame(columns=["skolenhetskod", "kommun_kod", "namn"])
    snapshot = db.Database(path)
    try:
        return snapshot.query("SELECT skolenhetskod, kommun_kod, namn FROM school")
    finally:
        snapshot.close()


def school_name_key(name: str) -> str:
    """How school names are matched (absence exports name schools, not codes): case and spaces ignored."""
    return " ".join(str(name).lower().split())


def _school_names(schools: pd.DataFrame) -> dict[str, str]:
    names: dict[str, str] = {}
    for kod, namn in zip(schools["skolenhetskod"], schools["namn"], strict=True):
        key = school_name_key(namn)
        names[key] = kod if key not in names or names[key] == kod else ""
    return names


def parse_files(db_path: Path, kind: str, files: Sequence[Path], *,
                progress: Callable[[str], None] | None = None, lasar: str | None = None
                ) -> tuple[list[tuple[Path, bytes, Batch]], Problems]:
    """Parse and validate every file without writing anything (the upload page's preview)."""
    _load_formats()
    problems = Problems()
    if kind not in KINDS:
        problems.add(str(kind), "unknown_kind", found=kind, expected=", ".join(sorted(KINDS)))
        return [], problems
    schools = _schools_frame(db_path)
    ctx = Context(dict(zip(schools["skolenhetskod"], schools["kommun_kod"], strict=True)), problems, progress,
                  lasar, _school_names(schools))
    parsed = []
    for f in files:
        f = Path(f)
        try:
            raw = f.read_bytes()
        except OSError as exc:
            problems.add(f.name, "unreadable", found=exc.strerror or type(exc).__name__)
            continue
        ctx.say(f"Läser {f.name} ({_thousands(len(raw))} byte)")
        batch = _parse_safely(KINDS[kind], f, raw, ctx)
        if batch is not None:
            # schools introduced by this file are known to the next files of the same import
            if "school" in batch.tables:
                ctx.known_schools.update(zip(batch.tables["school"]["skolenhetskod"],
                                             batch.tables["school"]["kommun_kod"], strict=True))
            parsed.append((f, raw, batch))
    return parsed, problems


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def _parse_safely(kind: Kind, f: Path, raw: bytes, ctx: Context) -> Batch | None:
    """Run a parser; an exception there is a bug, reported as a problem instead of a traceback.

    The message names only the exception type: its text may quote a cell, and a cell of a
    pupil-level file may hold a personnummer or a name.
    """
    try:
        return kind.parse(f, f.name, raw, ctx)
    except Exception as exc:  # any parser failure must become a message, never a traceback
        ctx.problems.add(f.name, "parse_error", found=type(exc).__name__)
        return None


def run_import(db_path: Path, kind: str, files: Sequence[Path], *,
               progress: Callable[[str], None] | None = None, lasar: str | None = None) -> ImportResult:
    """Validate all `files` as `kind`; if all are valid, load them in one atomic swap.

    Raises ImportRejected (with every problem) and leaves `db_path` untouched otherwise.
    """
    db_path = Path(db_path)
    parsed, problems = parse_files(db_path, kind, files, progress=progress, lasar=lasar)
    if problems:
        raise ImportRejected(problems)
    per_table: dict[str, int] = {}
    notes: list[str] = []
    staging = next((rows.con for _, _, b in parsed for rows in b.tables.values() if isinstance(rows, Staged)),
                   None)
    # The files' sha256 in a thread while DuckDB writes (hashlib lets go of the GIL): 0.06 s per 100 MB.
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    digests = [pool.submit(lambda b: hashlib.sha256(b).hexdigest(), raw) for _, raw, _ in parsed]
    try:
        with db.writing(db_path, con=staging, refresh=False) as con:
            # An empty derived table is built whole (the first load); else only what this import touched.
            scoped = con.execute("SELECT EXISTS (SELECT 1 FROM absence_kommun_month)").fetchall()[0][0]
            if scoped:
                con.execute("CREATE OR REPLACE TEMP TABLE _touched (kommun_kod VARCHAR, manad DATE)")
            for (f, _raw, batch), digest in zip(parsed, digests, strict=True):
                import_id = db.next_import_id(con)
                for table in _ORDER:
                    frame = batch.tables.get(table)
                    if frame is None or frame.empty:
                        continue
                    _upsert(con, table, frame, import_id, track=scoped)
                    per_table[table] = per_table.get(table, 0) + len(frame)
                con.execute(
                    "INSERT INTO import_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [import_id, f.name, digest.result(), batch.kind or kind, batch.rows,
                     dt.datetime.now(),
                     False, batch.source or KINDS[kind].description_sv],
                )
                notes.extend(batch.notes)
                if progress:
                    progress(f"{f.name}: {_thousands(batch.rows)} rader inlästa")
            # Real data replaces the demo flag: the notice must not claim the data are demo ...
            db.set_meta(con, is_demo="true" if _has_demo_rows(con) else "false")
            db.refresh_derived(con, "SELECT * FROM _touched" if scoped else None)
            if scoped:
                con.execute("DROP TABLE _touched")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if staging is not None:  # the staged rows are in the file now: give their memory back
            staging.close()
    return ImportResult([Path(f).name for f in files], sum(b.rows for _, _, b in parsed), per_table, notes)


def _has_demo_rows(con) -> bool:
    """... but a demo file with real rows added still holds demo figures: keep saying so."""
    demo_rows = con.execute("SELECT count(*) FROM import_log WHERE is_demo").fetchall()[0][0]
    return bool(demo_rows)


def _upsert(con, table: str, frame: Rows, import_id: int, *, track: bool = False) -> None:
    """Insert or replace rows by key. Columns a file does not carry keep their stored values.

    Why: Skolverket publishes one school's figures in several exports (the 2024/25 per-school
    file has only yrkesprogram eligibility; another report has the other three programme
    kinds), so loading one must not blank out what another loaded; likewise a file with some
    absence thresholds keeps the others. Staged rows are read where they lie; an empty table
    needs no delete (the first load of a big file). With `track`, the kommun months whose
    per-kommun sums change are added to the temp table _touched (see run_import).
    """
    keys = TABLE_KEYS[table]
    if isinstance(frame, Staged):
        con.execute(f"CREATE OR REPLACE TEMP VIEW incoming AS {frame.sql}")
        cols = [row[0] for row in con.execute("DESCRIBE incoming").fetchall()]
    else:
        con.register("incoming", frame)
        cols = list(frame.columns)
    if table == "absence_month":  # a threshold the table lacks becomes a column (db.ensure_thresholds)
        db.ensure_thresholds(con, [int(c.removeprefix(db.THRESHOLD_PREFIX)) for c in cols
                                   if c.startswith(db.THRESHOLD_PREFIX)])
    if track and table == "school":  # a moved school changes every month of both kommuner
        con.execute("INSERT INTO _touched SELECT kommun_kod, NULL FROM ("
                    "SELECT s.kommun_kod, i.kommun_kod AS ny FROM school s JOIN incoming i USING (skolenhetskod) "
                    "WHERE s.kommun_kod <> i.kommun_kod) UNPIVOT (kommun_kod FOR x IN (kommun_kod, ny))")
    source = [f"i.{c}" for c in cols]
    if table in ("eligibility_school", "eligibility_kommun", "absence_month", "subproject"):
        cols.append("import_id")
        source.append(str(int(import_id)))
    all_cols = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
    kept = [c for c in all_cols if c not in cols]
    try:
        match = " AND ".join(f"t.{k} = i.{k}" for k in keys)
        for child in CHILD_TABLES.get(table, []):
            con.execute(f"DELETE FROM {child} WHERE projekt_id IN (SELECT projekt_id FROM incoming)")
        stored = con.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchall()[0][0]
        if kept and stored:
            key_list = ", ".join(keys)
            con.execute(f"CREATE OR REPLACE TEMP TABLE _kept AS SELECT {key_list}, {', '.join(kept)} FROM {table} t "
                        f"WHERE EXISTS (SELECT 1 FROM incoming i WHERE {match})")
        if stored:
            con.execute(f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM incoming i WHERE {match})")
        names = ", ".join(cols)
        if kept:
            on = " AND ".join(f"k.{k} = i.{k}" for k in keys)
            kept_from = "_kept" if stored else f"(SELECT {', '.join(keys + kept)} FROM {table} LIMIT 0)"
            con.execute(f"INSERT INTO {table} ({names}, {', '.join(kept)}) "
                        f"SELECT {', '.join(source)}, {', '.join(_kept_expr(c, kept) for c in kept)} "
                        f"FROM incoming i LEFT JOIN {kept_from} k ON {on}")
            if stored:
                con.execute("DROP TABLE _kept")
        else:
            con.execute(f"INSERT INTO {table} ({names}) SELECT {', '.join(source)} FROM incoming i")
        if track and table == "absence_month":
            con.execute("INSERT INTO _touched SELECT DISTINCT s.kommun_kod, i.manad "
                        "FROM incoming i JOIN school s USING (skolenhetskod)")
    finally:
        if isinstance(frame, Staged):
            con.execute("DROP VIEW incoming")
        else:
            con.unregister("incoming")


def _kept_expr(col: str, kept: list[str]) -> str:
    """A column the file lacks: the stored value; a measure never stored is Skolverket's '.' (saknas)."""
    base = col.removesuffix("_marker")
    if col.endswith("_marker") and base in kept:
        return f"coalesce(k.{col}, CASE WHEN k.{base} IS NULL THEN '.' END)"
    return f"k.{col}"


_LOADED = False
#: Modules that register kinds: one per source format.
FORMAT_MODULES = ("templates", "skolverket", "kolada", "absence_pupils", "subprojects")


def _load_formats() -> None:
    """Import the format modules so they register their kinds (lazily: no import cycle)."""
    global _LOADED
    if _LOADED:
        return
    for name in FORMAT_MODULES:
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    register(Kind("auto", _parse_auto, "Känn igen filtypen automatiskt", "Recognise the kind of file automatically"))
    _LOADED = True


def detect_kind(name: str, raw: bytes) -> str | None:
    """The registered kind most sure that it reads this file, or None when none recognises it."""
    _load_formats()
    scores = []
    for kind in KINDS.values():
        if kind.detect is None:
            continue
        try:
            score = kind.detect(name, raw)
        except Exception:  # a detector must never stop an import
            score = 0
        if score > 0:
            scores.append((score, kind.name))
    return max(scores)[1] if scores else None


def _parse_auto(path: Path, name: str, raw: bytes, ctx: Context) -> Batch | None:
    """`auto`: recognise the kind from the content, say which, and parse as that kind."""
    found = detect_kind(name, raw)
    if found is None:
        ctx.problems.add(name, "detect", expected=", ".join(k for k in sorted(KINDS) if k != "auto"))
        return None
    kind = KINDS[found]
    ctx.say(f"{name}: tolkas som {found} ({kind.description_sv})")
    batch = kind.parse(path, name, raw, ctx)
    if batch is not None:
        batch.kind = found
        batch.notes.insert(0, f"{name} lästes som {found}: {kind.description_sv}.")
    return batch


def kinds() -> dict[str, Kind]:
    _load_formats()
    return dict(KINDS)


__all__ = ["Batch", "Context", "ImportRejected", "ImportResult", "Kind", "Problems", "Staged", "as_frame",
           "detect_kind", "kinds", "parse_files", "register", "run_import"]
