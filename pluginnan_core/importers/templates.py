# The project's own CSV templates (data/templates/): eligibility per school and per kommun,
# absence per school and month, and the sub-project register.
"""Parsers for the project's documented templates.

Why templates: until every source has its own importer, a coordinator can always copy figures
into one of these files. They use Swedish spreadsheet conventions (`;`, decimal comma, UTF-8),
and every column is checked by the shared validator.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import reference
from . import Batch, Context, Kind, register
from . import validate as v

ELIG_VALUE_COLS = ["behorig_yrk", "behorig_es", "behorig_ehs", "behorig_nt", "alla_amnen", "meritvarde"]
SCHOOL_COLS = ["skolenhetskod", "skola", "kommun_kod", "huvudman"]
ELIG_SCHOOL_COLS = [*SCHOOL_COLS, "lasar", "grupp", "antal_elever", *ELIG_VALUE_COLS]
ELIG_KOMMUN_COLS = ["kommun_kod", "lasar", "grupp", "huvudman", "antal_elever", *ELIG_VALUE_COLS]
ABSENCE_COLS = [*SCHOOL_COLS, "manad", "grupp", "antal_elever", "schemalagd_min", "franvaro_min",
                "giltig_min", "ogiltig_min"]
THRESHOLD_PREFIX = "elever_minst_"
SUBPROJECT_COLS = ["projekt_id", "namn", "kommun_kod", "skolenhetskoder", "insatser", "start_datum",
                   "slut_datum", "arskurs_fran", "arskurs_till", "elever_nadda", "beskrivning"]


def _table(name: str, raw: bytes, ctx: Context, expected: list[str]) -> pd.DataFrame | None:
    text = v.decode(raw, name, ctx.problems)
    if text is None:
        return None
    table = v.read_delimited(text, name, ctx.problems, expected=expected)
    if table is None or not v.require_columns(table, expected, ctx.problems):
        return None
    if not table.rows:
        if ctx.problems.total == 0 or not any(p.file == name for p in ctx.problems.items):
            ctx.problems.add(name, "no_rows")
        return None
    return table.frame()


def _schools(df: pd.DataFrame, name: str, ctx: Context) -> pd.DataFrame:
    """School rows introduced or renamed by a template file (one per skolenhetskod)."""
    p = ctx.problems
    kod = v.codes(df, "skolenhetskod", name, p, "skolenhetskod")
    kommun = v.codes(df, "kommun_kod", name, p, "kommun")
    v.check_text(df, "skola", name, p)
    huvudman = v.choice(df, "huvudman", name, p, v.HUVUDMAN_CHOICES)
    schools = pd.DataFrame({"skolenhetskod": kod, "namn": df["skola"].str.strip(), "kommun_kod": kommun,
                            "huvudman": huvudman, "huvudman_namn": None})
    return schools.drop_duplicates("skolenhetskod", keep="last")


def _measures(df: pd.DataFrame, name: str, ctx: Context, out: pd.DataFrame) -> None:
    n, n_marker = v.measure(df, "antal_elever", name, ctx.problems, low=0, high=1e7, integer=True)
    out["antal_elever"] = n.astype("Int64")
    out["antal_elever_marker"] = n_marker
    for col in ELIG_VALUE_COLS:
        high = 340 if col == "meritvarde" else 100
        out[col], out[f"{col}_marker"] = v.measure(df, col, name, ctx.problems, low=0, high=high)


def parse_eligibility_school(path: Path, name: str, raw: bytes, ctx: Context) -> Batch | None:
    df = _table(name, raw, ctx, ELIG_SCHOOL_COLS)
    if df is None:
        return None
    p = ctx.problems
    schools = _schools(df, name, ctx)
    out = pd.DataFrame({"skolenhetskod": df["skolenhetskod"].str.strip(),
                        "lasar": v.lasar(df, "lasar", name, p),
                        "grupp": v.choice(df, "grupp", name, p, v.GROUP_CHOICES)})
    _measures(df, name, ctx, out)
    v.duplicates(out.assign(_line=df["_line"]), ["skolenhetskod", "lasar", "grupp"], name, p)
    return Batch({"school": schools, "eligibility_school": out}, source="Egen mall: behörighet per skola")


def parse_eligibility_kommun(path: Path, name: str, raw: bytes, ctx: Context) -> Batch | None:
    df = _table(name, raw, ctx, ELIG_KOMMUN_COLS)
    if df is None:
        return None
    p = ctx.problems
    out = pd.DataFrame({"kommun_kod": v.codes(df, "kommun_kod", name, p, "kommun"),
                        "lasar": v.lasar(df, "lasar", name, p),
                        "grupp": v.choice(df, "grupp", name, p, v.GROUP_CHOICES),
                        "huvudman": v.choice(df, "huvudman", name, p,
                                             {**v.HUVUDMAN_CHOICES, "samtliga": "samtliga", "alla": "samtliga"}),
                        "population": "skolkommun"})
    _measures(df, name, ctx, out)
    v.duplicates(out.assign(_line=df["_line"]), ["kommun_kod", "lasar", "grupp", "huvudman"], name, p)
    return Batch({"eligibility_kommun": out}, source="Egen mall: behörighet per kommun")


def parse_absence(path: Path, name: str, raw: bytes, ctx: Context) -> Batch | None:
    df = _table(name, raw, ctx, ABSENCE_COLS)
    if df is None:
        return None
    p = ctx.problems
    schools = _schools(df, name, ctx)
    manad = v.month(df, "manad", name, p)
    out = pd.DataFrame({
        "skolenhetskod": df["skolenhetskod"].str.strip(),
        "manad": manad,
        "lasar": [reference.lasar_of_month(m.date()) if pd.notna(m) else None for m in manad],
        "grupp": v.choice(df, "grupp", name, p, v.GROUP_CHOICES),
        "antal_elever": v.integer(df, "antal_elever", name, p),
    })
    for col in ("schemalagd_min", "franvaro_min", "giltig_min", "ogiltig_min"):
        out[col] = v.number(df, col, name, p)
    tol = 0.5
    for i in out.index[out["franvaro_min"] > out["schemalagd_min"] + tol]:
        p.add(name, "minutes", line=df.at[i, "_line"], column="franvaro_min", value=df.at[i, "franvaro_min"],
              found=df.at[i, "franvaro_min"])
    parts = out["giltig_min"] + out["ogiltig_min"]
    for i in out.index[(parts - out["franvaro_min"]).abs() > tol + 0.001 * out["franvaro_min"]]:
        p.add(name, "parts", line=df.at[i, "_line"], column="giltig_min", value=df.at[i, "giltig_min"],
              found=str(parts[i]).replace(".", ","))
    v.duplicates(out.assign(_line=df["_line"]), ["skolenhetskod", "manad", "grupp"], name, p)
    thresholds = []
    for col in [c for c in df.columns if c.startswith(THRESHOLD_PREFIX)]:
        suffix = col.removeprefix(THRESHOLD_PREFIX)
        if not suffix.isdigit() or not 1 <= int(suffix) <= 100:
            p.add(name, "missing_column", column=col, expected=f"{THRESHOLD_PREFIX}10, {THRESHOLD_PREFIX}15, …")
            continue
        count = v.integer(df, col, name, p)
        for i in out.index[count > out["antal_elever"]]:
            p.add(name, "over_count", line=df.at[i, "_line"], column=col, value=df.at[i, col])
        thresholds.append(pd.DataFrame({"skolenhetskod": out["skolenhetskod"], "manad": manad,
                                        "grupp": out["grupp"], "troskel_pct": int(suffix), "antal_over": count}))
    tables = {"school": schools, "absence_month": out}
    if thresholds:
        tables["absence_threshold"] = pd.concat(thresholds, ignore_index=True)
    return Batch(tables, source="Egen mall: frånvaro per skola och månad")


def _split_list(value: str) -> list[str]:
    return [x.strip() for x in str(value).replace("|", ",").split(",") if x.strip()]


def parse_subprojects(path: Path, name: str, raw: bytes, ctx: Context) -> Batch | None:
    df = _table(name, raw, ctx, SUBPROJECT_COLS)
    if df is None:
        return None
    p = ctx.problems
    v.check_text(df, "projekt_id", name, p)
    v.check_text(df, "namn", name, p)
    v.check_text(df, "beskrivning", name, p, required=False)
    kommun = v.codes(df, "kommun_kod", name, p, "kommun")
    start = v.date(df, "start_datum", name, p)
    end = v.date(df, "slut_datum", name, p)
    for i in df.index[start.notna() & end.notna() & (end < start)]:
        p.add(name, "date_order", line=df.at[i, "_line"], column="slut_datum", value=df.at[i, "slut_datum"])
    ak_from = v.integer(df, "arskurs_fran", name, p)
    ak_to = v.integer(df, "arskurs_till", name, p)
    for col, series in (("arskurs_fran", ak_from), ("arskurs_till", ak_to)):
        for i in df.index[series.notna() & ((series < 1) | (series > 9))]:
            p.add(name, "range", line=df.at[i, "_line"], column=col, value=df.at[i, col], low=1, high=9)
    for i in df.index[ak_from.notna() & ak_to.notna() & (ak_to < ak_from)]:
        p.add(name, "year_order", line=df.at[i, "_line"], column="arskurs_till", value=df.at[i, "arskurs_till"])
    pupils = v.integer(df, "elever_nadda", name, p, required=False)
    v.duplicates(df.assign(projekt_id=df["projekt_id"].str.strip()), ["projekt_id"], name, p)
    links, kinds = [], []
    for i in df.index:
        line = df.at[i, "_line"]
        school_codes = _split_list(df.at[i, "skolenhetskoder"])
        if not school_codes:
            p.add(name, "required", line=line, column="skolenhetskoder", value="")
        for code in school_codes:
            if not reference.is_skolenhetskod(code):
                p.add(name, "skolenhetskod", line=line, column="skolenhetskoder", value=code)
            elif code not in ctx.known_schools:
                p.add(name, "unknown_school", line=line, column="skolenhetskoder", value=code)
            links.append({"projekt_id": df.at[i, "projekt_id"].strip(), "skolenhetskod": code})
        codes = _split_list(df.at[i, "insatser"])
        if not codes:
            p.add(name, "required", line=line, column="insatser", value="")
        for code in codes:
            if code not in reference.INTERVENTIONS:
                p.add(name, "choice", line=line, column="insatser", value=code,
                      expected=", ".join(reference.INTERVENTIONS))
            kinds.append({"projekt_id": df.at[i, "projekt_id"].strip(), "code": code})
    out = pd.DataFrame({
        "projekt_id": df["projekt_id"].str.strip(), "namn": df["namn"].str.strip(), "kommun_kod": kommun,
        "start_datum": start.dt.date, "slut_datum": end.dt.date,
        "arskurs_fran": ak_from.astype("Int64"), "arskurs_till": ak_to.astype("Int64"),
        "elever_nadda": pupils.astype("Int64"),
        "beskrivning": df["beskrivning"].replace("", np.nan),
    })
    return Batch({"subproject": out,
                  "subproject_school": pd.DataFrame(links, columns=["projekt_id", "skolenhetskod"]).drop_duplicates(),
                  "subproject_intervention": pd.DataFrame(kinds, columns=["projekt_id", "code"]).drop_duplicates()},
                 source="Egen mall: delprojekt")


for _kind in (
    Kind("eligibility", parse_eligibility_school, "Behörighet och meritvärde per skola (egen mall)",
         "Eligibility and merit rating per school (own template)", "behorighet_skola.csv"),
    Kind("eligibility-kommun", parse_eligibility_kommun, "Behörighet och meritvärde per kommun (egen mall)",
         "Eligibility and merit rating per municipality (own template)", "behorighet_kommun.csv"),
    Kind("absence", parse_absence, "Frånvaro per skola och månad (egen mall)",
         "Absence per school and month (own template)", "franvaro_manad.csv"),
    Kind("subprojects", parse_subprojects, "Delprojekt (egen mall)", "Sub-projects (own template)",
         "delprojekt.csv"),
):
    register(_kind)
