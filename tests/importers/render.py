# Test helpers: render the published Kungsbacka figures (../shared/data/kungsbacka/*.json) into
# Skolverket's own file layouts, one per column-name variant, so the real importers can be tested
# against published numbers for years that have no Skolverket file in ../shared.
"""Writers of Skolverket-shaped files from known figures (tests only).

Why: the only real Skolverket files we hold are for 2024/25, but the importer must read every
year's variant. Rendering the published JSON figures into each variant and importing them
through the real importer checks the variant *and* the numbers, markers included.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import openpyxl

FIELDS = {  # JSON field -> database column
    "antal": "antal_elever", "meritvarde": "meritvarde", "alleAmnen": "alla_amnen", "behorigYrkes": "behorig_yrk",
    "behorigEstetiskt": "behorig_es", "behorigEkoHumSam": "behorig_ehs", "behorigNaturTeknik": "behorig_nt",
}


@dataclass(frozen=True)
class Variant:
    """One year's per-school export layout."""

    name: str
    columns: tuple[tuple[str, str], ...]  # (header, JSON field) for the measure columns
    trailing_sep: bool
    crlf: bool
    banner_pad: bool  # ';;;;' padding on banner lines (2025 files)
    one_decimal: bool  # '96,0' rather than '96'


OLD = Variant("2016/17–2018/19: uppnått kunskapskraven, (17), bara yrkesprogram", (
    ("Antal elever", "antal"),
    ("Andel som uppnått kunskapskraven i alla ämnen", "alleAmnen"),
    ("Andel (%) behörig yrkesprog.", "behorigYrkes"),
    ("Genomsnittligt meritvärde (17)", "meritvarde"),
), trailing_sep=True, crlf=False, banner_pad=False, one_decimal=True)

PROGRAMS = Variant("2019/20–2021/22: uppnått kunskapskraven, fyra programkolumner", (
    ("Antal elever", "antal"),
    ("Andel (%) elever som uppnått kunskapskraven i alla ämnen", "alleAmnen"),
    ("Andel (%) elever behöriga till yrkesprog.", "behorigYrkes"),
    ("Andel elever (%) behöriga till estetiskt program", "behorigEstetiskt"),
    ("Andel elever (%) behöriga till Ekonomi-, humanistiska och samhällsvetenskaps- program", "behorigEkoHumSam"),
    ("Andel elever (%) behöriga till Naturvetenskapligt och tekniskt program", "behorigNaturTeknik"),
    ("Genomsnittligt meritvärde (17 ämnen)", "meritvarde"),
), trailing_sep=True, crlf=True, banner_pad=False, one_decimal=True)

CRITERIA = Variant("2022/23–2023/24: uppfyllt betygskriterierna, fyra programkolumner", (
    ("Antal elever", "antal"),
    ("Andel (%) elever som uppfyllt betygskriterierna i alla ämnen", "alleAmnen"),
    ("Andel (%) elever behöriga till yrkesprog.", "behorigYrkes"),
    ("Andel elever (%) behöriga till estetiskt program", "behorigEstetiskt"),
    ("Andel elever (%) behöriga till Ekonomi-, humanistiska och samhällsvetenskaps- program", "behorigEkoHumSam"),
    ("Andel elever (%) behöriga till Naturvetenskapligt och tekniskt program", "behorigNaturTeknik"),
    ("Genomsnittligt meritvärde (17 ämnen)", "meritvarde"),
), trailing_sep=False, crlf=True, banner_pad=True, one_decimal=False)

CURRENT = Variant("2024/25–: som den riktiga filen, bara yrkesprogram", (
    ("Antal elever", "antal"),
    ("Andel (%) elever som uppfyllt betygskriterierna i alla ämnen", "alleAmnen"),
    ("Andel (%) elever behöriga till yrkesprog.", "behorigYrkes"),
    ("Genomsnittligt meritvärde (17 ämnen)", "meritvarde"),
), trailing_sep=False, crlf=True, banner_pad=True, one_decimal=False)


def variant_for(lasar: str) -> Variant:
    start = int(lasar[:4])
    if start <= 2018:
        return OLD
    if start <= 2021:
        return PROGRAMS
    if start <= 2023:
        return CRITERIA
    return CURRENT


def load_year(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def cell(record: dict, key: str, *, one_decimal: bool) -> str:
    """The text Skolverket prints for one figure: a marker, '.', or a Swedish number."""
    marker = record.get("markor", {}).get(key)
    if marker:
        return marker
    value = record.get(key)
    if value is None:
        return "."
    if key == "antal":
        return f"{int(value)}"
    text = f"{value:.1f}" if one_decimal or not float(value).is_integer() else f"{int(value)}"
    return text.replace(".", ",")


def school_export(year: dict, variant: Variant, *, lasar_in_banner: bool = True, footnotes: bool = False) -> bytes:
    """A per-school "Slutbetyg årskurs 9" export (UTF-8 with BOM) of one JSON year."""
    header = ["Skola", "Skol-enhetskod", "Skolkommun", "Kommun-kod", "Typ av huvudman", "Huvudman", "Huvudman orgnr",
              *[h for h, _ in variant.columns]]
    pad = ";" * (len(header) - 1) if variant.banner_pad else ""
    lines = [f"Statistik från Skolverket, http://www.skolverket.se{pad}", pad,
             f"Grundskola - Slutbetyg årskurs 9, samtliga elever{pad}"]
    if lasar_in_banner:
        lines.append(f"Valt läsår: {year['lasar']}{pad}")
    lines.append(pad)
    end = ";" if variant.trailing_sep else ""
    lines.append(";".join(header) + end)
    for e in year["enheter"]:
        row = [e["namn"], e["kod"], year["kommun"], year["kommunkod"], e["huvudman"], e.get("huvudmanNamn", ""),
               "2120001256", *[cell(e, key, one_decimal=variant.one_decimal) for _, key in variant.columns]]
        lines.append(";".join(row) + end)
    if footnotes:
        lines += ["", "Rapportbeskrivning och definitioner etc.", "Antal elever;Antal elever som har avslutat "
                  "årskurs 9;", "Om uppgift saknas visas en prick (.) istället för utfall."]
    newline = "\r\n" if variant.crlf else "\n"
    return ("\ufeff" + newline.join(lines) + newline).encode("utf-8")


KOMMUN_HEADER = ["Kommun", "Kommun-kod", "Län", "Läns-kod", "Typ av huvudman", "Kön", "Antal elever",
                 "Andel (%) elever behöriga till yrkesprog.", "Andel elever (%) behöriga till estetiskt program",
                 "Andel elever (%) behöriga till Ekonomi-, humanistiska och samhällsvetenskaps- program",
                 "Andel elever (%) behöriga till Naturvetenskapligt och tekniskt program"]
KOMMUN_KEYS = ["antal", "behorigYrkes", "behorigEstetiskt", "behorigEkoHumSam", "behorigNaturTeknik"]


def kommun_export(year: dict) -> bytes:
    """A kommun-level "Behörighet till gymnasieskolan" export of one JSON year's `snitt`."""
    lines = ["\ufeffStatistik från Skolverket, https://www.skolverket.se", "",
             "Grundskola - Behörighet till gymnasieskolan, fr.o.m. 2011", f"Valt läsår: {year['lasar']}", "",
             "Inför nya gymnasieskolan 2011 skärptes kraven för behörighet att söka till gymnasiet.",
             "Det finns dessutom 3 olika behörighetskrav beroende på vilket högskoleförberedande program.", "",
             ";".join(KOMMUN_HEADER) + ";"]
    for huvudman, record in year["snitt"].items():
        values = [cell(record, k, one_decimal=True) for k in KOMMUN_KEYS]
        values[0] = f"{int(record['antal']):,}".replace(",", " ")
        lines.append(";".join([year["kommun"], year["kommunkod"], "Hallands län", "13", huvudman, "Samtliga",
                               *values]) + ";")
    lines += ["", "Rapportbeskrivning och definitioner etc. ", "Antal elever;Antal elever som har avslutat årskurs 9;"]
    return "\n".join(lines).encode("utf-8")


SERIES_ROWS = [  # (Uppgift label, JSON key)
    ("Totalt antal elever årskurs 9", "antal"),
    ("- andel (%) flickor", None),
    ("Genomsnittligt meritvärde (17 ämnen)", "meritvarde"),
    ("Andel (%) elever som uppnått kunskapskraven i alla ämnen", "alleAmnen"),
    ("Andel (%) elever behöriga till yrkesprogram", "behorigYrkes"),
    ("Andel (%) elever behöriga till estetiskt program", "behorigEstetiskt"),
    ("Andel (%) elever behöriga till ekonomi-, humanistiska och samhällsvetenskapsprogrammet", "behorigEkoHumSam"),
    ("Andel (%) elever behöriga till naturvetenskaps- och teknikprogrammet", "behorigNaturTeknik"),
    ("Genomsnittligt meritvärde (17 ämnen), elever med utländsk bakgrund", None),
]


def series_workbook(years: list[dict], *, merged_cells: bool = False) -> bytes:
    """The kommun workbook "Jämförelse av betygsresultat över tid": numbers as numbers, markers as text."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    lasar = [y["lasar"] for y in sorted(years, key=lambda y: y["lasar"], reverse=True)]
    for huvudman in ("Samtliga", "Kommunal", "Enskild"):
        ws = book.create_sheet(huvudman)
        ws.append(["Grundskola - Jämförelse av betygsresultat över tid"])
        ws.append([f"Typ av huvudman: {huvudman}"])
        ws.append([])
        ws.append(["Kommun", "Kommunkod", "Län", "Länskod", "Uppgift", *lasar])
        ws.append(["Riket", "", "", "", "Totalt antal elever årskurs 9", *[100000] * len(lasar)])
        for j, (label, key) in enumerate(SERIES_ROWS):
            first = j == 0 or not merged_cells
            row: list[object] = ["Kungsbacka" if first else None, "1384" if first else None,
                                 "Hallands län" if first else None, "13" if first else None, label]
            for y in sorted(years, key=lambda y: y["lasar"], reverse=True):
                record = y["snitt"][huvudman]
                if key is None:
                    row.append(48.5)
                elif record.get("markor", {}).get(key):
                    row.append(record["markor"][key])
                elif record.get(key) is None:
                    row.append(".")
                else:
                    row.append(record[key])
            ws.append(row)
        ws.append([])
        ws.append(["Källa: Skolverket"])
    defs = book.create_sheet("Definitioner")
    defs.append(["Begrepp", "Förklaring"])
    defs.append(["Meritvärde", "Summan av de 16 bästa betygen plus moderna språk."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_to_xlsx(raw: bytes, *, numbers: bool = True) -> bytes:
    """An export re-saved from Excel as .xlsx: one cell per field, numbers as numeric cells."""
    text = raw.decode("utf-8-sig")
    book = openpyxl.Workbook()
    ws = book.active
    for line in text.splitlines():
        row: list[object] = []
        for field in line.split(";"):
            value: object = field
            if numbers and field.replace(",", "", 1).isdigit() and not (len(field) in (4, 8) and field.isdigit()):
                value = float(field.replace(",", ".")) if "," in field else int(field)
            row.append(value)
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
