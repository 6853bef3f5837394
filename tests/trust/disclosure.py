# The disclosure auditor: what every view showed for a selection, checked against the pupil
# counts in the database (computed here with our own SQL, not with pluginnan_core.queries).
"""Find figures about fewer than `min_pupils()` pupils in what the views show.

Four checks, from the most direct to the most indirect:

1. Rows (`row_leaks`): in every protected frame a view returns (Visual.data and the frames behind
   tiles), a pupil count below the limit is never shown, and a row whose count is withheld shows
   no value.
2. Truth (`truth_leaks`): every row that names an area (school, kommun, förbund, region or the
   selection), a period and a group is looked up in the database's own counts; if those are
   below the limit, the row must show no figure at all. This catches a view that mislabels or
   recomputes its counts.
3. Outputs (`output_leaks`): every number in a chart, a summary sentence and a tile must come
   from the view's protected data (or be a difference of two such numbers), and the CSV and
   XLSX downloads must hold exactly the table, with no cell a spreadsheet would run as a formula.
4. Complements (`Shown.complementary_leaks`): over everything shown so far (all views and all
   selections: an attacker can open many pages), no withheld group of pupils smaller than the
   limit can be recovered as a shown total minus its shown parts: alla − flickor − pojkar,
   kommun − its schools, förbund − its kommuner, region − its kommuner, a multi-kommun selection
   − its kommuner, and one selection − a smaller one.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pluginnan_core import exports, queries, reference
from pluginnan_core.db import Database
from pluginnan_core.disclosure import min_pupils

ELIG = tuple(queries.ELIGIBILITY_MEASURES)
ABS_BASE = tuple(queries.ABSENCE_MEASURES)
GENDER_SUFFIX = {"_f": "flickor", "_p": "pojkar"}
_NUMBER = re.compile(r"(?<![\d/])[-−+±]?\d{1,3}(?:[\u00a0\u202f ]\d{3})*(?:[.,]\d+)?(?![\d/])")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- truth from the database

@dataclass
class Truth:
    """Pupil counts per (family, id, period, grupp) straight from the tables.

    family 'elig' (period läsår), 'abs_m' (period month as 'YYYY-MM-01') and 'abs_y' (läsår:
    average pupils per month, as the dashboard defines it). A count of NaN means Skolverket
    withheld it ('..'): fewer than 10 pupils, exact number unknown.
    """

    n: dict[tuple[str, str, str, str], float]
    school_kommun: dict[str, str]
    kommun_forbund: dict[str, str]
    forbund_ids: set[str]
    limit: int
    published: set[tuple[str, str, str]] = field(default_factory=set)  # (kommun, läsår, grupp) from the source
    #: (family, kommun, period, grupp) whose kommun figure the kommun views show: a selection of
    #: several kommuner is defined as the sum of exactly these (queries._shown_members)
    kommun_shown: set[tuple[str, str, str, str]] = field(default_factory=set)

    def get(self, family: str, ident: str, period: str, grupp: str) -> float | None:
        return self.n.get((family, ident, period, grupp))

    def in_selection(self, family: str, kommun: str, period: str, grupp: str) -> bool:
        return not self.kommun_shown or (family, kommun, period, grupp) in self.kommun_shown

    def is_small(self, family: str, ident: str, period: str, grupp: str) -> bool:
        v = self.get(family, ident, period, grupp)
        return v is not None and (math.isnan(v) or v < self.limit)

    def urval(self, family: str, kommuner: Iterable[str], period: str, grupp: str) -> float:
        vals = [self.get(family, k, period, grupp) for k in kommuner if self.in_selection(family, k, period, grupp)]
        return float(sum(v for v in vals if v is not None and not math.isnan(v)))


def load_truth(db: Database) -> Truth:
    n: dict[tuple[str, str, str, str], float] = {}

    def put(family: str, df: pd.DataFrame) -> None:
        for ident, period, grupp, value in df.itertuples(index=False):
            n[(family, str(ident), str(period), str(grupp))] = float(value) if value is not None else math.nan

    region = list(reference.REGION_KOMMUNER)
    put("elig", db.query("SELECT skolenhetskod, lasar, grupp, antal_elever::DOUBLE FROM eligibility_school"))
    put("elig", db.query("SELECT kommun_kod, lasar, grupp, antal_elever::DOUBLE FROM eligibility_kommun_best"))
    put("elig", db.query("""SELECT k.forbund_id, b.lasar, b.grupp, sum(b.antal_elever)::DOUBLE FROM eligibility_kommun_best b
                            JOIN kommun k USING (kommun_kod) WHERE k.forbund_id IS NOT NULL GROUP BY ALL"""))
    put("elig", db.query("""SELECT 'VG', lasar, grupp, sum(antal_elever)::DOUBLE FROM eligibility_kommun_best
                            WHERE kommun_kod IN (SELECT unnest(?::VARCHAR[])) GROUP BY ALL""", [region]))
    month = "strftime(a.manad, '%Y-%m-01')"
    put("abs_m", db.query(f"SELECT a.skolenhetskod, {month}, a.grupp, a.antal_elever::DOUBLE FROM absence_month a"))
    for key in ("s.kommun_kod", "k.forbund_id", "'VG'"):
        where = "k.forbund_id IS NOT NULL" if key != "s.kommun_kod" else "TRUE"
        put("abs_m", db.query(f"""SELECT {key}, {month}, a.grupp, sum(a.antal_elever)::DOUBLE FROM absence_month a
                                  JOIN school s USING (skolenhetskod) JOIN kommun k ON k.kommun_kod = s.kommun_kod
                                  WHERE {where} GROUP BY ALL"""))
    for key in ("a.skolenhetskod", "s.kommun_kod", "k.forbund_id", "'VG'"):
        where = "k.forbund_id IS NOT NULL" if key in ("k.forbund_id", "'VG'") else "TRUE"
        put("abs_y", db.query(f"""SELECT {key}, a.lasar, a.grupp,
                                         round(sum(a.antal_elever) / count(DISTINCT a.manad))::DOUBLE
                                  FROM absence_month a JOIN school s USING (skolenhetskod)
                                  JOIN kommun k ON k.kommun_kod = s.kommun_kod WHERE {where} GROUP BY ALL"""))
    schools = db.query("SELECT skolenhetskod, kommun_kod FROM school")
    kommuner = db.query("SELECT kommun_kod, forbund_id FROM kommun WHERE forbund_id IS NOT NULL")
    published = db.query("SELECT kommun_kod, lasar, grupp FROM eligibility_kommun_best WHERE kalla = 'publicerad'")
    shown: set[tuple[str, str, str, str]] = set()
    for family, frame, pcol in (("elig", queries.eligibility(db, "kommun"), "lasar"),
                                ("abs_y", queries.absence(db, "kommun", period="lasar"), "lasar"),
                                ("abs_m", queries.absence(db, "kommun", period="manad"), "manad")):
        rows = frame[frame["antal_elever"].notna()]
        shown |= {(family, str(i), _period_value(p), str(g)) for i, p, g in zip(rows["id"], rows[pcol], rows["grupp"],
                                                                               strict=True)}
    return Truth(n, dict(zip(schools["skolenhetskod"], schools["kommun_kod"], strict=True)),
                 dict(zip(kommuner["kommun_kod"], kommuner["forbund_id"], strict=True)),
                 set(kommuner["forbund_id"]), min_pupils(), set(map(tuple, published.to_numpy().tolist())), shown)


# --------------------------------------------------------------------------- reading output rows

@dataclass(frozen=True)
class Cell:
    family: str
    ident: str  # school / kommun / förbund code, 'VG', or 'urval:<codes>'
    period: str
    grupp: str


def _family(columns: Iterable[str]) -> str | None:
    cols = set(columns)
    if any(m in cols or f"{m}_f" in cols for m in ELIG):
        return "elig"
    if any(c in ABS_BASE or c.startswith(("andel_over_", "franvaro")) for c in cols):
        return "abs"
    return None


#: Columns with a marker twin that describe another period or a difference, not the row's own figure.
OTHER_PERIOD = ("prev", "change", "gap", "forandring", "franvaro_fore", "elever_fore")


def _measure_columns(df: pd.DataFrame) -> dict[str, list[tuple[str, str]]]:
    """suffix ('' / '_f' / '_p') -> [(value column, measure name)] for columns with a marker twin."""
    out: dict[str, list[tuple[str, str]]] = {}
    for c in df.columns:
        if c.endswith("_marker") or "_marker_" in c or c.startswith(OTHER_PERIOD):
            continue
        if f"{c}_marker" in df:
            out.setdefault("", []).append((c, c))
            continue
        for suffix in GENDER_SUFFIX:
            base = c[: -len(suffix)] if c.endswith(suffix) else None
            if base and f"{base}_marker{suffix}" in df:
                out.setdefault(suffix, []).append((c, base))
    return out


def _period_value(v: Any) -> str:
    if isinstance(v, str):
        return v
    try:
        return pd.Timestamp(v).strftime("%Y-%m-01")
    except (TypeError, ValueError):
        return str(v)


def _shown(v: Any) -> bool:
    if v is None or v is pd.NA:
        return False
    try:
        return not (isinstance(v, float) and math.isnan(v)) and not pd.isna(v)
    except (TypeError, ValueError):
        return True


def cells_of(df: pd.DataFrame, truth: Truth, selection_kommuner: Sequence[str], grupp: str,
             period_hint: str | None = None) -> list[tuple[Cell, int, dict[str, bool], Any]]:
    """(cell, row index, {measure: shown}, shown count) for rows that name an area and a period."""
    if df is None or df.empty or "id" not in df:
        return []
    family = _family(df.columns)
    if family is None:
        return []
    if "lasar" in df:
        pcol, fam = "lasar", ("elig" if family == "elig" else "abs_y")
    elif "manad" in df and family == "abs":
        pcol, fam = "manad", "abs_m"
    elif period_hint:
        pcol, fam = None, ("elig" if family == "elig" else "abs_y")
    else:
        return []
    urval = "urval:" + ",".join(sorted(selection_kommuner))
    out = []
    measures = _measure_columns(df)
    for i, row in enumerate(df.itertuples(index=False)):
        r = row._asdict() if hasattr(row, "_asdict") else dict(zip(df.columns, row, strict=True))
        ident = str(r.get("id"))
        ident = urval if ident == "urval" else ident
        period = _period_value(r[pcol]) if pcol else period_hint
        for suffix, cols in measures.items():
            g = GENDER_SUFFIX.get(suffix) or str(r.get("grupp") or grupp)
            shown = {name: _shown(r.get(col)) for col, name in cols}
            count = r.get(f"antal_elever{suffix}")
            out.append((Cell(fam, ident, period, g), i, shown, count))
    return out


def truth_n(truth: Truth, cell: Cell) -> float | None:
    if cell.ident.startswith("urval:"):
        members = cell.ident.removeprefix("urval:").split(",")
        return truth.urval(cell.family, members, cell.period, cell.grupp)
    return truth.get(cell.family, cell.ident, cell.period, cell.grupp)


# --------------------------------------------------------------------------- checks 1 and 2

def row_leaks(df: pd.DataFrame, where: str, limit: int) -> list[str]:
    """A shown pupil count below the limit, or a value in a row whose count is withheld."""
    problems = []
    if df is None or df.empty:
        return problems
    for c in df.columns:
        if (c.startswith("antal_elever") or c.startswith("elever")) and "_marker" not in c:
            n = pd.to_numeric(df[c], errors="coerce")
            bad = n.notna() & (n < limit) & (n > 0)
            for i in np.flatnonzero(bad.to_numpy()):
                problems.append(f"{where}: rad {i}: {c} = {n.iloc[i]} visas (färre än {limit})")
    for suffix, cols in _measure_columns(df).items():
        count = f"antal_elever{suffix}"
        if count not in df:
            continue
        n = pd.to_numeric(df[count], errors="coerce")
        for col, _ in cols:
            if col == count:
                continue
            values = pd.to_numeric(df[col], errors="coerce")
            bad = n.isna() & values.notna()
            for i in np.flatnonzero(bad.to_numpy()):
                problems.append(f"{where}: rad {i}: {col} = {values.iloc[i]} visas fast antalet elever är dolt")
    return problems


def truth_leaks(df: pd.DataFrame, where: str, truth: Truth, selection_kommuner: Sequence[str], grupp: str,
                period_hint: str | None = None) -> list[str]:
    problems = []
    for cell, i, shown, _count in cells_of(df, truth, selection_kommuner, grupp, period_hint):
        n = truth_n(truth, cell)
        if n is None:
            continue
        if (math.isnan(n) or n < truth.limit) and any(shown.values()):
            what = ", ".join(k for k, v in shown.items() if v)
            problems.append(f"{where}: rad {i}: {cell} bygger på {n:g} elever men visar {what}")
    return problems


# --------------------------------------------------------------------------- check 3

def _numbers(text: str) -> list[float]:
    out = []
    for m in _NUMBER.findall(text or ""):
        s = m.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("−", "-").replace("±", "")
        if "," in s:
            s = s.replace(".", "").replace(",", ".")
        try:
            out.append(float(s))
        except ValueError:
            pass
    return out


def _data_numbers(frames: Iterable[pd.DataFrame | pd.Series]) -> np.ndarray:
    """Every number in the frames (and each numeric column's sum: totals such as pupils reached)."""
    vals = []
    for df in frames:
        if isinstance(df, pd.Series):
            df = df.to_frame().T
        if df is None or df.empty:
            continue
        numeric = df.apply(lambda col: pd.to_numeric(col, errors="coerce") if col.dtype != object else
                           pd.to_numeric(col, errors="coerce"))
        vals.append(numeric.sum(numeric_only=True).dropna().to_numpy(dtype=float))
        for c in df.columns:
            series = pd.to_numeric(df[c], errors="coerce") if df[c].dtype == object or df[c].dtype.kind in "iufb" \
                else pd.Series(dtype=float)
            vals.append(series.dropna().to_numpy(dtype=float))
            if df[c].dtype == object or str(df[c].dtype).startswith(("str", "string")):
                for v in df[c].dropna():
                    if isinstance(v, str):
                        vals.append(np.array(_numbers(v), dtype=float))
    return np.unique(np.concatenate(vals)) if vals else np.array([])


def _explained(x: float, known: np.ndarray, decimals: int) -> bool:
    """x equals a known number, or the difference of two, at the precision it is written with."""
    if known.size == 0:
        return False
    tol = 0.5 * 10 ** -decimals + 1e-9
    ax = abs(x)
    if np.any(np.abs(np.abs(known) - ax) <= tol):
        return True
    if known.size > 400:
        return False
    diffs = np.abs(known[:, None] - known[None, :])
    return bool(np.any(np.abs(diffs - ax) <= tol))


def _decimals(token: str) -> int:
    m = re.search(r"[.,](\d+)$", token.strip())
    return len(m.group(1)) if m else 0


_COUNT = re.compile(r"(?<![\d,.])(\d{1,3}(?:[\u00a0\u202f ]\d{3})*)\s+(?:elever|elev|pupils|pupil|flickor|pojkar|"
                    r"girls|boys)\b")
_FIGURE = re.compile(r"(?<![\d/])([-−+±]?\d{1,3}(?:[\u00a0\u202f ]\d{3})*(?:[.,]\d+)?)(\s*(?:%|\u00a0%|p\b|poäng|"
                     r"points|procentenheter|percentage points|elever|pupils))?(?![\d/])")


def text_leaks(text: str, where: str, known: np.ndarray, ignore: Iterable[float] = (), limit: int = 10,
               lang: str = "sv") -> list[str]:
    """Figures in a sentence or tile that no protected figure (or difference of two) explains.

    A figure is a number with decimals or with a unit (%, p, elever ...). Plain integers are
    structure (years, how many schools, ranks) unless they count pupils, and a pupil count
    below the limit is a leak whatever else it matches.
    """
    problems = []
    ignored = set(ignore)
    if lang == "en":  # 3,690 pupils: the comma separates thousands in English
        text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text or "")
    for m in _COUNT.finditer(text or ""):
        n = _numbers(m.group(1))
        if n and 0 < n[0] < limit:
            problems.append(f"{where}: {m.group(0)!r} – ett antal under {limit} elever: {text[:160]!r}")
    for m in _FIGURE.finditer(text or ""):
        token, unit = m.group(1), m.group(2)
        value = _numbers(token)
        if not value:
            continue
        x = value[0]
        if not unit and _decimals(token) == 0:
            continue
        if abs(x) in ignored or (x == int(x) and 1990 <= abs(x) <= 2100):
            continue
        if not _explained(x, known, _decimals(token)):
            problems.append(f"{where}: {token!r}{unit or ''} finns inte bland de skyddade uppgifterna: {text[:160]!r}")
    return problems


def figure_leaks(figure: dict | None, where: str, known: np.ndarray) -> list[str]:
    """Every value a chart plots comes from the protected data (or is a difference of two)."""
    problems = []
    if not figure:
        return problems
    for trace in figure.get("data", []):
        kind = trace.get("type", "scatter")
        axes = ["z"] if kind in ("heatmap", "choropleth", "choroplethmapbox", "choroplethmap") else (
            ["x"] if trace.get("orientation") == "h" else ["y"])
        layout = figure.get("layout") or {}
        axes = [a for a in axes if (layout.get(f"{a}axis") or {}).get("type") != "date"]  # timelines: dates
        for axis in axes:
            values = trace.get(axis)
            if values is None or isinstance(values, (str, dict)):
                continue
            flat = np.array(pd.to_numeric(pd.Series(np.ravel(np.array(values, dtype=object))), errors="coerce"),
                            dtype=float)
            for x in flat[~np.isnan(flat)]:
                if not _explained(float(x), known, 6) and not _explained(round(float(x), 1), known, 1):
                    problems.append(f"{where}: {kind}.{axis} = {x} finns inte i de skyddade uppgifterna")
                    break
    return problems


def export_problems(table: pd.DataFrame, title: str, summary: str, where: str) -> list[str]:
    """The CSV and XLSX downloads hold exactly the table; no cell runs as a formula."""
    import openpyxl

    problems = []
    note = [title, summary, "Källa: test", "”..” betyder ..."]
    expected = table.map(exports.safe_text).astype(str).replace({"nan": "", "None": ""})
    raw = exports.to_csv(table, note=note)
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    body = rows[len(note) + 1:]
    header, data = (body[0], body[1:]) if body else ([], [])
    if header != [str(c) for c in table.columns] or len(data) != len(table):
        problems.append(f"{where}: CSV-filen har inte tabellens rubriker och rader")
    for r in [*rows[: len(note)], *data]:
        for cell in r:
            if cell.startswith(_FORMULA) and not _is_plain_number(cell):
                problems.append(f"{where}: CSV-cellen {cell[:40]!r} skulle köras som formel")
    for r_csv, r_exp in zip(data, expected.itertuples(index=False), strict=False):
        if [c for c in r_csv] != [str(c) for c in r_exp]:
            problems.append(f"{where}: CSV-raden {r_csv[:4]} skiljer sig från tabellen {list(r_exp)[:4]}")
            break
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(table, note=note)))
    ws = book.worksheets[0]
    values = [[c for c in row] for row in ws.iter_rows()]
    for row in values:
        for c in row:
            if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith(_FORMULA)
                                      and not _is_plain_number(c.value)):
                problems.append(f"{where}: XLSX-cellen {str(c.value)[:40]!r} är eller ser ut som en formel")
    start = len(note) + 1
    xl_rows = [[("" if c.value is None else str(c.value)) for c in row] for row in values[start + 1:]]
    xl_rows = [r for r in xl_rows if any(r)]
    if len(xl_rows) != len(table):
        problems.append(f"{where}: XLSX-filen har {len(xl_rows)} rader men tabellen {len(table)}")
    return problems


def _is_plain_number(text: str) -> bool:
    return bool(re.fullmatch(r"[-−+]?\d[\d\u00a0 ]*(?:[.,]\d+)?", text))


# --------------------------------------------------------------------------- check 4

@dataclass
class Shown:
    """Everything shown so far: cell -> (measures shown, pupil count shown)."""

    cells: dict[Cell, set[str]] = field(default_factory=dict)
    source: dict[tuple[Cell, str], str] = field(default_factory=dict)  # where a figure was first shown

    def add(self, cell: Cell, shown: dict[str, bool], count: Any, where: str = "") -> None:
        names = {k for k, v in shown.items() if v}
        if _shown(count) and pd.to_numeric(pd.Series([count]), errors="coerce").notna().iloc[0]:
            names.add("antal_elever")
        self.cells.setdefault(cell, set()).update(names)
        for name in names:
            self.source.setdefault((cell, name), where)

    def _from(self, cell: Cell, measure: str) -> str:
        return self.source.get((cell, measure), "?")

    def equations(self, truth: Truth) -> list[tuple[Cell, list[Cell]]]:
        """(total, parts) that hold in the data, for every total an attacker has seen.

        A figure Skolverket published (a school, or a kommun with kalla 'publicerad') covers all
        its pupils, so its parts include those Skolverket withheld ('..', size unknown). A total
        the dashboard computes (a kommun from its schools, a förbund, the region, a selection)
        sums only rows with a count, so withheld rows are not among its terms; for such a total
        alla − flickor − pojkar leaves a rest (the pupils of a gender withheld in some member),
        which is a term of its own (`rest:` cells, never shown).
        """
        eqs: list[tuple[Cell, list[Cell]]] = []
        self.rest: dict[Cell, float] = {}
        keys = {(c.family, c.period, c.grupp) for c in self.cells}
        schools_of: dict[str, list[str]] = {}
        for school, kommun in truth.school_kommun.items():
            schools_of.setdefault(kommun, []).append(school)
        kommuner_of: dict[str, list[str]] = {}
        for kommun, forbund in truth.kommun_forbund.items():
            kommuner_of.setdefault(forbund, []).append(kommun)
            kommuner_of.setdefault("VG", []).append(kommun)
        members = {c.ident: c.ident.removeprefix("urval:").split(",") for c in self.cells
                   if c.ident.startswith("urval:")}

        def has(f: str, ident: str, p: str, g: str, *, withheld_too: bool) -> bool:
            v = truth.get(f, ident, p, g)
            return v is not None and (withheld_too or not math.isnan(v))

        def source_figure(f: str, ident: str, p: str, g: str) -> bool:
            return f == "elig" and (ident in truth.school_kommun or (ident, p, g) in truth.published)

        for family, period, grupp in keys | {(c.family, c.period, g) for c in self.cells for g in ("alla",)}:
            def cell(ident: str, f: str = family, p: str = period, g: str = grupp) -> Cell:
                return Cell(f, ident, p, g)
            for kommun, schools in schools_of.items():
                every = source_figure(family, kommun, period, grupp)
                parts = [cell(x) for x in schools if has(family, x, period, grupp, withheld_too=every)]
                if parts:
                    eqs.append((cell(kommun), parts))
            for parent, ks in kommuner_of.items():
                parts = [cell(k) for k in ks if has(family, k, period, grupp, withheld_too=False)]
                if parts:
                    eqs.append((cell(parent), parts))
            def member(k: str, f: str = family, p: str = period, g: str = grupp) -> bool:
                return has(f, k, p, g, withheld_too=False) and truth.in_selection(f, k, p, g)
            for u, ks in members.items():
                eqs.append((cell(u), [cell(k) for k in ks if member(k)]))
                for v, small in members.items():
                    if v != u and set(small) < set(ks):  # one selection minus a smaller one
                        eqs.append((cell(u), [cell(v), *(cell(k) for k in ks if k not in small and member(k))]))
        for c in {Cell(x.family, x.ident, x.period, "alla") for x in self.cells}:
            parts = [Cell(c.family, c.ident, c.period, g) for g in ("flickor", "pojkar")]
            if c.family == "elig" and not source_figure(c.family, c.ident, c.period, "alla") \
                    and c.ident not in truth.school_kommun:
                whole = truth_n(truth, c)
                split = [truth_n(truth, x) for x in parts]
                if whole is not None and not math.isnan(whole):
                    rest = whole - sum(v for v in split if v is not None and not math.isnan(v))
                    if abs(rest) > 0.5:
                        extra = Cell(c.family, f"rest:{c.ident}", c.period, "flickor+pojkar")
                        self.rest[extra] = rest
                        parts.append(extra)
                parts = [x for x in parts if x.ident.startswith("rest:") or
                         (truth_n(truth, x) is not None and not math.isnan(truth_n(truth, x)))]
            eqs.append((c, parts))
        return eqs

    def complementary_leaks(self, truth: Truth) -> list[str]:
        """What an attacker learns by subtraction, repeated until nothing new follows.

        A figure is known when shown, or when it is the only unknown term of a total = Σ parts
        equation whose other terms are known (then it can be computed, and may open the next
        equation). A leak is a known figure about fewer than `limit` pupils, or a group of two or
        more unknown parts of an otherwise known equation that together hold fewer.
        """
        eqs = self.equations(truth)
        measures = {m for names in self.cells.values() for m in names}
        sizes: dict[Cell, float | None] = {}

        def relevant(t: Cell) -> bool:
            if t not in sizes:
                sizes[t] = self.rest[t] if t in self.rest else truth_n(truth, t)
            n = sizes[t]
            return n is not None and (math.isnan(n) or n > 0)

        problems: list[str] = []
        for measure in sorted(measures):
            known = {c for c, names in self.cells.items() if measure in names}
            derived: dict[Cell, str] = {}
            changed = True
            while changed:
                changed = False
                for total, parts in eqs:
                    terms = [total, *parts]
                    unknown = [t for t in terms if t not in known and relevant(t)]
                    if len(unknown) == 1 and any(t in known for t in terms):
                        known.add(unknown[0])
                        derived[unknown[0]] = f"{total.ident} = {' + '.join(p.ident for p in parts[:6])}"
                        changed = True
            for c, how in derived.items():
                n = sizes.get(c) if c in sizes else truth_n(truth, c)
                if n is not None and (math.isnan(n) or 0 < n < truth.limit):
                    problems.append(f"{measure}: {c} bygger på {n:g} elever och kan räknas fram ({how}); "
                                    f"visat i {self._from(c, measure) if c in self.cells else 'härlett'}")
            for total, parts in eqs:
                if total not in known:
                    continue
                hidden = [p for p in parts if p not in known and relevant(p)]
                if len(hidden) < 2:
                    continue
                block = self._block_n(truth, total, parts, hidden)
                if 0 < block < truth.limit:
                    problems.append(f"{measure}: {total} ({self._from(total, measure)}) minus de kända delarna "
                                    f"ger {len(hidden)} dolda delar {[h.ident for h in hidden[:4]]} med tillsammans "
                                    f"{block:g} elever")
        return problems

    def _block_n(self, truth: Truth, total: Cell, parts: list[Cell], hidden: list[Cell]) -> float:
        """Pupils behind the hidden parts, as total minus the others when a part's size is unknown."""
        values = {p: self.rest[p] if p in self.rest else truth_n(truth, p) for p in parts}
        if all(v is not None and not math.isnan(v) for v in values.values()):
            return float(sum(values[h] for h in hidden))
        whole = truth_n(truth, total)
        if whole is None or math.isnan(whole):
            return math.inf
        shown = sum(v for p, v in values.items() if p not in hidden and v is not None and not math.isnan(v))
        return float(whole - shown)


# --------------------------------------------------------------------------- one selection, end to end

#: Integers that are settings, not figures (thresholds, the early-warning minimum, the limit itself).
STRUCTURAL = {10.0, 15.0, 20.0, 50.0, 30.0, 95.0}  # 95: the interval's level


@dataclass
class Audit:
    """What one database has shown so far and what was wrong with it."""

    truth: Truth
    shown: Shown = field(default_factory=Shown)
    memo: dict = field(default_factory=dict)  # queries results, see views.memoized_queries
    cache: dict = field(default_factory=dict)  # base frames per view module
    selections: int = 0
    outputs: int = 0
    checks: int = 0


def audit_selection(db: Database, audit: Audit, sel: queries.Selection, choice: Any,
                    measures: Sequence[str]) -> tuple[list[str], list[str]]:
    """Run every view for one selection and check everything it shows.

    Returns (problems, view errors). `audit.shown` accumulates what was shown, for
    `Shown.complementary_leaks` over all selections.
    """
    from tests.trust.views import memoized_queries, run_views

    with memoized_queries(audit.memo):
        run = run_views(db, sel, choice, cache=audit.cache, measures=measures)
        members = queries.resolve_kommuner(db, sel)
    truth = audit.truth
    ignore = STRUCTURAL | {float(truth.limit)}
    problems: list[str] = []
    frames_all = [f for o in run.outputs for f in (o.frames + ([o.visual.data] if o.visual is not None else []))]
    # a sentence may quote a figure from another protected frame of the page (the region, the förbund)
    everything = _data_numbers([*frames_all, *(x for o in run.outputs for x in o.inputs)])
    for o in run.outputs:
        frames = ([o.visual.data] if o.visual is not None else []) + o.frames
        for df in frames:
            problems += row_leaks(df, o.name, truth.limit)
            problems += truth_leaks(df, o.name, truth, members, sel.grupp, o.period_hint)
            for cell, _i, shown, count in cells_of(df, truth, members, sel.grupp, o.period_hint):
                audit.shown.add(cell, shown, count, o.name)
            audit.checks += len(df)
        if o.visual is not None:
            v = o.visual
            known = everything if everything is not None else _data_numbers([v.data, v.table, *o.inputs])
            problems += text_leaks(v.summary, f"{o.name} (sammanfattning)", known, ignore, truth.limit,
                                   getattr(choice, "lang", "sv"))
            problems += figure_leaks(v.figure, f"{o.name} (diagram)", known)
            problems += export_problems(v.table, v.title, v.summary, o.name)
            audit.outputs += 1
        if o.tiles:
            known = everything
            for tile in o.tiles:
                problems += text_leaks(f"{tile.value} {tile.delta or ''}", f"{o.name} (ruta)", known, ignore,
                                       truth.limit, getattr(choice, "lang", "sv"))
            audit.outputs += len(o.tiles)
    audit.selections += 1
    return problems, run.errors + [f"kan inte anropa {u}" for u in run.uncallable]
