# Disclosure, proven: Hypothesis draws filter selections (kommuner, förbund, years, kön, measure,
# threshold, language) on demo databases with MANY small schools, runs every view and checks that
# no figure about fewer than 10 pupils is shown in data, tables, charts, sentences, tiles, CSV, XLSX
# or the PPTX deck, directly or as a total minus its shown parts.
"""Property-based disclosure audit (harness: tests/trust/disclosure.py, tests/trust/views.py)."""

from __future__ import annotations

import io
import os
from unittest import mock

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pluginnan_core import disclosure, queries, reference
from pluginnan_core.db import Database
from tests.trust import disclosure as audit_mod
from tests.trust.smalldb import VARIANTS, build_small
from tests.trust.views import Choice, view_functions

#: Selections per run; benchmarks/trust.py runs many more (TRUST_EXAMPLES overrides).
EXAMPLES = int(os.environ.get("TRUST_EXAMPLES", "10"))
MEASURES = [*queries.ELIGIBILITY_MEASURES, *queries.ABSENCE_MEASURES, "andel_over_15"]
AUDITS: dict[int, audit_mod.Audit] = {}


@pytest.fixture(scope="module")
def small_dbs(tmp_path_factory: pytest.TempPathFactory) -> list[Database]:
    out = []
    for seed, factor, dropped in VARIANTS:
        path = build_small(tmp_path_factory.mktemp("small") / f"small-{seed}.duckdb", seed, factor, dropped)
        out.append(Database(path))
    return out


def audit_for(db: Database) -> audit_mod.Audit:
    key = id(db)
    if key not in AUDITS:
        AUDITS[key] = audit_mod.Audit(audit_mod.load_truth(db))
    return AUDITS[key]


def small_kommuner(audit: audit_mod.Audit) -> list[str]:
    """Kommuner with some figure below the limit: where differencing attacks aim."""
    return sorted({k[1] for k, n in audit.truth.n.items() if k[0] == "elig" and len(k[1]) == 4
                   and k[1] in reference.REGION_KOMMUNER and (n != n or n < audit.truth.limit)})


def test_the_databases_really_have_small_groups(small_dbs) -> None:
    for db in small_dbs:
        withheld = db.scalar("SELECT count(*) FROM eligibility_school WHERE antal_elever_marker = '..'")
        tiny = db.scalar("SELECT count(*) FROM absence_month WHERE antal_elever < 10")
        assert withheld > 300 and tiny > 500, (withheld, tiny)
        assert len(small_kommuner(audit_for(db))) >= 5


#: derandomize: the same selections on every run, so CI's verdict does not depend on the draw;
#: benchmarks/trust.py draws fresh ones. FIXED LEAK (found by a random draw on 22 November, small-
#: school demo, seed 11): kommun 1447's flickor for 2024/25 (5 pupils) followed by subtraction. Route:
#: the kommun table withheld 1446's and 1498's pojkar as parts of Skaraborg, but the school table
#: showed their only schools' pojkar; Skaraborg pojkar minus the shown kommuner then gave 1447's
#: pojkar, and 1447's alla minus that its flickor. The core now protects the levels top-down (a
#: total withheld in its own table keeps a part withheld in the table of its parts, alla included);
#: tests/test_disclosure_regression.py replays the route with explicit selections.
@settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
def test_no_view_shows_a_figure_about_fewer_than_10_pupils(small_dbs, data) -> None:
    db = data.draw(st.sampled_from(small_dbs), label="database")
    audit = audit_for(db)
    codes = list(reference.REGION_KOMMUNER)
    years = queries.all_years(db)
    pool = st.sampled_from(small_kommuner(audit)) | st.sampled_from(codes)
    kommuner = data.draw(st.lists(pool, max_size=4, unique=True), label="kommuner")
    forbund = data.draw(st.sampled_from([(), *((f,) for f in reference.FORBUND)]), label="förbund") \
        if not kommuner or data.draw(st.booleans()) else ()
    i, j = sorted(data.draw(st.lists(st.integers(0, len(years) - 1), min_size=2, max_size=2), label="years"))
    span = data.draw(st.sampled_from(["all", "range"]))
    sel = queries.Selection(forbund=forbund, kommuner=tuple(kommuner), grupp=data.draw(st.sampled_from(
        ["alla", "flickor", "pojkar"]), label="kön"), lasar_from=years[i] if span == "range" else None,
        lasar_to=years[j] if span == "range" else None)
    choice = Choice(measure=data.draw(st.sampled_from(MEASURES), label="mått"),
                    grans=data.draw(st.sampled_from(queries.thresholds(db)), label="gräns"),
                    kommun=data.draw(st.sampled_from(kommuner or codes), label="kommun"),
                    lasar=data.draw(st.sampled_from(years), label="läsår"),
                    lang=data.draw(st.sampled_from(["sv", "en"]), label="språk"))
    problems, errors = audit_mod.audit_selection(db, audit, sel, choice, MEASURES)
    assert not errors, errors
    assert not problems, "\n".join(problems[:25])


#: Selections an attacker would try: a small kommun with a neighbour of the same förbund (the pair
#: minus the neighbour), per gender; the förbund; the region. ATTACK_KOMMUNER small kommuner per
#: database (benchmarks/trust.py tries more).
ATTACK_KOMMUNER = int(os.environ.get("TRUST_ATTACK_KOMMUNER", "3"))


def attack_selections(audit: audit_mod.Audit, n: int = ATTACK_KOMMUNER) -> list[queries.Selection]:
    out = [queries.Selection(), *(queries.Selection(forbund=(f,)) for f in reference.FORBUND)]
    for k in small_kommuner(audit)[:n]:
        big = next(x for x in reference.REGION_KOMMUNER if reference.KOMMUN_FORBUND.get(x) ==
                   reference.KOMMUN_FORBUND.get(k) and x != k)
        out += [queries.Selection(kommuner=(k,)), queries.Selection(kommuner=(big,))]
        out += [queries.Selection(kommuner=(k, big), grupp=g) for g in ("alla", "flickor", "pojkar")]
    return out


def test_no_figure_can_be_recovered_as_a_total_minus_its_parts(small_dbs) -> None:
    """Over everything shown (these selections and all the Hypothesis ones before), nothing follows
    by subtraction about fewer than 10 pupils. The database with computed kommun figures is the
    harder case; the other is covered by the Hypothesis draws."""
    for db in small_dbs[1:]:
        audit = audit_for(db)
        for sel in attack_selections(audit):
            problems, errors = audit_mod.audit_selection(db, audit, sel, Choice("behorig_yrk", 15, None, None),
                                                         MEASURES)
            assert not errors and not problems, (sel, errors, problems[:10])
    for db in small_dbs:
        leaks = AUDITS[id(db)].shown.complementary_leaks(AUDITS[id(db)].truth) if id(db) in AUDITS else []
        assert not leaks, "\n".join(leaks[:25])


def test_every_view_function_is_exercised(small_dbs) -> None:
    """A new view the driver cannot call fails here by name instead of going unchecked."""
    db = small_dbs[0]
    audit = audit_for(db)
    from tests.trust.views import memoized_queries, run_views

    with memoized_queries(audit.memo):
        run = run_views(db, queries.Selection(kommuner=("1480",)), Choice("behorig_yrk", 15, "1480", "2023/24"),
                        cache=audit.cache, measures=MEASURES)
    assert not run.uncallable, run.uncallable
    called = {o.name for o in run.outputs}
    expected = {f"{m.__name__.rsplit('.', 1)[-1]}.{n}" for m, n, _ in view_functions()}
    assert expected <= called, sorted(expected - called)


def test_presentation_deck_text_shows_no_small_figure(small_dbs) -> None:
    """The PPTX: every number in its text (titles, sentences, notes, alt texts) is a protected figure."""
    try:
        from pluginnan_core import slides
        from pluginnan_core.views import presentation
    except ImportError:
        pytest.fail("pluginnan_core.slides finns inte")
    from pptx import Presentation

    db = small_dbs[1]
    audit = audit_for(db)
    blank = _png()
    for sel in [queries.Selection(kommuner=tuple(small_kommuner(audit)[:2]), grupp="flickor"),
                queries.Selection(forbund=("GR",))]:
        visuals = presentation.presentation_visuals(db, sel, "sv")
        with mock.patch.object(slides, "start_renderer"), mock.patch.object(slides, "render_png",
                                                                           return_value=blank):
            deck = slides.build_deck(db, sel, "sv", visuals=visuals)
        known = audit_mod._data_numbers([v.data for v in visuals] + [v.table for v in visuals])
        prs = Presentation(io.BytesIO(deck))
        texts = []
        for slide in list(prs.slides)[:-1]:  # the last slide holds the fixed definitions (A=20, B=17,5 …)
            for shape in slide.shapes:
                if shape.has_text_frame:
                    texts.append(shape.text_frame.text)
                descr = shape._element.xpath("./*[1]/*[local-name()='cNvPr']/@descr")
                texts += [str(d) for d in descr]
            if slide.has_notes_slide:
                texts.append(slide.notes_slide.notes_text_frame.text)
        problems = [p for text in texts for p in audit_mod.text_leaks(
            text, "pptx", known, audit_mod.STRUCTURAL | {float(disclosure.min_pupils())}, disclosure.min_pupils())]
        assert not problems, problems[:10]


def _png() -> bytes:
    buf = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (4, 3), "white").save(buf, format="PNG")
    return buf.getvalue()


def test_nullable_counts_from_duckdb_are_withheld_and_protected() -> None:
    """The leak found here: DuckDB gives INTEGER columns with NULL as pandas Int32 with pd.NA;
    `~(NA >= 10)` stayed NA, so a Skolverket '..' part did not trigger secondary suppression."""
    df = pd.DataFrame({"id": ["1443"] * 3, "lasar": ["2016/17"] * 3, "grupp": ["alla", "flickor", "pojkar"],
                       "antal_elever": pd.array([21, 15, None], dtype="Int32"), "v": [66.7, 66.7, None]})
    out = disclosure.protect_groups(df, ["v"], keys=["id", "lasar"])
    assert out.loc[1, "antal_elever_marker"] == ".." and pd.isna(out.loc[1, "v"])  # flickor too
    assert out.loc[2, "antal_elever_marker"] == ".."


def _markers(df: pd.DataFrame) -> list[str | None]:
    return [m if isinstance(m, str) else None for m in df["antal_elever_marker"]]


def test_two_small_parts_are_not_enough() -> None:
    """Two withheld schools of 3 and 4 pupils: the kommun minus the rest would show 7 pupils."""
    df = pd.DataFrame({"k": ["A"] * 4, "antal_elever": [3, 4, 40, 50], "v": [1.0, 2.0, 3.0, 4.0]})
    out = disclosure.protect(df, ["v"], partition_by=["k"])
    assert _markers(out) == ["..", "..", "..", None]


def test_parts_of_unknown_size_do_not_hide_anything() -> None:
    """A '..' part is left out of computed totals, so it cannot be the second withheld part."""
    df = pd.DataFrame({"k": ["A"] * 4, "antal_elever": [None, 18, 40, 50], "v": [None, 2.0, 3.0, 4.0]})
    out = disclosure.protect(df, ["v"], partition_by=["k"])
    assert _markers(out) == ["..", "..", "..", None]
