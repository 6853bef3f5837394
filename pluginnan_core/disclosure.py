# Disclosure control: the one function every figure passes through on its way out of the core.
"""No figure built from fewer than `min_pupils()` pupils leaves the core.

Why one function: the rule must hold in every view, table and export, so it lives in exactly
one place. Queries call `protect` on every frame they return; exports and charts only ever
see protected frames.

Primary suppression: a row whose pupil count is below the limit (or unknown) loses all its
values, which become NULL with the marker '..'; so does its count.

Secondary (complementary) suppression: when rows are parts of a total that is shown somewhere
(schools of a kommun, flickor + pojkar of alla, kommuner of a förbund), a single withheld part
could be recovered as total minus the shown parts. Within each `partition_by` group, as long as
any part is withheld, the withheld parts of known size must be at least two and together count
at least the limit; otherwise the smallest shown part is withheld too, and again. Parts of
unknown size (Skolverket's '..') do not count: a total the dashboard computes leaves them out,
so they hide nothing. Two withheld schools of 3 and 4 pupils would otherwise give away a figure about
7 pupils as kommun minus the shown schools. Callers with several partitions (groups, then
schools of a kommun) repeat until nothing changes, see queries._protect_levels.

Withheld totals (`total_withheld`): the total of a partition is not always shown. A kommun figure
withheld in the kommun table (as a part of its förbund, or as flickor next to a small pojkar) is
still the sum of its schools, and alla withheld is still flickor + pojkar. If every part of such
a total were shown, the total would follow by addition and the withheld figure would be open to
subtraction again (the leak found on 22 November: Karlsborg's pojkar, withheld in the kommun table,
shown as its only school's pojkar, then Skaraborg's pojkar minus the shown kommuner gave
Gullspång's pojkar and Gullspång's alla minus that its flickor). So a partition whose total is
withheld keeps at least one part of known size withheld too. Together with the rule for shown
totals this means: in every total = sum of parts, either nothing is withheld or at least two terms
are, so no figure is ever the one unknown of a sum, however the tables are combined.

Parts of size 0 give no cover: nothing is hidden behind them, and they are known to be empty.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

WITHHELD = ".."
DEFAULT_MIN_PUPILS = 10
ENV_MIN = "PLUGINNAN_MIN_PUPILS"


def min_pupils() -> int:
    """The disclosure limit: 10 unless set higher with $PLUGINNAN_MIN_PUPILS (never lower)."""
    try:
        value = int(os.environ.get(ENV_MIN, DEFAULT_MIN_PUPILS))
    except ValueError:
        value = DEFAULT_MIN_PUPILS
    return max(value, DEFAULT_MIN_PUPILS)


def marker_col(col: str) -> str:
    return f"{col}_marker"


def protect(df: pd.DataFrame, values: Sequence[str], *, count: str = "antal_elever",
            partition_by: Sequence[str] | None = None, min_n: int | None = None,
            sizes: str | None = None, total_withheld: str | None = None) -> pd.DataFrame:
    """Return a copy of `df` with every figure based on too few pupils withheld as '..'.

    `values` are the measure columns built from the `count` pupils; each gets a `<col>_marker`
    column (kept if present, e.g. Skolverket's '~100'). `partition_by` names the columns whose
    equal values group rows that are parts of one shown total (see module docstring). `sizes`
    names a column with the counts as they were before any suppression: repeated passes blank the
    counts they withhold, and the size of a withheld block must still be judged by the real
    numbers, or each pass would see the block as empty and withhold everything.
    `total_withheld` names a boolean column, True on the rows of a partition whose total is itself
    withheld (not shown anywhere): such a partition keeps at least one part withheld.
    """
    limit = min_n if min_n is not None else min_pupils()
    out = df.copy()
    n = _counts(out, count)
    small = ~(n >= limit)  # NaN counts are unknown, so they are withheld too
    if partition_by:
        block_sizes = _counts(out, sizes) if sizes and sizes in out else n
        totals = out[total_withheld].eq(True) if total_withheld and total_withheld in out \
            else None
        small = _secondary(out, block_sizes, small, list(partition_by), limit, totals)
    for col in [*values, count]:
        if col not in out:
            continue
        mcol = marker_col(col)
        if mcol not in out:
            out[mcol] = pd.Series(None, index=out.index, dtype="object")
        out[mcol] = out[mcol].astype("object")
        out[col] = out[col].astype("float64") if out[col].dtype.kind in "iub" else out[col]
        out.loc[small, col] = np.nan
        out.loc[small, mcol] = WITHHELD
    return out


def _counts(df: pd.DataFrame, count: str) -> pd.Series:
    """Pupil counts as float64 with NaN for unknown.

    Why float: DuckDB hands an INTEGER column with NULLs (Skolverket's '..') to pandas as the
    nullable Int32, whose missing value is pd.NA; `~(NA >= 10)` stays NA instead of True, so a
    row withheld at the source would count as shown and secondary suppression would not see it.
    """
    if count not in df:
        return pd.Series(np.nan, index=df.index, dtype="float64")
    return pd.to_numeric(df[count], errors="coerce").astype("float64")


def _secondary(df: pd.DataFrame, n: pd.Series, small: pd.Series, keys: list[str], limit: int,
               total_withheld: pd.Series | None = None) -> pd.Series:
    """Withhold the smallest shown parts until, in every partition, the total cannot be split open.

    Shown total: as long as any part is withheld, the withheld parts of known size must be at
    least two and hold at least `limit` pupils together. Withheld total (`total_withheld`): at
    least one part of known size must be withheld, or the total would be the sum of shown parts.
    A partition whose parts are all withheld is left as it is (a total the caller shows over a
    single withheld part is withheld by the caller, see queries._protect_levels).
    """
    small = small.copy()
    if df.empty:
        return small
    groups = df.groupby(keys, dropna=False, sort=False).indices
    for idx in groups.values():
        labels = df.index[idx]
        hidden_total = bool(total_withheld.loc[labels].any()) if total_withheld is not None else False
        while True:
            withheld = small.loc[labels]
            if withheld.all() or not (withheld.any() or hidden_total):
                break
            sizes = n.loc[labels]
            counted = sizes[withheld & (sizes > 0)]  # unknown (NaN) and empty parts hide nothing
            if hidden_total and len(counted) >= 1:
                break
            if not hidden_total and len(counted) >= 2 and counted.sum() >= limit:
                break
            shown = sizes[~withheld]
            small.loc[shown.idxmin()] = True
    return small


def protect_groups(df: pd.DataFrame, values: Sequence[str], keys: Sequence[str], *,
                   count: str = "antal_elever", group_col: str = "grupp", sizes: str | None = None) -> pd.DataFrame:
    """Protect a frame holding alla / flickor / pojkar rows for the same entities.

    flickor and pojkar are the two parts of alla, so they form one partition per `keys`.
    Always protect all three groups together, then filter: protecting only the group a user
    picked would let them subtract it from alla in another view. alla is the partition's total:
    where alla is withheld (too few pupils, or withheld as a part of a larger total by the
    caller) and flickor and pojkar were both shown, alla = flickor + pojkar would give it back, so
    one of them is withheld too.
    """
    parts = df[group_col].isin(["flickor", "pojkar"])
    whole = protect(df[~parts], values, count=count)
    split = df[parts]
    if len(split) and len(whole):
        gone = whole.loc[whole[group_col] == "alla", list(keys)]
        gone = gone[whole.loc[gone.index, count].isna()].drop_duplicates()
        if len(gone):
            hidden = split[list(keys)].merge(gone.assign(_alla_withheld=True), how="left", on=list(keys))
            split = split.assign(_alla_withheld=hidden["_alla_withheld"].eq(True).to_numpy())
    split = protect(split, values, count=count, partition_by=list(keys), sizes=sizes,
                    total_withheld="_alla_withheld" if "_alla_withheld" in split else None)
    split = split.drop(columns="_alla_withheld", errors="ignore")
    return pd.concat([whole, split]).loc[df.index]


def is_disclosive(df: pd.DataFrame, values: Sequence[str], *, count: str = "antal_elever") -> bool:
    """True if any row shows a value (or count) while its pupil count is below the limit.

    Used by tests and as a last check in exports.
    """
    if count not in df:
        return False
    n = _counts(df, count)
    small = n.notna() & (n < min_pupils())
    cols = [c for c in values if c in df]
    return bool(small.any() or (df.loc[n.isna(), cols].notna().any(axis=None) if cols else False))
