# Pupil-level absence exports from the schools' own systems (Vklass, Skola24, Unikum, IST, ...):
# recognised by their column names, aggregated on the way in to school × month × group rows and
# counts above the absence thresholds. No personnummer, name or pupil id is ever stored or shown.
"""Import of pupil-level absence exports.

Why aggregate here: pupil rows are personal data, and the dashboard's database holds
aggregates only. The parser reads identifying columns solely to tell pupils apart (one pupil
may have one row per subject) and to derive legal gender from a personnummer when there is no
kön column; those values live only in memory during the parse and are masked in every
message (`validate.mask_identity`), so neither the database, the import log nor a problem
report ever holds them.

Why the column mapping is data (`COLUMNS`): every school system spells its headers differently
and changes them between versions; supporting one more spelling is one line, and
data/templates/README.md lists the same table for coordinators.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import db, reference
from . import Batch, Context, Kind, register, school_name_key
from . import validate as v

SOURCE = "Skolornas frånvaroexport (sammanräknad per skola och månad)"
DEFAULT_THRESHOLDS = (10, 15, 20, 50)
MAX_MINUTES = 1_000_000  # per pupil and row: about 2 300 school days; anything more is a wrong column
ENV_THRESHOLDS = "PLUGINNAN_ABSENCE_THRESHOLDS"

#: Field -> header spellings recognised for it (compared after `validate.normalise`: lower case,
#: single spaces). Identifying fields are recognised only so that they are never stored.
COLUMNS: dict[str, tuple[str, ...]] = {
    "skolenhetskod": ("skolenhetskod", "skol-enhetskod", "skolenhets-kod", "skolkod", "skolenhet kod",
                      "skolenhetskod (8 siffror)", "skolenhet (kod)"),
    "skola": ("skola", "skolenhet", "skolans namn", "skolnamn", "skolenhetens namn"),
    "kon": ("kön", "kon", "juridiskt kön", "kön (f/p)", "kön (k/m)", "gender", "sex"),
    "arskurs": ("årskurs", "åk", "arskurs", "ak", "klass", "årskurs/klass", "grade"),
    "manad": ("månad", "manad", "period", "månad (åååå-mm)", "år-månad", "år och månad", "month"),
    "fran": ("från", "fr.o.m.", "from", "från datum", "startdatum", "period från", "fr o m", "from datum"),
    "till": ("till", "t.o.m.", "tom", "till datum", "slutdatum", "period till", "t o m", "tom datum"),
    "schemalagd_min": ("schemalagd tid (min)", "schemalagd tid", "schemalagda minuter", "schemalagd tid min",
                       "schemalagd (min)", "lekt.", "lekt", "lekt. min", "lekt (min)", "lektionstid",
                       "lektionstid (min)", "schematid", "schematid (min)", "total tid (min)"),
    "schemalagd_h": ("schemalagd tid (h)", "schemalagd tid (tim)", "schemalagda timmar", "lektionstid (h)",
                     "schematid (h)"),
    "franvaro_min": ("f min", "frånvaro (min)", "frånvaro min", "frånvaro minuter", "total frånvaro (min)",
                     "total frånvaro", "frånvaro", "total frånvaro min", "summa frånvaro (min)"),
    "giltig_min": ("gf min", "giltig frånvaro (min)", "giltig frånvaro", "giltig frånvaro min", "giltig",
                   "anmäld frånvaro (min)", "anmäld frånvaro", "giltig frånvaro minuter"),
    "ogiltig_min": ("of min", "ogiltig frånvaro (min)", "ogiltig frånvaro", "ogiltig frånvaro min", "ogiltig",
                    "oanmäld frånvaro (min)", "oanmäld frånvaro", "ogiltig frånvaro minuter"),
    "franvaro_pct": ("frånvaro %", "frånvaro (%)", "total frånvaro (%)", "total frånvaro %", "frånvaro i procent",
                     "f %", "frånvaro procent"),
    "giltig_pct": ("giltig frånvaro %", "giltig frånvaro (%)", "anmäld frånvaro (%)", "anmäld frånvaro %",
                   "gf %", "giltig %"),
    "ogiltig_pct": ("ogiltig frånvaro %", "ogiltig frånvaro (%)", "oanmäld frånvaro (%)", "oanmäld frånvaro %",
                    "of %", "ogiltig %"),
    "personnummer": ("personnummer", "personnr", "pnr", "person-nr", "personnummer (ååååmmdd-xxxx)",
                     "elevens personnummer", "samordningsnummer", "födelsedatum", "personnummer/samordningsnummer"),
    "namn": ("namn", "elev", "elevnamn", "elevens namn", "förnamn", "efternamn", "tilltalsnamn", "namn elev",
             "fullständigt namn", "elev namn", "name"),
    "elev_id": ("elev-id", "elevid", "elev id", "id", "användar-id", "användarnamn", "extern id", "elevnummer",
                "guid", "student id"),
}
IDENTIFYING = ("personnummer", "namn", "elev_id")
TIME_FIELDS = ("schemalagd_min", "schemalagd_h", "franvaro_min", "giltig_min", "ogiltig_min")
PCT_FIELDS = ("franvaro_pct", "giltig_pct", "ogiltig_pct")
_LOOKUP = {v.normalise(spelling): f for f, spellings in COLUMNS.items() for spelling in spellings}

KON_VALUES = {
    "f": "flickor", "flicka": "flickor", "flickor": "flickor", "k": "flickor", "kvinna": "flickor",
    "kvinnor": "flickor", "female": "flickor", "girl": "flickor", "tjej": "flickor",
    "p": "pojkar", "pojke": "pojkar", "pojkar": "pojkar", "m": "pojkar", "man": "pojkar", "män": "pojkar",
    "male": "pojkar", "boy": "pojkar", "kille": "pojkar",
    "": None, "-": None, "x": None, "annat": None, "okänt": None, "okänd": None, "ej angivet": None,
    "uppgift saknas": None, "ickebinär": None, "annan": None,
}
_MONTHS = {"jan": 1, "januari": 1, "january": 1, "feb": 2, "februari": 2, "february": 2, "mar": 3, "mars": 3,
           "march": 3, "apr": 4, "april": 4, "maj": 5, "may": 5, "jun": 6, "juni": 6, "june": 6, "jul": 7,
           "juli": 7, "july": 7, "aug": 8, "augusti": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
           "okt": 10, "oktober": 10, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
           "december": 12}
_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})|(\d{1,2})[./](\d{1,2})[./](\d{4})")
_NUMBER = re.compile(r"[-+]?\d[\d\s\u00a0\u202f]*([.,]\d+)?")
_PERIOD_BANNER = re.compile(r"(?i)(period|månad|från|datum|fr\.?o\.?m\.?)")
_SCHOOL_BANNER = re.compile(r"(?i)^\s*(skolenhetskod|skolenhet|skola)\s*[:;]\s*;*\s*(.+?)[;\s]*$")


def thresholds() -> tuple[int, ...]:
    """Absence thresholds (% of scheduled time): $PLUGINNAN_ABSENCE_THRESHOLDS, else 10, 15, 20, 50."""
    raw = os.environ.get(ENV_THRESHOLDS, "")
    try:
        values = tuple(sorted({int(x) for x in raw.replace(";", ",").split(",") if x.strip()}))
    except ValueError:
        values = ()
    if not values or any(not 1 <= t <= 100 for t in values):
        return DEFAULT_THRESHOLDS
    return values


def field_of(header: str) -> str | None:
    """The field a header names, per COLUMNS (None: a column this importer does not use)."""
    h = v.normalise(header)
    return _LOOKUP.get(h) or _LOOKUP.get(h.rstrip(".:* "))


def safe_value(value: object) -> str:
    """A cell value fit for a message: numbers and times as they are, anything else masked."""
    text = "" if value is None else str(value).strip()
    if re.fullmatch(r"[-+]?[\d\s\u00a0.,:%]{0,12}", text) and not v.looks_like_personnummer(text):
        return text
    return v.mask_identity(text)


def _relay(tmp: v.Problems, problems: v.Problems) -> None:
    """Copy problems found by the shared validators, masking every value they quote."""
    for item in tmp.items:
        problems.add(item.file, item.code, line=item.line, column=item.column,
                     value=None if item.value is None else safe_value(item.value), **dict(item.params))
    problems.total += tmp.total - len(tmp.items)


# --------------------------------------------------------------------------- periods

def parse_month(text: str) -> tuple[dt.date | None, str | None]:
    """A month from '2024-09', '2024-09-01', '202409', 'september 2024', '09/2024' or a period
    '2024-09-01 – 2024-09-30' inside one month. Returns (month, None), (None, 'multi') for a
    period spanning months, or (None, 'bad')."""
    t = v.normalise(text).replace("–", "-").replace("—", "-")
    if not t:
        return None, "bad"
    dates = [_date_of(m) for m in _DATE.finditer(t)]
    if dates and all(d is not None for d in dates) and len(dates) <= 2 and _only_dates(t):
        first, last = dates[0], dates[-1]
        assert first is not None and last is not None
        if (first.year, first.month) != (last.year, last.month) or last < first:
            return None, "multi"
        return first.replace(day=1), None
    m = re.fullmatch(r"(\d{4})\s*[-/ ]?\s*(\d{1,2})", t) or re.fullmatch(r"(\d{4})(\d{2})", t)
    if m:
        return _month(int(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"(\d{1,2})\s*[-/]\s*(\d{4})", t)
    if m:
        return _month(int(m.group(2)), int(m.group(1)))
    m = re.fullmatch(r"([a-zåäö]+)\.?\s*(\d{4})", t) or re.fullmatch(r"(\d{4})\s*([a-zåäö]+)\.?", t)
    if m:
        word, year = (m.group(1), m.group(2)) if not m.group(1).isdigit() else (m.group(2), m.group(1))
        if word in _MONTHS:
            return _month(int(year), _MONTHS[word])
    return None, "bad"


def _only_dates(t: str) -> bool:
    rest = _DATE.sub("", t)
    return not re.sub(r"[\s\-–—:;,]|till|to|tom|t\.o\.m\.|från|fr\.o\.m\.|period", "", rest)


def _date_of(m: re.Match[str]) -> dt.date | None:
    try:
        if m.group(1):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return dt.date(int(m.group(6)), int(m.group(5)), int(m.group(4)))
    except ValueError:
        return None


def _month(year: int, month: int) -> tuple[dt.date | None, str | None]:
    if 2000 <= year <= 2100 and 1 <= month <= 12:
        return dt.date(year, month, 1), None
    return None, "bad"


def _banner_period(banner: list[str]) -> tuple[dt.date | None, str | None, str]:
    """'Period: 2024-09-01 – 2024-09-30' (or 'Månad: 2024-09') before the header."""
    for line in banner:
        text = line.replace(";", " ").replace("\t", " ").strip()
        if not _PERIOD_BANNER.search(text):
            continue
        body = re.sub(r"(?i)^\s*(period|månad|datum|från|fr\.?o\.?m\.?)\s*:?\s*", "", text)
        month, err = parse_month(body)
        if month or err == "multi":
            return month, err, body.strip()
    return None, None, ""


# --------------------------------------------------------------------------- reading

def _find_header(lines: list[str]) -> tuple[int, str, list[str]] | None:
    best = None
    for i, line in enumerate(lines[:40]):
        if not line.strip(";,\t ") or len(line) > v.MAX_LINE_CHARS:
            continue
        for sep in (";", "\t", ","):
            cells = [c.strip().lstrip("\ufeff") for c in v._split(line, sep)]
            found = {field_of(c) for c in cells} - {None}
            has_time = bool(found & {"schemalagd_min", "schemalagd_h"})
            score = len(found)
            if has_time and score >= 2 and (best is None or score > best[0]):
                best = (score, i, sep, cells)
        if best is not None:
            break
    if best is None:
        return None
    _, i, sep, cells = best
    while cells and cells[-1] == "":
        cells.pop()
    return i, sep, cells


def _table(name: str, raw: bytes, ctx: Context) -> tuple[v.Table, str, dict[str, str]] | None:
    p = ctx.problems
    texts = v.texts(raw, name, p)
    if texts is None:
        return None
    for sheet, text in texts:
        lines = v.split_lines(text)
        found = _find_header(lines)
        if found is None:
            continue
        start, sep, header = found
        where = f"{name} [{sheet}]" if sheet and len(texts) > 1 else name
        fields: dict[str, str] = {}
        ok = True
        for col in header:
            f = field_of(col)
            if f is None:
                continue
            if f in fields:
                p.add(where, "duplicate_column", line=start + 1, column=col, value=col, other=fields[f])
                ok = False
            fields[f] = col
        if not ok:
            return None
        tmp = v.Problems()
        # banner lines become blank (skipped) so that line numbers stay those of the file
        table = v.read_delimited("\n".join([""] * start + lines[start:]), where, tmp, sep=sep)
        _relay(tmp, p)
        if table is None:
            return None
        table.banner = lines[:start]
        if not table.rows:
            p.add(where, "no_rows")
            return None
        return table, where, fields
    p.add(name, "missing_column", column="Schemalagd tid (min)",
          expected="Schemalagd tid (min) / Lekt., Frånvaro (min) / F min, Giltig frånvaro (min) / GF min, "
                   "Ogiltig frånvaro (min) / OF min, Kön, Månad (se data/templates/README.md)")
    return None


def _time_values(df: pd.DataFrame, col: str, file: str, problems: v.Problems, *, hours: bool = False,
                 pct: bool = False) -> pd.Series:
    """Minutes from '2 340', '2340,5', '39:00' (h:mm) or hours; percentages from '12,5' / '12,5 %'."""
    out = pd.Series(np.nan, index=df.index, dtype="float64")
    for i, raw in df[col].items():
        text = str(raw if raw is not None else "").strip().replace("\u00a0", " ")
        value: float | None = None
        if pct:
            text = text.rstrip("%").strip()
        m = re.fullmatch(r"(\d+):([0-5]\d)", text)
        if m and not pct:
            value = int(m.group(1)) * 60 + int(m.group(2))
        elif _NUMBER.fullmatch(text):
            value = float(re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", "."))
            if hours:
                value *= 60
        if value is None:
            problems.add(file, "time" if text else "required", line=df.at[i, "_line"], column=col,
                         value=safe_value(text))
            continue
        high = 100 if pct else MAX_MINUTES
        if not math.isfinite(value) or value < 0 or value > high:
            problems.add(file, "range", line=df.at[i, "_line"], column=col, value=safe_value(text), low=0,
                         high=v._num(high).replace("000000", " 000 000"))
            continue
        out[i] = value
    return out


def _school_codes(df: pd.DataFrame, fields: dict[str, str], table: v.Table, file: str, ctx: Context
                  ) -> pd.Series | None:
    p = ctx.problems
    banner_school = None
    for line in table.banner:
        m = _SCHOOL_BANNER.match(line)
        if m:
            banner_school = m.group(2).strip().strip('"')
    if "skolenhetskod" in fields:
        col = fields["skolenhetskod"]
        src = df[col].fillna("").astype(str).str.strip()
        src = src.where(~(src.str.fullmatch(r"\d{7}")), src.str.zfill(8))
        df[col] = src
        tmp = v.Problems()
        codes = v.codes(df, col, file, tmp, "skolenhetskod")
        _relay(tmp, p)
        for i in df.index[src.map(reference.is_skolenhetskod) & ~src.isin(list(ctx.known_schools))]:
            p.add(file, "unknown_school", line=df.at[i, "_line"], column=col, value=src[i])
        return codes
    if "skola" in fields:
        col = fields["skola"]
        names = df[col].fillna("").astype(str)
        return _codes_by_name(names, df, col, file, ctx)
    if banner_school:
        if reference.is_skolenhetskod(banner_school):
            if banner_school not in ctx.known_schools:
                p.add(file, "unknown_school", column="skola", value=banner_school)
                return None
            return pd.Series(banner_school, index=df.index, dtype=object)
        names = pd.Series(banner_school, index=df.index, dtype=object)
        return _codes_by_name(names, df, "Skola", file, ctx, banner=True)
    p.add(file, "no_school", expected="Skolenhetskod, Skola (eller en rad ”Skola: …” före rubrikraden)")
    return None


def _codes_by_name(names: pd.Series, df: pd.DataFrame, col: str, file: str, ctx: Context,
                   banner: bool = False) -> pd.Series:
    codes = pd.Series(None, index=df.index, dtype=object)
    reported: set[str] = set()
    for i, name in names.items():
        key = school_name_key(name)
        kod = ctx.school_names.get(key)
        if kod:
            codes[i] = kod
            continue
        if banner and key in reported:
            continue
        reported.add(key)
        code = "ambiguous_school_name" if kod == "" else "unknown_school_name"
        if not key:
            code = "required"
        ctx.problems.add(file, code, line=None if banner else df.at[i, "_line"], column=col, value=name.strip())
    return codes


def _kon(df: pd.DataFrame, fields: dict[str, str], file: str, ctx: Context) -> tuple[pd.Series, str]:
    """flickor / pojkar / None per row, from a kön column or else from the personnummer."""
    if "kon" in fields:
        col = fields["kon"]
        src = df[col].fillna("").astype(str).str.strip()
        mapped = src.map(lambda x: KON_VALUES.get(v.normalise(x).rstrip("."), "?"))
        for i in df.index[mapped == "?"]:
            ctx.problems.add(file, "kon", line=df.at[i, "_line"], column=col,
                             value=src[i] if len(src[i]) <= 2 else v.mask_identity(src[i]))
        return mapped.where(mapped != "?", None), ""
    if "personnummer" in fields:
        digits = df[fields["personnummer"]].fillna("").astype(str).str.replace(r"\D", "", regex=True)
        ok = digits.str.len().isin([10, 12])
        sex = digits.str[-2].where(ok)
        kon = sex.map(lambda d: None if not isinstance(d, str) else ("pojkar" if int(d) % 2 else "flickor"))
        return kon, "juridiskt kön enligt personnumret (ingen kolumn Kön)"
    return pd.Series(None, index=df.index, dtype=object), "ingen kolumn Kön: bara alla elever, inte flickor/pojkar"


def _months(df: pd.DataFrame, fields: dict[str, str], table: v.Table, file: str, ctx: Context) -> pd.Series | None:
    p = ctx.problems
    if "manad" in fields:
        col = fields["manad"]
        out = pd.Series(None, index=df.index, dtype=object)
        for i, text in df[col].items():
            month, err = parse_month(str(text))
            if err == "multi":
                p.add(file, "period_months", line=df.at[i, "_line"], column=col, value=text, found=text)
            elif err:
                p.add(file, "month", line=df.at[i, "_line"], column=col, value=safe_value(text))
            out[i] = month
        return out
    if "fran" in fields and "till" in fields:
        out = pd.Series(None, index=df.index, dtype=object)
        for i in df.index:
            a, b = str(df.at[i, fields["fran"]]), str(df.at[i, fields["till"]])
            month, err = parse_month(f"{a} - {b}")
            if err == "multi":
                p.add(file, "period_months", line=df.at[i, "_line"], column=fields["till"], value=b,
                      found=f"{a} – {b}")
            elif err:
                p.add(file, "date", line=df.at[i, "_line"], column=fields["fran"], value=safe_value(a))
            out[i] = month
        return out
    month, err, text = _banner_period(table.banner)
    if err == "multi":
        p.add(file, "period_months", column="period", value=text, found=text)
        return None
    if month:
        return pd.Series(month, index=df.index, dtype=object)
    p.add(file, "no_period", expected="Månad, Period, Från + Till")
    return None


# --------------------------------------------------------------------------- the parser

def parse(path: Path, name: str, raw: bytes, ctx: Context) -> Batch | None:
    """Pupil rows -> absence_month rows (alla/flickor/pojkar) with the threshold counts as columns."""
    p = ctx.problems
    found = _table(name, raw, ctx)
    if found is None:
        return None
    table, file, fields = found
    df = table.frame()
    notes: list[str] = []
    before = p.total
    codes = _school_codes(df, fields, table, file, ctx)
    months = _months(df, fields, table, file, ctx)
    kon, kon_note = _kon(df, fields, file, ctx)
    if kon_note:
        notes.append(f"{file}: {kon_note}.")
    minutes = _minutes(df, fields, file, ctx)
    if minutes is None or codes is None or months is None or p.total > before:
        return None
    pupils = _pupil_keys(df, fields)
    frame = pd.DataFrame({"skolenhetskod": codes, "manad": months, "kon": kon, "pupil": pupils,
                          "_line": df["_line"], **minutes})
    frame = _per_pupil(frame, file, ctx)
    if frame is None:
        return None
    zero = frame["schemalagd_min"] <= 0
    if zero.any():
        notes.append(f"{file}: {int(zero.sum())} elevrader utan schemalagd tid räknades inte med.")
    frame = frame[~zero]
    if frame.empty:
        p.add(file, "no_rows")
        return None
    month_rows = aggregate(frame, thresholds())
    if "arskurs" in fields:
        grades = df[fields["arskurs"]].fillna("").astype(str).str.extract(r"(\d)")[0].dropna().astype(int)
        if len(grades):
            notes.append(f"{file}: årskurs {grades.min()}–{grades.max()} (årskurs lagras inte).")
    spans = sorted(set(month_rows["manad"]))
    notes.append(f"{file}: {frame['pupil'].nunique()} elever på {month_rows['skolenhetskod'].nunique()} skolor, "
                 f"{spans[0]:%Y-%m}–{spans[-1]:%Y-%m}; sammanräknat till {len(month_rows)} rader. "
                 "Inga personuppgifter sparas.")
    return Batch({"absence_month": month_rows}, source=SOURCE, notes=notes)


def _minutes(df: pd.DataFrame, fields: dict[str, str], file: str, ctx: Context) -> dict[str, pd.Series] | None:
    """Scheduled, total, giltig and ogiltig minutes per row, from minutes, hours or percentages."""
    p = ctx.problems
    if "schemalagd_min" in fields:
        sched = _time_values(df, fields["schemalagd_min"], file, p)
    elif "schemalagd_h" in fields:
        sched = _time_values(df, fields["schemalagd_h"], file, p, hours=True)
    else:  # _find_header guarantees one of them
        return None
    parts: dict[str, pd.Series] = {}
    for kind in ("franvaro", "giltig", "ogiltig"):
        if f"{kind}_min" in fields:
            parts[kind] = _time_values(df, fields[f"{kind}_min"], file, p)
        elif f"{kind}_pct" in fields:
            parts[kind] = _time_values(df, fields[f"{kind}_pct"], file, p, pct=True) * sched / 100
    from_pct = not any(f"{k}_min" in fields for k in ("franvaro", "giltig", "ogiltig"))
    missing = [k for k in ("giltig", "ogiltig") if k not in parts]
    if len(missing) == 2 or (missing and "franvaro" not in parts):
        expected = "Giltig frånvaro (min) / GF min, Ogiltig frånvaro (min) / OF min (eller procent)"
        for k in missing:
            p.add(file, "missing_column", column=f"{k.capitalize()} frånvaro (min)", expected=expected)
        return None
    if "giltig" not in parts:
        parts["giltig"] = parts["franvaro"] - parts["ogiltig"]
    if "ogiltig" not in parts:
        parts["ogiltig"] = parts["franvaro"] - parts["giltig"]
    total = parts.get("franvaro", parts["giltig"] + parts["ogiltig"])
    tol = (0.11 * sched / 100 + 0.5) if from_pct else (0.5 + 0.001 * total)
    over = total > sched + tol
    total_col = fields.get("franvaro_min") or fields.get("franvaro_pct") or fields.get("giltig_min") \
        or fields.get("giltig_pct")
    for i in df.index[over.fillna(False)]:
        p.add(file, "minutes", line=df.at[i, "_line"], column=total_col, value=safe_value(df.at[i, total_col]),
              found=v._num(round(float(total[i]), 1)))
    diff = (parts["giltig"] + parts["ogiltig"] - total).abs()
    for i in df.index[(diff > tol).fillna(False)]:
        col = fields.get("giltig_min") or fields.get("giltig_pct") or total_col
        p.add(file, "parts", line=df.at[i, "_line"], column=col, value=safe_value(df.at[i, col]),
              found=v._num(round(float(parts["giltig"][i] + parts["ogiltig"][i]), 1)))
    for k in ("giltig", "ogiltig"):
        for i in df.index[(parts[k] < -tol).fillna(False)]:
            p.add(file, "range", line=df.at[i, "_line"], column=fields.get(f"{k}_min") or total_col,
                  value=safe_value(df.at[i, fields.get(f"{k}_min") or total_col]), low=0, high="∞")
    giltig = parts["giltig"].clip(lower=0)
    ogiltig = parts["ogiltig"].clip(lower=0)
    # The parts are what the system measured; the total is their sum, never above scheduled time.
    total = giltig + ogiltig
    scale = (sched / total).where(total > sched, 1.0).fillna(1.0)
    return {"schemalagd_min": sched, "franvaro_min": total * scale, "giltig_min": giltig * scale,
            "ogiltig_min": ogiltig * scale}


def _pupil_keys(df: pd.DataFrame, fields: dict[str, str]) -> pd.Series:
    """A key per pupil, for summing a pupil's rows: a hash of the identifying columns, in memory only.

    Without any identifying column each row is one pupil.
    """
    cols = [fields[f] for f in IDENTIFYING if f in fields]
    if not cols:
        return pd.Series([f"row{i}" for i in range(len(df))], index=df.index, dtype=object)
    joined = df[cols].fillna("").astype(str).agg("\x1f".join, axis=1).str.lower().str.strip()
    blank = joined.str.replace("\x1f", "", regex=False).str.strip() == ""
    keys = joined.map(lambda s: hashlib.sha256(s.encode("utf-8")).hexdigest())
    return keys.where(~blank, pd.Series([f"row{i}" for i in range(len(df))], index=df.index))


def _per_pupil(frame: pd.DataFrame, file: str, ctx: Context) -> pd.DataFrame | None:
    """Sum a pupil's rows per school and month (exports with one row per subject or week)."""
    keys = ["pupil", "skolenhetskod", "manad"]
    kon_sets = frame.groupby(keys, sort=False)["kon"].agg(lambda s: len(set(s.dropna())))
    if (kon_sets > 1).any():
        clash = frame.set_index(keys).index.isin(kon_sets[kon_sets > 1].index)
        firsts = frame[clash].groupby(keys)["_line"].transform("min")
        for i in frame.index[clash]:
            if frame.at[i, "_line"] != firsts[i]:
                ctx.problems.add(file, "pupil_kon", line=int(frame.at[i, "_line"]), first=int(firsts[i]))
        return None
    return frame.groupby(keys, sort=False, as_index=False).agg(
        kon=("kon", "first"), schemalagd_min=("schemalagd_min", "sum"), franvaro_min=("franvaro_min", "sum"),
        giltig_min=("giltig_min", "sum"), ogiltig_min=("ogiltig_min", "sum"))


def aggregate(pupils: pd.DataFrame, limits: tuple[int, ...]) -> pd.DataFrame:
    """Pupil-month rows -> absence_month rows per group, one antal_over_<t> column per threshold t.

    A pupil counts above a threshold when absent minutes / scheduled minutes >= threshold %.
    Pupils with no kön are in 'alla' only.
    """
    pupils = pupils.assign(pct=100 * pupils["franvaro_min"] / pupils["schemalagd_min"])
    over = {db.threshold_column(limit): pupils["pct"] >= limit - 1e-9 for limit in sorted(set(limits))}
    pupils = pupils.assign(**over)
    groups = [pupils.assign(grupp="alla"), pupils[pupils["kon"].notna()].assign(grupp=pupils["kon"])]
    both = pd.concat(groups, ignore_index=True)
    keys = ["skolenhetskod", "manad", "grupp"]
    agg = both.groupby(keys, as_index=False).agg(
        antal_elever=("pupil", "nunique"), schemalagd_min=("schemalagd_min", "sum"),
        franvaro_min=("franvaro_min", "sum"), giltig_min=("giltig_min", "sum"), ogiltig_min=("ogiltig_min", "sum"),
        **{col: (col, "sum") for col in over})
    agg["manad"] = pd.to_datetime(agg["manad"])
    agg["lasar"] = [reference.lasar_of_month(m.date()) for m in agg["manad"]]
    for col in over:
        agg[col] = agg[col].astype(int)
    return agg[["skolenhetskod", "manad", "lasar", "grupp", "antal_elever", "schemalagd_min",
                "franvaro_min", "giltig_min", "ogiltig_min", *over]].reset_index(drop=True)


def _detect(name: str, raw: bytes) -> int:
    try:
        if v.is_xlsx(raw):
            sheets = v.read_xlsx(raw, name, v.Problems()) or []
            lines = [line for _, rows in sheets for line in v.split_lines(v.rows_to_text(rows[:40]))]
        else:
            lines = v.split_lines(raw[:20000].decode("utf-8-sig", errors="replace"))
    except Exception:
        return 0
    found = _find_header(lines)
    if found is None:
        return 0
    fields = {field_of(c) for c in found[2]}
    return 70 if fields & {"franvaro_min", "giltig_min", "ogiltig_min", "franvaro_pct", "giltig_pct"} else 0


register(Kind("absence-pupils", parse, "Frånvaro per elev från skolans system (Vklass, Skola24, …), sammanräknas",
              "Absence per pupil from the school's system (Vklass, Skola24, …), aggregated on import",
              detect=_detect))
