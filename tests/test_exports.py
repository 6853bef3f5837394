# Tests of CSV/XLSX exports: Swedish formats, markers kept, formula injection neutralised.
"""Download files."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from pluginnan_core.exports import display_table, safe_text, to_csv, to_xlsx


def _table() -> pd.DataFrame:
    df = pd.DataFrame({"namn": ["=HYPERLINK(\"http://x\")", "Ale"], "andel": [None, 84.25],
                       "andel_marker": ["..", None], "n": [None, 6474]})
    return display_table(df, {"namn": ("Kommun", None), "andel": ("Andel (%)", 1), "n": ("Antal elever", 0)})


def test_display_table_formats_and_marks() -> None:
    table = _table()
    assert list(table.columns) == ["Kommun", "Andel (%)", "Antal elever"]
    assert table["Andel (%)"].tolist() == ["..", "84,2"] or table["Andel (%)"].tolist() == ["..", "84,3"]
    assert table["Antal elever"].tolist()[1] == "6\u00a0474"


def test_csv_is_excel_friendly_and_safe() -> None:
    data = to_csv(_table(), note=["Titel", "=1+1"])
    text = data.decode("utf-8")
    assert text.startswith("\ufeffTitel\n'=1+1\n")
    assert "'=HYPERLINK" in text and ";..;" in text


def test_xlsx_cells_are_never_formulas() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(_table(), note=["Titel"])))
    ws = wb.active
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Titel" in values and "'=HYPERLINK(\"http://x\")" in values
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)


def test_safe_text_keeps_negative_numbers() -> None:
    assert safe_text("-1,5") == "-1,5"
    assert safe_text("@SUM(A1)") == "'@SUM(A1)"
    assert safe_text("+46 31") == "'+46 31"
