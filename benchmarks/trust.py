# Trust, in figures: hostile import files, tampered links, the disclosure audit, the accessibility
# audit and concurrent use, run with larger numbers than CI and printed as one report.
"""`python benchmarks/trust.py [--quick] [--no-browser]`.

What it runs (the same harnesses as the tests in tests/, see tests/trust/):
1. hostile import files through run_import for every registered kind;
2. tampered query strings through the URL parser, and a sample through the real app (AppTest);
3. the disclosure audit on demo databases with many small schools: random selections plus the
   attack selections, every view, then the subtraction closure over everything shown;
4. axe-core (WCAG 2.1 A/AA) and the colour-contrast check on every page in Chromium;
5. 20 concurrent browser sessions while an import swaps the database (benchmarks/concurrency.py).
It exits 1 if anything failed. CI runs the fast versions (pytest); this is for the release notes.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _section(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 70 - len(title)), flush=True)


def hostile_files(n: int) -> bool:
    from pluginnan_core.importers import kinds
    from tests.trust import hostile

    _section(f"1. Fientliga filer ({n} st)")
    registered = kinds()
    files = hostile.generate(registered, n, seed=int(time.time()) % 10_000)
    with hostile.quiet():
        out = hostile.run(files)
    print(f"Filer: {out.files} över {len(out.per_kind)} filtyper ({', '.join(sorted(out.per_kind))})")
    print(f"Avvisade: {out.rejected}, inlästa (ofarliga ändringar): {out.accepted}, tid {out.seconds:.1f} s")
    print(f"Undantag utöver ImportRejected: {len(out.crashes)}; databasen ändrad trots avvisning: {len(out.changed)}; "
          f"styrtecken i meddelanden: {len(out.unsafe_messages)}")
    print(f"Parsrar som kraschade (fångat som 'filen kunde inte tolkas'): {len(out.parse_errors)}")
    for line in (out.crashes + out.changed + out.parse_errors)[:8]:
        print("  ", line[:200])
    return not out.crashes and not out.changed and not out.unsafe_messages


def tampered_links(n: int, apptests: int) -> bool:
    from streamlit.testing.v1 import AppTest

    from pluginnan_core import demo, queries
    from pluginnan_core.db import Database
    from pluginnan_core.i18n import LANGS
    from pluginnan_core.urlstate import GROUPS, parse_url
    from tests.trust import urls
    from tests.trust.pages import existing_pages

    _section(f"2. Manipulerade länkar ({n} tolkas, {apptests} genom appen)")
    import logging

    for name in ("streamlit", "streamlit.runtime.scriptrunner_utils.script_run_context"):
        logging.getLogger(name).setLevel(logging.ERROR)  # AppTest outside a server warns on every run
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.duckdb"
        demo.generate(path)
        database = Database(path)
        table = queries.kommun_table(database)
        years = queries.all_years(database)
        valid = {"kommun": list(table["kommun_kod"]), "forbund": sorted(set(table["forbund_id"].dropna())),
                 "fran": years, "till": years, "lang": list(LANGS), "kon": list(GROUPS)}
        started = time.perf_counter()
        noticed = failures = 0
        for query in urls.queries(n, seed=int(time.time()) % 10_000, valid=valid):
            try:
                values = parse_url(urls.parse(query), valid["kommun"], valid["forbund"], years)
                noticed += bool(values.notices)
                assert set(values.kommuner) <= set(valid["kommun"]) and values.kon in (None, *GROUPS)
            except Exception as exc:
                failures += 1
                print("  ", query[:80], type(exc).__name__, exc)
        print(f"Tolkade: {n} på {time.perf_counter() - started:.2f} s, med notis: {noticed}, fel: {failures}")
        import os

        os.environ["PLUGINNAN_DB"] = str(path)
        os.environ.setdefault("PLUGINNAN_ADMIN_PASSWORD", "trust-benchmark-only")
        pages = existing_pages()
        crashed = 0
        started = time.perf_counter()
        for i, query in enumerate(urls.queries(apptests, seed=99, valid=valid)):
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            for key, values in urls.parse(query).items():
                at.query_params[key] = values
            at.run()
            at.switch_page(pages[i % len(pages)].path).run()
            if at.exception:
                crashed += 1
                print("  ", pages[i % len(pages)].stem, query[:80], at.exception[0].value[:120])
        print(f"Genom appen (AppTest, {len(pages)} sidor): {apptests} länkar, {crashed} med undantag, "
              f"{time.perf_counter() - started:.0f} s")
        database.close()
    return failures == 0 and crashed == 0


def disclosure_audit(selections: int, attack_kommuner: int) -> bool:
    from pluginnan_core import queries, reference
    from pluginnan_core.db import Database
    from tests.test_disclosure_property import MEASURES, attack_selections, small_kommuner
    from tests.trust import disclosure as audit_mod
    from tests.trust.smalldb import VARIANTS, build_small
    from tests.trust.views import Choice

    _section(f"3. Röjandekontroll ({selections} slumpade urval per databas + attackurval)")
    ok = True
    rng = random.Random(int(time.time()))
    with tempfile.TemporaryDirectory() as tmp:
        for seed, factor, dropped in VARIANTS:
            started = time.perf_counter()
            db = Database(build_small(Path(tmp) / f"small-{seed}.duckdb", seed, factor, dropped))
            audit = audit_mod.Audit(audit_mod.load_truth(db))
            small = small_kommuner(audit)
            years = queries.all_years(db)
            problems: list[str] = []
            errors: list[str] = []
            sels = []
            for _ in range(selections):
                pool = small + list(reference.REGION_KOMMUNER)
                ks = tuple(dict.fromkeys(rng.sample(pool, rng.randint(0, 4))))
                fb = (rng.choice(list(reference.FORBUND)),) if not ks and rng.random() < 0.5 else ()
                i, j = sorted(rng.sample(range(len(years)), 2))
                sels.append((queries.Selection(forbund=fb, kommuner=ks, grupp=rng.choice(["alla", "flickor", "pojkar"]),
                                               lasar_from=years[i] if rng.random() < 0.5 else None,
                                               lasar_to=years[j] if rng.random() < 0.5 else None),
                             Choice(rng.choice(MEASURES), rng.choice(queries.thresholds(db)),
                                    rng.choice(ks or tuple(reference.REGION_KOMMUNER)), rng.choice(years),
                                    rng.choice(["sv", "en"]))))
            sels += [(s, Choice("behorig_yrk", 15, None, None)) for s in attack_selections(audit, attack_kommuner)]
            for sel, choice in sels:
                p, e = audit_mod.audit_selection(db, audit, sel, choice, MEASURES)
                problems += p
                errors += e
            leaks = audit.shown.complementary_leaks(audit.truth)
            withheld = sum(1 for v in audit.truth.n.values() if v != v or v < audit.truth.limit)
            print(f"Databas frö {seed} (små skolor ×{1 / factor:.0f}, {int(dropped * 100)} % beräknade "
                  f"kommunsiffror): {withheld} celler under {audit.truth.limit} elever i datan")
            print(f"  urval: {audit.selections}, visningar (diagram, tabeller, rutor): {audit.outputs}, "
                  f"rader kontrollerade: {audit.checks}, visade celler i subtraktionskontrollen: "
                  f"{len(audit.shown.cells)}")
            print(f"  direkta läckor: {len(problems)}, läckor genom subtraktion: {len(leaks)}, vyfel: {len(errors)}, "
                  f"tid {time.perf_counter() - started:.0f} s")
            for line in (problems + leaks + errors)[:8]:
                print("   ", line[:220])
            ok &= not problems and not leaks and not errors
            db.close()
    return ok


def accessibility() -> bool:
    from playwright.sync_api import sync_playwright

    from pluginnan_core import demo
    from tests.e2e.browser import CHROMIUM_ARGS, chromium_path, free_port, start_server
    from tests.trust import a11y
    from tests.trust.pages import existing_pages

    _section("4. Tillgänglighet (axe-core WCAG 2.1 A/AA + kontrast, Chromium)")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.duckdb"
        demo.generate(path)
        port = free_port()
        proc = start_server(path, port, {"PLUGINNAN_ADMIN_PASSWORD": "trust-benchmark-only"})
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.set_default_timeout(120_000)
                totals = {"blocking": 0, "other": 0, "contrast": 0}
                for info in existing_pages():
                    page.goto(f"http://127.0.0.1:{port}/{info.url_path}")
                    page.wait_for_selector("h1")
                    a11y.settle(page, 120_000)
                    page.wait_for_timeout(1500)
                    results = [a11y.run_axe(page, info.path, "Diagram")]
                    contrast = a11y.contrast_failures(page)
                    lang = page.evaluate("document.documentElement.lang")
                    for tab in ("Tabell", "Ladda ner"):
                        tabs = page.get_by_role("tab", name=tab, exact=True)
                        for i in range(tabs.count()):
                            tabs.nth(i).click()
                        if tabs.count():
                            a11y.settle(page, 120_000)
                            results.append(a11y.run_axe(page, info.path, tab))
                            contrast += a11y.contrast_failures(page) if tab == "Tabell" else []
                    blocking = sum(len(r.blocking) for r in results)
                    other = sorted({f"{v['id']} ({v['impact']})" for r in results for v in r.other})
                    totals["blocking"] += blocking
                    totals["other"] += len(other)
                    totals["contrast"] += len(contrast)
                    print(f"{info.stem:16} lang={lang}  allvarliga/kritiska: {blocking}  kontrastfel: {len(contrast)}"
                          + (f"  övriga: {', '.join(other)}" if other else ""))
                    for r in results:
                        for v in r.blocking:
                            print(f"    {r.state}: {v['id']} ({v['impact']}) {v['help']} {v['nodes'][:2]}")
                    ok &= blocking == 0 and not contrast and lang == "sv"
                browser.close()
                print(f"Summa: {totals['blocking']} allvarliga/kritiska, {totals['other']} övriga regler, "
                      f"{totals['contrast']} texter under AA-kontrast")
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    return ok


def concurrency(sessions: int) -> bool:
    from benchmarks import concurrency as conc

    _section(f"5. Samtidig användning ({sessions} sessioner, databasbyte mitt i)")
    result = conc.run(sessions=sessions, loads=3)
    print(result.report())
    return result.ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI-sized numbers (a few minutes)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium parts (4 and 5)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    results = {
        "fientliga filer": hostile_files(520 if args.quick else 1000),
        "manipulerade länkar": tampered_links(1200 if args.quick else 5000, 10 if args.quick else 50),
        "röjandekontroll": disclosure_audit(5 if args.quick else 40, 3 if args.quick else 8),
    }
    if not args.no_browser:
        results["tillgänglighet"] = accessibility()
        results["samtidig användning"] = concurrency(4 if args.quick else 20)
    _section("Sammanfattning")
    for name, ok in results.items():
        print(f"{name:22} {'OK' if ok else 'FEL'}")
    print(f"Total tid: {time.perf_counter() - started:.0f} s")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
