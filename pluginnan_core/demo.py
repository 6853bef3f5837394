# Demo database generator: deterministic, realistic, obviously fictional school data at
# region (VG + Kungsbacka) or national scale, with ~30 sub-projects whose effects are known.
"""Generate a demo database.

Why generated, not sampled from real files: the dashboard must be usable (and testable) on a
fresh machine with no data, and the demo must never be mistaken for real figures, so names
are invented, every page says "Demodata", and meta.is_demo is true.

Why the true effects are parameters: the sub-project evaluation is tested by injecting a
known effect and checking that its interval covers it (`build(..., effects=...)`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import gamma

from . import db, reference

ELIGIBILITY_YEARS = [reference.lasar_from_start(y) for y in range(2015, 2025)]  # 2015/16-2024/25
ABSENCE_YEARS = [reference.lasar_from_start(y) for y in range(2019, 2025)]  # 2019/20-2024/25
THRESHOLDS = (10, 15, 20, 50)
TODAY = dt.date(2026, 11, 1)  # status of demo sub-projects is computed against the real date

#: Schools with årskurs 9 per kommun in the region (rounded from Skolverket's 2024/25 export).
REGION_AK9_SCHOOLS = {
    "1384": 21, "1401": 9, "1402": 6, "1407": 3, "1415": 5, "1419": 2, "1421": 4, "1427": 1,
    "1430": 1, "1435": 2, "1438": 1, "1439": 1, "1440": 5, "1441": 13, "1442": 1, "1443": 1,
    "1444": 1, "1445": 1, "1446": 1, "1447": 1, "1452": 1, "1460": 1, "1461": 1, "1462": 2,
    "1463": 6, "1465": 1, "1466": 2, "1470": 2, "1471": 2, "1472": 1, "1473": 1, "1480": 84,
    "1481": 9, "1482": 7, "1484": 1, "1485": 8, "1486": 1, "1487": 7, "1488": 11, "1489": 6,
    "1490": 15, "1491": 2, "1492": 1, "1493": 3, "1494": 6, "1495": 2, "1496": 7, "1497": 1,
    "1498": 1, "1499": 5,
}
NATIONAL_AK9_SCHOOLS = 1700
OTHER_SCHOOLS_PER_AK9 = 1.8  # F-6 schools per school with årskurs 9 (gives ~4,800 nationally)

# Teaching days per month (Aug..Jun) and the seasonal shape of absence (winter peak).
MONTH_DAYS = {8: 8, 9: 21, 10: 19, 11: 21, 12: 15, 1: 17, 2: 15, 3: 21, 4: 17, 5: 19, 6: 9}
MONTH_FACTOR = {8: 0.72, 9: 0.86, 10: 0.96, 11: 1.06, 12: 1.16, 1: 1.10, 2: 1.22, 3: 1.04,
                4: 0.95, 5: 0.94, 6: 0.86}
MINUTES_PER_DAY = 330
ABSENCE_SHAPE = 2.2  # gamma shape of pupils' absence around the school mean

_PLACES = ["Påhitte", "Låtsas", "Exempel", "Demo", "Prov", "Skiss", "Fantasi", "Sago", "Drömme",
           "Tänkt", "Modell", "Utkast", "Mönster", "Lek", "Fabel", "Myt", "Gåt", "Trolle",
           "Vimmel", "Pyssel"]
_NATURE = ["eken", "björken", "lönnen", "linden", "aspen", "granen", "tallen", "viden",
           "ängen", "backen", "dalen", "bäcken", "sjön", "udden", "holmen", "kullen",
           "hagen", "lunden", "åsen", "viken"]
_PROJECT_THEMES = ["Närvarolyftet", "Alla i mål", "Vägen till gymnasiet", "Trygg start",
                   "Tidiga tecken", "Skolan tillsammans", "Steget före", "Hela vägen",
                   "Bryggan", "Nya chanser"]


@dataclass(frozen=True)
class Effects:
    """True effects injected at sub-project schools after their start (for honest tests).

    `absence_pts` is the mean change of total absence in percentage points (negative = less
    absence), `eligibility_pts` the mean change of eligibility; `spread` is the sd across
    sub-projects around those means.
    """

    absence_pts: float = -0.8
    eligibility_pts: float = 2.0
    spread: float = 0.5


@dataclass
class DemoData:
    """The generated tables, column order as in schema.sql (minus import_id)."""

    schools: pd.DataFrame
    eligibility_school: pd.DataFrame
    eligibility_kommun: pd.DataFrame
    absence_month: pd.DataFrame  # thresholds as columns antal_over_<t>, as in schema.sql
    subprojects: pd.DataFrame
    subproject_schools: pd.DataFrame
    subproject_interventions: pd.DataFrame
    true_effects: pd.DataFrame = field(default_factory=pd.DataFrame)


def _school_counts(scale: str, rng: np.random.Generator) -> dict[str, int]:
    if scale == "region":
        return dict(REGION_AK9_SCHOOLS)
    if scale != "national":
        raise ValueError(f"okänd skala: {scale!r} (region eller national)")
    counts = dict(REGION_AK9_SCHOOLS)
    others = [k for k in sorted(reference.kommuner()) if k not in counts]
    weights = rng.lognormal(1.0, 0.9, len(others))
    remaining = NATIONAL_AK9_SCHOOLS - sum(counts.values())
    raw = np.maximum(1, np.round(weights / weights.sum() * remaining)).astype(int)
    counts.update(zip(others, raw.tolist(), strict=True))
    return counts


def _schools(scale: str, rng: np.random.Generator) -> pd.DataFrame:
    counts = _school_counts(scale, rng)
    names = reference.kommuner()
    rows = []
    for kod in sorted(counts):
        n_ak9 = counts[kod]
        n_other = max(1, int(round(n_ak9 * OTHER_SCHOOLS_PER_AK9 + rng.normal(0, 0.5))))
        for i in range(n_ak9 + n_other):
            rows.append((kod, i < n_ak9))
    codes = rng.choice(1_000_000, size=len(rows), replace=False)
    out = []
    used: set[str] = set()
    for (kod, ak9), code in zip(rows, codes, strict=True):
        enskild = rng.random() < 0.2
        while True:
            base = f"{rng.choice(_PLACES)}{rng.choice(_NATURE)}"
            suffix = " 7–9" if ak9 and rng.random() < 0.5 else (" F–9" if ak9 else " F–6")
            name = f"{base}skolan{suffix}"
            if (kod, name) not in used:
                used.add((kod, name))
                break
        out.append({
            "skolenhetskod": f"00{code:06d}",
            "namn": name,
            "kommun_kod": kod,
            "huvudman": "enskild" if enskild else "kommunal",
            "huvudman_namn": f"{rng.choice(_PLACES)}skolor AB (fiktiv)" if enskild
            else f"{names[kod]} kommun",
            "ak9": ak9,
        })
    return pd.DataFrame(out)


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def _expit(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _share(k: np.ndarray, n: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.round(100 * k / n, 1)


_ELIG_MEASURES = ["behorig_yrk", "behorig_es", "behorig_ehs", "behorig_nt", "alla_amnen", "meritvarde"]


def _published(frame: pd.DataFrame, counts: dict[str, np.ndarray], n: np.ndarray,
               merit: np.ndarray) -> pd.DataFrame:
    """Turn exact counts into Skolverket-style published figures with markers."""
    frame = frame.copy()
    small = n < 10
    frame["antal_elever"] = np.where(small, np.nan, n)
    frame["antal_elever_marker"] = np.where(small, "..", None)
    for col, k in counts.items():
        share = _share(k, n)
        lacking = n - k
        approx = (lacking >= 1) & (lacking <= 4) & (col != "alla_amnen")
        frame[col] = np.where(small | approx, np.nan, share)
        frame[f"{col}_marker"] = np.where(small, "..", np.where(approx, "~100", None))
    frame["meritvarde"] = np.where(small, np.nan, np.round(merit, 1))
    frame["meritvarde_marker"] = np.where(small, "..", None)
    return frame


def _eligibility(schools: pd.DataFrame, rng: np.random.Generator, boost: pd.DataFrame
                 ) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    ak9 = schools[schools["ak9"]].reset_index(drop=True)
    s, y = len(ak9), len(ELIGIBILITY_YEARS)
    kommun_effect = {k: rng.normal(0, 0.25) for k in ak9["kommun_kod"].unique()}
    level = (_logit(np.full(s, 0.86)) + ak9["kommun_kod"].map(kommun_effect).to_numpy()
             + rng.normal(0, 0.45, s))
    level = np.clip(level, _logit(0.6), _logit(0.985))
    trend = rng.normal(0.01, 0.03, s)
    size = np.where(rng.random(s) < 0.08, rng.integers(4, 16, s),
                    np.clip(rng.lognormal(4.1, 0.5, s), 20, 220)).astype(int)
    years = np.arange(y)
    logit_p = level[:, None] + trend[:, None] * (years - y / 2) + rng.normal(0, 0.12, (s, y))
    # sub-project schools: eligibility rises after the start (the injected effect)
    add = np.zeros((s, y))
    pos = {code: i for i, code in enumerate(ak9["skolenhetskod"])}
    for row in boost.itertuples():
        if row.skolenhetskod in pos:
            start = reference.lasar_start(reference.lasar_of_month(row.start_datum))
            for j, lasar in enumerate(ELIGIBILITY_YEARS):
                if reference.lasar_start(lasar) >= start + 1:  # leavers after a full year
                    p0 = _expit(logit_p[pos[row.skolenhetskod], j])
                    p1 = np.clip(p0 + row.eligibility_pts / 100, 0.01, 0.995)
                    add[pos[row.skolenhetskod], j] = _logit(p1) - _logit(p0)
    logit_p = logit_p + add
    n = np.maximum(1, np.round(size[:, None] * rng.normal(1, 0.1, (s, y)))).astype(int)
    n_f = rng.binomial(n, 0.49)
    parts = {"flickor": (n_f, +0.13), "pojkar": (n - n_f, -0.13)}
    frames, kom_parts = [], []
    exact: dict[str, dict[str, np.ndarray]] = {}
    for grupp, (ng, shift) in parts.items():
        p = _expit(logit_p + shift)
        yrk = rng.binomial(ng, p)
        es = yrk - rng.binomial(yrk, 0.012)
        ehs = es - rng.binomial(es, 0.015)
        nt = ehs - rng.binomial(ehs, 0.03)
        alla = yrk - rng.binomial(yrk, 0.08)
        merit_avg = np.clip(135 + 1.15 * 100 * p + (12 if grupp == "flickor" else -12)
                            + rng.normal(0, 6, p.shape), 80, 320)
        exact[grupp] = {"n": ng, "behorig_yrk": yrk, "behorig_es": es, "behorig_ehs": ehs,
                        "behorig_nt": nt, "alla_amnen": alla, "merit_sum": merit_avg * ng}
    exact["alla"] = {k: exact["flickor"][k] + exact["pojkar"][k] for k in exact["flickor"]}
    for grupp, e in exact.items():
        base = pd.DataFrame({
            "skolenhetskod": np.repeat(ak9["skolenhetskod"].to_numpy(), y),
            "lasar": np.tile(ELIGIBILITY_YEARS, s),
            "grupp": grupp,
        })
        counts = {c: e[c].ravel() for c in _ELIG_MEASURES if c != "meritvarde"}
        nn = e["n"].ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            merit = e["merit_sum"].ravel() / nn
        frames.append(_published(base, counts, nn, merit))
        raw = base.assign(kommun_kod=np.repeat(ak9["kommun_kod"].to_numpy(), y), n=nn,
                          merit_sum=e["merit_sum"].ravel(), **counts)
        kom_parts.append(raw)
    school_rows = pd.concat(frames, ignore_index=True)
    raw = pd.concat(kom_parts, ignore_index=True)
    agg = raw.groupby(["kommun_kod", "lasar", "grupp"], as_index=False).sum(numeric_only=True)
    with np.errstate(divide="ignore", invalid="ignore"):  # a group with no pupils has no mean
        merit = agg["merit_sum"].to_numpy() / agg["n"].to_numpy()
    kom = _published(agg[["kommun_kod", "lasar", "grupp"]],
                     {c: agg[c].to_numpy() for c in _ELIG_MEASURES if c != "meritvarde"},
                     agg["n"].to_numpy(), merit)
    kom.insert(3, "huvudman", "samtliga")
    kom.insert(4, "population", "skolkommun")
    return school_rows, kom, _expit(level)


def _absence(schools: pd.DataFrame, elig_level: dict[str, float], rng: np.random.Generator,
             effects: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(absence_month rows, the same threshold counts as long rows like the view absence_threshold).

    Kept for callers that simulate from the generator's internals (tests/test_evaluate.py); `build`
    uses `_absence_rows`, which skips the long frame (four million rows at national scale).
    """
    absence = _absence_rows(schools, elig_level, rng, effects)
    over = [c for c in absence.columns if c.startswith(db.THRESHOLD_PREFIX)]
    long = absence.melt(id_vars=["skolenhetskod", "manad", "grupp"], value_vars=over, var_name="troskel_pct",
                        value_name="antal_over")
    long["troskel_pct"] = long["troskel_pct"].str.removeprefix(db.THRESHOLD_PREFIX).astype(int)
    return absence, long


def _absence_rows(schools: pd.DataFrame, elig_level: dict[str, float], rng: np.random.Generator,
                  effects: pd.DataFrame) -> pd.DataFrame:
    months = [m for lasar in ABSENCE_YEARS for m in reference.school_months(lasar)]
    s, m = len(schools), len(months)
    codes = schools["skolenhetskod"].to_numpy()
    ak9 = schools["ak9"].to_numpy()
    pupils = np.where(rng.random(s) < 0.06, rng.integers(6, 40, s),
                      np.where(ak9, rng.integers(180, 700, s), rng.integers(90, 450, s)))
    weakness = np.array([0.86 - elig_level.get(c, 0.86) for c in codes])
    base = np.clip(rng.normal(7.4, 1.3, s) + 25 * weakness, 4.0, 16.0)
    month_no = np.array([d.month for d in months])
    start_year = np.array([d.year if d.month >= 8 else d.year - 1 for d in months])
    season = np.array([MONTH_FACTOR[x] for x in month_no])
    year_fx = np.zeros(m)
    year_fx[start_year == 2020] += 2.3                                  # 2020/21 bump
    year_fx[(start_year == 2019) & np.isin(month_no, [3, 4, 5, 6])] += 1.8  # spring 2020
    year_fx[(start_year == 2021) & np.isin(month_no, [12, 1, 2])] += 1.4    # winter 2021/22
    year_fx += 0.12 * (start_year - 2019)
    rate = base[:, None] * season[None, :] + year_fx[None, :] + rng.normal(0, 0.55, (s, m))
    pos = {c: i for i, c in enumerate(codes)}
    month_idx = pd.DatetimeIndex(months)
    for row in effects.itertuples():
        i = pos.get(row.skolenhetskod)
        if i is not None:
            active = np.asarray(month_idx >= pd.Timestamp(row.start_datum))
            rate[i, active] += row.absence_pts
    rate = np.clip(rate, 1.0, 45.0) / 100
    giltig_share = np.clip(rng.normal(0.8, 0.04, s) - 0.8 * weakness, 0.55, 0.92)
    days = np.array([MONTH_DAYS[x] for x in month_no])
    n_f = rng.binomial(pupils, 0.49)
    group_n = {"flickor": n_f, "pojkar": pupils - n_f}
    group_shift = {"flickor": 0.004, "pojkar": -0.004}
    frames = []
    totals: dict[str, np.ndarray] = {}
    for grupp, ng in group_n.items():
        r = np.clip(rate + group_shift[grupp], 0.005, 0.6)
        sched = ng[:, None] * days[None, :] * MINUTES_PER_DAY
        fr = np.round(sched * r)
        gi = np.round(fr * giltig_share[:, None])
        rec = {"antal_elever": np.repeat(ng[:, None], m, axis=1), "schemalagd_min": sched,
               "franvaro_min": fr, "giltig_min": gi, "ogiltig_min": fr - gi}
        shape = ABSENCE_SHAPE
        over = {t: rng.binomial(rec["antal_elever"], gamma.sf(t / 100, shape, scale=r / shape))
                for t in THRESHOLDS}
        for key, val in [*rec.items(), *((f"t{t}", v) for t, v in over.items())]:
            totals[key] = totals.get(key, 0) + val
        frames.append((grupp, rec, over))
    frames.append(("alla", {k: totals[k] for k in ("antal_elever", "schemalagd_min",
                                                   "franvaro_min", "giltig_min", "ogiltig_min")},
                   {t: totals[f"t{t}"] for t in THRESHOLDS}))
    month_col = np.tile(np.array(months, dtype="datetime64[D]"), s)
    lasar_col = np.tile([reference.lasar_of_month(d) for d in months], s)
    code_col = np.repeat(codes, m)
    abs_frames = []
    for grupp, rec, over in frames:
        abs_frames.append(pd.DataFrame({
            "skolenhetskod": code_col, "manad": month_col, "lasar": lasar_col, "grupp": grupp,
            **{k: v.ravel() for k, v in rec.items()},
            **{db.threshold_column(t): v.ravel().astype(int) for t, v in over.items()},
        }))
    absence = pd.concat(abs_frames, ignore_index=True)
    absence["antal_elever"] = absence["antal_elever"].astype(int)
    return absence


def _subprojects(schools: pd.DataFrame, elig_level: dict[str, float], rng: np.random.Generator,
                 effects: Effects, n_projects: int = 30
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    region = schools[schools["kommun_kod"].isin(reference.REGION_KOMMUNER)]
    candidates = region[region["ak9"] & region["skolenhetskod"].map(elig_level).lt(0.90)]
    chosen = candidates.sample(n=min(n_projects, len(candidates)), random_state=rng.integers(1 << 31))
    names = reference.kommuner()
    projects, links, kinds, truth = [], [], [], []
    starts = [dt.date(y, m, 1) for y in range(2020, 2026) for m in (1, 8)]
    codes = list(reference.INTERVENTIONS)
    for i, school in enumerate(chosen.itertuples(), start=1):
        pid = f"PI-{i:03d}"
        planned = i > len(chosen) - 3
        start = dt.date(2027, 1, 1) if planned else starts[rng.integers(2, len(starts))]
        end = dt.date(start.year + int(rng.integers(2, 4)), 6, 30)
        ak_from = int(rng.choice([5, 6, 7]))
        projects.append({
            "projekt_id": pid,
            "namn": f"{_PROJECT_THEMES[i % len(_PROJECT_THEMES)]} {names[school.kommun_kod]}",
            "kommun_kod": school.kommun_kod, "start_datum": start, "slut_datum": end,
            "arskurs_fran": ak_from, "arskurs_till": 9,
            "elever_nadda": int(rng.integers(15, 140)),
            "beskrivning": "Fiktivt delprojekt i demodatabasen.",
        })
        project_schools = [school.skolenhetskod]
        same = region[(region["kommun_kod"] == school.kommun_kod) & ~region["ak9"]]
        if len(same) and rng.random() < 0.4:
            project_schools.append(same.iloc[int(rng.integers(len(same)))]["skolenhetskod"])
        for code in project_schools:
            links.append({"projekt_id": pid, "skolenhetskod": code})
        for c in rng.choice(codes, size=int(rng.integers(1, 4)), replace=False):
            kinds.append({"projekt_id": pid, "code": str(c)})
        a = 0.0 if planned else float(rng.normal(effects.absence_pts, effects.spread))
        e = 0.0 if planned else float(rng.normal(effects.eligibility_pts, 2 * effects.spread))
        for code in project_schools:
            truth.append({"projekt_id": pid, "skolenhetskod": code, "start_datum": start,
                          "absence_pts": a, "eligibility_pts": e})
    return (pd.DataFrame(projects), pd.DataFrame(links), pd.DataFrame(kinds), pd.DataFrame(truth))


def build(scale: str = "region", seed: int = 2017, effects: Effects | None = None,
          n_projects: int = 30) -> DemoData:
    """Generate all demo tables in memory; the same (scale, seed, effects) gives the same data."""
    effects = effects or Effects()
    rng = np.random.default_rng(seed)
    schools = _schools(scale, rng)
    # A first look at each åk9 school's level decides who gets a sub-project ...
    pre_rng = np.random.default_rng(seed + 1)
    _, _, level = _eligibility(schools, pre_rng, pd.DataFrame(columns=["skolenhetskod"]))
    ak9_codes = schools.loc[schools["ak9"], "skolenhetskod"].to_numpy()
    elig_level = dict(zip(ak9_codes, level, strict=True))
    projects, links, kinds, truth = _subprojects(schools, elig_level, rng, effects, n_projects)
    # ... then the data are drawn with the effects in place (same seed, same base levels).
    elig_school, elig_kommun, _ = _eligibility(schools, np.random.default_rng(seed + 1), truth)
    absence = _absence_rows(schools, elig_level, rng, truth)
    return DemoData(schools.drop(columns="ak9"), elig_school, elig_kommun, absence,
                    projects, links, kinds, truth)


_TABLES = {
    "schools": "school", "eligibility_school": "eligibility_school",
    "eligibility_kommun": "eligibility_kommun", "absence_month": "absence_month",
    "subprojects": "subproject",
    "subproject_schools": "subproject_school", "subproject_interventions": "subproject_intervention",
}
_WITH_IMPORT_ID = {"eligibility_school", "eligibility_kommun", "absence_month", "subproject"}


def write(data: DemoData, path: Path, *, scale: str, seed: int,
          progress: Callable[[str], None] | None = None) -> None:
    """Write `data` as a new demo database file at `path` (atomically replacing any old one)."""
    with db.writing(Path(path), create=True, is_demo=True, keep_previous=False) as con:
        import_id = 1
        total = 0
        for attr, table in _TABLES.items():
            frame = getattr(data, attr)
            if table in _WITH_IMPORT_ID:
                frame = frame.assign(import_id=import_id)
            cols = ", ".join(frame.columns)
            con.register("frame", frame)
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM frame")
            con.unregister("frame")
            total += len(frame)
            if progress:
                progress(f"{table}: {len(frame):,} rader".replace(",", "\u00a0"))
        con.execute(
            "INSERT INTO import_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [import_id, f"demo-{scale}-{seed}", "-", "demo", total, dt.datetime.now(), True,
             "Demodata (påhittade siffror)"],
        )
        db.set_meta(con, demo_seed=str(seed), demo_scale=scale)


def generate(path: Path, scale: str = "region", seed: int = 2017,
             progress: Callable[[str], None] | None = None) -> None:
    """Build and write a demo database: the CLI's `demo` command and the app's first start."""
    write(build(scale, seed), path, scale=scale, seed=seed, progress=progress)
