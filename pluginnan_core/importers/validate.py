# The shared validator of all importers: reading text files safely, parsing Swedish numbers and
# Skolverket markers, and collecting every problem with file, line, column, value and reason.
"""Validation shared by every import format.

Why shared: a coordinator should get the same kind of message whatever file they load, and a
rule such as "a share is 0-100 or a marker" must not be written twice. Parsers report problems
to a `Problems` collector instead of raising, so a file's problems are listed all at once.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import reference

MAX_PROBLEMS = 50  # listed per import; the count of the rest is still reported
#: Only CR and LF end a line of a file (see `split_lines`).
_LINE_END = re.compile(r"\r\n|\r|\n")
#: NEL and the Unicode line and paragraph separators inside a line: a space, as a reader sees them.
_SOFT_BREAKS = str.maketrans({"\x85": " ", "\u2028": " ", "\u2029": " "})
MAX_LINE_CHARS = 100_000
#: The largest count of pupils a row may hold: more than any school, kommun or the whole country
#: has, so a larger one is a mistake (and DuckDB's INTEGER ends at 2³¹; a count above it made the
#: import fail with a conversion error instead of naming the cell).
MAX_COUNT = 10_000_000
#: Minutes in the longest month: no pupil can be scheduled for more in a month, so a monthly row's
#: scheduled minutes are at most this many per pupil (a larger figure, e.g. 10²⁰, is a mistake that
#: would otherwise show every absence share as 0 %).
MONTH_MINUTES = 31 * 24 * 60

MARKERS = {"..", ".", "~100", "...", "-", "*"}

#: Problem code -> (Swedish, English) explanation; {expected} etc. come from Problem.params.
REASONS: dict[str, tuple[str, str]] = {
    "empty_file": ("filen är tom", "the file is empty"),
    "no_rows": ("filen har en rubrikrad men inga datarader", "the file has a header but no data rows"),
    "encoding": ("filen är inte text i UTF-8 eller Windows-1252 (spara den som CSV UTF-8)",
                 "the file is not text in UTF-8 or Windows-1252 (save it as CSV UTF-8)"),
    "separator": ("fel avgränsare: filen verkar använda {found} men mallen använder {expected}",
                  "wrong separator: the file seems to use {found} but the template uses {expected}"),
    "missing_column": ("kolumnen saknas (väntade kolumner: {expected})",
                       "the column is missing (expected columns: {expected})"),
    "field_count": ("raden har {found} fält men rubriken har {expected} (avkortad eller trasig rad?)",
                    "the line has {found} fields but the header has {expected} (truncated or broken line?)"),
    "line_too_long": ("raden är orimligt lång ({found} tecken)", "the line is unreasonably long ({found} characters)"),
    "control_char": ("värdet innehåller otillåtna styrtecken", "the value contains forbidden control characters"),
    "required": ("värde saknas", "value missing"),
    "not_number": ("väntade ett tal (t.ex. 84,3) eller en markering (.. . ~100)",
                   "expected a number (e.g. 84,3) or a marker (.. . ~100)"),
    "not_integer": ("väntade ett heltal ≥ 0", "expected a whole number ≥ 0"),
    "range": ("värdet ska ligga mellan {low} och {high}", "the value must lie between {low} and {high}"),
    "kommun": ("okänd kommunkod (fyra siffror, t.ex. 1480)", "unknown municipality code (four digits, e.g. 1480)"),
    "skolenhetskod": ("skolenhetskoden ska vara åtta siffror", "the school unit code must be eight digits"),
    "unknown_school": ("okänd skolenhetskod: skolan finns inte i databasen eller i filen",
                       "unknown school unit code: the school is neither in the database nor in the file"),
    "lasar": ("väntade ett läsår som 2023/24", "expected a school year like 2023/24"),
    "month": ("väntade en månad som 2024-09", "expected a month like 2024-09"),
    "date": ("väntade ett datum som 2024-08-15", "expected a date like 2024-08-15"),
    "choice": ("väntade ett av: {expected}", "expected one of: {expected}"),
    "duplicate": ("samma rad finns redan på rad {first}", "the same row already appears on line {first}"),
    "minutes": ("frånvaro ({found}) är större än schemalagd tid", "absence ({found}) exceeds scheduled time"),
    "month_minutes": ("schemalagd tid ({found} min) är mer än månadens {high} minuter per elev gånger antalet elever",
                      "scheduled time ({found} min) exceeds the month's {high} minutes per pupil times the pupils"),
    "parts": ("giltig + ogiltig ({found}) ska vara lika med total frånvaro", "authorised + unauthorised ({found}) must equal total absence"),
    "over_count": ("fler elever över gränsen än elever totalt", "more pupils above the threshold than pupils in all"),
    "date_order": ("slutdatum före startdatum", "end date before start date"),
    "year_order": ("årskurs till är lägre än årskurs från", "last grade is below first grade"),
    "unknown_kind": ("okänd filtyp {found}; välj en av: {expected}", "unknown file kind {found}; choose one of: {expected}"),
    "unreadable": ("filen går inte att läsa: {found}", "the file cannot be read: {found}"),
    "no_lasar": ("läsåret står varken i filens rubrik (”Valt läsår: 2018/19”) eller i en kolumn; ange det "
                 "(--lasar 2018/19 på kommandoraden, eller i fältet Läsår på sidan Ladda upp data)",
                 "the school year is neither in the file's banner (“Valt läsår: 2018/19”) nor in a column; give it "
                 "(--lasar 2018/19 on the command line, or in the School year field on the Upload data page)"),
    "parse_error": ("filen kunde inte tolkas ({found}); kontrollera att den är en oförändrad export och försök "
                    "igen, eller kontakta den som förvaltar verktyget",
                    "the file could not be interpreted ({found}); check that it is an unchanged export and try "
                    "again, or contact whoever maintains the tool"),
    "xlsx": ("filen är inte en läsbar Excel-arbetsbok (.xlsx)", "the file is not a readable Excel workbook (.xlsx)"),
    "no_sheet": ("arbetsboken har inget blad med rubrikraden {expected}",
                 "the workbook has no sheet with the header row {expected}"),
    "duplicate_column": ("kolumnen förekommer två gånger (samma uppgift som kolumn ”{other}”)",
                         "the column appears twice (same figure as column “{other}”)"),
    "no_measure": ("filen har ingen kolumn med en uppgift som kan läsas in (väntade någon av: {expected})",
                   "the file has no column with a figure that can be loaded (expected one of: {expected})"),
    "kommun_name": ("kommunkoden hör till {expected}, inte till kommunen i kolumnen bredvid",
                    "the municipality code belongs to {expected}, not to the municipality in the next column"),
    "period_months": ("perioden {found} omfattar flera månader; ta ut exporten en månad i taget",
                      "the period {found} spans several months; export one month at a time"),
    "no_period": ("filen anger ingen månad eller period (väntade en kolumn som {expected}, eller en rad "
                  "”Period: 2024-09-01 – 2024-09-30” före rubrikraden)",
                  "the file gives no month or period (expected a column such as {expected}, or a line "
                  "“Period: 2024-09-01 – 2024-09-30” before the header row)"),
    "no_school": ("filen anger ingen skola (väntade en kolumn som {expected})",
                  "the file names no school (expected a column such as {expected})"),
    "unknown_school_name": ("skolan finns inte i databasen under det namnet; lägg till en kolumn Skolenhetskod "
                            "eller läs först in Skolverkets fil för skolan",
                            "no school by that name in the database; add a column Skolenhetskod or first load "
                            "Skolverket's file for the school"),
    "ambiguous_school_name": ("flera skolor i databasen har det namnet; lägg till en kolumn Skolenhetskod",
                              "several schools in the database have that name; add a column Skolenhetskod"),
    "kon": ("väntade kön som flicka/pojke (F/P, K/M) eller tomt", "expected gender as girl/boy (F/P, K/M) or empty"),
    "time": ("väntade minuter (t.ex. 2 340), timmar:minuter (39:00) eller en procentsats",
             "expected minutes (e.g. 2 340), hours:minutes (39:00) or a percentage"),
    "pupil_kon": ("samma elev har olika kön på olika rader (första raden {first})",
                  "the same pupil has different genders on different lines (first line {first})"),
    "json": ("filen är inte giltig JSON från Kolada ({found})", "the file is not valid JSON from Kolada ({found})"),
    "kolada_kpi": ("okänt nyckeltal {found}; väntade ett av: {expected}",
                   "unknown key figure {found}; expected one of: {expected}"),
    "kolada_period": ("väntade ett år som 2024", "expected a year such as 2024"),
    "kolada_gender": ("väntade kön T, K eller M", "expected gender T, K or M"),
    "sheet_huvudman": ("bladets namn anger inte typ av huvudman (väntade Samtliga, Kommunal eller Enskild)",
                       "the sheet's name does not give the type of provider (expected Samtliga, Kommunal or "
                       "Enskild)"),
    "detect": ("filtypen gick inte att känna igen; välj filtyp själv (en av: {expected})",
               "the kind of file could not be recognised; choose the kind yourself (one of: {expected})"),
}

_LABELS = {
    "sv": ("{file}, rad {line}, kolumn ”{column}”: ”{value}” – {reason}", "{file}, rad {line}: {reason}",
           "{file}: {reason}", "… och {n} problem till"),
    "en": ("{file}, line {line}, column “{column}”: “{value}” – {reason}", "{file}, line {line}: {reason}",
           "{file}: {reason}", "… and {n} more problems"),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, enough for a coordinator to find and fix it."""

    file: str
    code: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    params: tuple[tuple[str, str], ...] = ()

    def reason(self, lang: str = "sv") -> str:
        """What is wrong and what was expected, without the file/line/column prefix."""
        sv, en = REASONS.get(self.code, (self.code, self.code))
        text = en if lang == "en" else sv
        return text.format(**dict(self.params)) if self.params else text

    def message(self, lang: str = "sv") -> str:
        reason = self.reason(lang)
        cell, row, whole, _ = _LABELS["en" if lang == "en" else "sv"]
        value = _shorten(self.value) if self.value is not None else ""
        if self.line is not None and self.column is not None:
            return cell.format(file=self.file, line=self.line, column=self.column, value=value, reason=reason)
        if self.line is not None:
            return row.format(file=self.file, line=self.line, reason=reason)
        if self.column is not None:
            shown = f" ”{value}” –" if self.value is not None else ""
            return f"{self.file}, {'column' if lang == 'en' else 'kolumn'} ”{self.column}”:{shown} {reason}"
        return whole.format(file=self.file, reason=reason)


def _shorten(value: str, limit: int = 60) -> str:
    value = "".join(ch if ch.isprintable() else "\ufffd" for ch in value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass
class Problems:
    """Collects problems across all files of one import; counts those beyond the cap."""

    items: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, file: str, code: str, *, line: int | None = None, column: str | None = None,
            value: object = None, **params: object) -> None:
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(file, code, line, column, None if value is None else str(value),
                                      tuple((k, str(v)) for k, v in params.items())))

    def __bool__(self) -> bool:
        return self.total > 0

    def table(self, lang: str = "sv") -> pd.DataFrame:
        """The listed problems as a table (file, line, column, value, what is wrong) for the upload page."""
        heads = (["File", "Line", "Column", "Value", "Problem"] if lang == "en"
                 else ["Fil", "Rad", "Kolumn", "Värde", "Problem"])
        rows = [[p.file, "" if p.line is None else str(p.line), p.column or "",
                 "" if p.value is None else _shorten(p.value), p.reason(lang)] for p in self.items]
        return pd.DataFrame(rows, columns=heads)

    def report(self, lang: str = "sv") -> str:
        lines = [p.message(lang) for p in self.items]
        if self.total > len(self.items):
            lines.append(_LABELS["en" if lang == "en" else "sv"][3].format(n=self.total - len(self.items)))
        return "\n".join(lines)


class ImportRejected(Exception):
    """Raised when an import has problems; nothing was written."""

    def __init__(self, problems: Problems) -> None:
        super().__init__(problems.report("sv"))
        self.problems = problems


# --------------------------------------------------------------------------- reading text

def decode(raw: bytes, file: str, problems: Problems) -> str | None:
    """Bytes -> text: UTF-8 (with or without BOM), else Windows-1252 as Excel saves it."""
    if not raw.strip():
        problems.add(file, "empty_file")
        return None
    if b"\x00" in raw[:4096]:  # UTF-16 or binary
        problems.add(file, "encoding")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        problems.add(file, "encoding")
        return None
    return text


@dataclass
class Table:
    """A parsed delimited file: header, rows as strings, and each row's line number."""

    file: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    banner: list[str] = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=self.header, dtype=object) if self.rows else pd.DataFrame(
            columns=self.header, dtype=object)
        df["_line"] = self.lines
        return df


def split_lines(text: str) -> list[str]:
    """The lines of a file's text, split at CR and LF only; NEL, U+2028 and U+2029 become spaces.

    Why not `str.splitlines()`: it also ends a line at NEL, the Unicode line and paragraph
    separators and a few control characters, which a school name copied from a web page or a
    system export can hold. Such a name broke its row in two, and the file was rejected with
    wrong messages and row numbers for every later row. Other control characters stay in the
    cell, where `check_text` names them.
    """
    out = _LINE_END.split(text.translate(_SOFT_BREAKS))
    if out and out[-1] == "":
        out.pop()
    return out


def read_delimited(text: str, file: str, problems: Problems, *, expected: Sequence[str] | None = None,
                   sep: str = ";", header_match: re.Pattern[str] | None = None,
                   stop_at_blank: bool = False) -> Table | None:
    """Split `text` into header and rows, checking separator, field counts and line sizes.

    `header_match` finds the header line after banner lines (Skolverket files); without it the
    first non-empty line is the header. With `stop_at_blank`, the first empty line after data
    ends the table (Skolverket's footnote block follows one). A trailing empty field from a
    line-final `;` is dropped.
    """
    lines = split_lines(text)
    start = 0
    if header_match is not None:
        for i, line in enumerate(lines):
            if header_match.search(line):
                start = i
                break
        else:
            start = -1
    else:
        while start < len(lines) and not lines[start].strip(sep + " \t"):
            start += 1
        if start >= len(lines):
            problems.add(file, "empty_file")
            return None
    if start < 0 or start >= len(lines):
        if expected:
            problems.add(file, "missing_column", column=expected[0], expected=", ".join(expected))
        else:
            problems.add(file, "empty_file")
        return None
    header_line = lines[start]
    if len(header_line) > MAX_LINE_CHARS:
        problems.add(file, "line_too_long", line=start + 1, found=len(header_line))
        return None
    header = _split(header_line, sep)
    if len(header) == 1:
        for other in (",", "\t", "|"):
            if other != sep and other in header_line:
                problems.add(file, "separator", line=start + 1, found=repr(other), expected=repr(sep))
                return None
    header = [h.strip().lstrip("\ufeff") for h in header]
    while header and header[-1] == "":
        header.pop()
    rows, numbers = [], []
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if not line.strip(sep + " \t"):
            if stop_at_blank and rows:
                break
            continue
        if len(line) > MAX_LINE_CHARS:
            problems.add(file, "line_too_long", line=i + 1, found=len(line))
            continue
        fields = _split(line, sep)
        if len(fields) == len(header) + 1 and fields[-1] == "":
            fields.pop()
        if len(fields) != len(header):
            if stop_at_blank and rows and len(fields) < 3:
                break  # a footnote line after the data
            problems.add(file, "field_count", line=i + 1, found=len(fields), expected=len(header))
            continue
        rows.append([f.strip() for f in fields])
        numbers.append(i + 1)
    return Table(file, header, rows, numbers, banner=lines[:start])


def _split(line: str, sep: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(line), delimiter=sep, quotechar='"'), [])
    except csv.Error:  # e.g. a field over the csv module's size limit: split plainly, checks follow
        return line.split(sep)


def require_columns(table: Table, columns: Iterable[str], problems: Problems) -> bool:
    missing = [c for c in columns if c not in table.header]
    for c in missing:
        problems.add(table.file, "missing_column", column=c, expected=", ".join(columns))
    return not missing


# --------------------------------------------------------------------------- column checks

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_text(df: pd.DataFrame, col: str, file: str, problems: Problems, *, required: bool = True) -> None:
    """Reject control characters and (if required) empty values in a text column."""
    values = df[col].fillna("")
    for i in df.index[values.str.contains(_CONTROL)]:
        problems.add(file, "control_char", line=df.at[i, "_line"], column=col, value=df.at[i, col])
    if required:
        for i in df.index[values.str.strip() == ""]:
            problems.add(file, "required", line=df.at[i, "_line"], column=col, value="")


def parse_number(series: pd.Series) -> pd.Series:
    """Swedish number text -> float: '84,3' -> 84.3, '6 474' -> 6474; anything else NaN."""
    cleaned = (series.fillna("").astype(str).str.replace("\u00a0", "", regex=False)
               .str.replace("\u202f", "", regex=False).str.replace(" ", "", regex=False)
               .str.replace(",", ".", regex=False))
    ok = cleaned.str.fullmatch(r"[-+]?\d+(\.\d+)?") & (cleaned.str.len() <= 30)
    value = pd.to_numeric(cleaned.where(ok), errors="coerce").astype("float64")
    return value.where(np.isfinite(value))


def as_int(series: pd.Series) -> pd.Series:
    """Counts as nullable integers; values that cannot be one (already reported) become NULL."""
    value = pd.to_numeric(series, errors="coerce").astype("float64")
    fits = np.isfinite(value) & (value.abs() < 2**31) & (value == np.floor(value))
    return value.where(fits).astype("Int64")


def measure(df: pd.DataFrame, col: str, file: str, problems: Problems, *, low: float = 0, high: float = 100,
            integer: bool = False, source_col: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse a published measure: (value, marker). Markers stay markers, never numbers.

    An empty cell counts as '.' (uppgift saknas). A value outside [low, high] or text that is
    neither number nor marker is a problem.
    """
    src = df[source_col or col].fillna("").astype(str).str.strip()
    is_marker = src.isin(MARKERS)
    empty = src == ""
    value = parse_number(src)
    bad_text = ~is_marker & ~empty & value.isna()
    for i in df.index[bad_text]:
        problems.add(file, "not_integer" if integer else "not_number", line=df.at[i, "_line"],
                     column=source_col or col, value=src[i])
    out_of_range = value.notna() & ((value < low) | (value > high))
    if integer:
        out_of_range |= value.notna() & (value != np.floor(value))
    for i in df.index[out_of_range]:
        problems.add(file, "not_integer" if integer and value[i] >= low else "range", line=df.at[i, "_line"],
                     column=source_col or col, value=src[i], low=_num(low), high=_num(high))
    marker = src.where(is_marker, None).where(~empty, ".")
    marker = marker.where(value.isna(), None)
    return value, marker


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x).replace(".", ",")


def integer(df: pd.DataFrame, col: str, file: str, problems: Problems, *, required: bool = True) -> pd.Series:
    """A count ≥ 0 and at most `MAX_COUNT`, with no markers allowed (the project's own templates)."""
    src = df[col].fillna("").astype(str).str.strip()
    value = parse_number(src)
    bad = (value.isna() & ((src != "") | required)) | (value.notna() & ((value < 0) | (value != np.floor(value))))
    for i in df.index[bad]:
        problems.add(file, "not_integer" if src[i] else "required", line=df.at[i, "_line"], column=col, value=src[i])
    for i in df.index[~bad & (value > MAX_COUNT)]:
        problems.add(file, "range", line=df.at[i, "_line"], column=col, value=src[i], low="0", high=_num(MAX_COUNT))
    return value


def number(df: pd.DataFrame, col: str, file: str, problems: Problems, *, low: float = 0,
           high: float = float("inf")) -> pd.Series:
    """A plain number (no markers), e.g. minutes."""
    src = df[col].fillna("").astype(str).str.strip()
    value = parse_number(src)
    for i in df.index[value.isna()]:
        problems.add(file, "not_number" if src[i] else "required", line=df.at[i, "_line"], column=col, value=src[i])
    for i in df.index[value.notna() & ((value < low) | (value > high))]:
        problems.add(file, "range", line=df.at[i, "_line"], column=col, value=src[i], low=_num(low),
                     high="∞" if high == float("inf") else _num(high))
    return value


def codes(df: pd.DataFrame, col: str, file: str, problems: Problems, kind: str) -> pd.Series:
    """kommun_kod (4 digits, a real kommun) or skolenhetskod (8 digits); text, zeros kept."""
    src = df[col].fillna("").astype(str).str.strip()
    if kind == "kommun":
        bad = ~src.map(reference.is_kommun_kod)
    else:
        bad = ~src.map(reference.is_skolenhetskod)
    for i in df.index[bad]:
        problems.add(file, kind, line=df.at[i, "_line"], column=col, value=src[i])
    return src


def choice(df: pd.DataFrame, col: str, file: str, problems: Problems, allowed: dict[str, str]) -> pd.Series:
    """Map case-insensitive spellings to canonical values; anything else is a problem."""
    src = df[col].fillna("").astype(str).str.strip()
    mapped = src.str.lower().map(allowed)
    for i in df.index[mapped.isna()]:
        problems.add(file, "choice", line=df.at[i, "_line"], column=col, value=src[i],
                     expected=", ".join(sorted(set(allowed.values()))))
    return mapped


def lasar(df: pd.DataFrame, col: str, file: str, problems: Problems) -> pd.Series:
    src = df[col].fillna("").astype(str).str.strip()
    for i in df.index[~src.map(reference.is_lasar)]:
        problems.add(file, "lasar", line=df.at[i, "_line"], column=col, value=src[i])
    return src


def month(df: pd.DataFrame, col: str, file: str, problems: Problems) -> pd.Series:
    """'2024-09' (or '2024-09-01') -> Timestamp of the first of the month."""
    src = df[col].fillna("").astype(str).str.strip()
    ok = src.str.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])(-01)?")
    parsed = pd.to_datetime(src.where(ok).str.slice(0, 7) + "-01", format="%Y-%m-%d", errors="coerce")
    for i in df.index[parsed.isna()]:
        problems.add(file, "month", line=df.at[i, "_line"], column=col, value=src[i])
    return parsed


def date(df: pd.DataFrame, col: str, file: str, problems: Problems) -> pd.Series:
    src = df[col].fillna("").astype(str).str.strip()
    ok = src.str.fullmatch(r"(19|20)\d\d-\d\d-\d\d")
    parsed = pd.to_datetime(src.where(ok), format="%Y-%m-%d", errors="coerce")
    for i in df.index[parsed.isna()]:
        problems.add(file, "date", line=df.at[i, "_line"], column=col, value=src[i])
    return parsed


def duplicates(df: pd.DataFrame, keys: Sequence[str], file: str, problems: Problems) -> None:
    """Two rows with the same key in one file are a problem (which one is right?)."""
    dup = df.duplicated(list(keys), keep=False)
    if not dup.any():
        return
    first_line = df[dup].groupby(list(keys), dropna=False)["_line"].transform("min")
    for i in df.index[dup]:
        if df.at[i, "_line"] != first_line[i]:
            problems.add(file, "duplicate", line=df.at[i, "_line"], column=keys[0], value=df.at[i, keys[0]],
                         first=first_line[i])


GROUP_CHOICES = {"alla": "alla", "samtliga": "alla", "totalt": "alla", "t": "alla", "flickor": "flickor",
                 "k": "flickor", "pojkar": "pojkar", "m": "pojkar"}
HUVUDMAN_CHOICES = {"kommunal": "kommunal", "enskild": "enskild", "fristående": "enskild", "fristaende": "enskild"}


# --------------------------------------------------------------------------- spreadsheets and headers

MAX_XLSX_BYTES = 50_000_000
MAX_XLSX_ROWS = 200_000


def is_xlsx(raw: bytes) -> bool:
    """An .xlsx file is a zip archive: it starts with the local-file signature."""
    return raw[:4] == b"PK\x03\x04"


def _cell_text(value: object) -> str:
    """One spreadsheet cell as the text a CSV export would hold ('81.6', '1299', '~100', '')."""
    import datetime as _dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else format(value, ".10g")
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value)
    return " ".join(text.split()) if "\n" in text or "\r" in text else text


def read_xlsx(raw: bytes, file: str, problems: Problems) -> list[tuple[str, list[list[str]]]] | None:
    """Every sheet of a workbook as rows of cell texts (row i of the list is Excel row i + 1).

    Why text: the Skolverket and template parsers then read a workbook exactly like the CSV
    export of the same table, so both get the same checks and the same messages.
    """
    import openpyxl

    if len(raw) > MAX_XLSX_BYTES:
        problems.add(file, "line_too_long", found=len(raw))
        return None
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # a broken or foreign zip: openpyxl raises many kinds
        problems.add(file, "xlsx")
        return None
    sheets: list[tuple[str, list[list[str]]]] = []
    try:
        for ws in book.worksheets:
            rows: list[list[str]] = []
            for i, row in enumerate(ws.iter_rows(values_only=True)):
                if i >= MAX_XLSX_ROWS:
                    break
                rows.append([_cell_text(c) for c in row])
            while rows and not any(c.strip() for c in rows[-1]):
                rows.pop()
            sheets.append((ws.title, rows))
    except Exception:
        problems.add(file, "xlsx")
        return None
    finally:
        book.close()
    return sheets


def rows_to_text(rows: Sequence[Sequence[str]], sep: str = ";") -> str:
    """Spreadsheet rows -> delimited text, one line per row (so line numbers are Excel row numbers)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, quotechar='"', lineterminator="\n")
    for row in rows:
        writer.writerow([c.replace("\n", " ").replace("\r", " ") for c in row])
    return out.getvalue()


def texts(raw: bytes, file: str, problems: Problems) -> list[tuple[str, str]] | None:
    """A CSV file's text, or each sheet of a workbook as delimited text: [(sheet name, text)]."""
    if is_xlsx(raw):
        sheets = read_xlsx(raw, file, problems)
        if sheets is None:
            return None
        if not any(rows for _, rows in sheets):
            problems.add(file, "empty_file")
            return None
        return [(name, rows_to_text(rows)) for name, rows in sheets]
    text = decode(raw, file, problems)
    return None if text is None else [("", text)]


def normalise(header: str) -> str:
    """Header text for matching: lower case, no BOM, soft hyphens or odd spaces, single spaces."""
    h = header.replace("\ufeff", "").replace("\u00ad", "").replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(h.lower().split())


_PNR = re.compile(r"(?<!\d)(\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")


def mask_identity(value: object) -> str:
    """A value that may identify a pupil, shown in a message without revealing it.

    Personnummer-like digit runs become 'ÅÅMMDD-XXXX'; any other text keeps only its first
    character and its length, so a coordinator can still find the cell without the message
    (or a log of it) holding a name.
    """
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    text = _PNR.sub("ÅÅMMDD-XXXX", text)
    if "ÅÅMMDD-XXXX" in text:
        return text if len(text) <= 20 else "ÅÅMMDD-XXXX …"
    return f"{text[0]}… ({len(text)} tecken)"


def looks_like_personnummer(value: str) -> bool:
    return bool(_PNR.search(str(value)))
