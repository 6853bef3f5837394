# Queries: every figure the pages, exports and slides show, as parameterised SQL on a Database
# snapshot, each result passed through disclosure.protect before it leaves this module.
"""The query layer.

Why here: pages must stay thin and testable without Streamlit, and the disclosure rule must be
applied to every figure in one way. So all SQL lives in this module (like datasette's
`Database` class), user input only ever travels as SQL parameters, and every public function
returns an already protected DataFrame.

Levels: figures come at four levels, `school`, `kommun`, `forbund` and `region` (the 50 Plug
Innan kommuner). Kommun eligibility is the published figure where one exists, else computed
from schools (column `kalla`); förbund and region figures are weighted by pupils from the
kommun figures.
"""

from __future__ import annotations

import atexit
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from . import reference
from .db import Database
from .disclosure import min_pupils, protect, protect_groups

ELIGIBILITY_MEASURES = ("behorig_yrk", "behorig_es", "behorig_ehs", "behorig_nt", "alla_amnen", "meritvarde")
ABSENCE_MEASURES = ("franvaro_pct", "giltig_pct", "ogiltig_pct")
LEVELS = ("school", "kommun", "forbund", "region")
REGION_ID = "VG"  # id of the whole-region series (49 VG kommuner + Kungsbacka)


@dataclass(frozen=True)
class Selection:
    """What the user picked in the sidebar; empty tuples mean "all"."""

    forbund: tuple[str, ...] = ()
    kommuner: tuple[str, ...] = ()
    lasar_from: str | None = None
    lasar_to: str | None = None
    grupp: str = "alla"
    notices: tuple[str, ...] = field(default=(), compare=False)


# --------------------------------------------------------------------------- reference lists

def kommun_table(db: Database) -> pd.DataFrame:
    """The 50 Plug Innan kommuner plus any other kommun with data: code, name, förbund."""
    return db.query(
        """
        SELECT k.kommun_kod, k.namn, k.forbund_id, f.kortnamn AS forbund
        FROM kommun k LEFT JOIN forbund f USING (forbund_id)
        WHERE k.forbund_id IS NOT NULL
           OR k.kommun_kod IN (SELECT DISTINCT s.kommun_kod FROM school s)
           OR k.kommun_kod IN (SELECT DISTINCT kommun_kod FROM eligibility_kommun)
        ORDER BY k.forbund_id NULLS LAST, k.namn
        """
    )


def forbund_table(db: Database) -> pd.DataFrame:
    return db.query("SELECT forbund_id, namn, kortnamn FROM forbund ORDER BY forbund_id = 'GR' DESC, kortnamn")


def eligibility_years(db: Database) -> list[str]:
    """Läsår with any eligibility figure, oldest first."""
    df = db.query(
        "SELECT DISTINCT lasar FROM eligibility_kommun_best UNION SELECT DISTINCT lasar FROM eligibility_kommun "
        "ORDER BY 1"
    )
    return df["lasar"].tolist()


def absence_years(db: Database) -> list[str]:
    return db.query("SELECT DISTINCT lasar FROM absence_month ORDER BY 1")["lasar"].tolist()


def all_years(db: Database) -> list[str]:
    """Every läsår with eligibility or absence data: the range the year filter offers."""
    return sorted(set(eligibility_years(db)) | set(absence_years(db)))


#: thresholds() per database token: a file never changes under its token (see Database.token).
_THRESHOLDS: dict[str, list[int]] = {}


def thresholds(db: Database) -> list[int]:
    """Absence thresholds (percent) present in the data, e.g. [10, 15, 20, 50].

    A threshold is an antal_over_<t> column (schema version 3); it is present when some school
    reported it, i.e. its column in the per-kommun table has a value. Remembered per file:
    every absence query needs them.
    """
    found = _THRESHOLDS.get(db.token)
    if found is None:
        columns = db.query("SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
                           "AND schema_name = 'main' AND table_name = 'absence_kommun_month' "
                           "AND regexp_full_match(column_name, 'antal_over_[0-9]+')")["column_name"].tolist()
        counts = db.query("SELECT " + ", ".join(f"count({c}) AS {c}" for c in columns)
                          + " FROM absence_kommun_month").iloc[0] if columns else {}
        found = sorted(int(c.removeprefix("antal_over_")) for c in columns if counts[c] > 0)
        if len(_THRESHOLDS) > 32:
            _THRESHOLDS.clear()
        _THRESHOLDS[db.token] = found
    return list(found)


def resolve_kommuner(db: Database, sel: Selection) -> list[str]:
    """The kommuner a selection covers: picked ones, else all in the picked förbund, else all 50."""
    if sel.kommuner:
        return list(sel.kommuner)
    table = kommun_table(db)
    table = table[table["forbund_id"].notna()]
    if sel.forbund:
        table = table[table["forbund_id"].isin(sel.forbund)]
    return table["kommun_kod"].tolist()


def _years_between(years: Sequence[str], first: str | None, last: str | None) -> list[str]:
    return [y for y in years if (first is None or y >= first) and (last is None or y <= last)]


# --------------------------------------------------------------------------- eligibility

_ELIG_COLS = ", ".join(f"{m}, {m}_marker" for m in ELIGIBILITY_MEASURES)
_ELIG_WEIGHTED = ", ".join(
    f"weighted_share({m}, {m}_marker, antal_elever) AS {m}" for m in ELIGIBILITY_MEASURES if m != "meritvarde"
) + (", sum(meritvarde * antal_elever) / nullif(sum(CASE WHEN meritvarde IS NOT NULL THEN antal_elever END), 0)"
     " AS meritvarde")


def eligibility(db: Database, level: str, ids: Sequence[str] | None = None,
                years: Sequence[str] | None = None, grupp: str | None = None,
                cached_only: bool = False, pin: bool = False) -> pd.DataFrame | None:
    """Eligibility and meritvärde per entity and läsår, protected.

    Columns: niva, id, namn, kommun_kod (school/kommun), forbund_id, lasar, grupp, antal_elever,
    each measure with its `_marker`, and `kalla` ('publicerad' / 'beraknad').
    `ids` filters the entities of `level` (all when None); `grupp` filters after protection.
    With `cached_only`, None unless the protected frame is already remembered (nothing is computed);
    with `pin`, the protected frame stays remembered (see _protected_query).
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    params: list = []
    where = ["TRUE"]
    if years:
        where.append("lasar IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(years))
    if level == "school":
        sql = f"""
            SELECT 'school' AS niva, e.skolenhetskod AS id, s.namn, s.kommun_kod, k.forbund_id, e.lasar, e.grupp,
                   e.antal_elever, {_ELIG_COLS}, 'publicerad' AS kalla, s.huvudman
            FROM eligibility_school e JOIN school s USING (skolenhetskod) JOIN kommun k USING (kommun_kod)
            WHERE {' AND '.join(where)} {'AND s.kommun_kod IN (' + _SCHOOL_KOMMUNER + ')' if ids else ''}
            ORDER BY s.namn, e.lasar"""
    elif level == "kommun":
        sql = f"""
            SELECT 'kommun' AS niva, b.kommun_kod AS id, k.namn, b.kommun_kod, k.forbund_id, b.lasar, b.grupp,
                   b.antal_elever, {_ELIG_COLS}, b.kalla
            FROM eligibility_kommun_best b JOIN kommun k USING (kommun_kod)
            WHERE {' AND '.join(where)}
            ORDER BY k.namn, b.lasar"""
    else:
        key = "k.forbund_id" if level == "forbund" else f"'{REGION_ID}'"
        name = "f.kortnamn" if level == "forbund" else "'Plug Innan-regionen'"
        sql = f"""
            SELECT '{level}' AS niva, {key} AS id, any_value({name}) AS namn, NULL AS kommun_kod,
                   {'k.forbund_id' if level == 'forbund' else 'NULL'} AS forbund_id, b.lasar, b.grupp,
                   sum(b.antal_elever)::INTEGER AS antal_elever, {_ELIG_WEIGHTED},
                   CASE WHEN bool_and(b.kalla = 'publicerad') THEN 'publicerad' WHEN bool_and(b.kalla = 'beraknad') THEN 'beraknad' ELSE 'delvis' END AS kalla
            FROM eligibility_kommun_best b JOIN kommun k USING (kommun_kod) LEFT JOIN forbund f USING (forbund_id)
            WHERE k.forbund_id IS NOT NULL AND b.antal_elever IS NOT NULL AND {' AND '.join(where)}
                  {'AND k.forbund_id IN (SELECT unnest(?::VARCHAR[]))' if ids and level == 'forbund' else ''}
            GROUP BY ALL ORDER BY 2, b.lasar"""
    if ids and level in ("school", "forbund"):
        params.append(list(ids))
    df = _protected_query(db, sql, params, ELIGIBILITY_MEASURES, level, "lasar",
                          totals=_parent_totals(lambda lv: eligibility(db, lv, None, years), level, "lasar"),
                          gender_rest=True, cached_only=cached_only, pin=pin)
    if df is None:
        return None
    if ids and level in ("school", "kommun"):
        df = df[df["id"].isin(list(ids))]
    if grupp:
        df = df[df["grupp"] == grupp]
    return df.reset_index(drop=True)


#: The kommuner of the schools asked for: school figures are protected kommun by kommun, so the
#: whole kommun is fetched whatever subset a view shows (same suppression in every view).
_SCHOOL_KOMMUNER = "SELECT kommun_kod FROM school WHERE skolenhetskod IN (SELECT unnest(?::VARCHAR[]))"


#: Protected frames by (database token, SQL, parameters, ...): see _protected_query.
_PROTECTED: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
#: The bytes each kept frame held when stored, and their sum: counted once per frame, not summed
#: over the whole cache on every store (that sum cost ~30 ms per new kommun at national scale).
_PROTECTED_BYTES: dict[tuple, int] = {}
_protected_total = 0
_PROTECTED_LOCK = threading.Lock()
#: Room for every page's protected tables at national scale (~14 MiB once all pages are open, the
#: kommun × month table 8.6 MiB of it) and for ~100 selections' own (~0.2 MiB each) before the
#: oldest go: a day's use stays bounded (docs/performance.md, change 42). Was 48 MiB.
PROTECTED_CACHE_BYTES = 32 * 2**20


def _frozen(value: object) -> object:
    return tuple(_frozen(v) for v in value) if isinstance(value, (list, tuple)) else value


def _protected_query(db: Database, sql: str, params: list, measures: Sequence[str], level: str,
                     period: str, totals: Callable[[], pd.DataFrame] | None = None,
                     gender_rest: bool = False, cached_only: bool = False, pin: bool = False
                     ) -> pd.DataFrame | None:
    """`_protect_levels(db.query(sql, params), ...)`, remembered per database file.

    Why: kommun and region figures are protected for all kommuner at once and filtered after,
    so the same protected frame answers every kommun selection; the disclosure pass over all
    partitions is the costly part of a rerun (seconds at national scale). The key holds the
    database token (a swapped-in file never sees old figures); the cache is bounded in bytes,
    oldest first out, and callers get a copy. `totals` gives the withheld parent cells (see
    `_withheld_totals`), asked only when the frame is not remembered; they follow from the same
    database and parameters, so the key need not hold them. A `pin`ned frame is never pushed out
    by newer ones (warm_school_eligibility's: a pick would otherwise protect its kommuner alone again).
    """
    key = (db.token, min_pupils(), sql, _frozen(params), tuple(measures), level, period, gender_rest)
    with _PROTECTED_LOCK:
        hit = _PROTECTED.get(key)
        if hit is not None:
            _PROTECTED.move_to_end(key)
            return _unpacked(hit)
    if cached_only:
        return None
    df = _protect_levels(db.query(sql, params), measures, level, period,
                         totals=totals() if totals is not None else None, gender_rest=gender_rest)
    kept = _packed(df)
    with _PROTECTED_LOCK:
        if pin:
            _PINNED.difference_update([k for k in _PINNED if k[0] != db.token])  # a replaced file's go
            _PINNED.add(key)
        _remember_protected(key, kept)
    return df


#: Keys of pinned frames (see _protected_query's `pin`), for the current database files only.
_PINNED: set[tuple] = set()


def _remember_protected(key: tuple, kept: pd.DataFrame) -> None:
    """Store `kept` under `key` (caller holds _PROTECTED_LOCK), oldest unpinned out past the budget."""
    global _protected_total
    if key in _PROTECTED:
        _protected_total -= _PROTECTED_BYTES.pop(key)
    _PROTECTED[key] = kept
    _PROTECTED_BYTES[key] = int(kept.memory_usage(index=True).sum())
    _protected_total += _PROTECTED_BYTES[key]
    for old in [k for k in _PROTECTED if k not in _PINNED and k != key]:
        if _protected_total <= PROTECTED_CACHE_BYTES:
            break
        del _PROTECTED[old]
        _protected_total -= _PROTECTED_BYTES.pop(old)


def clear_protected() -> None:
    """Forget every remembered protected frame (tests)."""
    global _protected_total
    with _PROTECTED_LOCK:
        _PROTECTED.clear()
        _PROTECTED_BYTES.clear()
        _PINNED.clear()
        _protected_total = 0


def _packed(df: pd.DataFrame) -> pd.DataFrame:
    """The frame as kept in the cache: marker columns ('..', '~100' or missing) as categories.

    Why: a marker column is a Python object per cell, most of them missing; the national kommun ×
    month frame alone held ~12 MiB of them, a sizeable part of the server's memory budget.
    `_unpacked` gives back the frame as computed (tests/test_queries.py checks the round trip).
    """
    return df.astype({c: "category" for c in df.columns if c.endswith("_marker") and df[c].dtype == object})


def _unpacked(kept: pd.DataFrame) -> pd.DataFrame:
    """A new frame equal to the one `_packed` was given (marker columns back to objects)."""
    return kept.astype({c: object for c in kept.columns if c.endswith("_marker")
                        and isinstance(kept[c].dtype, pd.CategoricalDtype)})


def _routed(fn: Callable[[pd.DataFrame], pd.DataFrame], primary: Callable[[pd.DataFrame], pd.DataFrame],
            df: pd.DataFrame, keys: list[str], *, parts_only: bool = False,
            total: str | None = None) -> pd.DataFrame:
    """`fn(df)` for a disclosure call whose secondary pass works partition by partition (`keys`).

    Why: disclosure's secondary pass visits every partition in Python, seconds for the
    thousands of school × month partitions at national scale, though only a partition holding
    both withheld and shown rows can change (the pass stops at once on the others). So those
    partitions go through `fn`, and all the others through `primary` (the same rule without the
    secondary pass): the same result, a fraction of the partitions looped over. With
    `parts_only`, only flickor/pojkar rows form the partitions (protect_groups) and alla is
    their total. A partition whose total is withheld (alla, or the boolean column `total`) can
    change too as long as some part is shown, so it goes through `fn` as well.
    """
    n = pd.to_numeric(df["antal_elever"], errors="coerce").astype("float64")
    small = ~(n >= min_pupils())
    rows = df["grupp"].isin(["flickor", "pojkar"]) if parts_only else pd.Series(True, index=df.index)
    key = pd.util.hash_pandas_object(df[keys], index=False)
    if parts_only:
        hidden_total = key.isin(set(key[df["grupp"].eq("alla") & small]))
    elif total is not None and total in df:
        hidden_total = df[total].eq(True)
    else:
        hidden_total = pd.Series(False, index=df.index)
    grouped = small[rows].groupby(key[rows].to_numpy(), sort=False)
    mixed = grouped.transform("any") & ~grouped.transform("all")
    mixed |= hidden_total[rows].to_numpy() & ~grouped.transform("all")
    hot = key.isin(set(key[rows][mixed.to_numpy()]))
    if hot.all() or not df.index.is_unique:
        return fn(df)
    if not hot.any():
        return primary(df)
    return pd.concat([fn(df[hot]), primary(df[~hot])]).loc[df.index]


def _protect_levels(df: pd.DataFrame, measures: Sequence[str], level: str, period: str,
                    totals: pd.DataFrame | None = None, gender_rest: bool = False) -> pd.DataFrame:
    """Apply the disclosure rule with the partitions each level belongs to.

    flickor/pojkar are parts of alla; schools are parts of their kommun; kommuner of their
    förbund. Each partition gets secondary suppression (see disclosure.protect).

    `totals` holds the parent cells (columns: the parent key, `period`, grupp) that the parent
    level withholds, from the parent's own protected frame (`_withheld_totals`). Why: the levels
    are separate tables, but a kommun is still the sum of its schools and a förbund of its
    kommuner. A kommun figure the kommun table withholds (e.g. as a part of its förbund) must not
    reappear as the sum of its shown schools, so such a partition keeps a school withheld too.
    Protection runs top-down (förbund, then kommun, then schools), so each level only adds to
    what the level above decided and every table agrees on what is withheld.
    """
    if df.empty:
        return protect(df, measures)
    parent = {"school": "kommun_kod", "kommun": "forbund_id"}.get(level)
    df = df.assign(_sizes=pd.to_numeric(df["antal_elever"], errors="coerce"))  # counts before any pass
    if parent and totals is not None and len(totals):
        keys = [parent, period, "grupp"]
        gone = totals[keys].drop_duplicates().assign(_total_withheld=True)
        flag = df[keys].merge(gone, how="left", on=keys)["_total_withheld"].eq(True).to_numpy()
        df = df.assign(_total_withheld=flag)
    if gender_rest:
        df = _withhold_small_rest(df, period)
    total = "_total_withheld" if "_total_withheld" in df else None
    withheld = -1
    for _ in range(20):  # a cell withheld in one partition can expose another: repeat until stable
        df = _routed(lambda d: protect_groups(d, measures, keys=["id", period], sizes="_sizes"),
                     lambda d: protect(d, measures), df, ["id", period], parts_only=True)
        if parent:
            df = _routed(lambda d: protect(d, measures, partition_by=[parent, period, "grupp"], sizes="_sizes",
                                           total_withheld=total),
                         lambda d: protect(d, measures), df, [parent, period, "grupp"], total=total)
        now = int(df["antal_elever"].isna().sum())
        if now == withheld:
            break
        withheld = now
    return df.drop(columns=["_sizes", "_total_withheld"], errors="ignore")


#: level -> (the level of its totals, the column naming the total in a part's row)
_PARENT_LEVEL = {"school": ("kommun", "kommun_kod"), "kommun": ("forbund", "forbund_id")}


def _parent_totals(fetch: Callable[[str], pd.DataFrame], level: str, period: str
                   ) -> Callable[[], pd.DataFrame] | None:
    """The withheld cells of `level`'s parent level, fetched (protected, every entity) only when asked."""
    if level not in _PARENT_LEVEL:
        return None
    parent_level, column = _PARENT_LEVEL[level]
    return lambda: _withheld_totals(fetch(parent_level), column, period)


def _withhold_small_rest(df: pd.DataFrame, period: str) -> pd.DataFrame:
    """Withhold flickor and pojkar of a computed total whose alla holds 1-9 pupils more than they do.

    Why: a total the dashboard computes (förbund, region, a kommun from its schools) sums the members
    with a count; a member whose flickor Skolverket withheld ('..') is in alla but not in flickor, so
    alla − flickor − pojkar is the pupils of such members. If that is under the limit it is a small
    figure by subtraction; with flickor and pojkar withheld it is one of three unknowns. Only for
    exact counts (eligibility): rounded monthly averages would differ by one without any such member.
    Published figures (kalla 'publicerad') are Skolverket's own: alla is their flickor + pojkar.
    """
    if "niva" not in df or df["niva"].eq("school").all():
        return df
    computed = df["niva"].isin(["forbund", "region"])  # always sums; a kommun only when not published
    if "kalla" in df:
        computed |= df["kalla"].ne("publicerad") & df["niva"].eq("kommun")
    sizes = df["_sizes"].where(computed)
    wide = sizes.groupby([df["id"], df[period], df["grupp"]], dropna=False).sum(min_count=1).unstack("grupp")
    if not {"alla", "flickor", "pojkar"} <= set(wide.columns):
        return df
    rest = wide["alla"] - wide["flickor"].fillna(0) - wide["pojkar"].fillna(0)
    small = rest[(rest > 0) & (rest < min_pupils())]
    if small.empty:
        return df
    hit = pd.MultiIndex.from_arrays([df["id"], df[period]]).isin(small.index) & df["grupp"].isin(["flickor", "pojkar"])
    return df.assign(antal_elever=df["antal_elever"].where(~(hit & computed.to_numpy())))


def _withheld_totals(frame: pd.DataFrame, parent: str, period: str) -> pd.DataFrame:
    """The cells of a parent level's protected frame that it withholds, keyed as its parts see them
    (`parent` = the parts' column naming the parent, e.g. kommun_kod for schools)."""
    rows = frame[frame["antal_elever"].isna()]
    return pd.DataFrame({parent: rows["id"].to_numpy(), period: rows[period].to_numpy(),
                         "grupp": rows["grupp"].to_numpy()})


# --------------------------------------------------------------------------- absence

def _absence_key(level: str) -> tuple[str, str, str]:
    """(id expression, name expression, extra columns) per level; constants only.

    Above school level `a` is absence_kommun_month, which carries kommun_kod itself.
    """
    return {
        "school": ("a.skolenhetskod", "any_value(s.namn)", "s.kommun_kod, k.forbund_id"),
        "kommun": ("a.kommun_kod", "any_value(k.namn)", "a.kommun_kod, k.forbund_id"),
        "forbund": ("k.forbund_id", "any_value(f.kortnamn)", "NULL AS kommun_kod, k.forbund_id"),
        "region": (f"'{REGION_ID}'", "'Plug Innan-regionen'", "NULL AS kommun_kod, NULL AS forbund_id"),
    }[level]


def absence(db: Database, level: str, ids: Sequence[str] | None = None, *, period: str = "manad",
            years: Sequence[str] | None = None, grupp: str | None = None,
            months: Sequence[dt.date] | None = None) -> pd.DataFrame:
    """Absence per entity and month (`period='manad'`) or läsår (`period='lasar'`), protected.

    Columns: niva, id, namn, kommun_kod, forbund_id, period column, grupp, antal_elever,
    franvaro_pct, giltig_pct, ogiltig_pct (each with `_marker`) and `andel_over_<t>` per
    threshold t: share of pupils whose absence that month was at least t percent. For a läsår,
    antal_elever is the average monthly number of pupils and shares average over its months.

    Why two sources: school figures sum absence_month (thresholds are its antal_over_<t>
    columns) for the asked kommuner' schools; kommun, förbund and region figures sum the
    per-kommun table (absence_kommun_month, kept by db.refresh_derived), a few hundred thousand
    rows instead of every school's millions, with the same result.
    """
    if level not in LEVELS or period not in ("manad", "lasar"):
        raise ValueError(f"unknown level/period {level!r}/{period!r}")
    key, name, extra = _absence_key(level)
    where, params = ["k.forbund_id IS NOT NULL" if level in ("forbund", "region") else "TRUE"], []
    if ids and level == "school":
        where.append(f"s.kommun_kod IN ({_SCHOOL_KOMMUNER})")
        params.append(list(ids))
    elif ids and level == "forbund":
        where.append(f"{key} IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(ids))
    if years:
        where.append("a.lasar IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(years))
    if months:
        where.append("a.manad IN (SELECT unnest(?::DATE[]))")
        params.append(list(months))
    ts = thresholds(db)

    def parent(lv: str) -> pd.DataFrame:  # the level above, same periods (its withheld cells are totals)
        return absence(db, lv, None, period=period, years=years, months=months)

    if level != "school":
        sql = _absence_kommun_sql(level, period, where, ts)
        return _absence_result(db, sql, params, level, period, ids, grupp, ts, parent=parent)
    sql = _absence_sql(level, period, where, ts,
                       source="absence_month a JOIN school s USING (skolenhetskod) "
                              "JOIN kommun k ON k.kommun_kod = s.kommun_kod")
    return _absence_result(db, sql, params, level, period, ids, grupp, ts, parent=parent)


def _absence_result(db: Database, sql: str, params: list, level: str, period: str, ids: Sequence[str] | None,
                    grupp: str | None, ts: Sequence[int], *,
                    parent: Callable[[str], pd.DataFrame] | None = None) -> pd.DataFrame:
    values = [*ABSENCE_MEASURES, *(f"andel_over_{t}" for t in ts)]
    df = _protected_query(db, sql, params, values, level, period,
                          totals=_parent_totals(parent, level, period) if parent is not None else None)
    if ids and level in ("school", "kommun"):
        df = df[df["id"].isin(list(ids))]
    if grupp:
        df = df[df["grupp"] == grupp]
    return df.reset_index(drop=True)


def _kommun_thresholds(ts: Sequence[int]) -> str:
    """Threshold counts per kommun, month and group (one over_<t> column per threshold), to join on
    (kommun_kod, manad, grupp): the per-kommun table's antal_over_<t> columns (one row per key)."""
    over = "".join(f", antal_over_{int(t)} AS over_{int(t)}" for t in ts)
    return f"SELECT kommun_kod, manad, grupp{over} FROM absence_kommun_month"


def _absence_kommun_sql(level: str, period: str, where: list[str], ts: Sequence[int]) -> str:
    """`absence` above school level, from the per-kommun table (same columns and sums)."""
    return _absence_sql(level, period, where, ts,
                        source="absence_kommun_month a JOIN kommun k ON k.kommun_kod = a.kommun_kod")


def _absence_sql(level: str, period: str, where: list[str], ts: Sequence[int], *, source: str) -> str:
    """The one shape of every `absence` query: sum minutes, pupils and threshold counts per entity,
    period and group, then rates. `source` is the month rows as `a` (absence_month or
    absence_kommun_month: both carry antal_over_<t> per threshold) joined to kommun as `k`."""
    key, name, extra = _absence_key(level)
    over = "".join(f", sum(a.antal_over_{int(t)}) AS over_{int(t)}" for t in ts)
    shares = "".join(f", 100.0 * over_{t} / nullif(pupil_months, 0) AS andel_over_{t}" for t in ts)
    n_months = "count(DISTINCT a.manad)" if period == "lasar" else "1"
    return f"""
        WITH agg AS (
            SELECT '{level}' AS niva, {key} AS id, {name} AS namn, {extra}, a.{period} AS period, a.grupp,
                   sum(a.antal_elever) AS pupil_months, {n_months} AS n_months,
                   sum(a.schemalagd_min) AS sched, sum(a.franvaro_min) AS fr,
                   sum(a.giltig_min) AS gi, sum(a.ogiltig_min) AS og{over}
            FROM {source}
            LEFT JOIN forbund f ON f.forbund_id = k.forbund_id
            WHERE {' AND '.join(where)}
            GROUP BY ALL
        )
        SELECT niva, id, namn, kommun_kod, forbund_id, period AS {period}, grupp,
               round(pupil_months / n_months)::INTEGER AS antal_elever,
               100.0 * fr / nullif(sched, 0) AS franvaro_pct, 100.0 * gi / nullif(sched, 0) AS giltig_pct,
               100.0 * og / nullif(sched, 0) AS ogiltig_pct{shares}
        FROM agg ORDER BY namn, {period}
    """


# --------------------------------------------------------------------------- sub-projects

def subproject_status(start: dt.date, end: dt.date, today: dt.date | None = None) -> str:
    """planerat / pågår / avslutat, derived from the dates (never stored)."""
    today = today or dt.date.today()
    if start > today:
        return "planerat"
    return "avslutat" if end < today else "pagar"


def subprojects(db: Database, kommuner: Sequence[str] | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """The sub-project register with schools, interventions and status.

    Pupils reached is a count of people in a programme, not a statistic about them; still,
    counts below the limit are shown as '..' like any other figure.
    """
    params: list = []
    where = "TRUE"
    if kommuner:
        where = "p.kommun_kod IN (SELECT unnest(?::VARCHAR[]))"
        params.append(list(kommuner))
    df = db.query(
        f"""
        SELECT p.projekt_id, p.namn, p.kommun_kod, k.namn AS kommun, k.forbund_id, f.kortnamn AS forbund,
               p.start_datum, p.slut_datum, p.arskurs_fran, p.arskurs_till, p.elever_nadda, p.beskrivning,
               (SELECT list(s.namn ORDER BY s.namn) FROM subproject_school ps JOIN school s USING (skolenhetskod)
                 WHERE ps.projekt_id = p.projekt_id) AS skolor,
               (SELECT list(ps.skolenhetskod ORDER BY ps.skolenhetskod) FROM subproject_school ps
                 WHERE ps.projekt_id = p.projekt_id) AS skolenhetskoder,
               (SELECT list(pi.code ORDER BY pi.code) FROM subproject_intervention pi
                 WHERE pi.projekt_id = p.projekt_id) AS insatser
        FROM subproject p JOIN kommun k USING (kommun_kod) LEFT JOIN forbund f ON f.forbund_id = k.forbund_id
        WHERE {where}
        ORDER BY p.projekt_id
        """,
        params,
    )
    df["status"] = [subproject_status(s.date() if hasattr(s, "date") else s, e.date() if hasattr(e, "date") else e,
                                      today) for s, e in zip(df["start_datum"], df["slut_datum"], strict=True)]
    return protect(df, [], count="elever_nadda")


# --------------------------------------------------------------------------- overview and inventory

def overview(db: Database, sel: Selection) -> dict:
    """KPI tiles for the selection: latest eligibility and absence with change, sub-projects.

    Picked kommuner: the pupil-weighted aggregate of those whose figures are shown (one kommun:
    that kommun's figure itself, with its `kalla`). One förbund or nothing picked: the förbund's or
    the region's own figure, the same as Behörighet and Frånvaro show.
    """
    kommuner = resolve_kommuner(db, sel)
    years = _years_between(eligibility_years(db), sel.lasar_from, sel.lasar_to)
    abs_years = _years_between(absence_years(db), sel.lasar_from, sel.lasar_to)
    if sel.kommuner or len(sel.forbund) > 1:
        elig = selection_eligibility(db, kommuner, years)
        absn = selection_absence(db, kommuner, abs_years)
    else:  # one förbund or the whole region: its own protected figure, as Behörighet and Frånvaro show it
        level, ids = ("forbund", list(sel.forbund)) if sel.forbund else ("region", None)
        elig = eligibility(db, level, ids, years)
        absn = absence(db, level, ids, period="lasar", years=abs_years)
    elig = elig[elig["grupp"] == sel.grupp]
    absn = absn[absn["grupp"] == sel.grupp]
    sp = subprojects(db, kommuner)
    return {
        "kommuner": kommuner,
        "eligibility": elig,
        "absence": absn,
        "subprojects": sp,
        "n_subprojects": len(sp),
        "pupils_reached": int(pd.to_numeric(sp["elever_nadda"], errors="coerce").sum()) if len(sp) else 0,
    }


def selection_eligibility(db: Database, kommuner: Sequence[str], years: Sequence[str]) -> pd.DataFrame:
    """Eligibility for a set of kommuner as one series (one kommun: its own figures).

    Several kommuner: `kommuner_med` says how many of them the sum holds (a kommun whose own
    figure is withheld or missing is left out, see `_shown_members`), so a page can say so.
    """
    if len(kommuner) == 1:
        return eligibility(db, "kommun", kommuner, years)
    shown = _shown_members(eligibility(db, "kommun", None, years), kommuner, "lasar")
    raw = db.query(
        f"""SELECT lasar, grupp, sum(antal_elever)::INTEGER AS antal_elever, {_ELIG_WEIGHTED},
                   count(DISTINCT kommun_kod)::INTEGER AS kommuner_med,
                   CASE WHEN bool_and(kalla = 'publicerad') THEN 'publicerad' WHEN bool_and(kalla = 'beraknad') THEN 'beraknad' ELSE 'delvis' END AS kalla
            FROM eligibility_kommun_best
            WHERE kommun_kod IN (SELECT unnest(?::VARCHAR[])) AND lasar IN (SELECT unnest(?::VARCHAR[]))
              AND antal_elever IS NOT NULL
              AND kommun_kod || '|' || lasar || '|' || grupp IN (SELECT unnest(?::VARCHAR[]))
            GROUP BY ALL ORDER BY lasar""",
        [list(kommuner), list(years), shown],
    )
    raw.insert(0, "id", "urval")
    return protect_groups(raw, ELIGIBILITY_MEASURES, keys=["id", "lasar"])


def _shown_members(protected: pd.DataFrame, kommuner: Sequence[str], period: str) -> list[str]:
    """'kommun|period|grupp' of the selection's kommuner whose own figure is shown.

    Why: a selection of several kommuner is a total of its kommuner. Summing a kommun the kommun
    views withhold (or the gender the kommun views withhold) lets anyone subtract the shown
    kommuner and get it back: Göteborg + a small kommun minus Göteborg, or alla minus flickor
    minus pojkar. So a selection sums exactly the kommun figures that are shown elsewhere; the
    protected frame must hold every kommun, so its partitions are those of the other views.
    """
    rows = protected[protected["id"].isin(list(kommuner)) & protected["antal_elever"].notna()]
    values = rows[period].astype(str) if period != "manad" else pd.to_datetime(rows[period]).dt.strftime("%Y-%m-%d")
    return [f"{k}|{v}|{g}" for k, v, g in zip(rows["id"], values, rows["grupp"], strict=True)] or ["-"]


def selection_absence(db: Database, kommuner: Sequence[str], years: Sequence[str]) -> pd.DataFrame:
    """Absence per läsår for a set of kommuner as one series (`kommuner_med` as in selection_eligibility)."""
    if len(kommuner) == 1:
        return absence(db, "kommun", kommuner, period="lasar", years=years)
    measures = [*ABSENCE_MEASURES, *(f"andel_over_{t}" for t in thresholds(db))]
    shown = _shown_members(absence(db, "kommun", None, period="lasar", years=years), kommuner, "lasar")
    raw = _raw_absence_selection(db, kommuner, years, shown)
    raw.insert(0, "id", "urval")
    return protect_groups(raw, measures, keys=["id", "lasar"])


def _raw_absence_selection(db: Database, kommuner: Sequence[str], years: Sequence[str],
                           shown: Sequence[str]) -> pd.DataFrame:
    """The selection's kommuner summed per läsår, from the per-kommun tables (see `absence`)."""
    ts = thresholds(db)
    shares = "".join(f", 100.0 * sum(t.over_{t}) / nullif(sum(a.antal_elever), 0) AS andel_over_{t}" for t in ts)
    return db.query(
        f"""
        WITH t AS ({_kommun_thresholds(ts)})
        SELECT a.lasar, a.grupp, round(sum(a.antal_elever) / count(DISTINCT a.manad))::INTEGER AS antal_elever,
               count(DISTINCT a.kommun_kod)::INTEGER AS kommuner_med,
               100.0 * sum(a.franvaro_min) / nullif(sum(a.schemalagd_min), 0) AS franvaro_pct,
               100.0 * sum(a.giltig_min) / nullif(sum(a.schemalagd_min), 0) AS giltig_pct,
               100.0 * sum(a.ogiltig_min) / nullif(sum(a.schemalagd_min), 0) AS ogiltig_pct{shares}
        FROM absence_kommun_month a
        LEFT JOIN t ON t.kommun_kod = a.kommun_kod AND t.manad = a.manad AND t.grupp = a.grupp
        WHERE a.kommun_kod IN (SELECT unnest(?::VARCHAR[])) AND a.lasar IN (SELECT unnest(?::VARCHAR[]))
          AND a.kommun_kod || '|' || a.lasar || '|' || a.grupp IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY ALL ORDER BY a.lasar
        """,
        [list(kommuner), list(years), list(shown)],
    )


def inventory(db: Database) -> dict:
    """What is loaded: imports, years and row counts per kind, demo or not (Data och metod, `info`)."""
    imports = db.query(
        "SELECT import_id, file_name, sha256, kind, rows, imported_at, is_demo, source FROM import_log ORDER BY import_id"
    )
    counts = db.query(
        """
        SELECT 'eligibility_school' AS tabell, count(*) AS rader, min(lasar) AS fran, max(lasar) AS till
          FROM eligibility_school
        UNION ALL SELECT 'eligibility_kommun', count(*), min(lasar), max(lasar) FROM eligibility_kommun
        UNION ALL SELECT 'absence_month', count(*), min(lasar), max(lasar) FROM absence_month
        UNION ALL SELECT 'subproject', count(*), min(strftime(start_datum, '%Y-%m-%d')),
                         max(strftime(slut_datum, '%Y-%m-%d')) FROM subproject
        UNION ALL SELECT 'school', count(*), NULL, NULL FROM school
        """
    )
    return {
        "is_demo": db.is_demo,
        "meta": dict(db.meta),
        "imports": imports,
        "tables": counts,
        "eligibility_years": eligibility_years(db),
        "absence_years": absence_years(db),
        "thresholds": thresholds(db),
    }


def kommun_names(db: Database) -> dict[str, str]:
    df = db.query("SELECT kommun_kod, namn FROM kommun")
    return dict(zip(df["kommun_kod"], df["namn"], strict=True))


def region_kommuner() -> tuple[str, ...]:
    return reference.REGION_KOMMUNER


# --------------------------------------------------------------------------- Behörighet (eligibility page)

def school_eligibility(db: Database, kommuner: Sequence[str], years: Sequence[str] | None = None,
                       grupp: str | None = None) -> pd.DataFrame:
    """Eligibility per school for every school in `kommuner`, protected (columns as `eligibility`).

    Why every school of the kommun: secondary suppression works on the schools of one kommun
    as the parts of its total, so the partition must hold all of them, not only the ones a
    page happens to show.
    """
    if not kommuner:
        return eligibility(db, "school", ["-"], years, grupp)  # no school has id '-': an empty frame
    members = _member_kommuner(db)
    wanted = set(kommuner)
    whole = None
    if wanted <= set(members):
        ids = _school_ids(db, members)
        whole = eligibility(db, "school", ids, None, None, cached_only=True)
        warming = _WARMING.get(db.token)
        if whole is None and warming is not None and warming.wait(WARM_WAIT_S):
            # the warm-up is under way: waiting for it beats computing beside it on the same cores
            # (a pick right after the page appeared took 2.6 s beside it, 0.2 s after it)
            whole = eligibility(db, "school", ids, None, None, cached_only=True)
    if whole is None:  # not warmed yet (warm_school_eligibility), or a kommun outside Plug Innan
        df = eligibility(db, "school", _school_ids(db, sorted(wanted)), years, grupp)
    else:
        keep = whole["kommun_kod"].isin(wanted)
        if years is not None:
            keep &= whole["lasar"].isin(list(years))
        if grupp:
            keep &= whole["grupp"] == grupp
        df = whole[keep]
    # one row order whichever way the rows came (the SQL leaves the groups of a school-year unordered)
    order = df["grupp"].map(_GROUP_ORDER)
    return df.assign(_o=order).sort_values(["namn", "id", "lasar", "_o"], kind="stable") \
        .drop(columns="_o").reset_index(drop=True)


_GROUP_ORDER = {"alla": 0, "flickor": 1, "pojkar": 2}
#: database token -> set when warm_school_eligibility's thread for that file has finished
_WARMING: dict[str, threading.Event] = {}
_WARM_LOCK = threading.Lock()
#: The warm-up threads started in this process, joined at exit (_finish_warming).
_WARM_THREADS: list[threading.Thread] = []
#: How long a pick waits for a running warm-up (~1 s at national scale) before computing alone.
WARM_WAIT_S = 5.0


def _member_kommuner(db: Database) -> list[str]:
    table = kommun_table(db)
    return table.loc[table["forbund_id"].notna(), "kommun_kod"].tolist()


def warm_school_eligibility(db: Database) -> threading.Thread | None:
    """Protect every Plug Innan kommun's schools, all years, in a background thread (once per file).

    Why: protecting the schools of a newly picked kommun on its own took 0.14-0.23 s at national
    scale, most of what a politician waits for after picking a kommun on Behörighet. Once every
    member kommun's schools are protected together (~1 s, once), `school_eligibility` filters that
    frame instead: the same rows, since each disclosure partition lies within one kommun and one
    year (tests/test_queries.py). In the background, so that neither a page without a pick nor the
    first pick waits for it. Returns the thread when one was started.
    """
    with _WARM_LOCK:
        if db.token in _WARMING:
            return None
        if len(_WARMING) > 32:
            _WARMING.clear()
        done = _WARMING[db.token] = threading.Event()

    def run() -> None:
        try:
            eligibility(db, "school", _school_ids(db, _member_kommuner(db)), None, pin=True)
        except Exception:  # e.g. the file was swapped and this snapshot closed: pages compute as before
            with _WARM_LOCK:
                _WARMING.pop(db.token, None)
        finally:
            done.set()

    thread = threading.Thread(target=run, name="pluginnan-warm-schools", daemon=True)
    thread.start()
    with _WARM_LOCK:
        if not _WARM_THREADS:
            atexit.register(_finish_warming)
        _WARM_THREADS[:] = [t for t in _WARM_THREADS if t.is_alive()] + [thread]
    return thread


def _finish_warming() -> None:
    """At interpreter exit, let a running warm-up finish (about a second) before teardown.

    Why: a daemon thread still inside DuckDB when the interpreter finalises is ended with
    pthread_exit, whose unwinding through DuckDB's C++ handlers aborts the process (exit code
    134, "FATAL: exception not rethrown"); a server stopped or a test run ending mid-warm-up
    would then fail instead of exiting cleanly.
    """
    for thread in list(_WARM_THREADS):
        thread.join(timeout=2 * WARM_WAIT_S)


def _school_ids(db: Database, kommuner: Sequence[str]) -> list[str]:
    """The schools of `kommuner` (['-'], which no school has, when there are none)."""
    ids = db.query(
        "SELECT skolenhetskod FROM school WHERE kommun_kod IN (SELECT unnest(?::VARCHAR[])) ORDER BY 1",
        [list(kommuner)],
    )["skolenhetskod"].tolist()
    return ids or ["-"]


# --------------------------------------------------------------------------- Frånvaro (absence page)

def absence_selection_month(db: Database, kommuner: Sequence[str], years: Sequence[str] | None = None
                            ) -> pd.DataFrame:
    """Absence per month for a set of kommuner as one series, all groups, protected.

    Why a series of its own: the page's trend shows "the selection" (one kommun, several, or a
    whole förbund) as one line; one kommun gives that kommun's own figures (id = its code),
    several give the pupil-weighted total with id 'urval'. Columns as `absence(period='manad')`.
    """
    if len(kommuner) == 1:
        return absence(db, "kommun", list(kommuner), period="manad", years=years)
    ts = thresholds(db)
    shares = ", ".join(f"100.0 * sum(a.antal_over_{int(t)}) / nullif(sum(a.antal_elever), 0) AS andel_over_{int(t)}"
                       for t in ts)
    where, params = ["a.kommun_kod IN (SELECT unnest(?::VARCHAR[]))"], [list(kommuner) or ["-"]]
    if years:
        where.append("a.lasar IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(years))
    # only kommun months shown in the kommun views (see _shown_members)
    where.append("a.kommun_kod || '|' || strftime(a.manad, '%Y-%m-%d') || '|' || a.grupp IN (SELECT unnest(?::VARCHAR[]))")
    params.append(_shown_members(absence(db, "kommun", None, period="manad", years=years), kommuner, "manad"))
    raw = db.query(
        f"""
        SELECT 'urval' AS id, a.manad, a.grupp, sum(a.antal_elever)::INTEGER AS antal_elever,
               100.0 * sum(a.franvaro_min) / nullif(sum(a.schemalagd_min), 0) AS franvaro_pct,
               100.0 * sum(a.giltig_min) / nullif(sum(a.schemalagd_min), 0) AS giltig_pct,
               100.0 * sum(a.ogiltig_min) / nullif(sum(a.schemalagd_min), 0) AS ogiltig_pct
               {', ' + shares if ts else ''}
        FROM absence_kommun_month a
        WHERE {' AND '.join(where)}
        GROUP BY ALL ORDER BY a.manad
        """,
        params,
    )
    measures = [*ABSENCE_MEASURES, *(f"andel_over_{t}" for t in ts)]
    return protect_groups(raw, measures, keys=["id", "manad"]).reset_index(drop=True)


def absence_school_month(db: Database, kommun_kod: str, years: Sequence[str] | None = None,
                         grupp: str | None = None) -> pd.DataFrame:
    """Absence per school and month for every school in one kommun, protected.

    Why every school: secondary suppression treats the schools of a kommun as the parts of its
    total, so the partition must hold all of them (as in `school_eligibility`).
    """
    ids = db.query("SELECT skolenhetskod FROM school WHERE kommun_kod = ? ORDER BY 1",
                   [kommun_kod])["skolenhetskod"].tolist()
    return absence(db, "school", ids or ["-"], period="manad", years=years, grupp=grupp)


def absence_latest_months(db: Database, kommuner: Sequence[str], n: int, until_lasar: str | None = None
                          ) -> list[dt.date]:
    """The latest `n` months with absence data in these kommuner (up to `until_lasar`), oldest first."""
    df = db.query(
        """SELECT DISTINCT a.manad FROM absence_month a JOIN school s USING (skolenhetskod)
           WHERE s.kommun_kod IN (SELECT unnest(?::VARCHAR[])) AND (? IS NULL OR a.lasar <= ?)
           ORDER BY 1 DESC LIMIT ?""",
        [list(kommuner) or ["-"], until_lasar, until_lasar, int(n)],
    )
    return sorted(pd.Timestamp(m).date() for m in df["manad"])


def absence_change_by_school(db: Database, kommuner: Sequence[str], months: Sequence[dt.date],
                             grupp: str | None = None) -> pd.DataFrame:
    """Per school: absence in `months` against the same months one year earlier, protected.

    Why the same months a year before: absence has a strong season (winter peak), so comparing
    a term with the one before it would flag every school in February. Columns: id, namn,
    kommun_kod, kommun, forbund_id, grupp, franvaro_nu, franvaro_fore, forandring (percentage
    points), elever_nu / elever_fore (average pupils per month), manader_nu / manader_fore
    (months with data) and antal_elever = the smaller of the two pupil counts, which decides
    disclosure. Every school of the kommuner is returned (the partition for secondary
    suppression); the caller picks and ranks.
    """
    now = [pd.Timestamp(m).date() for m in months]
    before = [m.replace(year=m.year - 1) for m in now]
    raw = db.query(
        """
        WITH a AS (
            SELECT a.*, CASE WHEN a.manad IN (SELECT unnest(?::DATE[])) THEN 'nu' ELSE 'fore' END AS period
            FROM absence_month a
            WHERE (a.manad IN (SELECT unnest(?::DATE[])) OR a.manad IN (SELECT unnest(?::DATE[])))
              -- only the kommuner's schools are summed (all of them: the partition), not the country's
              AND a.skolenhetskod IN (SELECT skolenhetskod FROM school
                                      WHERE kommun_kod IN (SELECT unnest(?::VARCHAR[])))
        ), agg AS (
            SELECT a.skolenhetskod AS id, a.grupp,
                   100.0 * sum(franvaro_min) FILTER (WHERE period = 'nu')
                       / nullif(sum(schemalagd_min) FILTER (WHERE period = 'nu'), 0) AS franvaro_nu,
                   100.0 * sum(franvaro_min) FILTER (WHERE period = 'fore')
                       / nullif(sum(schemalagd_min) FILTER (WHERE period = 'fore'), 0) AS franvaro_fore,
                   sum(antal_elever) FILTER (WHERE period = 'nu')
                       / nullif(count(DISTINCT manad) FILTER (WHERE period = 'nu'), 0) AS elever_nu,
                   sum(antal_elever) FILTER (WHERE period = 'fore')
                       / nullif(count(DISTINCT manad) FILTER (WHERE period = 'fore'), 0) AS elever_fore,
                   count(DISTINCT manad) FILTER (WHERE period = 'nu') AS manader_nu,
                   count(DISTINCT manad) FILTER (WHERE period = 'fore') AS manader_fore
            FROM a GROUP BY ALL
        )
        SELECT agg.id, s.namn, s.kommun_kod, k.namn AS kommun, k.forbund_id, 'senaste' AS period, agg.grupp,
               franvaro_nu, franvaro_fore, franvaro_nu - franvaro_fore AS forandring,
               round(elever_nu)::INTEGER AS elever_nu, round(elever_fore)::INTEGER AS elever_fore,
               manader_nu, manader_fore,
               round(least(coalesce(elever_nu, elever_fore), coalesce(elever_fore, elever_nu)))::INTEGER AS antal_elever
        FROM agg JOIN school s ON s.skolenhetskod = agg.id JOIN kommun k ON k.kommun_kod = s.kommun_kod
        ORDER BY s.namn, agg.id, agg.grupp  -- a total order: two schools may share a name
        """,
        [now, now, before, list(kommuner) or ["-"]],
    )
    df = _protect_levels(raw, ["franvaro_nu", "franvaro_fore", "forandring", "elever_nu", "elever_fore"],
                         "school", "period")
    if grupp:
        df = df[df["grupp"] == grupp]
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------- Karta (map page)

def kommun_map_values(db: Database, measure: str, lasar: str, grupp: str = "alla") -> pd.DataFrame:
    """One row per Plug Innan kommun with data for `measure` in `lasar`, protected.

    `measure` is an eligibility measure, an absence measure or `andel_over_<t>`. Columns: id
    (kommun_kod), namn, forbund_id, antal_elever, the measure and its `_marker`.
    """
    ids = list(reference.REGION_KOMMUNER)
    if measure in ELIGIBILITY_MEASURES:
        df = eligibility(db, "kommun", ids, [lasar], grupp)
    elif measure in ABSENCE_MEASURES or measure.startswith("andel_over_"):
        df = absence(db, "kommun", ids, period="lasar", years=[lasar], grupp=grupp)
    else:
        raise ValueError(f"unknown measure {measure!r}")
    if measure not in df:
        raise ValueError(f"unknown measure {measure!r}")
    cols = ["id", "namn", "forbund_id", "antal_elever", "antal_elever_marker", measure, f"{measure}_marker"]
    return df[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- Delprojekt

def intervention_types(db: Database) -> pd.DataFrame:
    """The intervention types sub-projects use: code, namn_sv, namn_en (a reference list, no figures)."""
    return db.query("SELECT code, namn_sv, namn_en FROM intervention_type ORDER BY code")


def school_names(db: Database, codes: Sequence[str]) -> dict[str, str]:
    """skolenhetskod -> school name for the given schools (names are public; no figures)."""
    if not codes:
        return {}
    df = db.query("SELECT skolenhetskod, namn FROM school WHERE skolenhetskod IN (SELECT unnest(?::VARCHAR[]))",
                  [list(codes)])
    return dict(zip(df["skolenhetskod"], df["namn"], strict=True))
