# Skolverket's published files as they arrive: the per-school "Slutbetyg årskurs 9" export, the
# kommun-level "Behörighet till gymnasieskolan" export and the workbook "Jämförelse av
# betygsresultat över tid", in every year's column names, encoding and layout.
"""Importers for Skolverket's own exports.

Why recognise columns by meaning, not by exact name: Skolverket renames columns between years
("uppnått kunskapskraven" became "uppfyllt betygskriterierna", meritvärde "(16)" became "(17)"
and then "(17 ämnen)", later files add the four programme-type eligibility columns), and a
coordinator who re-saves a file in Excel changes encoding, separator and leading zeros. A
coordinator should be able to load whatever Skolverket gave them without editing it.

Markers (`.`, `..`, `~100`, ...) stay markers; only the figures Skolverket published are stored.
Columns a file does not carry are left as they are in the database (see importers._upsert).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import reference
from . import Batch, Context, Kind, register
from . import validate as v

SOURCE_SKOLA = "Skolverket, Slutbetyg årskurs 9 per skola"
SOURCE_KOMMUN = "Skolverket, Behörighet till gymnasieskolan per kommun"
SOURCE_TIDSSERIE = "Skolverket, Jämförelse av betygsresultat över tid"

MEASURES = ["behorig_yrk", "behorig_es", "behorig_ehs", "behorig_nt", "alla_amnen", "meritvarde"]
#: How each measure is named in Skolverket's files, for messages listing what was expected.
MEASURE_LABELS = {
    "antal_elever": "Antal elever",
    "behorig_yrk": "Andel (%) elever behöriga till yrkesprog.",
    "behorig_es": "Andel elever (%) behöriga till estetiskt program",
    "behorig_ehs": "Andel elever (%) behöriga till Ekonomi-, humanistiska och samhällsvetenskaps- program",
    "behorig_nt": "Andel elever (%) behöriga till Naturvetenskapligt och tekniskt program",
    "alla_amnen": "Andel (%) elever som uppfyllt betygskriterierna i alla ämnen",
    "meritvarde": "Genomsnittligt meritvärde (17 ämnen)",
    "skolenhetskod": "Skol-enhetskod",
    "skola": "Skola",
    "kommun_kod": "Kommun-kod",
    "huvudman_typ": "Typ av huvudman",
    "uppgift": "Uppgift",
    "kon": "Kön",
}
#: Words in a measure's name that make it a breakdown the database does not hold (background,
#: parents' education, ...): such rows or columns are skipped, never read as the total.
BREAKDOWN_WORDS = ("bakgrund", "föräld", "nyinvandr", "exkl", "inkl.", "utbildningsnivå", "född", "invandr",
                   "modersmål", "prov", "högskoleförberedande program", "andel (%) flickor", "andel (%) pojkar",
                   "andel flickor", "andel pojkar")

_LASAR_BANNER = re.compile(r"l[äa]s[åa]r\s*:?\s*(\d{4})\s*/\s*(\d{2}|\d{4})\b", re.IGNORECASE)
_YEAR_COL = re.compile(r"^\s*(\d{4})\s*/\s*(\d{2})\s*$")


def _compact(text: str) -> str:
    return re.sub(r"[\s\-_.]", "", v.normalise(text))


def classify(header: str) -> str | None:
    """The field a Skolverket column holds, from its (drifting) name; None for columns not used."""
    h = v.normalise(header)
    c = _compact(header)
    if not h:
        return None
    if "enhetskod" in c:
        return "skolenhetskod"
    if c in ("kommunkod", "kommunnr", "kommunnummer"):
        return "kommun_kod"
    if c in ("länskod", "lanskod", "län", "lan", "länsnamn"):
        return "lan"
    if c in ("kommun", "skolkommun", "kommunnamn"):
        return "kommun"
    if "typavhuvudman" in c or c == "huvudmannatyp":
        return "huvudman_typ"
    if "orgnr" in c or "organisationsnummer" in c:
        return "orgnr"
    if c in ("huvudman", "huvudmannensnamn", "huvudmannamn", "huvudmansnamn"):
        return "huvudman"
    if c in ("skola", "skolenhet", "skolnamn", "skolenhetsnamn", "skolansnamn", "skolenhetensnamn"):
        return "skola"
    if c in ("läsår", "lasar", "valtläsår"):
        return "lasar"
    if c in ("kön", "kon"):
        return "kon"
    if c == "uppgift":
        return "uppgift"
    if any(w in h for w in BREAKDOWN_WORDS):
        return None
    return _measure_of(h)


def _measure_of(h: str) -> str | None:
    if "meritvärde" in h or "meritvarde" in h:
        return "meritvarde"
    if "alla ämnen" in h or "alla amnen" in h:
        return "alla_amnen"
    if "behörig" in h or "behorig" in h:
        if "yrkes" in h:
            return "behorig_yrk"
        if "estetisk" in h:
            return "behorig_es"
        if "naturvetenskap" in h or "tekniskt" in h or "teknik" in h:
            return "behorig_nt"
        if "ekonomi" in h or "samhällsvetenskap" in h or "humanist" in h:
            return "behorig_ehs"
        return None
    if h.startswith("antal elever") or h.startswith("totalt antal elever") or h == "antal":
        return "antal_elever"
    return None


def _merit_high(header: str) -> float:
    """Meritvärde on 16 subjects (before 2014/15) has at most 320 points, on 17 at most 340."""
    return 320 if re.search(r"\(\s*16", header) else 340


def lasar_from_banner(lines: Sequence[str]) -> str | None:
    """'Valt läsår: 2018/19' (or 2018/2019) in the lines before the header -> '2018/19'."""
    for line in lines:
        m = _LASAR_BANNER.search(line)
        if m:
            start = int(m.group(1))
            value = reference.lasar_from_start(start)
            end = m.group(2)
            if int(end[-2:]) == (start + 1) % 100:
                return value
    return None


# --------------------------------------------------------------------------- reading exports

@dataclass
class Export:
    """One table found in a Skolverket file: header, data rows and what stood before them."""

    file: str
    header: list[str]
    fields: dict[str, str]  # field -> column name as in the file
    frame: pd.DataFrame  # columns as in the file, plus _line
    banner: list[str]
    sheet: str = ""
    notes: list[str] = field(default_factory=list)


def _split(line: str, sep: str) -> list[str]:
    return v._split(line, sep)


def _pick_sep(line: str) -> str:
    counts = {sep: len(_split(line, sep)) for sep in (";", "\t", ",")}
    return max(counts, key=lambda s: (counts[s], s == ";"))


def find_header(lines: Sequence[str], is_header: Callable[[set[str]], bool], limit: int = 300
                ) -> tuple[int, str, list[str]] | None:
    """The first line (within `limit`) whose columns, classified, satisfy `is_header`."""
    for i, line in enumerate(lines[:limit]):
        if not line.strip(";,\t ") or len(line) > v.MAX_LINE_CHARS:
            continue
        sep = _pick_sep(line)
        cells = [c.strip().lstrip("\ufeff") for c in _split(line, sep)]
        found = {classify(c) for c in cells}
        if is_header(found):
            while cells and cells[-1] == "":
                cells.pop()
            return i, sep, cells
    return None


def read_export(name: str, text: str, problems: v.Problems, *, is_header: Callable[[set[str]], bool],
                key_field: str, key_pattern: str, required: Sequence[str], sheet: str = "",
                report_missing: bool = True, continuation: str | None = None) -> Export | None:
    """Header, data rows and banner of one export; footnotes after the data are left out.

    A line belongs to the data when its key column (skolenhetskod, kommunkod) looks like a
    code; blank lines inside the data are skipped; everything after the last data line is
    Skolverket's footnote block. A data-looking line with the wrong number of fields is a
    problem (a truncated or broken line), never silently dropped. With `continuation` (a
    field), a line whose key is empty but which has that field filled is data too (a
    workbook's merged kommun cells).
    """
    lines = v.split_lines(text)
    found = find_header(lines, is_header)
    where = f"{name} [{sheet}]" if sheet else name
    if found is None:
        if report_missing:
            problems.add(where, "missing_column", column=MEASURE_LABELS.get(key_field, required[0]),
                         expected=", ".join(required))
        return None
    start, sep, header = found
    fields: dict[str, str] = {}
    ok = True
    for col in header:
        f = classify(col)
        if f is None or f in ("lan", "orgnr"):
            continue
        if f in fields:
            problems.add(where, "duplicate_column", line=start + 1, column=col, value=col, other=fields[f])
            ok = False
            continue
        fields[f] = col
    for f in required:
        if f not in fields:
            problems.add(where, "missing_column", column=MEASURE_LABELS.get(f, f),
                         expected=", ".join(MEASURE_LABELS.get(x, x) for x in required))
            ok = False
    if not ok:
        return None
    key_index = header.index(fields[key_field])
    cont_index = header.index(fields[continuation]) if continuation and continuation in fields else None
    pattern = re.compile(key_pattern)
    candidates: list[tuple[int, list[str] | None]] = []
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if not line.strip(sep + " \t"):
            continue
        if len(line) > v.MAX_LINE_CHARS:
            candidates.append((i, None))
            continue
        cells = _split(line, sep)
        key = cells[key_index].strip() if key_index < len(cells) else ""
        cont = cont_index is not None and key == "" and cont_index < len(cells) and cells[cont_index].strip() != ""
        if pattern.fullmatch(key) or cont:
            candidates.append((i, cells))
        else:
            candidates.append((i, []))  # not data-looking: footnote, or a broken line inside the data
    last = max((k for k, (_, cells) in enumerate(candidates) if cells), default=-1)
    rows, numbers = [], []
    for i, cells in candidates[: last + 1]:
        if cells is None:
            problems.add(where, "line_too_long", line=i + 1, found=len(lines[i]))
            continue
        if not cells:
            first = _split(lines[i], sep)
            value = first[key_index].strip() if key_index < len(first) else ""
            problems.add(where, "skolenhetskod" if key_field == "skolenhetskod" else "kommun", line=i + 1,
                         column=fields[key_field], value=value)
            continue
        while len(cells) > len(header) and cells[-1].strip() == "":
            cells = cells[:-1]
        if len(cells) < len(header) and all(c.strip() == "" for c in header[len(cells):]):
            cells = cells + [""] * (len(header) - len(cells))
        if len(cells) != len(header):
            problems.add(where, "field_count", line=i + 1, found=len(cells), expected=len(header))
            continue
        rows.append([c.strip() for c in cells])
        numbers.append(i + 1)
    cols = []
    for j, c in enumerate(header):
        label = c if c else f"_tom{j}"
        cols.append(label if label not in cols else f"{label} ({j + 1})")  # unused repeated names
    frame = pd.DataFrame(rows, columns=cols, dtype=object) if rows else pd.DataFrame(columns=cols, dtype=object)
    frame["_line"] = numbers
    if not rows:
        problems.add(where, "no_rows")
    return Export(where, header, fields, frame, lines[:start], sheet)


def _fix_codes(series: pd.Series, width: int) -> tuple[pd.Series, int]:
    """Put back leading zeros Excel dropped ('604' -> '0604'); returns the codes and how many were fixed."""
    src = series.fillna("").astype(str).str.strip()
    short = src.str.fullmatch(r"\d+") & (src.str.len() < width) & (src.str.len() >= width - 1 - (width == 4))
    return src.where(~short, src.str.zfill(width)), int(short.sum())


def _read_lasar(export: Export, ctx: Context, name: str) -> pd.Series | None:
    """The läsår: the banner, else a column, else the one the user gave; a problem when none says it."""
    df = export.frame
    banner = lasar_from_banner(export.banner)
    if "lasar" in export.fields:
        col = export.fields["lasar"]
        return v.lasar(df, col, export.file, ctx.problems)
    if banner:
        if ctx.lasar and ctx.lasar != banner:
            export.notes.append(f"{name}: filen anger läsår {banner}; det används i stället för {ctx.lasar}.")
        return pd.Series(banner, index=df.index, dtype=object)
    if ctx.lasar:
        if not reference.is_lasar(ctx.lasar):
            ctx.problems.add(name, "lasar", column="läsår", value=ctx.lasar)
            return None
        export.notes.append(f"{name}: läsåret står inte i filen; {ctx.lasar} används som du angav.")
        return pd.Series(ctx.lasar, index=df.index, dtype=object)
    ctx.problems.add(name, "no_lasar")
    return None


def _measures(export: Export, ctx: Context, out: pd.DataFrame) -> list[str]:
    """Parse every measure column the file has into value + marker columns of `out`."""
    df, p = export.frame, ctx.problems
    found = []
    if "antal_elever" in export.fields:
        col = export.fields["antal_elever"]
        n, marker = v.measure(df, col, export.file, p, low=0, high=v.MAX_COUNT, integer=True)
        out["antal_elever"] = v.as_int(n)
        out["antal_elever_marker"] = marker
    for m in MEASURES:
        if m not in export.fields:
            continue
        col = export.fields[m]
        high = _merit_high(col) if m == "meritvarde" else 100
        out[m], out[f"{m}_marker"] = v.measure(df, col, export.file, p, low=0, high=high)
        found.append(m)
    if "meritvarde" in export.fields and _merit_high(export.fields["meritvarde"]) == 320:
        export.notes.append(f"{export.file}: meritvärdet i filen är beräknat på 16 ämnen (högst 320), inte 17.")
    return found


def _no_measure(export: Export, ctx: Context) -> None:
    ctx.problems.add(export.file, "no_measure", expected=", ".join(MEASURE_LABELS[m] for m in MEASURES))


def _first_table(name: str, raw: bytes, ctx: Context, reader: Callable[[str, str, bool], Export | None]
                 ) -> Export | None:
    """Run `reader` on the CSV text, or on each sheet of a workbook until one has the table."""
    texts = v.texts(raw, name, ctx.problems)
    if texts is None:
        return None
    if len(texts) == 1:
        return reader(texts[0][1], texts[0][0], True)
    for sheet, text in texts:
        export = reader(text, sheet, False)
        if export is not None:
            return export
    return reader(texts[0][1], texts[0][0], True)  # reports what is missing


# --------------------------------------------------------------------------- per-school export

def _is_school_header(found: set[str | None]) -> bool:
    return "skolenhetskod" in found and bool(found & {"antal_elever", *MEASURES})


SCHOOL_REQUIRED = ["skolenhetskod", "skola", "kommun_kod", "huvudman_typ"]


def parse_school(path: Path, name: str, raw: bytes, ctx: Context) -> Batch | None:
    """Skolverket's per-school export (SIRIS report 139 and its relatives), CSV or XLSX."""
    p = ctx.problems

    def reader(text: str, sheet: str, report: bool) -> Export | None:
        return read_export(name, text, p, is_header=_is_school_header, key_field="skolenhetskod",
                           key_pattern=r"\d{7,8}", required=SCHOOL_REQUIRED, sheet=sheet, report_missing=report)

    export = _first_table(name, raw, ctx, reader)
    if export is None or export.frame.empty:
        return None
    df, f, file = export.frame, export.fields, export.file
    kod, fixed_school = _fix_codes(df[f["skolenhetskod"]], 8)
    df[f["skolenhetskod"]] = kod
    kommun, fixed_kommun = _fix_codes(df[f["kommun_kod"]], 4)
    df[f["kommun_kod"]] = kommun
    kod = v.codes(df, f["skolenhetskod"], file, p, "skolenhetskod")
    kommun = v.codes(df, f["kommun_kod"], file, p, "kommun")
    v.check_text(df, f["skola"], file, p)
    huvudman = v.choice(df, f["huvudman_typ"], file, p, v.HUVUDMAN_CHOICES)
    lasar = _read_lasar(export, ctx, file)
    grupp = (v.choice(df, f["kon"], file, p, v.GROUP_CHOICES) if "kon" in f
             else pd.Series("alla", index=df.index, dtype=object))
    schools = pd.DataFrame({"skolenhetskod": kod, "namn": df[f["skola"]].str.strip(), "kommun_kod": kommun,
                            "huvudman": huvudman})
    if "huvudman" in f:
        v.check_text(df, f["huvudman"], file, p, required=False)
        schools["huvudman_namn"] = df[f["huvudman"]].str.strip().replace("", None)
    out = pd.DataFrame({"skolenhetskod": kod, "lasar": lasar if lasar is not None else None, "grupp": grupp})
    found = _measures(export, ctx, out)
    if not found and "antal_elever" not in f:
        _no_measure(export, ctx)
    if lasar is None:
        return None
    v.duplicates(out.assign(_line=df["_line"]), ["skolenhetskod", "lasar", "grupp"], file, p)
    notes = list(export.notes)
    if fixed_school or fixed_kommun:
        notes.append(f"{file}: {fixed_school + fixed_kommun} koder hade tappat en inledande nolla (Excel) och "
                     "fick tillbaka den.")
    years = ", ".join(sorted(set(out["lasar"].dropna())))
    notes.append(f"{file}: {len(out)} skolor, läsår {years}; uppgifter: "
                 + ", ".join(MEASURE_LABELS[m] for m in ["antal_elever", *found] if m in out) + ".")
    return Batch({"school": schools.drop_duplicates("skolenhetskod", keep="last"), "eligibility_school": out},
                 source=SOURCE_SKOLA, notes=notes)


# --------------------------------------------------------------------------- kommun export

HUVUDMAN_KOMMUN = {**v.HUVUDMAN_CHOICES, "samtliga": "samtliga", "alla": "samtliga", "totalt": "samtliga",
                   "alla huvudmän": "samtliga", "samtliga huvudmän": "samtliga"}
_AGGREGATE_NAMES = re.compile(r"(?i)^\s*(riket|hela riket|sverige|totalt|samtliga kommuner|.*\slän)\s*$")


def _is_kommun_header(found: set[str | None]) -> bool:
    return "kommun_kod" in found and "skolenhetskod" not in found and "uppgift" not in found and bool(
        found & {"antal_elever", *MEASURES})


def parse_kommun(path: Path, name: str, raw: bytes, ctx: Context) -> Batch | None:
    """Skolverket's kommun export (kommun × typ av huvudman × kön), e.g. "Behörighet till gymnasieskolan"."""
    p = ctx.problems

    def reader(text: str, sheet: str, report: bool) -> Export | None:
        return read_export(name, text, p, is_header=_is_kommun_header, key_field="kommun_kod",
                           key_pattern=r"\d{3,4}", required=["kommun_kod"], sheet=sheet, report_missing=report)

    export = _first_table(name, raw, ctx, reader)
    if export is None or export.frame.empty:
        return None
    df, f, file = export.frame, export.fields, export.file
    df[f["kommun_kod"]], fixed = _fix_codes(df[f["kommun_kod"]], 4)
    aggregate = df[f["kommun_kod"]].str.fullmatch(r"00\d\d")
    skipped = int(aggregate.sum())
    df = export.frame = df[~aggregate].copy()
    kommun = v.codes(df, f["kommun_kod"], file, p, "kommun")
    huvudman = (v.choice(df, f["huvudman_typ"], file, p, HUVUDMAN_KOMMUN) if "huvudman_typ" in f
                else pd.Series("samtliga", index=df.index, dtype=object))
    grupp = (v.choice(df, f["kon"], file, p, v.GROUP_CHOICES) if "kon" in f
             else pd.Series("alla", index=df.index, dtype=object))
    lasar = _read_lasar(export, ctx, file)
    out = pd.DataFrame({"kommun_kod": kommun, "lasar": lasar if lasar is not None else None, "grupp": grupp,
                        "huvudman": huvudman, "population": "skolkommun"})
    found = _measures(export, ctx, out)
    if not found:
        _no_measure(export, ctx)
    if lasar is None:
        return None
    v.duplicates(out.assign(_line=df["_line"]), ["kommun_kod", "lasar", "grupp", "huvudman"], file, p)
    notes = list(export.notes)
    if skipped:
        notes.append(f"{file}: {skipped} rader för riket eller län hoppades över (bara kommuner lagras).")
    if fixed:
        notes.append(f"{file}: {fixed} kommunkoder hade tappat en inledande nolla (Excel) och fick tillbaka den.")
    notes.append(f"{file}: {out['kommun_kod'].nunique()} kommuner, läsår "
                 f"{', '.join(sorted(set(out['lasar'].dropna())))}, {len(out)} rader.")
    return Batch({"eligibility_kommun": out}, source=SOURCE_KOMMUN, notes=notes)


# --------------------------------------------------------------------------- the time-series workbook

def _is_series_header(found: set[str | None]) -> bool:
    return "kommun_kod" in found and "uppgift" in found


def sheet_huvudman(sheet: str) -> str | None:
    s = v.normalise(sheet)
    if "samtliga" in s or s in ("alla", "totalt", "alla huvudmän"):
        return "samtliga"
    if "kommunal" in s:
        return "kommunal"
    if "enskild" in s or "fristående" in s or "fristaende" in s:
        return "enskild"
    return None


def classify_measure_row(label: str) -> tuple[str, str] | None:
    """'Genomsnittligt meritvärde (17 ämnen), flickor' -> ('meritvarde', 'flickor'); None if not stored."""
    h = v.normalise(label).lstrip("-– ").strip()
    if not h or any(w in h for w in BREAKDOWN_WORDS):
        return None
    measure = _measure_of(h)
    if measure is None:
        return None
    grupp = "alla"
    if re.search(r"\bflickor\b|\bflickorna\b", h):
        grupp = "flickor"
    elif re.search(r"\bpojkar\b|\bpojkarna\b", h):
        grupp = "pojkar"
    return measure, grupp


def parse_series(path: Path, name: str, raw: bytes, ctx: Context) -> Batch | None:
    """The kommun workbook: one sheet per typ av huvudman, one row per kommun and measure, läsår as columns."""
    p = ctx.problems
    texts = v.texts(raw, name, p)
    if texts is None:
        return None
    frames, notes, ignored = [], [], set()
    any_table = False
    for sheet, text in texts:
        export = read_export(name, text, p, is_header=_is_series_header, key_field="kommun_kod",
                             key_pattern=r"\d{1,4}", required=["kommun_kod", "uppgift"], sheet=sheet,
                             report_missing=False, continuation="uppgift")
        if export is None:
            continue
        any_table = True
        file = export.file
        huvudman = sheet_huvudman(sheet) if sheet else "samtliga"
        if huvudman is None:
            p.add(file, "sheet_huvudman", column="Blad", value=sheet)
            continue
        frame = _series_frame(export, huvudman, ctx, ignored)
        if frame is not None:
            frames.append(frame)
        notes.extend(export.notes)
    if not any_table:
        p.add(name, "no_sheet", expected="Kommun | Kommunkod | Län | Länskod | Uppgift | 2024/25 | …")
        return None
    if not frames:
        return None
    out = pd.concat(frames, ignore_index=True)
    if ignored:
        shown = sorted(ignored)[:8]
        notes.append(f"{name}: {len(ignored)} slags uppgifter lästes inte in (databasen har inga kolumner för dem): "
                     + "; ".join(shown) + (" …" if len(ignored) > len(shown) else ""))
    notes.append(f"{name}: {out['kommun_kod'].nunique()} kommuner, läsår "
                 f"{min(out['lasar'])}–{max(out['lasar'])}, {len(out)} rader." if len(out) else f"{name}: inga rader.")
    return Batch({"eligibility_kommun": out}, source=SOURCE_TIDSSERIE, notes=notes)


def _series_frame(export: Export, huvudman: str, ctx: Context, ignored: set[str]) -> pd.DataFrame | None:
    """Turn one sheet (kommun × measure rows, läsår columns) into eligibility_kommun rows."""
    p = ctx.problems
    df, f, file = export.frame, export.fields, export.file
    kod_col, task_col = f["kommun_kod"], f["uppgift"]
    name_col = f.get("kommun")
    # Continuation rows may leave Kommun and Kommunkod empty (merged cells): carry the last kommun
    # down, but only where the name is empty too ("Riket" with no code is not the kommun above).
    codes, names, last_code, last_name = [], [], "", ""
    for code, nm in zip(df[kod_col], df[name_col] if name_col else [""] * len(df), strict=True):
        code, nm = str(code).strip(), str(nm).strip()
        if code == "" and nm == "":
            code, nm = last_code, last_name
        last_code, last_name = code, nm
        codes.append(code)
        names.append(nm)
    df[kod_col] = codes
    codes = df[kod_col]
    if name_col:
        df[name_col] = names
    year_cols = [c for c in export.header if _YEAR_COL.match(c or "")]
    if not year_cols:
        p.add(file, "missing_column", column="2024/25", expected="läsår som kolumner, t.ex. 2024/25, 2023/24, …")
        return None
    bad_years = [c for c in year_cols if not reference.is_lasar(re.sub(r"\s", "", c))]
    for c in bad_years:
        p.add(file, "lasar", line=int(df["_line"].min()) - 1 if len(df) else None, column=c, value=c)
    df[kod_col], _ = _fix_codes(df[kod_col], 4)
    codes = df[kod_col]
    named_total = df[name_col].str.match(_AGGREGATE_NAMES) if name_col else pd.Series(False, index=df.index)
    aggregate = codes.str.fullmatch(r"00\d\d|0") | (codes.eq("") & named_total)
    df = df[~aggregate].copy()
    kommun = v.codes(df, kod_col, file, p, "kommun")
    labels = df[task_col].fillna("").astype(str)
    kinds = labels.map(classify_measure_row)
    ignored.update(x.strip() for x in labels[kinds.isna() & labels.str.strip().ne("")])
    df = df[kinds.notna()]
    kinds, kommun = kinds[kinds.notna()], kommun[kinds.notna()]
    if df.empty:
        return None
    long_parts = []
    for col in year_cols:
        if col in bad_years:
            continue
        lasar = re.sub(r"\s", "", col)
        for measure in sorted(set(k[0] for k in kinds)):
            rows = kinds.map(lambda k, m=measure: k[0] == m)
            sub = df[rows]
            if measure == "antal_elever":
                value, marker = v.measure(sub, col, file, p, low=0, high=v.MAX_COUNT, integer=True)
            else:
                high = 340 if measure == "meritvarde" else 100
                value, marker = v.measure(sub, col, file, p, low=0, high=high)
            long_parts.append(pd.DataFrame({
                "kommun_kod": kommun[rows], "lasar": lasar, "grupp": kinds[rows].map(lambda k: k[1]),
                "measure": measure, "value": value, "marker": marker, "_line": sub["_line"], "_col": col}))
    long = pd.concat(long_parts, ignore_index=True)
    dup = long.duplicated(["kommun_kod", "lasar", "grupp", "measure"], keep="first")
    for i in long.index[dup]:
        first = long[(long["kommun_kod"] == long.at[i, "kommun_kod"]) & (long["measure"] == long.at[i, "measure"])
                     & (long["grupp"] == long.at[i, "grupp"])]["_line"].min()
        if long.at[i, "_col"] == year_cols[0]:
            p.add(file, "duplicate", line=int(long.at[i, "_line"]), column=task_col,
                  value=long.at[i, "measure"], first=int(first))
    long = long[~dup]
    wide = long.pivot_table(index=["kommun_kod", "lasar", "grupp"], columns="measure", values="value",
                            aggfunc="first", dropna=False)
    marks = long.pivot_table(index=["kommun_kod", "lasar", "grupp"], columns="measure", values="marker",
                             aggfunc="first", dropna=False)
    out = pd.DataFrame(index=wide.index.union(marks.index))
    for measure in sorted(set(long["measure"])):
        out[measure] = wide[measure].reindex(out.index) if measure in wide else np.nan
        out[f"{measure}_marker"] = (marks[measure].reindex(out.index) if measure in marks else None)
        out[f"{measure}_marker"] = out[f"{measure}_marker"].astype(object).where(out[measure].isna(), None)
        if measure != "antal_elever":
            # a measure missing for a kommun/year/group (no row at all) is Skolverket's '.'
            out[f"{measure}_marker"] = out[f"{measure}_marker"].where(
                out[measure].notna() | out[f"{measure}_marker"].notna(), ".")
    out = out.reset_index()
    out["huvudman"] = huvudman
    out["population"] = "skolkommun"
    if "antal_elever" in out:
        out["antal_elever"] = v.as_int(out["antal_elever"])
    return out


# --------------------------------------------------------------------------- detection (`auto`)

def _head_text(raw: bytes) -> str:
    if v.is_xlsx(raw):
        sheets = v.read_xlsx(raw, "", v.Problems())
        return "\n".join(v.rows_to_text(rows[:60]) for _, rows in (sheets or []))
    head = raw[:20000]
    try:
        return head.decode("utf-8-sig", errors="strict")
    except UnicodeDecodeError:
        return head.decode("cp1252", errors="replace")


def _detector(test: Callable[[set[str | None]], bool]) -> Callable[[str, bytes], int]:
    def detect(name: str, raw: bytes) -> int:
        lines = v.split_lines(_head_text(raw))
        return 80 if find_header(lines, test, limit=100) is not None else 0
    return detect


for _kind in (
    Kind("skolverket-skola", parse_school, "Skolverket: Slutbetyg årskurs 9 per skola (CSV eller Excel)",
         "Skolverket: year 9 final grades per school (CSV or Excel)", detect=_detector(_is_school_header)),
    Kind("skolverket-kommun", parse_kommun, "Skolverket: Behörighet till gymnasieskolan per kommun (CSV)",
         "Skolverket: eligibility for upper secondary school per municipality (CSV)",
         detect=_detector(_is_kommun_header)),
    Kind("skolverket-tidsserie", parse_series,
         "Skolverket: Jämförelse av betygsresultat över tid, per kommun (Excel)",
         "Skolverket: comparison of grade results over time, per municipality (Excel)",
         detect=_detector(_is_series_header)),
):
    register(_kind)
