# The project's own CSV templates (data/templates/): eligibility per school and per kommun,
# absence per school and month, and the sub-project register.
"""Parsers for the project's documented templates.

Why templates: until every source has its own importer, a coordinator can always copy figures
into one of these files. They use Swedish spreadsheet conventions (`;`, decimal comma, UTF-8),
and every column is checked by the shared validator.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from .. import db, reference
from . import Batch, Context, Kind, Staged, register, stage_name
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


def _header_line(expected: list[str]) -> re.Pattern[str]:
    return re.compile(rf'(^|;)"?{re.escape(expected[0])}"?(;|$)')


def _table(name: str, raw: bytes, ctx: Context, expected: list[str]) -> pd.DataFrame | None:
    """The template's rows, from CSV or from the sheet of an .xlsx copy that has the header row."""
    texts = v.texts(raw, name, ctx.problems)
    if texts is None:
        return None
    text, header_match = texts[0][1], None
    if v.is_xlsx(raw):
        header_match = _header_line(expected)
        text = next((t for _, t in texts if any(header_match.search(line) for line in v.split_lines(t)[:30])),
                    text)
    table = v.read_delimited(text, name, ctx.problems, expected=expected, header_match=header_match)
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
    n, n_marker = v.measure(df, "antal_elever", name, ctx.problems, low=0, high=v.MAX_COUNT, integer=True)
    out["antal_elever"] = v.as_int(n)
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


#: Files at least this large try the DuckDB path first (tests lower it to compare both paths).
FAST_MIN_BYTES = 2_000_000
_NUM = "regexp_replace(coalesce({c}, ''), '[\\x{{00A0}}\\x{{202F}} ]', '', 'g')"


def _sql_number(col: str) -> str:
    """validate.parse_number in SQL: NULL unless the whole cell is a plain Swedish number.

    Plain digits (nearly every cell of a generated file) take the cheap first branch: a cell
    that is exactly how DuckDB writes the whole number it casts to (no sign, space, exponent,
    underscore, hex or leading zero) is that number, and this test costs less than a regular
    expression. The second branch, like parse_number, takes at most 30 characters once spaces
    are gone.
    """
    cleaned = f"replace({_NUM.format(c=col)}, ',', '.')"
    whole = f"TRY_CAST({col} AS UBIGINT)"
    return (f"CASE WHEN {whole}::VARCHAR = {col} THEN {whole}::DOUBLE "
            f"WHEN length({cleaned}) <= 30 AND regexp_full_match({cleaned}, '[-+]?[0-9]+([.][0-9]+)?') "
            f"THEN TRY_CAST({cleaned} AS DOUBLE) END")


_TEXT_COLS = ["skolenhetskod", "skola", "kommun_kod", "huvudman", "manad", "grupp"]
_MINUTES = ["schemalagd_min", "franvaro_min", "giltig_min", "ogiltig_min"]
_CENSUS_CHUNK = 1 << 20


def _census(raw: bytes, start: int, digits: bool) -> tuple[int, int]:
    """(lines, other bytes) of `raw`: its line count, and with `digits` how many bytes from `start`
    on are none of the ASCII digits, ';', '\\n' or the '\\r' of a '\\r\\n' (-1 without `digits`).

    Why: every byte of a data line is a separator, a line end or part of exactly one field, so
    `other` less the non-digit bytes of the text fields is the number of non-digit bytes in the
    number fields; zero means every number cell is plain digits (see _plain_numbers). It runs
    while DuckDB reads the file (numpy on 1 MiB slices: no copy of the file in memory).
    """
    newlines = raw.count(b"\n")
    lines = newlines + (0 if raw.endswith(b"\n") else 1)
    if not digits:
        return lines, -1
    data = np.frombuffer(raw, dtype=np.uint8, offset=start)
    work = np.empty(min(_CENSUS_CHUNK, len(data)), dtype=np.uint8)
    other = 0
    for at in range(0, len(data), _CENSUS_CHUNK):
        part = data[at:at + _CENSUS_CHUNK]
        shifted = work[:len(part)]
        np.subtract(part, 48, out=shifted)  # uint8 wraps: bytes below '0' become large too
        other += int(np.count_nonzero(shifted > 9)) - int(np.count_nonzero(part == ord(";")))
    other -= newlines - raw.count(b"\n", 0, start)
    if b"\r" in raw:
        other -= raw.count(b"\r\n", start)
    return lines, other


def _nondigit_bytes(text: str) -> int:
    """Bytes of the text's UTF-8 form that are not ASCII digits."""
    return len(re.sub("[0-9]", "", text).encode("utf-8"))


def _plain_numbers(other: int, schools: pd.DataFrame, months: dict[str, int], groups: dict[str, int]) -> bool:
    """True when every number cell of the file is plain ASCII digits (so DuckDB's integer reading,
    which also takes 1e3, 0x10, 1_000, +12, ' 12' and rounds 12.5, read exactly what
    validate.parse_number reads).

    `other` is _census's count over the data lines; the text fields' share is counted from their
    distinct values times the rows that hold them (`schools`: `_nondigit` bytes of its four
    columns in `_rows` rows, and the months' and groups' row counts). Exact, not a hash: what is left is the sum of the number fields'
    non-digit bytes, each count ≥ 0, so it is 0 only if each of them is 0. A byte DuckDB
    dropped from a text field leaves more, never less, so such a file goes the careful way.
    """
    text = int((schools["_nondigit"] * schools["_rows"]).sum())
    text += sum(_nondigit_bytes(value) * rows for counts in (months, groups) for value, rows in counts.items())
    return other == text


def _plain_head(text_head: str, header: list[str], numbers: list[str]) -> bool:
    """Whether the whole lines among the first bytes have plain digits in every number column.

    Why: DuckDB's integer reading stops at the first cell it cannot read ('2 340', '12,5'); a
    file written that way goes straight to the text reading instead of reading twice.
    """
    where = [header.index(c) for c in numbers]
    for line in v.split_lines(text_head)[1:-1]:
        cells = line.split(";")
        if len(cells) != len(header):
            return True  # not this check's business: DuckDB's field count check reports it
        if not all(cells[i].isascii() and cells[i].isdigit() for i in where):
            return False
    return True


def _absence_fast(path: Path, name: str, raw: bytes, con=None) -> Batch | None:
    """parse_absence for a large, plainly valid CSV file, read and checked by DuckDB.

    Why: the Python reader spends about a minute on a million rows. This path reads the file
    with read_csv in one pass and applies the same rules in SQL (the text columns, which have
    few distinct values, through the very same validate functions). It never reports a
    problem: anything it does not accept, and any file it cannot vouch for (quotes, blank
    lines, an .xlsx copy, other columns, a line near the length limit), returns None and the
    ordinary path reads the file and words the messages.

    Numbers are read in one of two ways. First, when the first lines have plain digits in every
    number column, as integers by read_csv itself (the cheapest reading: ~0.4 CPU-seconds less
    than text per million rows). DuckDB's integer reading is lenient (1e3, 0x10, 1_000, +12,
    12.5 rounded), so the result is kept only if a byte count proves that no number cell holds
    anything but digits (_census, _plain_numbers); else, or when read_csv cannot read a cell as
    an integer ('2 340', '12,5'), the numbers are read as text and each cell is checked against
    validate.parse_number's rule (_sql_number).

    The rows stay in `con` (the import's staging instance, see importers.Staged): absence_month,
    thresholds included as antal_over_<t> columns, is returned as SQL over the staged table,
    never as a pandas frame.
    """
    import concurrent.futures

    import duckdb

    if v.is_xlsx(raw) or b'"' in raw or not path.is_file() or path.stat().st_size != len(raw):
        return None
    try:
        text_head = raw[:4096].decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    header = v.split_lines(text_head)[0].split(";") if text_head else []
    extra = [c for c in header if c not in ABSENCE_COLS]
    if (sorted(header) != sorted({*ABSENCE_COLS, *extra}) or len(header) != len(set(header))
            or any(not (c.startswith(THRESHOLD_PREFIX) and c.removeprefix(THRESHOLD_PREFIX).isdigit()
                        and 1 <= int(c.removeprefix(THRESHOLD_PREFIX)) <= 100) for c in extra)
            or len({int(c.removeprefix(THRESHOLD_PREFIX)) for c in extra}) != len(extra)):
        return None
    counts = ["antal_elever", *extra]
    tiers = [True, False] if _plain_head(text_head, header, [*counts, *_MINUTES]) else [False]
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    con = con if con is not None else duckdb.connect()
    stage = stage_name("absence")
    n, maps = (f"memory.main.{stage}{suffix}" for suffix in ("", "_maps"))
    accepted = False
    try:
        text_types = ", ".join(f"'{c}': 'VARCHAR'" for c in header)
        int_types = ", ".join(f"'{c}': '{'VARCHAR' if c in _TEXT_COLS else 'UBIGINT'}'" for c in header)

        def read(as_integers: bool, ordered: bool) -> None:
            """The file as a table: text columns as text, numbers as DOUBLE (NULL when not a number).

            Unordered, DuckDB reads it in parallel (about half the time on two cores); `ordered`
            keeps the file's line order as rowid (needed below only for a school spelled two
            ways). max_line_size: DuckDB refuses any line of MAX_LINE_CHARS bytes or more, so
            every line it reads is shorter than the ordinary path's limit in characters."""
            nums = ", ".join(f"{c}::DOUBLE AS {c}" if as_integers else f"{_sql_number(c)} AS {c}"
                             for c in [*counts, *_MINUTES])
            con.execute(f"SET preserve_insertion_order = {str(ordered).lower()}")
            con.execute(f"""CREATE OR REPLACE TABLE {n} AS SELECT {', '.join(_TEXT_COLS)}, {nums}
                            FROM read_csv(?, delim=';', header=true, quote='', escape='',
                                          columns={{{int_types if as_integers else text_types}}},
                                          strict_mode=true, null_padding=false, encoding='utf-8',
                                          max_line_size={v.MAX_LINE_CHARS})""", [str(path)])

        def school_rows(ordered: bool) -> pd.DataFrame:
            """Distinct school columns, with their rows and how many of those repeat a month and group
            of the same spelling (`_repeated`), in the order of their last line when `ordered`.

            Why a bit per month and group: it finds repeated keys in the pass over the rows that
            the school columns need anyway, for half the work of counting distinct keys.
            """
            return con.execute("SELECT *, strlen(regexp_replace(skolenhetskod || kommun_kod || skola || huvudman, "
                               "'[0-9]', '', 'g')) AS _nondigit FROM (SELECT coalesce(n.skolenhetskod, '') AS "
                               "skolenhetskod, coalesce(n.kommun_kod, '') AS kommun_kod, coalesce(n.skola, '') AS "
                               "skola, coalesce(n.huvudman, '') AS huvudman, max(n.rowid) AS _last, count(*) AS _rows, "
                               f"count(*) - bit_count(bitstring_agg(m.idx, 0, {len(keys) - 1})) AS _repeated "
                               f"FROM {n} n JOIN {maps} m ON m.manad_text = n.manad AND m.grupp_text = n.grupp "
                               f"GROUP BY ALL) ORDER BY {'_last' if ordered else 'ALL'}").df().assign(_line=0)

        bad = " OR ".join([*(f"{c} IS NULL OR {c} < 0 OR {c} <> floor({c}) OR {c} > {v.MAX_COUNT}" for c in counts),
                           *(f"{c} IS NULL OR {c} < 0" for c in _MINUTES),
                           "franvaro_min > schemalagd_min + 0.5",
                           f"schemalagd_min > antal_elever * {v.MONTH_MINUTES}",
                           "abs(giltig_min + ogiltig_min - franvaro_min) > 0.5 + 0.001 * franvaro_min",
                           *(f"{c} > antal_elever" for c in extra)])
        keys = pd.DataFrame()
        census: tuple[int, int] | None = None
        for as_integers in tiers:
            # DuckDB reads in a thread (it lets go of the GIL) while this one counts the file's bytes.
            reading = pool.submit(read, as_integers, False)
            if census is None:
                census = _census(raw, raw.index(b"\n") + 1 if b"\n" in raw else len(raw), tiers[0])
            lines, other = census
            try:
                reading.result()
            except duckdb.Error:
                if as_integers:
                    continue  # a cell that is not a whole number ('12,5'): read the numbers as text
                raise
            # One pass over the rows for the checks that need them all: rows breaking a rule and the
            # few distinct months and groups with their rows.
            n_rows, n_bad, month_counts, group_counts = con.execute(
                f"SELECT count(*), count(*) FILTER (WHERE {bad}), histogram(coalesce(manad, '')), "
                f"histogram(coalesce(grupp, '')) FROM {n}").fetchall()[0]
            if n_rows == 0 or n_rows != lines - 1:
                return None  # blank lines: the ordinary path words them
            if keys.empty:
                # Months and groups: the distinct values go through the same validate functions as the
                # slow path; every month spelling with every group spelling (a few hundred rows) becomes
                # one table, so each row needs one join, not two, and a small number (idx) for its key.
                problems = v.Problems()
                months = pd.DataFrame({"manad": sorted(month_counts), "_line": 0})
                parsed_month = v.month(months, "manad", name, problems)
                group_frame = pd.DataFrame({"grupp": sorted(group_counts), "_line": 0})
                v.choice(group_frame, "grupp", name, problems, v.GROUP_CHOICES)
                if problems or any((frame[col] != frame[col].str.strip()).any()
                                   for frame, col in ((months, "manad"), (group_frame, "grupp"))):
                    return None
                month_map = pd.DataFrame({"manad_text": months["manad"], "manad_date": parsed_month,
                                          "lasar": [reference.lasar_of_month(m.date()) for m in parsed_month]})
                group_map = pd.DataFrame({"grupp_text": group_frame["grupp"],
                                          "grupp_kod": group_frame["grupp"].str.lower().map(v.GROUP_CHOICES)})
                if month_map["manad_date"].duplicated().any() or group_map["grupp_kod"].duplicated().any():
                    return None  # two spellings of one month or group: duplicates must be checked as the slow path does
                keys = month_map.merge(group_map, how="cross")
                keys["idx"] = range(len(keys))
                con.register("_map", keys)
                con.execute(f"CREATE TABLE {maps} AS SELECT manad_text, grupp_text, manad_date::DATE AS manad_date, "
                            "lasar, grupp_kod, idx::INTEGER AS idx FROM _map")
                con.unregister("_map")
            distinct = school_rows(ordered=False)
            if distinct["_rows"].sum() != n_rows:
                return None  # a row with no month or group: the ordinary path words it
            if not as_integers or _plain_numbers(other, distinct, month_counts, group_counts):
                break
        if n_bad or distinct["_repeated"].any():
            return None  # a problem, duplicate rows: the ordinary path words them
        # School columns: the distinct values go through the same validate functions as the slow path.
        problems = v.Problems()
        v.codes(distinct, "skolenhetskod", name, problems, "skolenhetskod")
        v.codes(distinct, "kommun_kod", name, problems, "kommun")
        v.check_text(distinct, "skola", name, problems)
        huvudman = v.choice(distinct, "huvudman", name, problems, v.HUVUDMAN_CHOICES)
        if problems or (distinct["skolenhetskod"] != distinct["skolenhetskod"].str.strip()).any():
            return None

        def school_frame(distinct: pd.DataFrame, huvudman: pd.Series) -> pd.DataFrame:
            return pd.DataFrame({"skolenhetskod": distinct["skolenhetskod"].str.strip(),
                                 "namn": distinct["skola"].str.strip(),
                                 "kommun_kod": distinct["kommun_kod"].str.strip(), "huvudman": huvudman,
                                 "huvudman_namn": None})

        if distinct["skolenhetskod"].duplicated().any():
            # A school spelled two ways (renamed, moved, a space more): a month and group may repeat
            # across its spellings, which _repeated (per spelling) does not see, so count per code.
            repeated = con.execute(f"SELECT count(*) - bit_count(bitstring_agg(m.idx, 0, {len(keys) - 1})) AS r "
                                   f"FROM {n} n JOIN {maps} m ON m.manad_text = n.manad AND m.grupp_text = n.grupp "
                                   "GROUP BY n.skolenhetskod ORDER BY r DESC LIMIT 1").fetchall()[0][0]
            if repeated:
                return None  # duplicate rows: the ordinary path words them
        schools = school_frame(distinct, huvudman).drop_duplicates()
        if schools["skolenhetskod"].duplicated().any():
            # The last line's spelling wins, as in the ordinary path, so read the file again in its
            # line order (rare: costs one more read; the same numbers reading, which the first read
            # proved right for this file).
            read(as_integers, ordered=True)
            distinct = school_rows(ordered=True)
            schools = school_frame(distinct, distinct["huvudman"].str.strip().str.lower().map(v.HUVUDMAN_CHOICES))
        schools = schools.drop_duplicates("skolenhetskod", keep="last")
        joined = f"FROM {n} n JOIN {maps} m ON m.manad_text = n.manad AND m.grupp_text = n.grupp"
        over = "".join(f", n.{c}::INTEGER AS {db.threshold_column(int(c.removeprefix(THRESHOLD_PREFIX)))}"
                       for c in extra)
        tables = {"school": schools.reset_index(drop=True), "absence_month": Staged(con, (
            "SELECT n.skolenhetskod, m.manad_date AS manad, m.lasar, m.grupp_kod AS grupp, "
            "n.antal_elever::INTEGER AS antal_elever, n.schemalagd_min, n.franvaro_min, n.giltig_min, "
            f"n.ogiltig_min{over} {joined}"), n_rows)}
        accepted = True
        return Batch(tables, source="Egen mall: frånvaro per skola och månad")
    except duckdb.Error:
        return None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if not accepted:
            for table in (n, maps):
                con.execute(f"DROP TABLE IF EXISTS {table}")


def parse_absence(path: Path, name: str, raw: bytes, ctx: Context) -> Batch | None:
    if len(raw) >= FAST_MIN_BYTES:
        batch = _absence_fast(Path(path), name, raw, ctx.staging())
        if batch is not None:
            ctx.say(f"{name}: {len(batch.tables['absence_month']):,} rader kontrollerade".replace(",", "\u00a0"))
            return batch
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
    for i in out.index[out["schemalagd_min"] > out["antal_elever"] * v.MONTH_MINUTES]:
        p.add(name, "month_minutes", line=df.at[i, "_line"], column="schemalagd_min",
              value=df.at[i, "schemalagd_min"], found=df.at[i, "schemalagd_min"], high=str(v.MONTH_MINUTES))
    for i in out.index[out["franvaro_min"] > out["schemalagd_min"] + tol]:
        p.add(name, "minutes", line=df.at[i, "_line"], column="franvaro_min", value=df.at[i, "franvaro_min"],
              found=df.at[i, "franvaro_min"])
    parts = out["giltig_min"] + out["ogiltig_min"]
    for i in out.index[(parts - out["franvaro_min"]).abs() > tol + 0.001 * out["franvaro_min"]]:
        p.add(name, "parts", line=df.at[i, "_line"], column="giltig_min", value=df.at[i, "giltig_min"],
              found=str(parts[i]).replace(".", ","))
    v.duplicates(out.assign(_line=df["_line"]), ["skolenhetskod", "manad", "grupp"], name, p)
    seen: dict[int, str] = {}
    for col in [c for c in df.columns if c.startswith(THRESHOLD_PREFIX)]:
        suffix = col.removeprefix(THRESHOLD_PREFIX)
        if not suffix.isdigit() or not 1 <= int(suffix) <= 100:
            p.add(name, "missing_column", column=col, expected=f"{THRESHOLD_PREFIX}10, {THRESHOLD_PREFIX}15, …")
            continue
        if int(suffix) in seen:  # elever_minst_10 and elever_minst_010: one threshold, two counts
            p.add(name, "duplicate_column", column=col, other=seen[int(suffix)])
            continue
        seen[int(suffix)] = col
        count = v.integer(df, col, name, p)
        for i in out.index[count > out["antal_elever"]]:
            p.add(name, "over_count", line=df.at[i, "_line"], column=col, value=df.at[i, col])
        out[db.threshold_column(int(suffix))] = v.as_int(count)
    return Batch({"school": schools, "absence_month": out}, source="Egen mall: frånvaro per skola och månad")


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
        "arskurs_fran": v.as_int(ak_from), "arskurs_till": v.as_int(ak_to),
        "elever_nadda": v.as_int(pupils),
        "beskrivning": df["beskrivning"].replace("", np.nan),
    })
    return Batch({"subproject": out,
                  "subproject_school": pd.DataFrame(links, columns=["projekt_id", "skolenhetskod"]).drop_duplicates(),
                  "subproject_intervention": pd.DataFrame(kinds, columns=["projekt_id", "code"]).drop_duplicates()},
                 source="Egen mall: delprojekt")


def template_detector(expected: list[str]) -> Callable[[str, bytes], int]:
    """`auto`: a file whose header row holds all of a template's columns is that template."""
    def detect(name: str, raw: bytes) -> int:
        if v.is_xlsx(raw):
            sheets = v.read_xlsx(raw, name, v.Problems()) or []
            lines = [line for _, rows in sheets for line in v.split_lines(v.rows_to_text(rows[:30]))]
        else:
            lines = v.split_lines(raw[:20000].decode("utf-8-sig", errors="replace"))[:30]
        for line in lines:
            cells = {c.strip().strip('"') for c in line.split(";")}
            if set(expected) <= cells:
                return 80 + min(len(expected), 19)  # the template with more matching columns wins
        return 0
    return detect


for _kind in (
    Kind("eligibility", parse_eligibility_school, "Behörighet och meritvärde per skola (egen mall)",
         "Eligibility and merit rating per school (own template)", "behorighet_skola.csv",
         detect=template_detector(ELIG_SCHOOL_COLS)),
    Kind("eligibility-kommun", parse_eligibility_kommun, "Behörighet och meritvärde per kommun (egen mall)",
         "Eligibility and merit rating per municipality (own template)", "behorighet_kommun.csv",
         detect=template_detector(ELIG_KOMMUN_COLS)),
    Kind("absence", parse_absence, "Frånvaro per skola och månad (egen mall)",
         "Absence per school and month (own template)", "franvaro_manad.csv",
         detect=template_detector(ABSENCE_COLS)),
    Kind("subprojects", parse_subprojects, "Delprojekt (egen mall)", "Sub-projects (own template)",
         "delprojekt.csv", detect=template_detector(SUBPROJECT_COLS)),
):
    register(_kind)
