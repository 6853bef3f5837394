# Importers: the registry of file kinds and the one path by which data enters the database
# (parse every file, validate all of it, then write a copy and swap it in, or write nothing).
"""Loading files into the database.

Why one entry point (`run_import`): whatever the format, the guarantees are the same: every
problem of every file is reported at once, nothing is written unless all files are valid, the
database file is byte-identical after a rejection, the write never blocks a running dashboard
(copy-and-swap in db.writing), and every load is logged with file name, sha256 and row count.

A format is a `Kind`: a parse function that turns one file into a `Batch` of table rows and
reports problems to the shared validator. New formats register here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import db
from .validate import ImportRejected, Problems

TABLE_KEYS: dict[str, list[str]] = {
    "school": ["skolenhetskod"],
    "eligibility_school": ["skolenhetskod", "lasar", "grupp"],
    "eligibility_kommun": ["kommun_kod", "lasar", "grupp", "huvudman", "population"],
    "absence_month": ["skolenhetskod", "manad", "grupp"],
    "absence_threshold": ["skolenhetskod", "manad", "grupp", "troskel_pct"],
    "subproject": ["projekt_id"],
    "subproject_school": ["projekt_id", "skolenhetskod"],
    "subproject_intervention": ["projekt_id", "code"],
}
#: Tables whose rows for a replaced parent are deleted first (a sub-project's links).
CHILD_TABLES = {"subproject": ["subproject_school", "subproject_intervention"]}
_ORDER = list(TABLE_KEYS)


@dataclass
class Batch:
    """Rows one file contributes, per table, plus what the import log should say."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    source: str = ""
    notes: list[str] = field(default_factory=list)

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

    def say(self, message: str) -> None:
        if self.progress:
            self.progress(message)


Parser = Callable[[Path, str, bytes, Context], Batch | None]


@dataclass(frozen=True)
class Kind:
    name: str
    parse: Parser
    description_sv: str
    description_en: str
    template: str | None = None  # file name in data/templates/


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
    if not Path(path).exists():
        return {}
    snapshot = db.Database(path)
    try:
        df = snapshot.query("SELECT skolenhetskod, kommun_kod FROM school")
    finally:
        snapshot.close()
    return dict(zip(df["skolenhetskod"], df["kommun_kod"], strict=True))


def parse_files(db_path: Path, kind: str, files: Sequence[Path], *,
                progress: Callable[[str], None] | None = None, lasar: str | None = None
                ) -> tuple[list[tuple[Path, bytes, Batch]], Problems]:
    """Parse and validate every file without writing anything (the upload page's preview)."""
    _load_formats()
    problems = Problems()
    if kind not in KINDS:
        problems.add(str(kind), "unknown_kind", found=kind, expected=", ".join(sorted(KINDS)))
        return [], problems
    ctx = Context(_known_schools(db_path), problems, progress, lasar)
    parsed = []
    for f in files:
        f = Path(f)
        try:
            raw = f.read_bytes()
        except OSError as exc:
            problems.add(f.name, "unreadable", found=exc.strerror or type(exc).__name__)
            continue
        ctx.say(f"Läser {f.name} ({len(raw):,} byte)".replace(",", "\u00a0"))
        batch = KINDS[kind].parse(f, f.name, raw, ctx)
        if batch is not None:
            # schools introduced by this file are known to the next files of the same import
            if "school" in batch.tables:
                ctx.known_schools.update(zip(batch.tables["school"]["skolenhetskod"],
                                             batch.tables["school"]["kommun_kod"], strict=True))
            parsed.append((f, raw, batch))
    return parsed, problems


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
    with db.writing(db_path) as con:
        for f, raw, batch in parsed:
            import_id = db.next_import_id(con)
            for table in _ORDER:
                frame = batch.tables.get(table)
                if frame is None or frame.empty:
                    continue
                _upsert(con, table, frame, import_id)
                per_table[table] = per_table.get(table, 0) + len(frame)
            con.execute(
                "INSERT INTO import_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [import_id, f.name, hashlib.sha256(raw).hexdigest(), kind, batch.rows, dt.datetime.now(),
                 False, batch.source or KINDS[kind].description_sv],
            )
            notes.extend(batch.notes)
            if progress:
                progress(f"{f.name}: {batch.rows:,} rader inlästa".replace(",", "\u00a0"))
        # Real data replaces the demo flag: the notice must not claim the data are demo ...
        db.set_meta(con, is_demo="true" if _has_demo_rows(con) else "false")
    return ImportResult([Path(f).name for f in files], sum(b.rows for _, _, b in parsed), per_table, notes)


def _has_demo_rows(con) -> bool:
    """... but a demo file with real rows added still holds demo figures: keep saying so."""
    demo_rows = con.execute("SELECT count(*) FROM import_log WHERE is_demo").fetchall()[0][0]
    return bool(demo_rows)


def _upsert(con, table: str, frame: pd.DataFrame, import_id: int) -> None:
    keys = TABLE_KEYS[table]
    cols = list(frame.columns)
    if table in ("eligibility_school", "eligibility_kommun", "absence_month", "subproject"):
        frame = frame.assign(import_id=import_id)
        cols.append("import_id")
    con.register("incoming", frame)
    try:
        match = " AND ".join(f"t.{k} = i.{k}" for k in keys)
        for child in CHILD_TABLES.get(table, []):
            con.execute(f"DELETE FROM {child} WHERE projekt_id IN (SELECT projekt_id FROM incoming)")
        con.execute(f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM incoming i WHERE {match})")
        names = ", ".join(cols)
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM incoming")
    finally:
        con.unregister("incoming")


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
    _LOADED = True


def kinds() -> dict[str, Kind]:
    _load_formats()
    return dict(KINDS)


__all__ = ["Batch", "Context", "ImportRejected", "ImportResult", "Kind", "Problems", "kinds", "parse_files",
           "register", "run_import"]
