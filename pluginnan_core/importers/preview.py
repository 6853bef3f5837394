# Dry run of an import for the upload page: parse and validate the files (importers.parse_files)
# and tell what the database would gain: rows added, rows replaced (changed or identical), years.
"""What an import would change, before anything is written.

Why: a coordinator who uploads a file should see "1 714 skolor, 12 nya, 2024/25 ersätts" and
the validation report before confirming, not discover afterwards that last year's figures were
replaced. The preview reads the current database read-only and writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import db, reference
from . import TABLE_KEYS, Batch, as_frame, kinds, parse_files
from .validate import Problems

#: Table -> (Swedish, English) label for what its rows are.
TABLE_LABELS: dict[str, tuple[str, str]] = {
    "school": ("Skolor", "Schools"),
    "eligibility_school": ("Behörighet per skola", "Eligibility per school"),
    "eligibility_kommun": ("Behörighet per kommun", "Eligibility per municipality"),
    "absence_month": ("Frånvaro per skola och månad", "Absence per school and month"),
    "subproject": ("Delprojekt", "Sub-projects"),
    "subproject_school": ("Delprojektens skolor", "Sub-project schools"),
    "subproject_intervention": ("Delprojektens insatser", "Sub-project interventions"),
}


@dataclass
class TableChange:
    """How one file changes one table."""

    table: str
    rows: int
    added: int
    replaced: int
    unchanged: int  # of the replaced rows, those identical to what is stored
    years: list[str] = field(default_factory=list)


@dataclass
class FilePreview:
    name: str
    sha256: str
    kind: str
    source: str
    rows: int
    changes: list[TableChange]
    notes: list[str]


@dataclass
class Preview:
    """The dry run of one import: per file and table, or the problems that would reject it."""

    kind: str
    files: list[FilePreview]
    problems: Problems

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.files)

    @property
    def years(self) -> list[str]:
        return sorted({y for f in self.files for c in f.changes for y in c.years})

    def table(self, lang: str = "sv") -> pd.DataFrame:
        """A user-facing table: file, what, rows, new, replaced, unchanged, years."""
        en = lang == "en"
        heads = (["File", "Figures", "Rows", "New", "Replaced", "of which unchanged", "School years"] if en else
                 ["Fil", "Uppgifter", "Rader", "Nya", "Ersätts", "varav oförändrade", "Läsår"])
        rows = []
        for f in self.files:
            for c in f.changes:
                label = TABLE_LABELS.get(c.table, (c.table, c.table))[1 if en else 0]
                rows.append([f.name, label, c.rows, c.added, c.replaced, c.unchanged, _span(c.years)])
        return pd.DataFrame(rows, columns=heads)


def _span(years: Sequence[str]) -> str:
    if not years:
        return ""
    if len(years) <= 3:
        return ", ".join(years)
    return f"{years[0]}–{years[-1]} ({len(years)})"


def preview(db_path: Path, kind: str, files: Sequence[Path], *, lasar: str | None = None,
            progress: Callable[[str], None] | None = None) -> Preview:
    """Parse and validate `files` as `kind` and compare the rows with the database; writes nothing."""
    parsed, problems = parse_files(Path(db_path), kind, files, progress=progress, lasar=lasar)
    if problems:
        return Preview(kind, [], problems)
    existing = _Existing(Path(db_path))
    try:
        out = []
        for path, raw, batch in parsed:
            changes = [_change(existing, table, frame) for table, frame in _ordered(batch) if not frame.empty]
            k = batch.kind or kind
            out.append(FilePreview(Path(path).name, hashlib.sha256(raw).hexdigest(), k,
                                   batch.source or kinds()[k].description_sv, batch.rows, changes,
                                   list(batch.notes)))
    finally:
        existing.close()
    return Preview(kind, out, problems)


def _ordered(batch: Batch) -> list[tuple[str, pd.DataFrame]]:
    return [(t, as_frame(batch.tables[t])) for t in TABLE_KEYS if t in batch.tables]


class _Existing:
    """Read-only access to the stored rows of each table (none when the file does not exist yet)."""

    def __init__(self, path: Path) -> None:
        self.snapshot = db.Database(path) if path.exists() else None

    def rows(self, table: str, columns: Sequence[str]) -> pd.DataFrame:
        """The stored `columns`; one the table lacks (a threshold new to this file) reads as NULL."""
        if self.snapshot is None:
            return pd.DataFrame(columns=list(columns))
        have = set(self.snapshot.query(f"DESCRIBE {table}")["column_name"])
        select = [c if c in have else f"NULL AS {c}" for c in columns]
        return self.snapshot.query(f"SELECT {', '.join(select)} FROM {table}")

    def close(self) -> None:
        if self.snapshot is not None:
            self.snapshot.close()


def _key_text(frame: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    parts = []
    for k in keys:
        col = frame[k]
        if pd.api.types.is_datetime64_any_dtype(col):
            parts.append(col.dt.strftime("%Y-%m-%d"))
        else:
            parts.append(col.map(lambda x: x.isoformat() if hasattr(x, "isoformat") else str(x)))
    out = parts[0].astype(str)
    for part in parts[1:]:
        out = out + "\x1f" + part.astype(str)
    return out


def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    """Element-wise equality with NULL == NULL and a small tolerance for floats."""
    both_null = a.isna() & b.isna()
    try:
        fa, fb = pd.to_numeric(a, errors="raise").astype(float), pd.to_numeric(b, errors="raise").astype(float)
        return both_null | np.isclose(fa, fb, rtol=0, atol=1e-6, equal_nan=True)
    except (ValueError, TypeError):
        return both_null | (a.astype(str) == b.astype(str))


def _change(existing: _Existing, table: str, frame: pd.DataFrame) -> TableChange:
    keys = TABLE_KEYS[table]
    values = [c for c in frame.columns if c not in keys]
    stored = existing.rows(table, [*keys, *values])
    incoming_keys = _key_text(frame, keys)
    stored = stored.assign(_key=_key_text(stored, keys) if len(stored) else pd.Series(dtype=object))
    hit = incoming_keys.isin(set(stored["_key"]))
    unchanged = 0
    if hit.any() and values:
        old = stored.drop_duplicates("_key").set_index("_key").reindex(incoming_keys[hit])
        new = frame[hit].reset_index(drop=True)
        same = pd.Series(True, index=new.index)
        for col in values:
            left = new[col].reset_index(drop=True)
            right = old[col].reset_index(drop=True)
            if pd.api.types.is_datetime64_any_dtype(left):
                left = left.dt.date
            same &= _same(left, right)
        unchanged = int(same.sum())
    elif hit.any():
        unchanged = int(hit.sum())
    return TableChange(table, len(frame), int((~hit).sum()), int(hit.sum()), unchanged, _years(frame))


def _years(frame: pd.DataFrame) -> list[str]:
    if "lasar" in frame:
        return sorted(set(frame["lasar"].dropna().astype(str)))
    if "manad" in frame:
        months = pd.to_datetime(frame["manad"]).dropna()
        return sorted({reference.lasar_of_month(m.date()) for m in months})
    return []
