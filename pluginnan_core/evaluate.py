# Sub-project evaluation: did absence fall and eligibility rise at the schools of a delprojekt,
# compared with similar schools without one? Difference-in-differences per sub-project and
# measure, an evidence label from written rules, pooling per intervention type, and a CLI.
"""Difference-in-differences estimates of what each sub-project (delprojekt) achieved.

Why difference-in-differences: absence and eligibility move for many reasons (a pandemic
winter, a new grading scale, an ageing school population). The change at the project schools
alone would credit the project with all of that, so we subtract the change at comparable
schools without a project over the very same months or läsår.

The method, in the order the code applies it (the page shows the same text, see `METHOD_SV`):

* Measures: total and ogiltig absence (% of scheduled minutes), the share of pupils at or
  above `THRESHOLD` % absence in a month (from absence_threshold), and the share of the
  school's leavers eligible for a yrkesprogram (behorig_yrk, per läsår). All effects are in
  percentage points, for the whole school: a project that reached 40 pupils out of 400 is
  measured on all 400, so its effect is diluted by design.
* Periods, absence: the months from the start month on are "after", the same calendar months
  12 or 24 months earlier are "before" (24 when that gives more pairs of months with data,
  else 12). Pairing calendar months makes every month of the school year occur equally often
  before and after, so seasonal differences between schools cancel.
* Periods, eligibility: up to three läsår before the läsår the project starts in, and up to
  three after it. The starting läsår itself counts as neither (its leavers met the project
  for less than a full year). '..' rows (fewer than 10 pupils) are left out; a '~100' row
  (1-4 pupils lacked eligibility) is counted as 2.5 pupils lacking, the middle of that range;
  leaving those rows out instead would drop exactly the schools that improved most.
* Balance: a school takes part only with data for every month/läsår of the window; months
  where a project school lacks data are dropped for everyone. With a balanced panel, the
  two-way fixed-effects regression (school and month effects, weights = pupils) gives exactly
  the difference of pupil-weighted school-level changes, so we fit that collapsed regression,
  one row per school: same number, a hundred times faster (a test checks the equality).
* Comparison schools: schools without any sub-project in the project's kommun; when fewer than
  `MIN_COMPARISON` of those have complete data, the `NEAREST_K` schools without a sub-project
  whose level before the start was closest to the project schools' level.
* Uncertainty: the usual clustered-by-school standard error is far too small when only one or
  two schools get the project (the treated school's own noise is then invisible to it). We
  compute three standard errors, (1) every school equally noisy, estimated from all schools'
  deviations (a two-sample t-test on school-level changes), (2) noise shrinking with the
  number of pupils (weighted least squares), (3) clustered by school (robust when many schools
  are treated), and use the largest, with a t distribution on (schools - 2) degrees of freedom.
  The tests check that the 95 % interval covers a known injected effect at least 90 % of the
  time over hundreds of generated data sets.
* Parallel trends: the same comparison for a pretend start one year earlier (absence: the year
  before the start against the year before that; eligibility: the linear trend over the läsår
  before the start). A p-value below 0.05 means the two groups already moved apart before the
  project, and the estimate is then not trusted as strong evidence.

Everything here is a pure function of the database (and `today`, which decides whether a
project has started), so a page can cache it by the database token. No Streamlit here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import math
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from . import db as dbmod
from . import disclosure, i18n, reference

# --------------------------------------------------------------------------------------------
# Settings (shown on the page through METHOD_SV / evidence_rules, so they are never hidden)
# --------------------------------------------------------------------------------------------

THRESHOLD = 15  # % absence that counts as high (the Swedish survey's line)
MONTH_WINDOWS = (12, 24)  # months between a month "after" and its twin "before"
MAX_YEARS = 3  # läsår before and after the start läsår
MIN_MONTHS = 6  # fewest paired months for an estimate
MIN_YEARS = 1  # fewest läsår before and after for an estimate
MIN_COMPARISON = 3  # fewest comparison schools (same kommun) before falling back to the nearest
NEAREST_K = 10  # comparison schools chosen by nearest level when the kommun has too few
PRETREND_MIN_MONTHS = 6  # fewest paired months for the parallel-trend check
ALPHA = 0.05
TILDE100_LACKING = 2.5  # pupils assumed lacking eligibility behind Skolverket's '~100'

STATUS_PLANNED, STATUS_RUNNING, STATUS_DONE = "planerat", "pågår", "avslutat"
GROUP_PROJECT, GROUP_COMPARISON = "projekt", "jamforelse"
PHASE_BEFORE, PHASE_AFTER = "före", "efter"


@dataclass(frozen=True)
class Measure:
    """One outcome: where it comes from, its names and what counts as a useful precision."""

    code: str
    sv: str
    en: str
    source: str  # 'franvaro' (monthly absence) or 'behorighet' (yearly eligibility)
    better: int  # -1: lower is better, +1: higher is better
    halfwidth_strong: float  # widest 95 % half-interval (percentage points) for "starkt"
    halfwidth_moderate: float  # ... for "måttligt"
    decimals: int = 1  # in texts: ogiltig absence is small, so it gets two


MEASURES: dict[str, Measure] = {
    "franvaro_pct": Measure("franvaro_pct", "Total frånvaro", "Total absence", "franvaro", -1, 1.0, 2.0),
    "ogiltig_pct": Measure("ogiltig_pct", "Ogiltig frånvaro", "Unauthorised absence", "franvaro", -1,
                           0.5, 1.0, decimals=2),
    f"andel_over{THRESHOLD}": Measure(
        f"andel_over{THRESHOLD}", f"Andel elever med minst {THRESHOLD} % frånvaro",
        f"Share of pupils with at least {THRESHOLD} % absence", "franvaro", -1, 3.0, 6.0),
    "behorig_yrk": Measure("behorig_yrk", "Andel behöriga till yrkesprogram",
                           "Share eligible for vocational programmes", "behorighet", +1, 5.0, 10.0),
}

# --------------------------------------------------------------------------------------------
# Evidence rules: data first, the text is generated from the same numbers
# --------------------------------------------------------------------------------------------

LEVELS: dict[str, tuple[str, str]] = {
    "stark": ("starkt underlag", "strong evidence"),
    "mattlig": ("måttligt underlag", "moderate evidence"),
    "svag": ("svagt underlag", "weak evidence"),
    "for_lite": ("för lite data", "too little data"),
}

#: Minimum requirements per level and data source. 'elever' is the mean number of pupils per
#: month (absence) or leavers per läsår (eligibility) in the project schools; 'perioder' is the
#: number of months (absence) or läsår (eligibility) before and after, each.
EVIDENCE_THRESHOLDS: dict[str, dict[str, Any]] = {
    "stark": {"projektskolor": 3, "jamforelseskolor": 10,
              "elever": {"franvaro": 300, "behorighet": 100},
              "perioder": {"franvaro": 20, "behorighet": 2}, "pretrend_kravs": True},
    "mattlig": {"projektskolor": 1, "jamforelseskolor": 5,
                "elever": {"franvaro": 100, "behorighet": 30},
                "perioder": {"franvaro": 10, "behorighet": 1}, "pretrend_kravs": False},
}
POOLED_THRESHOLDS: dict[str, dict[str, float]] = {
    "stark": {"delprojekt": 5, "andel_minst_mattliga": 0.5},
    "mattlig": {"delprojekt": 3, "andel_minst_mattliga": 0.0},
}


@dataclass(frozen=True)
class EvidenceRule:
    """One level of the evidence scale with its rule in plain Swedish and English."""

    kod: str
    etikett_sv: str
    etikett_en: str
    regel_sv: str
    regel_en: str


def _halfwidths_sv() -> str:
    return "; ".join(f"{m.sv.lower()} ±{i18n.fmt_number(m.halfwidth_strong)} / "
                     f"±{i18n.fmt_number(m.halfwidth_moderate)}" for m in MEASURES.values())


def _halfwidths_en() -> str:
    return "; ".join(f"{m.en.lower()} ±{i18n.fmt_number(m.halfwidth_strong, lang='en')} / "
                     f"±{i18n.fmt_number(m.halfwidth_moderate, lang='en')}" for m in MEASURES.values())


def _build_rules() -> tuple[EvidenceRule, ...]:
    s, m = EVIDENCE_THRESHOLDS["stark"], EVIDENCE_THRESHOLDS["mattlig"]
    return (
        EvidenceRule(
            "stark", *LEVELS["stark"],
            f"Minst {s['projektskolor']} projektskolor och {s['jamforelseskolor']} jämförelseskolor, "
            f"minst {s['elever']['franvaro']} elever i projektskolorna ({s['elever']['behorighet']} "
            f"avgångselever per läsår för behörighet), minst {s['perioder']['franvaro']} månader "
            f"({s['perioder']['behorighet']} läsår) både före och efter start, trenderna före start "
            "prövade och parallella, och ett 95 %-intervall som inte är bredare än gränsen för "
            "starkt underlag (±procentenheter, starkt / måttligt: " + _halfwidths_sv() + ").",
            f"At least {s['projektskolor']} project schools and {s['jamforelseskolor']} comparison "
            f"schools, at least {s['elever']['franvaro']} pupils in the project schools "
            f"({s['elever']['behorighet']} leavers per school year for eligibility), at least "
            f"{s['perioder']['franvaro']} months ({s['perioder']['behorighet']} school years) both "
            "before and after the start, trends before the start tested and parallel, and a 95 % "
            "interval no wider than the limit for strong evidence (± percentage points, strong / "
            "moderate: " + _halfwidths_en() + ").",
        ),
        EvidenceRule(
            "mattlig", *LEVELS["mattlig"],
            f"Minst {m['projektskolor']} projektskola och {m['jamforelseskolor']} jämförelseskolor, "
            f"minst {m['elever']['franvaro']} elever i projektskolorna ({m['elever']['behorighet']} "
            f"avgångselever per läsår), minst {m['perioder']['franvaro']} månader "
            f"({m['perioder']['behorighet']} läsår) före och efter start, inga tecken på olika "
            "trender före start, och ett 95 %-intervall inom gränsen för måttligt underlag.",
            f"At least {m['projektskolor']} project school and {m['jamforelseskolor']} comparison "
            f"schools, at least {m['elever']['franvaro']} pupils in the project schools "
            f"({m['elever']['behorighet']} leavers per school year), at least "
            f"{m['perioder']['franvaro']} months ({m['perioder']['behorighet']} school year) before "
            "and after the start, no sign of different trends before the start, and a 95 % "
            "interval within the limit for moderate evidence.",
        ),
        EvidenceRule(
            "svag", *LEVELS["svag"],
            "Det finns en skattning, men något av kraven för måttligt underlag är inte uppfyllt. "
            "Skattningen kan bero på annat som hänt på skolan än projektet.",
            "There is an estimate, but one of the requirements for moderate evidence is not met. "
            "The estimate may reflect other things that happened at the school than the project.",
        ),
        EvidenceRule(
            "for_lite", *LEVELS["for_lite"],
            f"Ingen skattning: projektet har inte startat, det finns färre än {MIN_MONTHS} månader "
            f"({MIN_YEARS} läsår) med uppgifter före eller efter start, ingen projektskola har "
            f"fullständiga uppgifter, det finns färre än {MIN_COMPARISON} jämförelseskolor, eller "
            f"siffrorna bygger på färre än {disclosure.DEFAULT_MIN_PUPILS} elever.",
            f"No estimate: the project has not started, there are fewer than {MIN_MONTHS} months "
            f"({MIN_YEARS} school year) of data before or after the start, no project school has "
            f"complete data, there are fewer than {MIN_COMPARISON} comparison schools, or the "
            f"figures rest on fewer than {disclosure.DEFAULT_MIN_PUPILS} pupils.",
        ),
    )


#: The four levels with their rules, strongest first; `evidence_rules()` gives them as a table.
EVIDENCE_RULES: tuple[EvidenceRule, ...] = _build_rules()

POOLED_RULES_SV = (
    f"Per insatstyp: starkt underlag kräver minst {POOLED_THRESHOLDS['stark']['delprojekt']:.0f} "
    "delprojekt med skattning, varav minst hälften med minst måttligt underlag, och ett sammanvägt "
    "intervall inom gränsen för starkt underlag; måttligt underlag minst "
    f"{POOLED_THRESHOLDS['mattlig']['delprojekt']:.0f} delprojekt och ett intervall inom gränsen för "
    "måttligt; med två delprojekt är underlaget svagt och med färre än två görs ingen sammanvägning."
)
POOLED_RULES_EN = (
    "Per intervention type: strong evidence needs at least "
    f"{POOLED_THRESHOLDS['stark']['delprojekt']:.0f} sub-projects with an estimate, at least half of "
    "them with at least moderate evidence, and a pooled interval within the limit for strong evidence; "
    f"moderate at least {POOLED_THRESHOLDS['mattlig']['delprojekt']:.0f} sub-projects and an interval "
    "within the moderate limit; two sub-projects give weak evidence and fewer than two are not pooled."
)
POOLING_METHOD_SV = (
    "Delprojektens skattningar vägs samman med en slumpeffektmodell (DerSimonian–Laird) och ett "
    "Hartung–Knapp-justerat 95 %-intervall, som tar hänsyn till att effekten kan skilja mellan "
    "delprojekt. Median och spridning (lägsta–högsta) visas också. Ett delprojekt med flera "
    "insatstyper räknas under var och en av dem, och delprojekt i samma kommun kan dela "
    "jämförelseskolor, så intervallet är snarast för smalt än för brett. Siffran visar hur det gick "
    "i delprojekt som använde insatsen, inte vad insatsen i sig åstadkommer: de flesta delprojekt "
    "kombinerar flera insatser."
)
POOLING_METHOD_EN = (
    "The sub-projects' estimates are pooled with a random-effects model (DerSimonian–Laird) and a "
    "Hartung–Knapp adjusted 95 % interval, which allows the effect to differ between sub-projects. "
    "The median and range (lowest–highest) are shown too. A sub-project with several intervention "
    "types counts under each of them, and sub-projects in the same municipality may share "
    "comparison schools, so the interval is more likely too narrow than too wide. The figure shows "
    "how sub-projects that used the intervention fared, not what the intervention achieves on its "
    "own: most sub-projects combine several interventions."
)
METHOD_SV = (
    "Effekten skattas som skillnad i förändring (difference-in-differences): hur mycket måttet "
    "ändrades på projektskolorna från före till efter start, minus hur mycket det ändrades på "
    "jämförelseskolorna under samma tid. Frånvaro: månaderna från startmånaden (högst 24) jämförs "
    "med samma kalendermånader 12 eller 24 månader tidigare. Behörighet: upp till tre läsår före "
    "startläsåret mot upp till tre läsår efter det; startläsåret räknas inte. Skolor vägs efter "
    "antal elever och bara skolor med uppgifter för alla månader/läsår i perioden tas med. "
    "”..” (färre än 10 elever) utesluts; ”~100” räknas som att 2,5 elever saknade behörighet. "
    "Osäkerheten är det bredaste av tre sätt att räkna (lika osäkra skolor, osäkerhet som minskar "
    "med antal elever, klustrat per skola), eftersom ett vanligt klustrat medelfel blir för litet "
    "när bara en eller två skolor har projektet. Effekten gäller hela skolan, inte bara de elever "
    "projektet nådde."
)
METHOD_EN = (
    "The effect is estimated as a difference in differences: how much the measure changed at the "
    "project schools from before to after the start, minus how much it changed at the comparison "
    "schools over the same time. Absence: the months from the start month on (at most 24) are "
    "compared with the same calendar months 12 or 24 months earlier. Eligibility: up to three "
    "school years before the starting school year against up to three after it; the starting year "
    "itself is left out. Schools are weighted by pupils, and only schools with data for every "
    "month/year of the period take part. '..' (fewer than 10 pupils) is left out; '~100' counts as "
    "2.5 pupils lacking eligibility. The uncertainty is the widest of three ways to compute it "
    "(equally noisy schools, noise shrinking with pupils, clustered by school), because the usual "
    "clustered standard error is too small when only one or two schools have the project. The "
    "effect is for the whole school, not only the pupils the project reached."
)
COMPARISON_RULE_SV = (
    f"Jämförelseskolor är skolor utan delprojekt i samma kommun. Finns färre än {MIN_COMPARISON} "
    f"sådana med fullständiga uppgifter används i stället de {NEAREST_K} skolor utan delprojekt "
    "vars nivå på samma mått före start låg närmast projektskolornas. Nivån mäts före förperioden "
    "när det finns uppgifter då (annars under förperioden), så att tillfälliga toppar och dalar i "
    "förperioden inte styr vilka skolor som väljs."
)
COMPARISON_RULE_EN = (
    f"Comparison schools are schools without a sub-project in the same municipality. If fewer than "
    f"{MIN_COMPARISON} of those have complete data, the {NEAREST_K} schools without a sub-project "
    "whose level on the same measure before the start was closest to the project schools' are used. "
    "The level is measured before the pre-period when there are data then (else during it), so "
    "that chance highs and lows in the pre-period do not decide which schools are chosen."
)


def evidence_rules(lang: str = "sv") -> pd.DataFrame:
    """The evidence scale as a table for the page: kod, etikett, regel (in `lang`)."""
    en = lang == "en"
    return pd.DataFrame({
        "kod": [r.kod for r in EVIDENCE_RULES],
        "etikett": [r.etikett_en if en else r.etikett_sv for r in EVIDENCE_RULES],
        "regel": [r.regel_en if en else r.regel_sv for r in EVIDENCE_RULES],
    })


def rules_text(lang: str = "sv") -> str:
    """Method, comparison rule and evidence scale as Markdown, ready for a page or a slide."""
    en = lang == "en"
    lines = [METHOD_EN if en else METHOD_SV, "", COMPARISON_RULE_EN if en else COMPARISON_RULE_SV, ""]
    for r in EVIDENCE_RULES:
        lines.append(f"- **{r.etikett_en if en else r.etikett_sv}**: {r.regel_en if en else r.regel_sv}")
    lines += ["", POOLED_RULES_EN if en else POOLED_RULES_SV, "", POOLING_METHOD_EN if en else POOLING_METHOD_SV]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Loading (the only SQL in this module)
# --------------------------------------------------------------------------------------------


class Queryable(Protocol):
    """What the evaluation needs from a database: `Database.query` (parameterised SQL)."""

    def query(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> pd.DataFrame: ...


@dataclass(frozen=True, eq=False)
class Inputs:
    """Everything the evaluation reads, as plain frames (so tests can build it without a file).

    Frozen: the panels are derived once and cached on the object; to change a frame, make a new
    Inputs with `dataclasses.replace`.

    absence: skolenhetskod, manad (date), antal_elever, schemalagd_min, franvaro_min,
    ogiltig_min, antal_over (pupils at or above THRESHOLD % absence, NaN when not reported).
    eligibility: skolenhetskod, lasar, antal_elever, behorig_yrk, behorig_yrk_marker.
    """

    projects: pd.DataFrame  # projekt_id, namn, kommun_kod, kommun_namn, start_datum, slut_datum
    project_schools: pd.DataFrame  # projekt_id, skolenhetskod
    project_interventions: pd.DataFrame  # projekt_id, code
    schools: pd.DataFrame  # skolenhetskod, kommun_kod
    absence: pd.DataFrame
    eligibility: pd.DataFrame
    interventions: pd.DataFrame = field(default_factory=lambda: _default_interventions())

    @cached_property
    def panels(self) -> dict[str, _Panel]:
        """School x period matrices per measure, built once per Inputs."""
        return _build_panels(self)

    @cached_property
    def project_school_codes(self) -> set[str]:
        """Every school in any sub-project: none of them can be a comparison school."""
        return set(self.project_schools["skolenhetskod"].astype(str))

    @cached_property
    def school_kommun(self) -> dict[str, str]:
        return dict(zip(self.schools["skolenhetskod"].astype(str), self.schools["kommun_kod"].astype(str),
                        strict=True))


def _default_interventions() -> pd.DataFrame:
    return pd.DataFrame([(c, sv, en) for c, (sv, en) in reference.INTERVENTIONS.items()],
                        columns=["code", "namn_sv", "namn_en"])


def load_inputs(db: Queryable) -> Inputs:
    """Read what the evaluation needs ('alla' rows only; the groups add nothing to the effect)."""
    projects = db.query(
        "SELECT p.projekt_id, p.namn, p.kommun_kod, coalesce(k.namn, p.kommun_kod) AS kommun_namn, "
        "p.start_datum, p.slut_datum FROM subproject p LEFT JOIN kommun k ON k.kommun_kod = p.kommun_kod "
        "ORDER BY p.projekt_id")
    project_schools = db.query("SELECT projekt_id, skolenhetskod FROM subproject_school "
                               "ORDER BY projekt_id, skolenhetskod")
    interventions = db.query("SELECT projekt_id, code FROM subproject_intervention ORDER BY projekt_id, code")
    schools = db.query("SELECT skolenhetskod, kommun_kod FROM school ORDER BY skolenhetskod")
    absence = db.query(
        "SELECT a.skolenhetskod, a.manad, a.antal_elever, a.schemalagd_min, a.franvaro_min, "
        "a.ogiltig_min, t.antal_over FROM absence_month a LEFT JOIN absence_threshold t "
        "ON t.skolenhetskod = a.skolenhetskod AND t.manad = a.manad AND t.grupp = a.grupp "
        "AND t.troskel_pct = ? WHERE a.grupp = ?", [THRESHOLD, "alla"])
    eligibility = db.query(
        "SELECT skolenhetskod, lasar, antal_elever, behorig_yrk, behorig_yrk_marker "
        "FROM eligibility_school WHERE grupp = ?", ["alla"])
    kinds = db.query("SELECT code, namn_sv, namn_en FROM intervention_type ORDER BY code")
    return Inputs(projects, project_schools, interventions, schools, absence, eligibility,
                  kinds if len(kinds) else _default_interventions())


def _inputs(source: Queryable | Inputs) -> Inputs:
    return source if isinstance(source, Inputs) else load_inputs(source)


# --------------------------------------------------------------------------------------------
# Panels: one matrix per measure, schools x periods
# --------------------------------------------------------------------------------------------


@dataclass
class _Panel:
    """num / den * 100 is the measure; pupils weigh the schools. NaN where a school lacks data."""

    source: str
    codes: np.ndarray  # skolenhetskod per row
    units: np.ndarray  # month index (year*12 + month-1) or läsår start year per column
    num: np.ndarray
    den: np.ndarray
    pupils: np.ndarray
    row: dict[str, int]

    @cached_property
    def ok(self) -> np.ndarray:
        """True where the school has a usable figure for the period."""
        return np.isfinite(self.num) & np.isfinite(self.den) & (self.den > 0) & np.isfinite(self.pupils)


def _month_index(values: pd.Series) -> np.ndarray:
    d = pd.to_datetime(values)
    return (d.dt.year * 12 + d.dt.month - 1).to_numpy(dtype=int)


def _month_date(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def _pivot(codes: np.ndarray, units: np.ndarray, frame: pd.DataFrame, source: str,
           num: str, den: str, pupils: str) -> _Panel:
    all_codes = np.unique(codes)
    all_units = np.unique(units)
    r = np.searchsorted(all_codes, codes)
    c = np.searchsorted(all_units, units)
    shape = (len(all_codes), len(all_units))
    mats = []
    for col in (num, den, pupils):
        m = np.full(shape, np.nan)
        m[r, c] = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        mats.append(m)
    return _Panel(source, all_codes, all_units, *mats, row={k: i for i, k in enumerate(all_codes)})


def _build_panels(inputs: Inputs) -> dict[str, _Panel]:
    panels: dict[str, _Panel] = {}
    a = inputs.absence
    if len(a):
        codes = a["skolenhetskod"].astype(str).to_numpy()
        units = _month_index(a["manad"])
        a = a.assign(antal_over=pd.to_numeric(a["antal_over"], errors="coerce"))
        panels["franvaro_pct"] = _pivot(codes, units, a, "franvaro", "franvaro_min", "schemalagd_min",
                                        "antal_elever")
        panels["ogiltig_pct"] = _pivot(codes, units, a, "franvaro", "ogiltig_min", "schemalagd_min",
                                       "antal_elever")
        panels[f"andel_over{THRESHOLD}"] = _pivot(codes, units, a, "franvaro", "antal_over", "antal_elever",
                                                  "antal_elever")
    e = inputs.eligibility
    if len(e):
        n = pd.to_numeric(e["antal_elever"], errors="coerce")
        share = pd.to_numeric(e["behorig_yrk"], errors="coerce")
        marker = e["behorig_yrk_marker"].astype(object)
        eligible = np.where(share.notna(), share / 100 * n,
                            np.where(marker.eq("~100") & n.notna(), n - TILDE100_LACKING, np.nan))
        frame = pd.DataFrame({"num": eligible, "den": n, "pupils": n})
        frame.loc[frame["num"].isna(), ["den", "pupils"]] = np.nan
        units = e["lasar"].map(reference.lasar_start).to_numpy(dtype=int)
        panels["behorig_yrk"] = _pivot(e["skolenhetskod"].astype(str).to_numpy(), units, frame,
                                       "behorighet", "num", "den", "pupils")
    return panels


# --------------------------------------------------------------------------------------------
# Inference on school-level contrasts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inference:
    """A difference between the treated and comparison schools' contrasts, with its uncertainty."""

    estimate: float
    se: float
    df: int
    ci_low: float
    ci_high: float
    p_value: float
    se_equal: float  # every school equally noisy
    se_wls: float  # noise shrinks with pupils
    se_cluster: float  # clustered by school (HC1 on the collapsed model)


def _betainc(a: float, b: float, x: float, y: float) -> float:
    """The regularised incomplete beta function I_x(a, b), with y = 1 - x given exactly (modified
    Lentz's continued fraction; the mirror 1 - I_y(b, a) where that converges faster).

    Why not scipy.special: importing scipy (with the numpy.f2py and numpy.testing it pulls in)
    cost the dashboard's server ~13 MiB of its 300 MiB budget for two Student's t numbers per
    estimate. tests/test_evaluate.py checks these functions against scipy.special.
    """
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(y))
    if x > (a + 1.0) / (a + b + 2.0):  # the fraction converges fast below this point: use the mirror
        return 1.0 - front * _beta_fraction(b, a, y) / b
    return front * _beta_fraction(a, b, x) / a


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b) (Numerical Recipes' betacf), for x < (a+1)/(a+b+2)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        for aa in (m * (b - m) * x / ((a - 1.0 + m2) * (a + m2)),
                   -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1.0 + m2))):
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + aa / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


def _t_two_sided_p(t: float, df: float) -> float:
    """P(|T| >= |t|) for Student's t with `df` degrees of freedom (scipy: 2 * stdtr(df, -|t|))."""
    t2 = t * t
    return _betainc(df / 2.0, 0.5, df / (df + t2), t2 / (df + t2))


@functools.lru_cache(maxsize=256)
def _t_quantile(p: float, df: float) -> float:
    """Student's t quantile for 0.5 < p < 1 (scipy: stdtrit(df, p)): Newton's method on the
    upper tail, started from the normal quantile, which lies below the t quantile; the tail is
    convex there, so the steps approach the root from below without overshooting."""
    tail = 2.0 * (1.0 - p)  # two-sided probability beyond the quantile
    t = statistics.NormalDist().inv_cdf(p)
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    for _ in range(200):
        density = math.exp(log_norm - (df + 1) / 2 * math.log1p(t * t / df))
        step = (_t_two_sided_p(t, df) - tail) / (2.0 * density)
        t += step
        if abs(step) <= 1e-14 * max(1.0, abs(t)):
            break
    return t


def _wls_slope(y: np.ndarray, x: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    """Weighted least squares of y on [1, x]: the slope, its classical and its HC1 standard error.

    Why not statsmodels here: it is the same two textbook formulas, and importing statsmodels
    (with scipy.stats) cost the dashboard's server ~75 MiB of its 300 MiB budget for this one
    regression. tests/test_evaluate.py checks the result against statsmodels' WLS.
    """
    root = np.sqrt(w)
    xw = np.column_stack([root, root * x])  # whitened design: sqrt(w) * [1, x]
    yw = root * y
    bread = np.linalg.pinv(xw.T @ xw)
    beta = bread @ xw.T @ yw
    resid = yw - xw @ beta
    n, k = xw.shape
    dof = n - k
    if dof <= 0:  # a line through two schools has no error estimate (statsmodels: nan or inf by rounding)
        return float(beta[1]), math.nan, math.nan
    se_classic = math.sqrt(float(resid @ resid) / dof * bread[1, 1])
    meat = (xw * (resid ** 2)[:, None]).T @ xw
    hc1 = bread @ meat @ bread * (n / dof)
    return float(beta[1]), se_classic, math.sqrt(max(float(hc1[1, 1]), 0.0))


def did_inference(contrast: np.ndarray, treated: np.ndarray, weights: np.ndarray) -> Inference:
    """Weighted treated-minus-comparison difference of school-level contrasts, 95 % interval.

    `contrast` is one number per school (after minus before, or a pre-period slope), `treated`
    marks project schools, `weights` are pupils. Why the largest of three standard errors: each
    is right under one plausible noise model and badly wrong under another (the clustered one
    when one school is treated, the equal-noise one when school sizes differ a lot), and an
    honest interval should hold under all of them.
    """
    y = np.asarray(contrast, dtype=float)
    t = np.asarray(treated, dtype=bool)
    w = np.asarray(weights, dtype=float)
    est, se_wls, se_cluster = _wls_slope(y, t.astype(float), w)
    n = len(y)
    df = max(n - 2, 1)
    # (1) equal noise per school: unbiased pooled variance of deviations from weighted group means
    ss, denom, lever = 0.0, 0.0, 0.0
    for g in (t, ~t):
        wg, yg = w[g], y[g]
        big_w = wg.sum()
        mean = float((wg * yg).sum() / big_w)
        h = float((wg ** 2).sum() / big_w ** 2)
        ss += float(((yg - mean) ** 2).sum())
        denom += len(yg) - 2 + len(yg) * h
        lever += h
    tau2 = ss / denom if denom > 0 else math.nan
    se_equal = math.sqrt(tau2 * lever) if denom > 0 else math.nan
    se = float(np.nanmax([se_equal, se_wls, se_cluster]))
    q = _t_quantile(1 - ALPHA / 2, df)
    p = _t_two_sided_p(est / se, df) if se > 0 else math.nan
    return Inference(est, se, df, est - q * se, est + q * se, p, se_equal, se_wls, se_cluster)


# --------------------------------------------------------------------------------------------
# Design: which schools and which periods
# --------------------------------------------------------------------------------------------


@dataclass
class _Design:
    pre: np.ndarray  # column indices "before"
    post: np.ndarray  # column indices "after" (absence: post[k] pairs with pre[k])
    treated: np.ndarray  # row indices
    comparison: np.ndarray  # row indices
    rule: str  # 'kommun' or 'liknande'
    n_same_kommun: int
    placebo: tuple[np.ndarray, np.ndarray] | None  # absence: (earlier, later) paired columns
    window: int  # months between pairs (absence) or 0
    kommun_rows: np.ndarray  # every school of the project's kommun (for the disclosure check)


class _NoEstimate(Exception):
    def __init__(self, sv: str, en: str) -> None:
        super().__init__(sv)
        self.sv, self.en = sv, en


def _balance_treated(avail: np.ndarray, ok: Callable[[np.ndarray], bool]) -> tuple[np.ndarray, np.ndarray]:
    """Keep as many project schools as possible with columns where all of them have data.

    Returns (kept treated positions, kept column mask); drops the school with least data first.
    """
    keep = np.flatnonzero(avail.any(axis=1))
    while len(keep):
        cols = avail[keep].all(axis=0)
        if ok(cols):
            return keep, cols
        keep = np.delete(keep, int(np.argmin(avail[keep].sum(axis=1))))
    return keep, np.zeros(avail.shape[1], dtype=bool)


def _complete(panel: _Panel, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    if len(rows) == 0:
        return rows
    return rows[panel.ok[np.ix_(rows, cols)].all(axis=1)]


def _rate(panel: _Panel, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Per school, the measure over the given columns: sum(num) / sum(den) * 100."""
    sub = np.ix_(rows, cols)
    return 100 * panel.num[sub].sum(axis=1) / panel.den[sub].sum(axis=1)


def _level(panel: _Panel, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Per school, the measure over those of `cols` where it has data (NaN if none)."""
    sub = np.ix_(rows, cols)
    ok = panel.ok[sub]
    num = np.where(ok, panel.num[sub], 0.0).sum(axis=1)
    den = np.where(ok, panel.den[sub], 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 100 * num / den, np.nan)


def _nearest(panel: _Panel, treated: np.ndarray, candidates: np.ndarray, pre: np.ndarray) -> np.ndarray:
    """The NEAREST_K candidates whose level before the start is closest to the project schools'.

    Why the level is measured before the pre-period when there are data then: choosing schools
    whose pre-period happened to be close to the project schools' would pick schools with
    chance highs or lows there, which then drift back after the start and fake an effect
    (regression to the mean). Earlier data are independent of that chance.
    """
    if not len(candidates):
        return candidates
    earlier = np.flatnonzero(panel.units < panel.units[pre].min())
    for cols in (earlier, pre):
        if not len(cols):
            continue
        target = _level(panel, treated, cols)
        weights = np.nansum(panel.pupils[np.ix_(treated, cols)], axis=1)
        have = np.isfinite(target) & (weights > 0)
        levels = _level(panel, candidates, cols)
        usable = np.isfinite(levels)
        if not have.any() or usable.sum() < MIN_COMPARISON:
            continue
        goal = float(np.average(target[have], weights=weights[have]))
        pool_rows, dist = candidates[usable], np.abs(levels[usable] - goal)
        order = np.lexsort((panel.codes[pool_rows], dist))
        return pool_rows[order[:NEAREST_K]]
    return candidates[:0]


def _design(panel: _Panel, treated_codes: Sequence[str], start: dt.date, kommun: str,
            excluded: set[str], school_kommun: dict[str, str]) -> _Design:
    """Choose periods, the project schools with data and the comparison schools (or say why not)."""
    treated_rows = np.array([panel.row[c] for c in treated_codes if c in panel.row], dtype=int)
    has = panel.ok
    if panel.source == "franvaro":
        start_idx = start.year * 12 + start.month - 1
        if not (panel.units >= start_idx).any():
            last = _month_date(int(panel.units.max()))
            raise _NoEstimate(f"Inga frånvarouppgifter efter start ännu (senaste månad: {last:%Y-%m}).",
                              f"No absence data after the start yet (latest month: {last:%Y-%m}).")
        if len(treated_rows) == 0 or not has[treated_rows].any():
            raise _NoEstimate("Projektskolorna saknar frånvarouppgifter.", "The project schools have no absence data.")
        col = {int(u): i for i, u in enumerate(panel.units)}
        best: tuple[int, int, np.ndarray, np.ndarray, np.ndarray] | None = None
        for window in MONTH_WINDOWS:
            post = [col[u] for u in panel.units if start_idx <= u < start_idx + window and u - window in col]
            pre = [col[int(panel.units[c]) - window] for c in post]
            if not post:
                continue
            pre_a, post_a = np.array(pre), np.array(post)
            avail = has[np.ix_(treated_rows, pre_a)] & has[np.ix_(treated_rows, post_a)]
            keep, cols = _balance_treated(avail, lambda c: int(c.sum()) >= MIN_MONTHS)
            score = int(cols.sum())
            if len(keep) and (best is None or score > best[0]):
                best = (score, window, treated_rows[keep], pre_a[cols], post_a[cols])
        if best is None:
            raise _NoEstimate(
                f"För få månader med uppgifter före och efter start (minst {MIN_MONTHS} par av samma "
                "kalendermånad krävs).",
                f"Too few months of data before and after the start (at least {MIN_MONTHS} pairs of the "
                "same calendar month are needed).")
        _, window, treated, pre, post = best
        used_cols = np.concatenate([pre, post])
        later = [col[u] for u in panel.units if start_idx - 12 <= u < start_idx and u - 12 in col]
        earlier = [col[int(panel.units[c]) - 12] for c in later]
        placebo = (np.array(earlier, dtype=int), np.array(later, dtype=int)) if later else None
    else:
        s = reference.lasar_start(reference.lasar_of_month(start))
        if not (panel.units > s).any():
            raise _NoEstimate(
                f"Inga avgångselever efter startläsåret {reference.lasar_from_start(s)} ännu "
                "(startläsåret räknas varken före eller efter).",
                f"No leavers after the starting school year {reference.lasar_from_start(s)} yet "
                "(the starting year counts neither before nor after).")
        pre_all = np.flatnonzero((panel.units >= s - MAX_YEARS) & (panel.units < s))
        post_all = np.flatnonzero((panel.units > s) & (panel.units <= s + MAX_YEARS))
        cand = np.concatenate([pre_all, post_all])
        is_pre = np.r_[np.ones(len(pre_all), bool), np.zeros(len(post_all), bool)]
        if len(treated_rows) == 0 or not len(cand) or not has[np.ix_(treated_rows, cand)].any():
            raise _NoEstimate(
                "Projektskolorna har inga publicerade behörighetsuppgifter för perioden (t.ex. skolor "
                "utan årskurs 9, eller färre än 10 avgångselever).",
                "The project schools have no published eligibility figures for the period (e.g. schools "
                "without year 9, or fewer than 10 leavers).")
        avail = has[np.ix_(treated_rows, cand)]

        def ok(c: np.ndarray) -> bool:
            return int((c & is_pre).sum()) >= MIN_YEARS and int((c & ~is_pre).sum()) >= MIN_YEARS

        keep, cols = _balance_treated(avail, ok)
        if not len(keep):
            raise _NoEstimate(
                f"För få läsår med uppgifter före och efter start (minst {MIN_YEARS} av varje krävs).",
                f"Too few school years of data before and after the start (at least {MIN_YEARS} of each).")
        treated = treated_rows[keep]
        pre, post = cand[cols & is_pre], cand[cols & ~is_pre]
        used_cols = np.concatenate([pre, post])
        window, placebo = 0, None

    others = np.array([i for i, c in enumerate(panel.codes) if c not in excluded], dtype=int)
    in_kommun = np.array([school_kommun.get(c) == kommun for c in panel.codes], dtype=bool)
    candidates = _complete(panel, others, used_cols)
    same = candidates[in_kommun[candidates]] if len(candidates) else candidates
    if len(same) >= MIN_COMPARISON:
        comparison, rule = same, "kommun"
    else:
        comparison, rule = _nearest(panel, treated, candidates, pre), "liknande"
    if len(comparison) < MIN_COMPARISON:
        raise _NoEstimate(
            f"Bara {len(comparison)} jämförelseskolor med fullständiga uppgifter (minst {MIN_COMPARISON} krävs).",
            f"Only {len(comparison)} comparison schools with complete data (at least {MIN_COMPARISON} needed).")
    return _Design(pre, post, treated, np.sort(comparison), rule, len(same), placebo, window,
                   np.flatnonzero(in_kommun))


# --------------------------------------------------------------------------------------------
# Per project
# --------------------------------------------------------------------------------------------

RESULT_COLUMNS = [
    "projekt_id", "namn", "kommun_kod", "kommun_namn", "start_datum", "slut_datum", "status", "insatser",
    "matt", "matt_namn", "matt_namn_en", "battre_nar", "effekt", "ki_lag", "ki_hog", "medelfel",
    "frihetsgrader", "p_varde", "fore_projekt", "efter_projekt", "fore_jamforelse", "efter_jamforelse",
    "antal_projektskolor", "antal_jamforelseskolor", "antal_elever_projekt", "antal_elever_jamforelse",
    "antal_fore", "antal_efter", "period_enhet", "fore_fran", "fore_till", "efter_fran", "efter_till",
    "jamforelse", "jamforelse_text", "jamforelse_text_en", "pretrend_effekt", "pretrend_p", "pretrend_ok",
    "underlag_kod", "underlag", "underlag_en", "underlag_skal", "underlag_skal_en", "anledning", "anledning_en",
]


COUNT_COLUMNS = ["frihetsgrader", "antal_projektskolor", "antal_jamforelseskolor", "antal_elever_projekt",
                 "antal_elever_jamforelse", "antal_fore", "antal_efter"]


@dataclass(frozen=True)
class ProjectResult:
    """One sub-project: its estimates (one row per measure, RESULT_COLUMNS) and chart series.

    `series` has one row per measure, group (projekt / jamforelse) and month or läsår of the
    periods used: matt, grupp, fas (före / efter), period ('2023-01' or '2022/23'), datum (first
    day of the month, or 1 June of the läsår), varde (%), antal_elever, and their `_marker`
    columns from disclosure.protect ('..' where fewer than 10 pupils). `schools_used` lists,
    per measure, the schools behind the estimate: matt, skolenhetskod, roll (projekt /
    jamforelse), so the page can name the comparison schools.
    """

    projekt_id: str
    namn: str
    kommun_kod: str
    kommun_namn: str
    start_datum: dt.date
    slut_datum: dt.date
    status: str
    insatser: tuple[str, ...]
    skolor: tuple[str, ...]
    estimates: pd.DataFrame
    series: pd.DataFrame
    schools_used: pd.DataFrame


def _status(start: dt.date, end: dt.date, today: dt.date) -> str:
    if start > today:
        return STATUS_PLANNED
    return STATUS_DONE if end < today else STATUS_RUNNING


def _as_date(value: Any) -> dt.date:
    return pd.Timestamp(value).date()


def _evidence(measure: Measure, n_t: int, n_c: int, pupils: float, n_pre: int, n_post: int,
              halfwidth: float, pretrend_ok: bool | None) -> tuple[str, list[str], list[str]]:
    """The evidence level and, for the level reached, which requirement of the next level failed."""
    src = measure.source
    unit_sv, unit_en = ("månader", "months") if src == "franvaro" else ("läsår", "school years")

    def failures(level: str) -> tuple[list[str], list[str]]:
        r = EVIDENCE_THRESHOLDS[level]
        name_sv = LEVELS[level][0]
        sv: list[str] = []
        en: list[str] = []
        if n_t < r["projektskolor"]:
            sv.append(f"{n_t} projektskol{'a' if n_t == 1 else 'or'} ({name_sv} kräver minst {r['projektskolor']})")
            en.append(f"{n_t} project school{'s' if n_t != 1 else ''} (needs at least {r['projektskolor']})")
        if n_c < r["jamforelseskolor"]:
            sv.append(f"{n_c} jämförelseskolor ({name_sv} kräver minst {r['jamforelseskolor']})")
            en.append(f"{n_c} comparison schools (needs at least {r['jamforelseskolor']})")
        if pupils < r["elever"][src]:
            sv.append(f"{i18n.fmt_number(pupils, 0)} elever i projektskolorna ({name_sv} kräver minst "
                      f"{r['elever'][src]})")
            en.append(f"{i18n.fmt_number(pupils, 0, 'en')} pupils in the project schools (needs at least "
                      f"{r['elever'][src]})")
        if min(n_pre, n_post) < r["perioder"][src]:
            sv.append(f"{n_pre} {unit_sv} före och {n_post} efter ({name_sv} kräver minst {r['perioder'][src]})")
            en.append(f"{n_pre} {unit_en} before and {n_post} after (needs at least {r['perioder'][src]})")
        if pretrend_ok is False:
            sv.append("trenderna före start var inte parallella")
            en.append("the trends before the start were not parallel")
        elif pretrend_ok is None and r["pretrend_kravs"]:
            sv.append("trenderna före start kunde inte prövas")
            en.append("the trends before the start could not be tested")
        limit = measure.halfwidth_strong if level == "stark" else measure.halfwidth_moderate
        if not halfwidth <= limit:
            sv.append(f"intervallet ±{i18n.fmt_number(halfwidth)} procentenheter är bredare än "
                      f"±{i18n.fmt_number(limit)}")
            en.append(f"the interval ±{i18n.fmt_number(halfwidth, lang='en')} percentage points is wider "
                      f"than ±{i18n.fmt_number(limit, lang='en')}")
        return sv, en

    strong = failures("stark")
    if not strong[0]:
        return "stark", [], []
    moderate = failures("mattlig")
    if not moderate[0]:
        return "mattlig", *strong
    return "svag", *moderate


def _period_label(panel: _Panel, col: int) -> str:
    u = int(panel.units[col])
    return f"{_month_date(u):%Y-%m}" if panel.source == "franvaro" else reference.lasar_from_start(u)


def _comparison_text(design: _Design, kommun_namn: str, n_comp: int) -> tuple[str, str]:
    if design.rule == "kommun":
        return (f"Jämförelsen görs med {n_comp} skolor utan delprojekt i {kommun_namn}.",
                f"The comparison is with {n_comp} schools without a sub-project in {kommun_namn}.")
    return (f"I {kommun_namn} finns för få skolor utan delprojekt med fullständiga uppgifter "
            f"({design.n_same_kommun}), så jämförelsen görs med de {n_comp} skolor utan delprojekt vars "
            "nivå före start låg närmast projektskolornas.",
            f"{kommun_namn} has too few schools without a sub-project with complete data "
            f"({design.n_same_kommun}), so the comparison is with the {n_comp} schools without a "
            "sub-project whose level before the start was closest to the project schools'.")


def _estimate_measure(panel: _Panel, measure: Measure, design: _Design, kommun_namn: str, detail: bool
                      ) -> tuple[dict[str, Any], pd.DataFrame | None, pd.DataFrame | None]:
    """The estimate row, the chart series and the schools used, for one measure of one project."""
    rows = np.concatenate([design.treated, design.comparison])
    treated = np.r_[np.ones(len(design.treated), bool), np.zeros(len(design.comparison), bool)]
    used = np.concatenate([design.pre, design.post])
    pupils_by_unit = panel.pupils[np.ix_(rows, used)]
    weights = pupils_by_unit.mean(axis=1)
    pre_rate = _rate(panel, rows, design.pre)
    post_rate = _rate(panel, rows, design.post)
    limit = disclosure.min_pupils()
    min_t = float(pupils_by_unit[treated].sum(axis=0).min())
    min_c = float(pupils_by_unit[~treated].sum(axis=0).min())
    if min_t < limit or min_c < limit:
        raise _NoEstimate(f"Siffrorna bygger på färre än {limit} elever och visas inte.",
                          f"The figures rest on fewer than {limit} pupils and are not shown.")
    inf = did_inference(post_rate - pre_rate, treated, weights)

    def wmean(values: np.ndarray, mask: np.ndarray) -> float:
        return float(np.average(values[mask], weights=weights[mask]))

    # Parallel-trend check on the same schools.
    pretrend: Inference | None = None
    if design.placebo is not None:
        earlier, later = design.placebo
        if len(later):
            ok_rows = panel.ok[np.ix_(rows, np.concatenate([earlier, later]))].all(axis=1)
            if ok_rows.sum() and int(len(later)) >= PRETREND_MIN_MONTHS and treated[ok_rows].any() \
                    and (~treated[ok_rows]).sum() >= MIN_COMPARISON:
                r = rows[ok_rows]
                pretrend = did_inference(_rate(panel, r, later) - _rate(panel, r, earlier), treated[ok_rows],
                                         weights[ok_rows])
    elif panel.source == "behorighet" and len(design.pre) >= 2:
        years = panel.units[design.pre].astype(float)
        centred = years - years.mean()
        shares = 100 * panel.num[np.ix_(rows, design.pre)] / panel.den[np.ix_(rows, design.pre)]
        slope = shares @ centred / float((centred ** 2).sum())
        pretrend = did_inference(slope, treated, weights)

    n_t, n_c = len(design.treated), len(design.comparison)
    pupils_t = float(weights[treated].sum())
    halfwidth = (inf.ci_high - inf.ci_low) / 2
    pre_ok = None if pretrend is None else bool(pretrend.p_value >= ALPHA)
    code, why_sv, why_en = _evidence(measure, n_t, n_c, pupils_t, len(design.pre), len(design.post),
                                     halfwidth, pre_ok)
    text_sv, text_en = _comparison_text(design, kommun_namn, n_c)
    pre_sorted, post_sorted = np.sort(design.pre), np.sort(design.post)
    row = {
        "effekt": inf.estimate, "ki_lag": inf.ci_low, "ki_hog": inf.ci_high, "medelfel": inf.se,
        "frihetsgrader": inf.df, "p_varde": inf.p_value,
        "fore_projekt": wmean(pre_rate, treated), "efter_projekt": wmean(post_rate, treated),
        "fore_jamforelse": wmean(pre_rate, ~treated), "efter_jamforelse": wmean(post_rate, ~treated),
        "antal_projektskolor": n_t, "antal_jamforelseskolor": n_c,
        "antal_elever_projekt": round(pupils_t), "antal_elever_jamforelse": round(float(weights[~treated].sum())),
        "antal_fore": len(design.pre), "antal_efter": len(design.post),
        "period_enhet": "månad" if panel.source == "franvaro" else "läsår",
        "fore_fran": _period_label(panel, pre_sorted[0]), "fore_till": _period_label(panel, pre_sorted[-1]),
        "efter_fran": _period_label(panel, post_sorted[0]), "efter_till": _period_label(panel, post_sorted[-1]),
        "jamforelse": design.rule, "jamforelse_text": text_sv, "jamforelse_text_en": text_en,
        "pretrend_effekt": math.nan if pretrend is None else pretrend.estimate,
        "pretrend_p": math.nan if pretrend is None else pretrend.p_value, "pretrend_ok": pre_ok,
        "underlag_kod": code, "underlag": LEVELS[code][0], "underlag_en": LEVELS[code][1],
        "underlag_skal": "; ".join(why_sv), "underlag_skal_en": "; ".join(why_en),
    }
    if not detail:
        return row, None, None
    used_schools = pd.DataFrame({
        "matt": measure.code, "skolenhetskod": panel.codes[rows],
        "roll": np.where(treated, GROUP_PROJECT, GROUP_COMPARISON),
    })
    return row, _series(panel, measure, design), used_schools


def _series(panel: _Panel, measure: Measure, design: _Design) -> pd.DataFrame:
    """Group aggregates per month / läsår for the chart, protected against small counts.

    Besides the usual rule (a group of fewer than 10 pupils is withheld) the comparison group
    is withheld in a month when it is the kommun's schools without a project and the kommun's
    total, which other views show, minus both groups would leave fewer than 10 pupils: one
    subtraction would otherwise reveal a small school.
    """
    cols = np.concatenate([np.sort(design.pre), np.sort(design.post)])
    phase = np.r_[np.full(len(design.pre), PHASE_BEFORE, dtype=object), np.full(len(design.post), PHASE_AFTER, dtype=object)]
    units = panel.units[cols].astype(int)
    if panel.source == "franvaro":
        dates = [_month_date(u) for u in units]
    else:
        dates = [dt.date(u + 1, 6, 1) for u in units]
    labels = [_period_label(panel, c) for c in cols]
    parts = []
    limit = disclosure.min_pupils()
    kommun = np.ix_(design.kommun_rows, cols)
    kommun_total = np.where(panel.ok[kommun], panel.pupils[kommun], 0.0).sum(axis=0)
    shown = panel.pupils[np.ix_(design.treated, cols)].sum(axis=0) + panel.pupils[np.ix_(design.comparison, cols)].sum(axis=0)
    remainder = kommun_total - shown
    risky = (design.rule == "kommun") & (remainder > 0.5) & (remainder < limit)
    for grupp, rows in ((GROUP_PROJECT, design.treated), (GROUP_COMPARISON, design.comparison)):
        sub = np.ix_(rows, cols)
        pupils = panel.pupils[sub].sum(axis=0)
        if grupp == GROUP_COMPARISON:
            pupils = np.where(risky, np.nan, pupils)
        parts.append(pd.DataFrame({
            "matt": measure.code, "grupp": grupp, "fas": phase, "period": labels, "datum": dates,
            "varde": 100 * panel.num[sub].sum(axis=0) / panel.den[sub].sum(axis=0),
            "antal_elever": pupils,
        }))
    return disclosure.protect(pd.concat(parts, ignore_index=True), ["varde"], count="antal_elever")


def _empty_row(sv: str, en: str) -> dict[str, Any]:
    return {"underlag_kod": "for_lite", "underlag": LEVELS["for_lite"][0], "underlag_en": LEVELS["for_lite"][1],
            "underlag_skal": "", "underlag_skal_en": "", "anledning": sv, "anledning_en": en}


def _estimates_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows -> the RESULT_COLUMNS frame with stable dtypes (counts as nullable integers)."""
    frame = pd.DataFrame(rows).reindex(columns=RESULT_COLUMNS)
    for col in COUNT_COLUMNS:
        frame[col] = frame[col].astype("Int64")
    frame["pretrend_ok"] = frame["pretrend_ok"].astype(object)
    return frame


@dataclass
class _ProjectRows:
    rows: list[dict[str, Any]]
    series: list[pd.DataFrame]
    used: list[pd.DataFrame]
    start: dt.date
    end: dt.date
    status: str
    insatser: tuple[str, ...]
    codes: tuple[str, ...]


def _project_rows(inputs: Inputs, project: pd.Series, today: dt.date, detail: bool) -> _ProjectRows:
    """One row per measure for a project; with `detail`, also the chart series and schools used."""
    pid = str(project["projekt_id"])
    start, end = _as_date(project["start_datum"]), _as_date(project["slut_datum"])
    status = _status(start, end, today)
    links = inputs.project_schools
    codes = tuple(sorted(links.loc[links["projekt_id"] == pid, "skolenhetskod"].astype(str)))
    kinds = inputs.project_interventions
    insatser = tuple(sorted(kinds.loc[kinds["projekt_id"] == pid, "code"].astype(str)))
    excluded = inputs.project_school_codes
    base = {"projekt_id": pid, "namn": project["namn"], "kommun_kod": project["kommun_kod"],
            "kommun_namn": project["kommun_namn"], "start_datum": start, "slut_datum": end, "status": status,
            "insatser": ",".join(insatser)}
    out = _ProjectRows([], [], [], start, end, status, insatser, codes)
    for measure in MEASURES.values():
        row = {**base, "matt": measure.code, "matt_namn": measure.sv, "matt_namn_en": measure.en,
               "battre_nar": "lägre" if measure.better < 0 else "högre"}
        try:
            if status == STATUS_PLANNED:
                raise _NoEstimate(f"Planerat: startar {start.isoformat()}, inget att utvärdera ännu.",
                                  f"Planned: starts {start.isoformat()}, nothing to evaluate yet.")
            panel = inputs.panels.get(measure.code)
            if panel is None or not len(panel.units):
                raise _NoEstimate("Inga uppgifter för måttet i databasen.", "No data for this measure in the database.")
            design = _design(panel, codes, start, str(project["kommun_kod"]), excluded, inputs.school_kommun)
            values, chart, schools_used = _estimate_measure(panel, measure, design, str(project["kommun_namn"]),
                                                            detail)
            row.update(values, anledning="", anledning_en="")
            if detail:
                out.series.append(chart)
                out.used.append(schools_used)
        except _NoEstimate as why:
            row.update(_empty_row(why.sv, why.en))
        out.rows.append(row)
    return out


def _project(inputs: Inputs, project: pd.Series, today: dt.date) -> ProjectResult:
    r = _project_rows(inputs, project, today, detail=True)
    chart = (pd.concat(r.series, ignore_index=True) if r.series
             else pd.DataFrame(columns=["matt", "grupp", "fas", "period", "datum", "varde", "antal_elever",
                                        "varde_marker", "antal_elever_marker"]))
    schools = (pd.concat(r.used, ignore_index=True) if r.used
               else pd.DataFrame(columns=["matt", "skolenhetskod", "roll"]))
    return ProjectResult(str(project["projekt_id"]), str(project["namn"]), str(project["kommun_kod"]),
                         str(project["kommun_namn"]), r.start, r.end, r.status, r.insatser, r.codes,
                         _estimates_frame(r.rows), chart, schools)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def evaluate_all(source: Queryable | Inputs, today: dt.date | None = None) -> pd.DataFrame:
    """One row per sub-project and measure (RESULT_COLUMNS), in projekt_id order.

    Columns: the project (projekt_id, namn, kommun_kod, kommun_namn, start_datum, slut_datum,
    status planerat/pågår/avslutat, insatser as comma-separated codes); the measure (matt,
    matt_namn, matt_namn_en, battre_nar lägre/högre); the estimate in percentage points (effekt,
    ki_lag, ki_hog = 95 % interval, medelfel, frihetsgrader, p_varde); the four pupil-weighted
    levels behind it, so effekt = (efter_projekt - fore_projekt) - (efter_jamforelse -
    fore_jamforelse); the counts (antal_projektskolor, antal_jamforelseskolor, antal_elever_projekt
    and antal_elever_jamforelse = mean pupils per month for absence, mean leavers per läsår for
    eligibility, antal_fore / antal_efter = months or läsår in period_enhet, fore_fran..efter_till
    as '2023-01' or '2022/23'); the comparison rule (jamforelse kommun/liknande and a sentence in
    jamforelse_text / _en); the parallel-trend check (pretrend_effekt, pretrend_p, pretrend_ok
    True/False/None = not testable); the evidence (underlag_kod stark/mattlig/svag/for_lite,
    underlag, underlag_en, and in underlag_skal / _en which requirement of the next level
    failed); for rows without an estimate, the reason in anledning / anledning_en.

    `source` is a Database (anything with `query`) or the Inputs from `load_inputs`; `today`
    decides which projects have started (default: the real date).
    """
    inputs = _inputs(source)
    today = today or dt.date.today()
    rows = [row for _, p in inputs.projects.iterrows() for row in _project_rows(inputs, p, today, False).rows]
    return _estimates_frame(rows)


def evaluate_project(source: Queryable | Inputs, projekt_id: str, today: dt.date | None = None) -> ProjectResult:
    """Estimates and chart series for one sub-project; KeyError if there is no such project."""
    inputs = _inputs(source)
    match = inputs.projects[inputs.projects["projekt_id"] == projekt_id]
    if match.empty:
        raise KeyError(projekt_id)
    return _project(inputs, match.iloc[0], today or dt.date.today())


POOLED_COLUMNS = [
    "insats", "insats_namn", "insats_namn_en", "matt", "matt_namn", "matt_namn_en", "antal_delprojekt",
    "antal_delprojekt_typ", "effekt", "ki_lag", "ki_hog", "tau", "median", "lagsta", "hogsta",
    "underlag_kod", "underlag", "underlag_en", "underlag_skal", "underlag_skal_en",
]


def pool(estimates: np.ndarray, ses: np.ndarray) -> tuple[float, float, float, float]:
    """Random-effects pooled estimate (DerSimonian-Laird tau², Hartung-Knapp interval).

    Returns (estimate, ci_low, ci_high, tau). Why random effects: sub-projects differ in what
    they do and where, so their true effects differ; a fixed-effect pool would claim a
    precision the projects do not share. The modified Hartung-Knapp factor max(1, q) keeps the
    interval from being narrower than the plain random-effects one.
    """
    y, v = np.asarray(estimates, float), np.asarray(ses, float) ** 2
    k = len(y)
    w = 1 / v
    fixed = float((w * y).sum() / w.sum())
    q_stat = float((w * (y - fixed) ** 2).sum())
    c = float(w.sum() - (w ** 2).sum() / w.sum())
    tau2 = max(0.0, (q_stat - (k - 1)) / c) if c > 0 else 0.0
    ws = 1 / (v + tau2)
    mu = float((ws * y).sum() / ws.sum())
    q = float((ws * (y - mu) ** 2).sum() / (k - 1))
    se = math.sqrt(max(1.0, q) / float(ws.sum()))
    half = _t_quantile(1 - ALPHA / 2, k - 1) * se
    return mu, mu - half, mu + half, math.sqrt(tau2)


def by_intervention(source: Queryable | Inputs, results: pd.DataFrame | None = None,
                    today: dt.date | None = None) -> pd.DataFrame:
    """Pooled effect per intervention type and measure (POOLED_COLUMNS); see POOLING_METHOD_SV.

    Pass `results` (from evaluate_all) to avoid evaluating twice.
    """
    inputs = _inputs(source)
    results = evaluate_all(inputs, today) if results is None else results
    rows = []
    kinds = inputs.project_interventions
    for kind in inputs.interventions.itertuples():
        pids = set(kinds.loc[kinds["code"] == kind.code, "projekt_id"].astype(str))
        for measure in MEASURES.values():
            sub = results[results["projekt_id"].isin(pids) & (results["matt"] == measure.code)]
            est = sub[sub["effekt"].notna() & (sub["medelfel"] > 0)]
            k = len(est)
            row: dict[str, Any] = {
                "insats": kind.code, "insats_namn": kind.namn_sv, "insats_namn_en": kind.namn_en,
                "matt": measure.code, "matt_namn": measure.sv, "matt_namn_en": measure.en,
                "antal_delprojekt": k, "antal_delprojekt_typ": len(pids),
                "median": float(est["effekt"].median()) if k else math.nan,
                "lagsta": float(est["effekt"].min()) if k else math.nan,
                "hogsta": float(est["effekt"].max()) if k else math.nan,
            }
            if k < 2:
                code, why_sv, why_en = "for_lite", [f"{k} delprojekt med skattning (minst 2 krävs)"], \
                    [f"{k} sub-projects with an estimate (at least 2 needed)"]
                row.update(effekt=math.nan, ki_lag=math.nan, ki_hog=math.nan, tau=math.nan)
            else:
                mu, lo, hi, tau = pool(est["effekt"].to_numpy(), est["medelfel"].to_numpy())
                row.update(effekt=mu, ki_lag=lo, ki_hog=hi, tau=tau)
                good = int(est["underlag_kod"].isin(["stark", "mattlig"]).sum())
                code, why_sv, why_en = _pooled_evidence(measure, k, good, (hi - lo) / 2)
            row.update(underlag_kod=code, underlag=LEVELS[code][0], underlag_en=LEVELS[code][1],
                       underlag_skal="; ".join(why_sv), underlag_skal_en="; ".join(why_en))
            rows.append(row)
    return pd.DataFrame(rows, columns=POOLED_COLUMNS)


#: evaluation() results per (database token, day, disclosure limit); a file never changes under its token.
_EVALUATIONS: dict[tuple[str, dt.date, int], tuple[pd.DataFrame, pd.DataFrame]] = {}


def evaluation(db: dbmod.Database, today: dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(evaluate_all, by_intervention) for a Database as of `today`, remembered per file and day.

    Why remembered here: evaluating every sub-project takes about two seconds at national scale,
    and the Delprojekt page, the presentation and the deck all need the same result; it changes
    only with a new file (token) or a new day (which projects have started).
    """
    key = (db.token, today or dt.date.today(), disclosure.min_pupils())
    found = _EVALUATIONS.get(key)
    if found is None:
        inputs = load_inputs(db)
        results = evaluate_all(inputs, today=key[1])
        found = (results, by_intervention(inputs, results))
        if len(_EVALUATIONS) >= 4:
            _EVALUATIONS.clear()
        _EVALUATIONS[key] = found
    return found


def _pooled_evidence(measure: Measure, k: int, good: int, halfwidth: float) -> tuple[str, list[str], list[str]]:
    def failures(level: str) -> tuple[list[str], list[str]]:
        r = POOLED_THRESHOLDS[level]
        limit = measure.halfwidth_strong if level == "stark" else measure.halfwidth_moderate
        sv: list[str] = []
        en: list[str] = []
        if k < r["delprojekt"]:
            sv.append(f"{k} delprojekt med skattning ({LEVELS[level][0]} kräver minst {r['delprojekt']})")
            en.append(f"{k} sub-projects with an estimate (needs at least {r['delprojekt']})")
        if good < r["andel_minst_mattliga"] * k:
            sv.append(f"{good} av {k} delprojekt har minst måttligt underlag ({LEVELS[level][0]} kräver minst hälften)")
            en.append(f"{good} of {k} sub-projects have at least moderate evidence (needs at least half)")
        if not halfwidth <= limit:
            sv.append(f"intervallet ±{i18n.fmt_number(halfwidth)} procentenheter är bredare än "
                      f"±{i18n.fmt_number(limit)}")
            en.append(f"the interval ±{i18n.fmt_number(halfwidth, lang='en')} percentage points is wider than "
                      f"±{i18n.fmt_number(limit, lang='en')}")
        return sv, en

    strong = failures("stark")
    if not strong[0]:
        return "stark", [], []
    moderate = failures("mattlig")
    if not moderate[0]:
        return "mattlig", *strong
    return "svag", *moderate


# --------------------------------------------------------------------------------------------
# CLI: `python -m pluginnan_core evaluate --db PATH [--json]`
# --------------------------------------------------------------------------------------------


def add_cli(subparsers: Any) -> None:
    """Register the `evaluate` command on an argparse subparsers object (handler: args.func(args))."""
    p = subparsers.add_parser(
        "evaluate", help="utvärdera delprojekten (skillnad i förändring mot jämförelseskolor)",
        description="Skriver ut samma skattningar som sidan visar: effekt per delprojekt och mått med "
                    "95 %-intervall, underlag och antal, samt sammanvägt per insatstyp.")
    p.add_argument("--db", type=Path, default=None, help=f"databasfil (standard: ${dbmod.ENV_DB} eller "
                                                          f"{dbmod.DEFAULT_DB})")
    p.add_argument("--json", action="store_true", help="maskinläsbar JSON med vanliga tal")
    p.add_argument("--lang", choices=i18n.LANGS, default=i18n.DEFAULT_LANG, help="språk i textutskriften")
    p.set_defaults(func=run_cli)


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, dt.date | pd.Timestamp):
        return value.isoformat()[:10]
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: plain numbers, None for missing, ISO dates."""
    return [{k: _plain(v) for k, v in row.items()} for row in frame.astype(object).to_dict("records")]


def run_cli(args: argparse.Namespace) -> int:
    """The `evaluate` command: 0 on success, 2 when the database cannot be opened."""
    path = Path(args.db) if args.db else dbmod.default_path()
    try:
        database = dbmod.Database(path)
    except dbmod.DatabaseError as exc:
        print(i18n.t(f"db_{exc.code}", path=str(path)), file=sys.stderr)
        return 2
    try:
        inputs = load_inputs(database)
    finally:
        database.close()
    results = evaluate_all(inputs)
    pooled = by_intervention(inputs, results)
    if args.json:
        payload = {"delprojekt": records(results), "insatser": records(pooled),
                   "regler": records(evidence_rules("sv"))}
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_text(results, pooled, getattr(args, "lang", "sv")))
    return 0


def _num(value: Any, decimals: int, lang: str) -> str:
    """A number with a real minus sign, as in print ('−0,4'), and no sign on a rounded zero."""
    if value is None or pd.isna(value):
        return "."
    body = i18n.fmt_number(abs(float(value)), decimals, lang)
    return f"\u2212{body}" if float(value) < 0 and body.strip("0,.") else body


def _signed(value: float, decimals: int, lang: str) -> str:
    sign = "+" if value > 0 else ("\u2212" if value < 0 else "±")
    body = _num(abs(value), decimals, lang)
    if body.strip("0,.") == "":  # rounds to zero: no sign pretending a direction
        sign = "±"
    return f"{sign}{body} {'procentenheter' if lang == 'sv' else 'percentage points'}"


def _interval_text(row: dict[str, Any] | pd.Series, lang: str) -> str:
    decimals = MEASURES[row["matt"]].decimals if row["matt"] in MEASURES else 1
    ci = "95 % KI" if lang == "sv" else "95 % CI"
    to = "till" if lang == "sv" else "to"
    return (f"{_signed(float(row['effekt']), decimals, lang)} ({ci} {_num(row['ki_lag'], decimals, lang)} "
            f"{to} {_num(row['ki_hog'], decimals, lang)})")


def format_text(results: pd.DataFrame, pooled: pd.DataFrame, lang: str = "sv") -> str:
    """The CLI's human-readable report (decimal comma in Swedish)."""
    sv = lang != "en"
    out: list[str] = []
    for pid, rows in results.groupby("projekt_id", sort=True):
        first = rows.iloc[0]
        status = first["status"] if sv else {STATUS_PLANNED: "planned", STATUS_RUNNING: "running",
                                             STATUS_DONE: "finished"}[first["status"]]
        out.append(f"{pid} {first['namn']} ({first['kommun_namn']}, start {_plain(first['start_datum'])}, {status})")
        for _, r in rows.iterrows():
            name = r["matt_namn"] if sv else r["matt_namn_en"]
            label = r["underlag"] if sv else r["underlag_en"]
            if pd.isna(r["effekt"]):
                out.append(f"  {name}: {label}. {r['anledning'] if sv else r['anledning_en']}")
                continue
            unit = (("mån", "months") if r["period_enhet"] == "månad" else ("läsår", "school years"))[0 if sv else 1]
            n_t, n_c = int(r["antal_projektskolor"]), int(r["antal_jamforelseskolor"])
            pupils = i18n.fmt_number(r["antal_elever_projekt"], 0, lang)
            yearly = r["period_enhet"] == "läsår"
            who = ("avgångselever per läsår" if yearly else "elever") if sv else \
                ("leavers per school year" if yearly else "pupils")
            counts = (f"{n_t} projektskol{'a' if n_t == 1 else 'or'}, {n_c} jämförelseskolor, {pupils} {who}; "
                      f"{int(r['antal_fore'])} {unit} före, {int(r['antal_efter'])} efter") if sv else \
                     (f"{n_t} project school{'s' if n_t != 1 else ''}, {n_c} comparison schools, {pupils} {who}; "
                      f"{int(r['antal_fore'])} {unit} before, {int(r['antal_efter'])} after")
            out.append(f"  {name}: {_interval_text(r, lang)}; {counts}; {label}")
        out.append("")
    out.append("Per insatstyp" if sv else "By intervention type")
    for _, r in pooled.iterrows():
        name = f"{r['insats_namn'] if sv else r['insats_namn_en']} – {r['matt_namn'] if sv else r['matt_namn_en']}"
        label = r["underlag"] if sv else r["underlag_en"]
        k = int(r["antal_delprojekt"])
        if pd.isna(r["effekt"]):
            out.append(f"  {name}: {label} ({k} delprojekt)" if sv else f"  {name}: {label} ({k} sub-projects)")
            continue
        dec = MEASURES[r["matt"]].decimals if r["matt"] in MEASURES else 1
        spread = (f"median {_num(r['median'], dec, lang)} ({'lägsta' if sv else 'lowest'} "
                  f"{_num(r['lagsta'], dec, lang)}, {'högsta' if sv else 'highest'} {_num(r['hogsta'], dec, lang)})")
        out.append(f"  {name}: {_interval_text(r, lang)}; {k} {'delprojekt' if sv else 'sub-projects'}, "
                   f"{spread}; {label}")
    out += ["", rules_text(lang), ""]
    return "\n".join(out)
