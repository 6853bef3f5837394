# Language and number formats: every label a user reads (Swedish first, English as an option)
# and the one number formatter (decimal comma, space as thousands separator).
"""Texts and formats.

Why one module: the product promises Swedish first with a decimal comma everywhere (tiles,
tables, charts, downloads, slides). One formatter and one dictionary make that promise
checkable; a label missing in English falls back to Swedish rather than to a column name.
"""

from __future__ import annotations

import math
from typing import Any

from babel.numbers import format_decimal

LANGS = ("sv", "en")
DEFAULT_LANG = "sv"
_LOCALE = {"sv": "sv_SE", "en": "en_GB"}

#: Plotly `separators` (decimal, thousands) per language.
PLOTLY_SEPARATORS = {"sv": ",\u00a0", "en": ".,"}

#: Measure code -> (Swedish, English, unit). Unit '%' or '' (meritvärde points) or 'st'.
MEASURES: dict[str, tuple[str, str, str]] = {
    "behorig_yrk": ("Andel behöriga till yrkesprogram", "Share eligible for vocational programmes", "%"),
    "behorig_es": ("Andel behöriga till estetiskt program", "Share eligible for the arts programme", "%"),
    "behorig_ehs": ("Andel behöriga till ekonomi-, humanistiska och samhällsvetenskapsprogram",
                    "Share eligible for economics, humanities and social science programmes", "%"),
    "behorig_nt": ("Andel behöriga till naturvetenskaps- och teknikprogram",
                   "Share eligible for natural science and technology programmes", "%"),
    "alla_amnen": ("Andel med godkänt i alla ämnen", "Share with passing grades in all subjects", "%"),
    "meritvarde": ("Genomsnittligt meritvärde", "Average merit rating", "p"),
    "antal_elever": ("Antal elever", "Number of pupils", "st"),
    "franvaro_pct": ("Total frånvaro", "Total absence", "%"),
    "giltig_pct": ("Giltig frånvaro", "Authorised absence", "%"),
    "ogiltig_pct": ("Ogiltig frånvaro", "Unauthorised absence", "%"),
    "andel_over": ("Andel elever med hög frånvaro", "Share of pupils with high absence", "%"),
}

#: UI texts: key -> (Swedish, English). Pages add their keys in their own section.
TEXTS: dict[str, tuple[str, str]] = {
    # --- app shell ---
    "app_title": ("Plug Innan – statistik", "Plug Innan – statistics"),
    "nav_oversikt": ("Översikt", "Overview"),
    "nav_data": ("Data och metod", "Data and method"),
    "filters": ("Urval", "Selection"),
    "forbund": ("Kommunalförbund", "Association of local authorities"),
    "kommuner": ("Kommuner", "Municipalities"),
    "all_forbund": ("Alla fyra förbund", "All four associations"),
    "years": ("Läsår", "School years"),
    "gender": ("Kön", "Gender"),
    "grupp_alla": ("Alla elever", "All pupils"),
    "grupp_flickor": ("Flickor", "Girls"),
    "grupp_pojkar": ("Pojkar", "Boys"),
    "language": ("Språk", "Language"),
    "demo_notice": (
        "Demodata: alla siffror på den här sidan är påhittade och visar bara hur verktyget fungerar. "
        "Skolornas namn är fiktiva.",
        "Demo data: every figure on this page is made up and only shows how the tool works. "
        "School names are fictional.",
    ),
    "url_fallback": ("Länken innehöll värden som inte känns igen och som ersatts med standardval: {items}.",
                     "The link held values that were not recognised and were replaced by defaults: {items}."),
    "copy_link": ("Adressen i webbläsaren sparar ditt urval – kopiera den för att dela vyn.",
                  "The address in the browser keeps your selection – copy it to share this view."),
    "region_vg": ("Hela Plug Innan-regionen", "The whole Plug Innan region"),
    "withheld_legend": ("”..” betyder att uppgiften inte visas eftersom den bygger på färre än {n} elever.",
                        "“..” means the figure is withheld because it is based on fewer than {n} pupils."),
    "approx_legend": ("”~100” betyder nästan 100 %: högst fyra elever saknade behörighet (Skolverkets markering).",
                      "“~100” means almost 100 %: at most four pupils were not eligible (Skolverket's marker)."),
    "missing_legend": ("”.” betyder att uppgift saknas.", "“.” means the figure is missing."),
    "source": ("Källa", "Source"),
    "kalla_publicerad": ("publicerad kommunsiffra", "published municipal figure"),
    "kalla_beraknad": ("beräknad från skolornas siffror, vägd med antal elever",
                       "computed from the schools' figures, weighted by pupils"),
    # --- database problems ---
    "db_missing": ("Databasfilen {path} finns inte.", "The database file {path} does not exist."),
    "db_empty": ("Databasfilen {path} är tom.", "The database file {path} is empty."),
    "db_corrupt": ("Databasfilen {path} går inte att läsa (skadad eller inte en DuckDB-fil).",
                   "The database file {path} cannot be read (damaged or not a DuckDB file)."),
    "db_old_schema": ("Databasfilen {path} är gjord för en äldre version av verktyget.",
                      "The database file {path} was made for an older version of the tool."),
    "db_new_schema": ("Databasfilen {path} är gjord för en nyare version av verktyget.",
                      "The database file {path} was made for a newer version of the tool."),
    "db_what_to_do": (
        "Gör så här: skapa en ny demodatabas med `python -m pluginnan_core demo --db {path}` "
        "eller läs in era filer igen med `python -m pluginnan_core import ...`. Ladda sedan om sidan.",
        "What to do: create a new demo database with `python -m pluginnan_core demo --db {path}` "
        "or load your files again with `python -m pluginnan_core import ...`. Then reload the page.",
    ),
}


def t(key: str, lang: str = DEFAULT_LANG, **fmt: Any) -> str:
    """The text for `key` in `lang` (Swedish if English is missing), formatted with `fmt`."""
    sv, en = TEXTS.get(key) or MEASURES.get(key, (key, key))[:2]
    text = en if lang == "en" and en else sv
    return text.format(**fmt) if fmt else text


def measure_label(code: str, lang: str = DEFAULT_LANG) -> str:
    sv, en, _ = MEASURES[code]
    return en if lang == "en" else sv


def measure_unit(code: str) -> str:
    return MEASURES[code][2]


def fmt_number(value: Any, decimals: int = 1, lang: str = DEFAULT_LANG, marker: str | None = None) -> str:
    """84.25 -> '84,3' (sv) / '84.3' (en); 6474 -> '6 474'. A marker ('..', '~100') wins over
    the value, and a missing value without marker is shown as '.' (uppgift saknas)."""
    if marker:
        return str(marker)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "."
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=_LOCALE.get(lang, "sv_SE"))


def fmt_value(value: Any, unit: str, lang: str = DEFAULT_LANG, marker: str | None = None,
              decimals: int | None = None) -> str:
    """A value with its unit: '84,3 %', '231,5 p', '1 299 st' -> '1 299'."""
    if unit == "st":
        return fmt_number(value, 0 if decimals is None else decimals, lang, marker)
    text = fmt_number(value, 1 if decimals is None else decimals, lang, marker)
    if marker or text == ".":
        return text
    if unit == "%":
        return f"{text}\u00a0%"
    if unit == "p":
        return text if lang == "en" else text
    return text


def fmt_change(value: Any, unit: str, lang: str = DEFAULT_LANG) -> str:
    """A signed change: '+1,2 procentenheter' / '−0,4 percentage points'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "."
    sign = "+" if value > 0 else ("\u2212" if value < 0 else "±")
    body = fmt_number(abs(value), 1, lang)
    if unit == "%":
        word = "procentenheter" if lang == "sv" else "percentage points"
    elif unit == "p":
        word = "poäng" if lang == "sv" else "points"
    else:
        word = ""
    return f"{sign}{body} {word}".strip()
