# The sub-project register (delprojekt) as CSV or as an Excel workbook with the same columns, and
# the Excel copy of its template (data/templates/delprojekt.xlsx).
"""Sub-project register, CSV or XLSX.

Why XLSX too: processledare keep the register in Excel; asking them to export CSV first is
one more place for decimal commas and leading zeros to go wrong. The workbook is read as text
(validate.read_xlsx) and then checked by exactly the same rules as the CSV template
(templates.parse_subprojects): known schools and kommun, dates in order, known intervention
types, counts >= 0.
"""

from __future__ import annotations

from pathlib import Path

from .. import reference
from . import Kind, register
from .templates import SUBPROJECT_COLS, parse_subprojects, template_detector

EXAMPLE_ROW = ["PI-101", "Närvarolyftet Ale", "1440", "48529699", "mentorskap,tidig_varning", "2024-08-19",
               "2026-06-12", 6, 9, 45, "Mentorer och tidig kontakt med hemmet vid frånvaro"]


def write_xlsx_template(path: Path) -> None:
    """Write the Excel copy of the template: header, one example row, and a sheet of valid codes.

    Code columns are text cells so Excel keeps leading zeros; dates are text in ISO form.
    """
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Delprojekt"
    ws.append(SUBPROJECT_COLS)
    ws.append(EXAMPLE_ROW)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col in ("C", "D", "F", "G"):
        for cell in ws[col]:
            cell.number_format = "@"
    widths = [10, 28, 11, 22, 30, 12, 12, 12, 12, 12, 50]
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    codes = book.create_sheet("Insatser")
    codes.append(["kod (skriv i kolumnen insatser)", "betydelse"])
    for code, (sv, _en) in reference.INTERVENTIONS.items():
        codes.append([code, sv])
    codes["A1"].font = codes["B1"].font = Font(bold=True)
    codes.column_dimensions["A"].width = 30
    codes.column_dimensions["B"].width = 36
    book.save(path)


register(Kind("subprojects", parse_subprojects, "Delprojekt (egen mall, CSV eller Excel)",
              "Sub-projects (own template, CSV or Excel)", "delprojekt.csv",
              detect=template_detector(SUBPROJECT_COLS)))
