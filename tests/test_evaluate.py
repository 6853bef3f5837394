# Tests of the sub-project evaluation: is the difference-in-differences estimate honest?
# Known effects are injected with the demo generator's own absence and eligibility models on a
# small set of schools (fast), and the real evaluate.py code has to find them.
"""Honesty tests for pluginnan_core.evaluate.

Why a small generator instead of demo.build per seed: the coverage check needs hundreds of
independent data sets; one region build takes half a second, a handful of schools through the
same demo internals (`demo._absence`, `demo._eligibility`) a few milliseconds. The estimator is
always the real one: the tests build `evaluate.Inputs` (what `load_inputs` returns) and call
the public functions. The SQL loading, the CLI and the runtime are tested on a real region
demo database.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pluginnan_core import demo, disclosure, evaluate
from pluginnan_core.db import Database

# demo._eligibility divides by a group of zero pupils in tiny subsets (harmless: NaN meritvärde).
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered in divide:RuntimeWarning")

TODAY = dt.date(2026, 11, 1)
KOMMUN_A, KOMMUN_B, KOMMUN_POOL = "1440", "1441", "1462"
STARTS = [dt.date(2021, 1, 1), dt.date(2021, 8, 1), dt.date(2022, 1, 1), dt.date(2022, 8, 1),
          dt.date(2023, 1, 1), dt.date(2023, 8, 1), dt.date(2024, 1, 1)]
ABSENCE_MEASURES = ["franvaro_pct", "ogiltig_pct", f"andel_over{evaluate.THRESHOLD}"]
ALL_MEASURES = [*ABSENCE_MEASURES, "behorig_yrk"]


# --------------------------------------------------------------------------------------------
# A small, fast panel from the demo generator's own models
# --------------------------------------------------------------------------------------------


def scenario(seed: int, *, absence_pts: float = 0.0, eligibility_pts: float = 0.0,
             n_same: tuple[int | None, int | None] = (None, None), n_pool: int | None = None,
             second_school: bool | None = None, start: dt.date | None = None) -> evaluate.Inputs:
    """Two sub-projects: P1 in kommun A with the given effects, P2 in kommun B with none.

    Each kommun has its project's åk9 school, sometimes an F-6 school in the project too, and
    `n_same` other schools; `n_pool` schools in a third kommun are there for the nearest-level
    fallback. Levels, trends, seasons, pandemic years and noise are the demo generator's.
    """
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []

    def add(kommun: str, ak9: bool) -> None:
        rows.append({"skolenhetskod": f"{len(rows) + 1:08d}", "kommun_kod": kommun, "ak9": ak9})

    plan = {}
    for pid, kommun, n in (("P1", KOMMUN_A, n_same[0]), ("P2", KOMMUN_B, n_same[1])):
        n = int(rng.integers(0, 11)) if n is None else n
        two = bool(rng.random() < 0.4) if second_school is None else second_school
        first = len(rows)
        add(kommun, True)  # the project's åk9 school is chosen below among these
        for _ in range(n):
            add(kommun, bool(rng.random() < 0.6))
        if two:
            add(kommun, False)
        plan[pid] = (kommun, first, two, start or STARTS[int(rng.integers(len(STARTS)))])
    for _ in range(int(rng.integers(3, 12)) if n_pool is None else n_pool):
        add(KOMMUN_POOL, bool(rng.random() < 0.6))
    schools = pd.DataFrame(rows)

    projects, links, truth = [], [], []
    for pid, (kommun, first, two, begin) in plan.items():
        here = schools[schools["kommun_kod"] == kommun]
        treated = [str(schools.loc[first, "skolenhetskod"])]
        if two:
            treated.append(str(here["skolenhetskod"].iloc[-1]))
        a, e = (absence_pts, eligibility_pts) if pid == "P1" else (0.0, 0.0)
        projects.append({"projekt_id": pid, "namn": f"Projekt {pid}", "kommun_kod": kommun,
                         "kommun_namn": f"Kommun {kommun}", "start_datum": pd.Timestamp(begin),
                         "slut_datum": pd.Timestamp(dt.date(begin.year + 2, 6, 30))})
        for code in treated:
            links.append({"projekt_id": pid, "skolenhetskod": code})
            truth.append({"projekt_id": pid, "skolenhetskod": code, "start_datum": begin,
                          "absence_pts": a, "eligibility_pts": e})
    truth_df = pd.DataFrame(truth)
    elig, _, level = demo._eligibility(schools, np.random.default_rng(seed + 1), truth_df)
    elig_level = dict(zip(schools.loc[schools["ak9"], "skolenhetskod"], level, strict=True))
    absence, threshold = demo._absence(schools, elig_level, rng, truth_df)
    a_all = absence[absence["grupp"] == "alla"]
    t15 = threshold[(threshold["grupp"] == "alla") & (threshold["troskel_pct"] == evaluate.THRESHOLD)]
    a_all = a_all.merge(t15[["skolenhetskod", "manad", "antal_over"]], on=["skolenhetskod", "manad"], how="left")
    return evaluate.Inputs(
        projects=pd.DataFrame(projects),
        project_schools=pd.DataFrame(links),
        project_interventions=pd.DataFrame({"projekt_id": ["P1", "P2"], "code": ["mentorskap", "mentorskap"]}),
        schools=schools[["skolenhetskod", "kommun_kod"]],
        absence=a_all[["skolenhetskod", "manad", "antal_elever", "schemalagd_min", "franvaro_min",
                       "ogiltig_min", "antal_over"]],
        eligibility=elig.loc[elig["grupp"] == "alla", ["skolenhetskod", "lasar", "antal_elever", "behorig_yrk",
                                                       "behorig_yrk_marker"]].reset_index(drop=True),
    )


def covers(row: pd.Series, value: float) -> bool:
    return bool(row["ki_lag"] <= value <= row["ki_hog"])


# --------------------------------------------------------------------------------------------
# Coverage: the 95 % interval holds the injected effect (and zero when there is none)
# --------------------------------------------------------------------------------------------

N_SEEDS = 200


def test_interval_covers_injected_effect_and_zero() -> None:
    started = time.perf_counter()
    hits: dict[str, list[bool]] = {f"P1 {m}": [] for m in ("franvaro_pct", "behorig_yrk")}
    hits.update({f"P2 {m}": [] for m in ALL_MEASURES})
    pretrend_flags: list[bool] = []
    widths: list[float] = []
    for seed in range(N_SEEDS):
        rng = np.random.default_rng(10_000 + seed)
        a_pts, e_pts = float(rng.uniform(-2.0, 0.5)), float(rng.uniform(-1.0, 5.0))
        res = evaluate.evaluate_all(scenario(seed, absence_pts=a_pts, eligibility_pts=e_pts), TODAY)
        res = res.set_index(["projekt_id", "matt"])
        for m, truth in (("franvaro_pct", a_pts), ("behorig_yrk", e_pts)):
            row = res.loc[("P1", m)]
            if pd.notna(row["effekt"]):
                hits[f"P1 {m}"].append(covers(row, truth))
                if m == "franvaro_pct":
                    widths.append(float(row["ki_hog"] - row["ki_lag"]))
        for m in ALL_MEASURES:
            row = res.loc[("P2", m)]
            if pd.notna(row["effekt"]):
                hits[f"P2 {m}"].append(covers(row, 0.0))
                if row["pretrend_ok"] is not None:
                    pretrend_flags.append(row["pretrend_ok"] is False)
    elapsed = time.perf_counter() - started
    rates = {k: (float(np.mean(v)), len(v)) for k, v in hits.items()}
    print(f"\ncoverage over {N_SEEDS} seeds in {elapsed:.1f} s: "
          + ", ".join(f"{k} {r:.3f} (n={n})" for k, (r, n) in rates.items())
          + f"; pre-trend false alarms {np.mean(pretrend_flags):.3f} (n={len(pretrend_flags)})"
          + f"; mean 95 % width, total absence {np.mean(widths):.2f} pp")
    for key, (rate, n) in rates.items():
        assert n >= 100, f"{key}: only {n} estimates"
        assert rate >= 0.90, f"{key}: the 95 % interval covered the truth in only {rate:.1%} of {n} cases"
    assert np.mean(pretrend_flags) <= 0.12  # a 5 % test should not cry wolf much more often


def test_clustered_se_alone_would_not_be_honest() -> None:
    """Why evaluate.py does not rely on the clustered standard error: with one or two project
    schools it is far too small. This documents the reason for the max-of-three rule."""
    covered_cluster, covered_used = [], []
    original = evaluate.did_inference
    seen: list[evaluate.Inference] = []

    def spy(contrast, treated, weights):  # noqa: ANN001, ANN202 (test spy with the same signature)
        result = original(contrast, treated, weights)
        seen.append(result)
        return result

    evaluate.did_inference = spy
    try:
        for seed in range(50):
            a_pts = float(np.random.default_rng(seed).uniform(-2.0, 0.5))
            inputs = scenario(500 + seed, absence_pts=a_pts, n_same=(8, 0), n_pool=0)
            seen.clear()
            row = evaluate.evaluate_all(inputs, TODAY).set_index(["projekt_id", "matt"]).loc[("P1", "franvaro_pct")]
            if pd.isna(row["effekt"]):
                continue
            main = seen[0]  # the first inference of P1 is total absence
            q = (main.ci_high - main.estimate) / main.se
            covered_cluster.append(abs(main.estimate - a_pts) <= q * main.se_cluster)
            covered_used.append(covers(row, a_pts))
    finally:
        evaluate.did_inference = original
    print(f"\nclustered SE alone: {np.mean(covered_cluster):.2f}, as used: {np.mean(covered_used):.2f} "
          f"(n={len(covered_used)})")
    # 50 data sets: the authoritative >= 90 % check is the 220-seed test above
    assert np.mean(covered_cluster) < 0.8 and np.mean(covered_used) >= 0.85


# --------------------------------------------------------------------------------------------
# The collapsed regression is the two-way fixed-effects regression
# --------------------------------------------------------------------------------------------


def test_estimate_equals_two_way_fixed_effects_regression() -> None:
    inputs = scenario(7, absence_pts=-1.0, n_same=(6, 2), second_school=True, start=dt.date(2022, 8, 1))
    result = evaluate.evaluate_project(inputs, "P1", TODAY)
    row = result.estimates.set_index("matt").loc["franvaro_pct"]
    used = result.schools_used[result.schools_used["matt"] == "franvaro_pct"]
    series = result.series[(result.series["matt"] == "franvaro_pct") & (result.series["grupp"] == "projekt")]
    months = {pd.Timestamp(d): fas == "efter" for d, fas in zip(series["datum"], series["fas"], strict=True)}
    panel = inputs.absence[inputs.absence["skolenhetskod"].isin(used["skolenhetskod"])].copy()
    panel["manad"] = pd.to_datetime(panel["manad"])
    panel = panel[panel["manad"].isin(list(months))]
    panel["rate"] = 100 * panel["franvaro_min"] / panel["schemalagd_min"]
    treated = set(used.loc[used["roll"] == "projekt", "skolenhetskod"])
    panel["d"] = panel["skolenhetskod"].isin(treated) & panel["manad"].map(months).astype(bool)
    panel["d"] = panel["d"].astype(float)
    # Weights = pupils x scheduled days (scheduled minutes): pupils per school, months as scheduled.
    fit = smf.wls("rate ~ C(skolenhetskod) + C(manad) + d", data=panel, weights=panel["schemalagd_min"]).fit()
    assert fit.params["d"] == pytest.approx(row["effekt"], abs=1e-8)
    assert int(row["antal_fore"]) == int(row["antal_efter"]) == len(months) // 2


# --------------------------------------------------------------------------------------------
# Few schools: weak evidence or none; labels follow the written rules
# --------------------------------------------------------------------------------------------


FEW = st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)).filter(lambda t: sum(t) <= 4)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), counts=FEW)
def test_few_schools_give_weak_evidence_or_none(seed: int, counts: tuple[int, int, int]) -> None:
    """At most four schools without a project anywhere: never more than weak evidence."""
    n_a, n_b, n_pool = counts
    others = n_a + n_b + n_pool
    res = evaluate.evaluate_all(scenario(seed, absence_pts=-1.0, n_same=(n_a, n_b), n_pool=n_pool), TODAY)
    assert set(res["underlag_kod"]) <= {"svag", "for_lite"}
    assert (res["antal_jamforelseskolor"].dropna() <= others).all()
    if others < evaluate.MIN_COMPARISON:
        assert res["effekt"].isna().all()
        assert (res["underlag"] == "för lite data").all()
        assert res["anledning"].str.len().gt(0).all()


def test_labels_are_the_written_rules() -> None:
    strong = evaluate.EVIDENCE_THRESHOLDS["stark"]
    measure = evaluate.MEASURES["franvaro_pct"]
    ok = dict(n_t=strong["projektskolor"], n_c=strong["jamforelseskolor"], pupils=strong["elever"]["franvaro"],
              n_pre=strong["perioder"]["franvaro"], n_post=strong["perioder"]["franvaro"],
              halfwidth=measure.halfwidth_strong, pretrend_ok=True)
    assert evaluate._evidence(measure, **ok)[0] == "stark"
    assert evaluate._evidence(measure, **{**ok, "pretrend_ok": None})[0] == "mattlig"
    assert evaluate._evidence(measure, **{**ok, "n_t": 1})[0] == "mattlig"
    code, why_sv, why_en = evaluate._evidence(measure, **{**ok, "n_c": 3})
    assert code == "svag" and "3 jämförelseskolor" in why_sv[0] and why_en
    assert evaluate._evidence(measure, **{**ok, "pretrend_ok": False})[0] == "svag"
    assert evaluate._evidence(measure, **{**ok, "halfwidth": 2.5})[0] == "svag"
    rules = evaluate.evidence_rules()
    assert list(rules["etikett"]) == ["starkt underlag", "måttligt underlag", "svagt underlag", "för lite data"]
    assert list(evaluate.evidence_rules("en")["etikett"]) == ["strong evidence", "moderate evidence",
                                                               "weak evidence", "too little data"]
    text = evaluate.rules_text()
    assert all(label in text for label in rules["etikett"]) and "1,0" in text
    assert "Jämförelseskolor" in evaluate.COMPARISON_RULE_SV


def test_diverging_trend_before_start_is_flagged() -> None:
    flagged = []
    for seed in range(15):
        inputs = scenario(900 + seed, absence_pts=-1.0, n_same=(10, 0), n_pool=0, second_school=False,
                          start=dt.date(2023, 8, 1))
        treated = inputs.project_schools.loc[inputs.project_schools["projekt_id"] == "P1", "skolenhetskod"]
        a = inputs.absence
        rows = a["skolenhetskod"].isin(treated)
        months = (pd.to_datetime(a["manad"]) - pd.Timestamp("2019-08-01")).dt.days / 30.4
        extra = (0.0008 * months * a["schemalagd_min"]).where(rows, 0.0)  # +1 pp per year at P1
        inputs = dataclasses.replace(inputs, absence=a.assign(franvaro_min=a["franvaro_min"] + extra))
        row = evaluate.evaluate_all(inputs, TODAY).set_index(["projekt_id", "matt"]).loc[("P1", "franvaro_pct")]
        flagged.append(row["pretrend_ok"] is False)
        if row["pretrend_ok"] is False:
            assert "inte parallella" in row["underlag_skal"] and row["underlag_kod"] == "svag"
    assert np.mean(flagged) >= 0.8


# --------------------------------------------------------------------------------------------
# Data rules: planned projects, markers, disclosure
# --------------------------------------------------------------------------------------------


def test_planned_and_too_recent_projects_get_a_reason_not_a_number() -> None:
    inputs = scenario(3, start=dt.date(2024, 1, 1))
    planned = inputs.projects.assign(start_datum=pd.Timestamp("2027-01-01"), slut_datum=pd.Timestamp("2028-06-30"))
    inputs = dataclasses.replace(inputs, projects=planned)
    res = evaluate.evaluate_all(inputs, TODAY)
    assert res["effekt"].isna().all() and (res["status"] == "planerat").all()
    assert res["anledning"].str.startswith("Planerat").all()
    assert res["anledning_en"].str.startswith("Planned").all()
    # Started in August 2024: absence has a school year after, eligibility no leavers yet.
    late = scenario(4, start=dt.date(2024, 8, 1), n_same=(6, 6))
    res = evaluate.evaluate_all(late, TODAY).set_index(["projekt_id", "matt"])
    assert pd.notna(res.loc[("P1", "franvaro_pct"), "effekt"])
    assert res.loc[("P1", "franvaro_pct"), "antal_efter"] == 11
    assert pd.isna(res.loc[("P1", "behorig_yrk"), "effekt"])
    assert "2024/25" in res.loc[("P1", "behorig_yrk"), "anledning"]


def test_eligibility_markers_are_handled_honestly() -> None:
    inputs = scenario(5)
    elig = pd.DataFrame({
        "skolenhetskod": ["00000001", "00000002", "00000003"],
        "lasar": ["2018/19"] * 3,
        "antal_elever": [40.0, np.nan, 50.0],
        "behorig_yrk": [np.nan, np.nan, 80.0],
        "behorig_yrk_marker": ["~100", "..", None],
    })
    inputs = dataclasses.replace(inputs, eligibility=elig)
    panel = inputs.panels["behorig_yrk"]
    num = dict(zip(panel.codes, panel.num[:, 0], strict=True))
    assert num["00000001"] == pytest.approx(40 - evaluate.TILDE100_LACKING)  # 1-4 lacking: 2.5 assumed
    assert np.isnan(num["00000002"])  # '..' is left out, never a zero
    assert num["00000003"] == pytest.approx(40.0)
    assert not panel.ok[panel.row["00000002"], 0]


def test_estimates_from_fewer_than_ten_pupils_are_withheld() -> None:
    inputs = scenario(6, n_same=(6, 6), second_school=False)
    treated = inputs.project_schools.loc[inputs.project_schools["projekt_id"] == "P1", "skolenhetskod"]
    a = inputs.absence
    rows = a["skolenhetskod"].isin(treated)
    inputs = dataclasses.replace(inputs, absence=a.assign(antal_elever=a["antal_elever"].where(~rows, 8)))
    res = evaluate.evaluate_all(inputs, TODAY).set_index(["projekt_id", "matt"])
    row = res.loc[("P1", "franvaro_pct")]
    assert pd.isna(row["effekt"]) and pd.isna(row["fore_projekt"]) and "färre än 10" in row["anledning"]
    assert pd.notna(res.loc[("P2", "franvaro_pct"), "effekt"])


def test_comparison_series_cannot_be_subtracted_from_the_kommun_total() -> None:
    """kommun total - project - comparison must not reveal a small school left out of both."""
    inputs = scenario(8, n_same=(6, 6), second_school=False, start=dt.date(2022, 8, 1))
    links = set(inputs.project_schools["skolenhetskod"])
    small = next(c for c in inputs.schools.loc[inputs.schools["kommun_kod"] == KOMMUN_A, "skolenhetskod"]
                 if c not in links)
    a = inputs.absence
    months = pd.to_datetime(a["manad"])
    gone = (a["skolenhetskod"] == small) & (months == pd.Timestamp("2023-03-01"))  # incomplete: not a comparison
    a = a[~gone].assign(antal_elever=a["antal_elever"].where(a["skolenhetskod"] != small, 5))
    project = evaluate.evaluate_project(dataclasses.replace(inputs, absence=a), "P1", TODAY)
    used = project.schools_used[project.schools_used["matt"] == "franvaro_pct"]
    assert small not in set(used["skolenhetskod"])
    comp = project.series[(project.series["matt"] == "franvaro_pct") & (project.series["grupp"] == "jamforelse")]
    withheld = comp["varde_marker"].eq(disclosure.WITHHELD)
    assert withheld.sum() == len(comp) - 1  # every month where the small school reported
    assert comp.loc[~withheld, "period"].tolist() == ["2023-03"]
    assert not disclosure.is_disclosive(project.series, ["varde"])


# --------------------------------------------------------------------------------------------
# Pooling per intervention type
# --------------------------------------------------------------------------------------------


def test_pooling_is_random_effects_and_never_narrower_than_its_parts_allow() -> None:
    mu, lo, hi, tau = evaluate.pool(np.array([-1.0, -1.0, -1.0]), np.array([0.2, 0.2, 0.2]))
    assert mu == pytest.approx(-1.0) and tau == 0.0 and lo < -1.0 < hi
    # the same three estimates, now far apart: tau > 0 and a wider interval
    mu2, lo2, hi2, tau2 = evaluate.pool(np.array([-2.0, -1.0, 0.0]), np.array([0.2, 0.2, 0.2]))
    assert tau2 > 0 and (hi2 - lo2) > (hi - lo)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("evaluate") / "demo.duckdb"
    demo.write(demo.build("region", 2017), path, scale="region", seed=2017)
    return path


def test_region_demo_is_fast_and_complete(demo_db: Path) -> None:
    database = Database(demo_db)
    started = time.perf_counter()
    results = evaluate.evaluate_all(database)
    pooled = evaluate.by_intervention(database, results)
    elapsed = time.perf_counter() - started
    print(f"\nregion demo: load + evaluate_all + by_intervention in {elapsed:.2f} s")
    assert elapsed < 15
    assert list(results.columns) == evaluate.RESULT_COLUMNS
    assert len(results) == 30 * len(evaluate.MEASURES)
    planned = results[results["status"] == "planerat"]
    assert len(planned) == 3 * len(evaluate.MEASURES) and planned["effekt"].isna().all()
    estimated = results[results["effekt"].notna()]
    assert len(estimated) >= 0.7 * len(results)
    assert (estimated["ki_lag"] <= estimated["effekt"]).all() and (estimated["effekt"] <= estimated["ki_hog"]).all()
    assert (estimated["antal_jamforelseskolor"] >= evaluate.MIN_COMPARISON).all()
    assert (estimated["antal_elever_projekt"] >= disclosure.min_pupils()).all()
    assert not (estimated["underlag_kod"].eq("stark") & estimated["antal_projektskolor"].lt(3)).any()
    # DiD identity: the levels shown explain the effect exactly
    recomputed = (estimated["efter_projekt"] - estimated["fore_projekt"]
                  - (estimated["efter_jamforelse"] - estimated["fore_jamforelse"]))
    assert np.allclose(recomputed, estimated["effekt"])
    assert list(pooled.columns) == evaluate.POOLED_COLUMNS
    assert set(pooled["insats"]) == set(evaluate.reference.INTERVENTIONS)
    assert pooled["underlag"].isin([v[0] for v in evaluate.LEVELS.values()]).all()
    # the demo's mean absence effect is -0.8 pp: the pooled estimates should point that way
    total = pooled[pooled["matt"] == "franvaro_pct"]
    assert (total["effekt"] < 0).mean() >= 0.5


def test_project_series_are_protected(demo_db: Path) -> None:
    database = Database(demo_db)
    results = evaluate.evaluate_all(database)
    pid = results.loc[results["effekt"].notna(), "projekt_id"].iloc[0]
    project = evaluate.evaluate_project(database, pid)
    assert project.projekt_id == pid and len(project.estimates) == len(evaluate.MEASURES)
    series = project.series
    assert set(series["grupp"]) == {"projekt", "jamforelse"} and set(series["fas"]) == {"före", "efter"}
    assert "varde_marker" in series and not disclosure.is_disclosive(series, ["varde"])
    assert set(project.schools_used["roll"]) == {"projekt", "jamforelse"}
    pd.testing.assert_frame_equal(project.estimates.reset_index(drop=True),
                                  results[results["projekt_id"] == pid].reset_index(drop=True), check_dtype=False)
    with pytest.raises(KeyError):
        evaluate.evaluate_project(database, "finns-inte")


def _cli(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pluginnan_core")
    evaluate.add_cli(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_cli_json_equals_evaluate_all(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _cli(["evaluate", "--db", str(demo_db), "--json"])
    assert args.func(args) == 0
    payload = json.loads(capsys.readouterr().out)
    database = Database(demo_db)
    results = evaluate.evaluate_all(database)
    assert payload["delprojekt"] == evaluate.records(results)
    assert payload["insatser"] == evaluate.records(evaluate.by_intervention(database, results))
    assert [r["kod"] for r in payload["regler"]] == ["stark", "mattlig", "svag", "for_lite"]
    first = next(r for r in payload["delprojekt"] if r["effekt"] is not None)
    assert isinstance(first["effekt"], float) and isinstance(first["antal_projektskolor"], int)


def test_cli_text_is_swedish_with_decimal_comma(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _cli(["evaluate", "--db", str(demo_db)])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "procentenheter" in out and "95 % KI" in out and "Planerat" in out
    assert re.search(r"95 % KI \u2212?\d+,\d+ till \u2212?\d+,\d+", out)
    assert "jämförelseskolor" in out and "underlag" in out
    missing = _cli(["evaluate", "--db", str(demo_db.parent / "saknas.duckdb")])
    assert missing.func(missing) == 2


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=2, max_value=40), st.integers(min_value=0, max_value=10_000))
def test_wls_slope_equals_statsmodels(n: int, seed: int) -> None:
    """The server's regression (numpy, no statsmodels import) gives statsmodels' WLS slope and its
    classical and HC1 standard errors (none with only two schools)."""
    import statsmodels.api as sm

    rng = np.random.default_rng(seed)
    y = rng.normal(size=n) * rng.uniform(0.1, 10)
    treated = np.zeros(n)
    treated[: rng.integers(1, n)] = 1.0
    w = rng.uniform(5, 300, size=n)
    model = sm.WLS(y, sm.add_constant(treated, has_constant="add"), weights=w)
    with np.errstate(divide="ignore", invalid="ignore"):  # two schools: statsmodels divides by zero
        fit, robust = model.fit(), model.fit(cov_type="HC1")
        expected = fit.params[1], fit.bse[1], robust.bse[1]  # computed lazily: inside the block
    slope, se_classic, se_hc1 = evaluate._wls_slope(y, treated, w)
    assert np.isclose(slope, expected[0], rtol=1e-7, atol=1e-10)
    if n == 2:  # no degrees of freedom: no standard error (statsmodels says nan or inf, by rounding)
        assert not np.isfinite(expected[1]) and np.isnan(se_classic) and np.isnan(se_hc1)
    else:
        assert np.allclose([se_classic, se_hc1], expected[1:], rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("df", [*range(1, 41), 60, 100, 250, 1_000, 1_700, 5_000, 100_000])
def test_student_t_equals_scipy(df: int) -> None:
    """The server's Student's t p-value and 95 % quantile (plain Python, no scipy import) give
    scipy.special's stdtr and stdtrit, from the centre to far in the tail."""
    from scipy import special

    for t in (0.0, 0.05, 0.5, 1.0, 1.96, 2.5, 4.0, 10.0, 40.0, 1e3, -3.0):
        expected = 2 * special.stdtr(df, -abs(t))
        assert np.isclose(evaluate._t_two_sided_p(t, df), expected, rtol=1e-9, atol=1e-300), t
    for p in (0.6, 0.9, 0.975, 0.995, 0.9995):
        assert np.isclose(evaluate._t_quantile(p, df), special.stdtrit(df, p), rtol=1e-9), p


def test_student_t_near_zero_matches_the_closed_form() -> None:
    """With one degree of freedom (Cauchy) P(|T| >= t) = 1 - 2 atan(t) / pi exactly, also for a
    tiny t where 1 - x rounds away (scipy itself is off by 3e-9 there)."""
    for t in (1e-12, 1e-8, 1e-4, 0.3):
        assert np.isclose(evaluate._t_two_sided_p(t, 1), 1 - 2 * np.arctan(t) / np.pi, rtol=1e-13)
