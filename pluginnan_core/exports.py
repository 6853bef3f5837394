# Exports: tables as CSV and XLSX in Swedish formats with markers kept, disclosure re-checked and
# spreadsheet formula injection neutralised. Slides and images build on these in later modules.
"""Download files.

Why here: every download on every page must carry the same guarantees (no figure from fewer
than 10 pupils, '..' instead of a number, decimal comma, no cell that a spreadsheet would run as
a formula), so one function per format serves every page and the CLI.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd

from .i18n import fmt_number

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula (e.g. '=HYPERLINK(...)')."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        if value.startswith("-") and _is_number(value):
            return value
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        return False
    return True


def display_table(df: pd.DataFrame, columns: dict[str, tuple[str, int | None]], lang: str = "sv") -> pd.DataFrame:
    """A user-facing table: chosen columns renamed to readable labels, numbers formatted.

    `columns` maps source column -> (label, decimals); decimals None keeps the value as text.
    A column's `<col>_marker` (e.g. '..') replaces its value where set.
    """
    out = {}
    for col, (label, decimals) in columns.items():
        if col not in df:
            continue
        markers = df[f"{col}_marker"] if f"{col}_marker" in df else pd.Series(None, index=df.index)
        if decimals is None:
            out[label] = [safe_text("" if v is None or (isinstance(v, float) and pd.isna(v)) else v)
                          for v in df[col]]
        else:
            out[label] = [fmt_number(v, decimals, lang, m if isinstance(m, str) else None)
                          for v, m in zip(df[col], markers, strict=True)]
    return pd.DataFrame(out)


def to_csv(table: pd.DataFrame, *, note: Sequence[str] = ()) -> bytes:
    """CSV as Swedish Excel opens it: UTF-8 with BOM, ';' separated, notes as leading lines."""
    buf = io.StringIO()
    for line in note:
        buf.write(str(safe_text(line)).replace(";", ",") + "\n")
    if note:
        buf.write("\n")
    table.map(safe_text).to_csv(buf, sep=";", index=False, lineterminator="\n")
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(table: pd.DataFrame, *, sheet: str = "Data", note: Sequence[str] = ()) -> bytes:
    """XLSX with the same content as the CSV; every cell written as text or number, never as a formula."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        start = len(note) + (1 if note else 0)
        table.map(safe_text).to_excel(writer, sheet_name=sheet[:31], index=False, startrow=start)
        ws = writer.sheets[sheet[:31]]
        for i, line in enumerate(note, start=1):
            ws.cell(row=i, column=1, value=str(safe_text(line)))
        for col in ws.columns:
            width = max((len(str(c.value)) for c in col if c.value is not None), default=8)
            ws.column_dimensions[col[0].column_letter].width = min(60, max(10, width + 2))
            for c in col:
                if isinstance(c.value, str) and c.value.startswith("="):
                    c.data_type = "s"
    return buf.getvalue()
