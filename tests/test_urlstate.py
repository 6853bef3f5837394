# Tampered links: 1,200 generated hostile query strings and 500 Hypothesis cases through the pure
# URL parser, and a sample of 50 through the real app (AppTest) on every page that exists.
"""pluginnan_core.urlstate and the link handling in ui/state.py."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from pluginnan_core import queries
from pluginnan_core.i18n import LANGS
from pluginnan_core.urlstate import (
    GROUPS,
    KEYS,
    MAX_KOMMUNER,
    MAX_NOTICES_PER_KEY,
    NOTICE_VALUE_CHARS,
    VIEWS,
    UrlValues,
    escape_markdown,
    parse_url,
)
from tests.conftest import ROOT
from tests.trust import urls
from tests.trust.pages import existing_pages

N_LINKS = 1200
N_APPTEST = 50


@pytest.fixture(scope="module")
def choices(demo) -> dict[str, list[str]]:
    table = queries.kommun_table(demo)
    return {"kommun": list(table["kommun_kod"]), "forbund": sorted(set(table["forbund_id"].dropna())),
            "fran": queries.all_years(demo), "till": queries.all_years(demo), "lang": list(LANGS),
            "kon": list(GROUPS), "visa": list(VIEWS)}


def check(values: UrlValues, params: dict[str, list[str]], c: dict[str, list[str]]) -> None:
    """What must hold for any link: only valid values get through, and every bad one is named."""
    assert values.lang in (None, *LANGS)
    assert values.forbund in (None, *c["forbund"])
    assert set(values.kommuner) <= set(c["kommun"]) and len(values.kommuner) <= MAX_KOMMUNER
    assert len(set(values.kommuner)) == len(values.kommuner)
    assert values.fran in (None, *c["fran"]) and values.till in (None, *c["till"])
    assert values.kon in (None, *GROUPS)
    for notice in values.notices:
        key, _, shown = notice.partition("=")
        assert key.split(" ")[0] in KEYS
        assert len(shown) <= NOTICE_VALUE_CHARS
        assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e]", notice)
    per_key = {k: sum(n.startswith(k + "=") for n in values.notices) for k in KEYS}
    assert all(v <= MAX_NOTICES_PER_KEY for v in per_key.values())
    for key in ("lang", "forbund", "fran", "till", "kon"):
        if key in params:
            last = params[key][-1] if params[key] else ""
            ok = last in {"lang": LANGS, "kon": GROUPS}.get(key, c.get(key, []))
            assert ok or any(n.startswith(key + "=") for n in values.notices), (key, last, values.notices)
    if "kommun" in params:
        codes = [x for raw in params["kommun"] for x in raw.split(",") if x]
        if any(x not in c["kommun"] for x in codes):
            assert any(n.startswith("kommun") for n in values.notices)


def test_1200_tampered_links_fall_back_with_a_notice(choices) -> None:
    cases = urls.queries(N_LINKS, seed=2026, valid=choices)
    assert len(cases) == N_LINKS
    noticed = 0
    for query in cases:
        params = urls.parse(query)
        values = parse_url(params, choices["kommun"], choices["forbund"], choices["fran"])
        check(values, params, choices)
        noticed += bool(values.notices)
    assert noticed > N_LINKS * 0.6  # the generator really produced bad values


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(
    st.sampled_from([*KEYS, "x", "embed", ""]),
    st.lists(st.one_of(st.text(max_size=60), st.sampled_from(urls.HOSTILE[:80]),
                       st.from_regex(r"\d{4}/\d{2}", fullmatch=True), st.from_regex(r"14\d\d(,14\d\d){0,20}",
                                                                                    fullmatch=True)),
             min_size=0, max_size=5),
    max_size=8))
def test_any_parameters_give_valid_values(choices, params) -> None:
    values = parse_url(params, choices["kommun"], choices["forbund"], choices["fran"])
    check(values, params, choices)


def test_valid_link_is_restored_exactly(choices) -> None:
    params = {"lang": ["en"], "forbund": ["GR"], "kommun": ["1489,1440", "1480"], "fran": ["2017/18"],
              "till": ["2022/23"], "kon": ["flickor"]}
    values = parse_url(params, choices["kommun"], choices["forbund"], choices["fran"])
    assert values == UrlValues("en", "GR", ("1489", "1440", "1480"), "2017/18", "2022/23", "flickor")
    assert values.notices == ()
    assert values.session_state()["f_kommuner"] == ["1489", "1440", "1480"]


def test_repeated_keys_use_the_last_value_like_streamlit(choices) -> None:
    values = parse_url({"kon": ["pojkar", "nej", "flickor"], "kommun": ["1489", "1489,9999"]},
                       choices["kommun"], choices["forbund"], choices["fran"])
    assert values.kon == "flickor" and values.kommuner == ("1489",)
    assert values.notices == ("kommun=9999",)


def test_thousands_of_bad_codes_give_a_short_notice(choices) -> None:
    values = parse_url({"kommun": [",".join(f"x{i}" for i in range(5000))]}, choices["kommun"], choices["forbund"],
                       choices["fran"])
    assert len(values.notices) == MAX_NOTICES_PER_KEY + 1
    assert values.notices[-1] == f"kommun (+{5000 - MAX_NOTICES_PER_KEY})"


def test_view_is_read_and_a_bad_one_is_named(choices) -> None:
    ok = parse_url({"visa": ["tabell"]}, choices["kommun"], choices["forbund"], choices["fran"])
    assert ok.visa == "tabell" and not ok.notices and ok.session_state() == {"_visa": "tabell"}
    bad = parse_url({"visa": ["bilder"]}, choices["kommun"], choices["forbund"], choices["fran"])
    assert bad.visa is None and bad.notices == ("visa=bilder",) and bad.session_state() == {}


def test_bad_years_fall_back_to_the_range_ends(choices) -> None:
    years = choices["fran"]
    values = parse_url({"fran": ["1999/00"], "till": ["-5"]}, choices["kommun"], choices["forbund"], years)
    assert (values.fran, values.till) == (years[0], years[-1])
    assert values.notices == ("fran=1999/00", "till=-5")


@pytest.mark.parametrize("text", ["[klick](https://evil.example)", ":material/warning:", "**x**", "$x$", "<b>x</b>",
                                  "`x`", "a_b_c", "~~x~~", "# rubrik", "1. lista", "- lista", "|a|b|"])
def test_notice_values_are_inert_markdown(text: str) -> None:
    escaped = escape_markdown(text)
    unescaped = re.sub(r"\\.", "", escaped)  # what markdown sees once escapes are removed
    assert not re.search(r"[\[\]()*_:$<>`~#|]", unescaped)
    assert re.sub(r"\\(.)", r"\1", escaped) == text


# --------------------------------------------------------------------------- through the real app

def _sample(choices: dict[str, list[str]]) -> list[tuple[str, str]]:
    pages = existing_pages()
    cases = urls.queries(N_APPTEST, seed=7, valid=choices)
    return [(pages[i % len(pages)].path, q) for i, q in enumerate(cases)]


def _apptest_cases() -> list[tuple[str, str]]:
    """Parametrisation needs the values before fixtures exist: use reference data for codes."""
    from pluginnan_core import demo, reference

    years = list(demo.ELIGIBILITY_YEARS)
    valid = {"kommun": list(reference.REGION_KOMMUNER), "forbund": list(reference.FORBUND), "fran": years,
             "till": years, "lang": list(LANGS), "kon": list(GROUPS)}
    return _sample(valid)


@pytest.mark.parametrize(("page", "query"), _apptest_cases(), ids=lambda x: str(x)[:40])
def test_tampered_link_renders_page_with_notice(demo_db, monkeypatch, choices, page: str, query: str) -> None:
    monkeypatch.setenv("PLUGINNAN_DB", str(demo_db))
    monkeypatch.setenv("PLUGINNAN_ADMIN_PASSWORD", "trust-test-only")
    params = urls.parse(query)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, values in params.items():
        at.query_params[key] = values
    at.run()
    assert not at.exception, (query, [e.value for e in at.exception])
    expected = parse_url({k: v for k, v in params.items() if k in KEYS}, choices["kommun"], choices["forbund"],
                         choices["fran"])
    warnings = [w.value for w in at.warning]
    notices = [w for w in warnings if "ersatts med standardval" in w or "replaced by defaults" in w]
    assert bool(notices) == bool(expected.notices), (query, warnings)
    for text in notices:
        assert not re.search(r"(?<!\\)\]\(", text)  # no live markdown link from a crafted value
    at.switch_page(page)  # the page's own parameters (measure, threshold ...) are tampered too
    at.run()
    assert not at.exception, (page, query, [e.value for e in at.exception])
    # the page drew its heading (the presentation's title slide is html with its own <h1>), or says what is wrong
    assert at.title or at.header or at.error or any("<h1" in h.proto.body for h in at.get("html")), page
