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
    # the sidebar's Kön radio: under its heading "Alla" is clear, and the three fit on one line
    "grupp_alla_radio": ("Alla", "All"),
    "grupp_flickor": ("Flickor", "Girls"),
    "grupp_pojkar": ("Pojkar", "Boys"),
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
    "withheld_legend": ("”..” betyder att uppgiften inte visas eftersom den bygger på färre än {n} elever "
                        "eller skulle kunna räknas fram ur sådana uppgifter.",
                        "“..” means the figure is withheld because it is based on fewer than {n} pupils "
                        "or could be worked out from such figures."),
    "approx_legend": ("”~100” betyder nästan 100 %: högst fyra elever saknade behörighet (Skolverkets markering).",
                      "“~100” means almost 100 %: at most four pupils were not eligible (Skolverket's marker)."),
    "missing_legend": ("”.” betyder att uppgift saknas.", "“.” means the figure is missing."),
    "source": ("Källa", "Source"),
    "kalla_publicerad": ("publicerad kommunsiffra", "published municipal figure"),
    "kalla_delvis": ("publicerad kommunsiffra; mått som saknas där är beräknade från skolorna",
                     "published municipal figure; measures missing there are computed from the schools"),
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


def kalla_label(code: object, lang: str = DEFAULT_LANG) -> str:
    """Where a kommun figure comes from, in words: publicerad / delvis / beraknad."""
    return t(f"kalla_{code}", lang) if code in ("publicerad", "delvis", "beraknad") else ""


def measure_label(code: str, lang: str = DEFAULT_LANG) -> str:
    sv, en, _ = MEASURES[code]
    return en if lang == "en" else sv


def measure_unit(code: str) -> str:
    return MEASURES[code][2]


def fmt_number(value: Any, decimals: int = 1, lang: str = DEFAULT_LANG, marker: str | None = None) -> str:
    """84.25 -> '84,3' (sv) / '84.3' (en); 6474 -> '6 474'. A marker ('..', '~100') wins over
    the value, and a missing value without marker is shown as '.' (uppgift saknas)."""
    if isinstance(marker, str) and marker:
        return marker
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
    if (isinstance(marker, str) and marker) or text == ".":
        return text
    if unit == "%":
        return f"{text}\u00a0%"
    if unit == "p":
        return text if lang == "en" else text
    return text


def fmt_change(value: Any, unit: str, lang: str = DEFAULT_LANG) -> str:
    """A signed change: '+1,2 procentenheter' / '−0,4 percentage points'.

    The sign follows the shown (rounded) figure: a fall of 0,04 reads '±0,0', not '−0,0', which a
    tile would draw as a fall in red.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "."
    body = fmt_number(abs(value), 1, lang)
    sign = "±" if not any(c in "123456789" for c in body) else "+" if value > 0 else "\u2212"
    if unit == "%":
        word = "procentenheter" if lang == "sv" else "percentage points"
    elif unit == "p":
        word = "poäng" if lang == "sv" else "points"
    else:
        word = ""
    return f"{sign}{body} {word}".strip()

TEXTS.update({
    # --- shared page texts ---
    # the page's link to its other view (ui.components.view_switch), named after where it leads
    "view_to_diagram": ("Visa som diagram", "Show as charts"),
    "view_to_tabell": ("Visa som tabell och ladda ner", "Show as tables with downloads"),
    "download_csv": ("Ladda ner CSV", "Download CSV"),
    "download_xlsx": ("Ladda ner Excel (XLSX)", "Download Excel (XLSX)"),
    "no_data": ("Det finns inga uppgifter för det här urvalet.", "There are no figures for this selection."),
    "picker_no_results": ("Inga träffar", "No results"),
    "page_not_found_title": ("Sidan finns inte", "Page not found"),
    "page_not_found_text": ("Adressen leder inte till någon sida i panelen. Startsidan visas i stället.",
                            "The address does not lead to a page of the dashboard. The start page is shown instead."),
    "kommun_placeholder": ("Alla kommuner i urvalet", "All municipalities in the selection"),
    "forbund_short": ("förbund", "association"),
    "col_area": ("Område", "Area"),
    "col_lasar": ("Läsår", "School year"),
    "col_pupils": ("Antal elever", "Number of pupils"),
    "col_kalla": ("Uppgiftens ursprung", "Origin of the figure"),
    # --- Översikt ---
    "oversikt_title": ("Översikt", "Overview"),
    "oversikt_intro": ("Var står urvalet i dag och blir det bättre? Behörighet till gymnasiet, skolfrånvaro och "
                       "Plug Innans delprojekt för det urval du gjort i menyn till vänster.",
                       "Where does the selection stand today, and is it improving? Eligibility for upper "
                       "secondary school, school absence and Plug Innan's sub-projects for the selection made in "
                       "the menu on the left."),
    "tile_elig_help": ("Andel av eleverna i årskurs 9 som blev behöriga till ett yrkesprogram. Bygger på {n} elever.",
                       "Share of year 9 pupils eligible for a vocational programme. Based on {n} pupils."),
    "tile_abs_help": ("Frånvarande tid i procent av schemalagd tid, hela läsåret. Bygger på i genomsnitt {n} elever "
                      "per månad.", "Absent time as a percentage of scheduled time over the school year. Based "
                      "on {n} pupils per month on average."),
    "tile_subprojects": ("Delprojekt", "Sub-projects"),
    "tile_running": ("{n} pågår just nu", "{n} running now"),
    "tile_subprojects_help": ("Plug Innans delprojekt i urvalets kommuner, alla statusar.",
                              "Plug Innan sub-projects in the selected municipalities, any status."),
    "tile_reached": ("Elever nådda", "Pupils reached"),
    "tile_reached_help": ("Summan av elever som delprojekten uppger att de nått.",
                          "Sum of pupils the sub-projects report having reached."),
})

TEXTS.update({
    "nav_behorighet": ("Behörighet", "Eligibility"),
    "nav_franvaro": ("Frånvaro", "Absence"),
    "nav_karta": ("Karta", "Map"),
    "nav_jamfor": ("Jämför kommuner", "Compare municipalities"),
    "nav_delprojekt": ("Delprojekt", "Sub-projects"),
    "nav_presentation": ("Presentation", "Presentation"),
    "nav_ladda_upp": ("Ladda upp data", "Upload data"),
    "nav_tillganglighet": ("Tillgänglighet", "Accessibility"),
})

TEXTS.update({
    # --- Data och metod ---
    "data_is_demo": ("Databasen innehåller demodata: påhittade siffror och fiktiva skolor som bara visar hur "
                     "verktyget fungerar. Läs in riktiga filer för att ersätta dem (se nedan).",
                     "The database holds demo data: made-up figures and fictional schools that only show how "
                     "the tool works. Load real files to replace them (see below)."),
    "data_is_real": ("Databasen innehåller inlästa uppgifter, inga demosiffror.",
                     "The database holds loaded figures, no demo data."),
    "data_loaded": ("Vad som finns inläst", "What is loaded"),
    "data_elig": ("Behörighet och meritvärde", "Eligibility and merit rating"),
    "data_abs": ("Frånvaro", "Absence"),
    "data_years": ("läsår", "school years"),
    "data_none": ("inga uppgifter", "no figures"),
    "data_thresholds": ("Frånvarogränser", "Absence thresholds"),
    "col_when": ("Inläst", "Loaded"),
    "col_file": ("Fil", "File"),
    "col_kind": ("Källa", "Source"),
    "col_rows": ("Rader", "Rows"),
    "data_definitions": ("Definitioner", "Definitions"),
    "data_definitions_text": (
        "- **Behörig till yrkesprogram:** godkänt (E eller högre) i svenska eller svenska som andraspråk, engelska, "
        "matematik och fem andra ämnen, åtta ämnen totalt.\n"
        "- **Behörig till högskoleförberedande program:** samma tre ämnen och nio till, tolv totalt. Ekonomi-, "
        "humanistiska och samhällsvetenskapsprogrammen kräver geografi, historia, religionskunskap och "
        "samhällskunskap bland dem; naturvetenskaps- och teknikprogrammen biologi, fysik och kemi; estetiska "
        "programmet vilka som helst.\n"
        "- **Genomsnittligt meritvärde:** A=20, B=17,5, C=15, D=12,5, E=10, F=0 för de 16 bästa betygen plus "
        "moderna språk som 17:e, högst 340.\n"
        "- **Antal elever:** elever som fått eller borde ha fått betyg i minst ett ämne i årskurs 9.\n"
        "- **Total frånvaro:** frånvarande minuter i procent av schemalagda minuter; **giltig** (sjukdom, ledighet) "
        "och **ogiltig** frånvaro på samma sätt.\n"
        "- **Andel elever med hög frånvaro:** andelen elever vars frånvaro under månaden var minst gränsen "
        "(10 %, 15 %, 20 % eller 50 %); för ett läsår är det genomsnittet över läsårets månader.",
        "- **Eligible for a vocational programme:** a pass (E or better) in Swedish or Swedish as a second "
        "language, English, mathematics and five further subjects, eight in all.\n"
        "- **Eligible for a higher-education preparatory programme:** the same three subjects plus nine more, "
        "twelve in all, with subject requirements depending on the programme.\n"
        "- **Average merit rating:** A=20, B=17.5, C=15, D=12.5, E=10, F=0 for the 16 best grades plus modern "
        "languages as a 17th, at most 340.\n"
        "- **Number of pupils:** pupils who got, or should have got, a grade in at least one subject in year 9.\n"
        "- **Total absence:** absent minutes as a percentage of scheduled minutes; **authorised** (illness, leave) "
        "and **unauthorised** absence likewise.\n"
        "- **Share of pupils with high absence:** the share of pupils whose absence in a month was at least the "
        "threshold (10, 15, 20 or 50 %); for a school year the average over its months."),
    "data_disclosure": ("Sekretess: inga siffror om färre än 10 elever",
                        "Disclosure: no figures about fewer than 10 pupils"),
    "data_disclosure_text": (
        "En uppgift som bygger på färre än {n} elever visas aldrig, varken i diagram, tabeller eller nedladdningar; "
        "den står som **..** i stället. Om en sådan uppgift skulle kunna räknas fram ur andra siffror (till exempel "
        "en kommuns total minus alla skolor utom en) döljs också den minsta av de andra. Regeln följer Skolverkets "
        "praxis; Skolverket döljer sedan 2023/24 under 10 elever per skola och under 5 på kommunnivå, men här "
        "gäller {n} överallt. Databasen innehåller bara sammanräknade uppgifter, aldrig personnummer, namn eller "
        "elev-id.",
        "A figure based on fewer than {n} pupils is never shown, in charts, tables or downloads; it appears as "
        "**..** instead. If such a figure could be worked out from other figures (for example a municipality's "
        "total minus all schools but one), the smallest of the others is hidden too. The rule follows Skolverket's "
        "practice; here {n} applies everywhere. The database only holds aggregated figures, never personal "
        "identity numbers, names or pupil ids."),
    "data_kalla": ("Publicerade och beräknade kommunsiffror", "Published and computed municipal figures"),
    "data_kalla_text": (
        "För kommuner visas Skolverkets **publicerade** kommunsiffra när en sådan finns inläst. Annars **beräknas** "
        "kommunens värde från skolornas siffror, vägt med antal elever; skolor som visas som ”..” ingår då inte, "
        "och ”~100” räknas som 100 × (elever − 2,5) / elever, mitt i det spann markeringen betyder. Tabellerna "
        "anger för varje siffra vilket som gäller. Förbund och hela regionen vägs ihop från kommunernas siffror.",
        "For municipalities, Skolverket's **published** municipal figure is shown when one is loaded. Otherwise the "
        "value is **computed** from the schools' figures weighted by pupils; schools shown as “..” are then left "
        "out, and “~100” counts as 100 × (pupils − 2.5) / pupils, the middle of what the marker means. The tables "
        "say which applies to each figure. Associations and the whole region are weighted from the municipal "
        "figures."),
    "data_load": ("Så läser du in riktiga data", "How to load real data"),
    "data_load_text": (
        "Filer läses in med kommandot `python -m pluginnan_core import TYP FIL … --db data/pluginnan.duckdb` "
        "(lista typerna med `python -m pluginnan_core kinds`). Mallar med exempelrader finns i `data/templates/`. "
        "En fil med fel läses inte in alls: du får en lista med fil, rad, kolumn och vad som ska rättas, och "
        "databasen lämnas orörd. Instrumentpanelen kan vara igång under inläsningen; nya uppgifter syns när sidan "
        "laddas om.",
        "Files are loaded with `python -m pluginnan_core import KIND FILE … --db data/pluginnan.duckdb` (list the "
        "kinds with `python -m pluginnan_core kinds`). Templates with example rows are in `data/templates/`. A "
        "file with errors is not loaded at all: you get a list of file, line, column and what to fix, and the "
        "database is left untouched. The dashboard may keep running during a load; new figures appear when the "
        "page is reloaded."),
})


# --------------------------------------------------------------------------- Frånvaro / Karta

def month_name(month: int, lang: str = DEFAULT_LANG, width: str = "wide") -> str:
    """'augusti' / 'August' (width 'abbreviated': 'aug.' / 'Aug'), from babel's CLDR data."""
    from babel.dates import get_month_names

    return str(get_month_names(width, context="stand-alone", locale=_LOCALE.get(lang, "sv_SE"))[month])


def month_label(day: Any, lang: str = DEFAULT_LANG) -> str:
    """A month as axis and table label: 'aug. 2024' / 'Aug 2024'."""
    return f"{month_name(day.month, lang, 'abbreviated')} {day.year}"


def month_span(first: Any, last: Any, lang: str = DEFAULT_LANG) -> str:
    """'apr.–juni 2025' (or 'nov. 2024–jan. 2025' across a new year; one month alone: 'juni 2025')."""
    if (first.year, first.month) == (last.year, last.month):
        return month_label(first, lang)
    if first.year == last.year:
        return f"{month_name(first.month, lang, 'abbreviated')}\u2013{month_label(last, lang)}"
    return f"{month_label(first, lang)}\u2013{month_label(last, lang)}"


TEXTS.update({
    # --- Frånvaro ---
    "franvaro_title": ("Frånvaro", "Absence"),
    "franvaro_intro": (
        "Hur stor del av lektionstiden är eleverna borta, och blir det bättre? Total, giltig och ogiltig frånvaro "
        "per månad, hur många elever som har hög frånvaro och hur läsåren skiljer sig åt. Under Skolorna: "
        "frånvaron skola för skola och vilka skolor där frånvaron ökar.",
        "How much of lesson time are pupils away, and is it improving? Total, authorised and unauthorised absence "
        "per month, how many pupils have high absence and how the school years differ. Under The schools: absence "
        "school by school and at which schools it is rising."),
    "franvaro_source_note": (
        "Frånvarouppgifterna kommer från skolornas egna frånvarosystem; det finns ingen officiell "
        "frånvarostatistik per skola eller kommun.",
        "The absence figures come from the schools' own attendance systems; there are no official absence "
        "statistics per school or municipality."),
    "franvaro_no_data": ("Det finns inga frånvarouppgifter inlästa för det här urvalet.",
                         "No absence figures are loaded for this selection."),
    "abs_sec_time": ("Urvalet över tid", "The selection over time"),
    "abs_sec_schools": ("Skolorna", "The schools"),
    "abs_h_trend": ("Frånvaro över tid", "Absence over time"),
    "abs_h_threshold": ("Elever med hög frånvaro", "Pupils with high absence"),
    "abs_h_season": ("Läsåren jämförda", "School years compared"),
    "abs_h_schools": ("Skolorna i en kommun", "The schools of one municipality"),
    "abs_h_warning": ("Tidig varning: var ökar frånvaron?", "Early warning: where is absence rising?"),
    "threshold_label": ("Gräns för hög frånvaro", "Threshold for high absence"),
    "threshold_help": ("Andelen elever vars frånvaro under månaden var minst så här stor. 10 % är den brittiska "
                       "gränsen för långvarig frånvaro, 15 % den svenska kartläggningens och 50 % allvarlig "
                       "frånvaro.",
                       "The share of pupils whose absence in the month was at least this high. 10 % is the UK "
                       "line for persistent absence, 15 % the Swedish survey's and 50 % severe absence."),
    "andel_over_t": ("Andel elever med minst {g} % frånvaro", "Share of pupils with at least {g} % absence"),
    "abs_trend_title": ("Frånvaro per månad, {subject} {span}", "Absence per month, {subject} {span}"),
    "abs_line_total": ("Total frånvaro", "Total absence"),
    "abs_line_giltig": ("Giltig frånvaro", "Authorised absence"),
    "abs_line_ogiltig": ("Ogiltig frånvaro", "Unauthorised absence"),
    "abs_line_ref": ("Total frånvaro, {name}", "Total absence, {name}"),
    "abs_trend_summary": (
        "I {subject} var den totala frånvaron {total} i {month} (giltig {giltig}, ogiltig {ogiltig}){before}{refs}.",
        "In {subject} total absence was {total} in {month} (authorised {giltig}, unauthorised {ogiltig})"
        "{before}{refs}."),
    "abs_before": (", mot {value} i {month}", ", against {value} in {month}"),
    "abs_ref_part": ("{name} låg på {value}", "{name} stood at {value}"),
    "abs_threshold_title": ("Andel elever med minst {g} % frånvaro per månad, {subject} {span}",
                            "Share of pupils with at least {g} % absence per month, {subject} {span}"),
    "abs_threshold_summary_one": (
        "I {month} hade {value} av eleverna i {subject} minst {g} % frånvaro{refs}.",
        "In {month}, {value} of the pupils in {subject} had at least {g} % absence{refs}."),
    "abs_threshold_summary_many": (
        "I {month} var andelen elever med minst {g} % frånvaro högst i {hi} ({hi_value}, {hi_n} elever) och lägst i "
        "{lo} ({lo_value}, {lo_n} elever){refs}.",
        "In {month} the share of pupils with at least {g} % absence was highest in {hi} ({hi_value}, {hi_n} pupils) "
        "and lowest in {lo} ({lo_value}, {lo_n} pupils){refs}."),
    "abs_refs_region": (", mot {value} i hela regionen", ", against {value} in the whole region"),
    "abs_season_title": ("Total frånvaro månad för månad, läsåren jämförda, {subject}",
                         "Total absence month by month, school years compared, {subject}"),
    "abs_season_summary": (
        "I {subject} är frånvaron oftast högst i {peak} och lägst i {low}; läsåret {year} var den högst i {year_peak} "
        "({year_peak_value}).",
        "In {subject} absence is usually highest in {peak} and lowest in {low}; in {year} it peaked in {year_peak} "
        "({year_peak_value})."),
    "abs_heat_kommun": ("Kommun för skolöversikten", "Municipality for the school overview"),
    "abs_heat_title": ("Frånvaro per skola och månad, {kommun} {lasar}",
                       "Absence per school and month, {kommun} {lasar}"),
    "abs_heat_summary": (
        "Läsåret {lasar} hade {school} ({n} elever) högst genomsnittlig frånvaro, {value}, av de {count} skolorna i "
        "{kommun} som visas{withheld}.",
        "In {lasar} {school} ({n} pupils) had the highest average absence, {value}, of the {count} schools shown in "
        "{kommun}{withheld}."),
    "abs_heat_withheld": ("; {w} skolor visas som ”..” eftersom de har färre än {m} elever eller för att "
                          "skydda en sådan",
                          "; {w} schools show “..” because they have fewer than {m} pupils or to protect one that "
                          "does"),
    "abs_heat_none": ("Ingen skola i {kommun} har tillräckligt många elever för att visas läsåret {lasar}.",
                      "No school in {kommun} has enough pupils to be shown in {lasar}."),
    "abs_heat_pupils": ("{n} elever", "{n} pupils"),
    "abs_heat_legend": ("Skolorna står med högst genomsnittlig frånvaro överst; siffran inom parentes är antalet "
                        "elever i genomsnitt per månad. Grå rutor med ”..” visas inte (färre än {m} elever). Läsåret är "
                        "det sista i sidomenyns urval av läsår.",
                        "Schools with the highest average absence are on top; the number in brackets is the "
                        "average number of pupils per month. Grey cells with “..” are withheld (fewer than {m} pupils). The "
                        "school year is the last one in the sidebar's range of school years."),
    "col_school": ("Skola", "School"),
    "col_kommun": ("Kommun", "Municipality"),
    "col_month": ("Månad", "Month"),
    "col_pupils_avg": ("Elever per månad (snitt)", "Pupils per month (average)"),
    "col_avg_absence": ("Genomsnittlig frånvaro (%)", "Average absence (%)"),
    "abs_warn_title": ("Skolor där frånvaron ökat mest, {now} mot samma månader året innan, {subject}",
                       "Schools where absence rose most, {now} against the same months a year earlier, {subject}"),
    "abs_warn_axis": ("Förändring i procentenheter", "Change in percentage points"),
    "abs_warn_summary": (
        "Frånvaron ökade mest vid {school} ({n} elever), från {before} till {now} ({change}) under {period} jämfört "
        "med samma månader året innan; listan tar bara med skolor med minst {m} elever.",
        "Absence rose most at {school} ({n} pupils), from {before} to {now} ({change}) in {period} compared with "
        "the same months a year earlier; the list only includes schools with at least {m} pupils."),
    "abs_warn_none": (
        "Ingen skola med minst {m} elever hade högre frånvaro under {period} än samma månader året innan.",
        "No school with at least {m} pupils had higher absence in {period} than in the same months a year "
        "earlier."),
    "abs_warn_hover": ("{school}: {now} under {period}, mot {before} året innan ({change}); {n} elever, {months} "
                       "månader",
                       "{school}: {now} in {period}, against {before} a year earlier ({change}); {n} pupils, "
                       "{months} months"),
    "abs_warn_note": (
        "Tidig varning: de {top} skolor vars frånvaro under de senaste {k} månaderna med uppgifter ökat mest jämfört "
        "med samma månader året innan. Bara skolor med minst {m} elever i båda perioderna tas med, så att enstaka "
        "elever inte styr listan.",
        "Early warning: the {top} schools whose absence over the latest {k} months with data rose most against the "
        "same months a year earlier. Only schools with at least {m} pupils in both periods are included, so that "
        "a few pupils do not drive the list."),
    "col_abs_now": ("Frånvaro {period} (%)", "Absence {period} (%)"),
    "col_abs_before": ("Frånvaro {period} (%)", "Absence {period} (%)"),
    "col_change_pp": ("Förändring (procentenheter)", "Change (percentage points)"),
    "col_pupils_now": ("Elever per månad {period}", "Pupils per month {period}"),
    "col_months_now": ("Månader med uppgift {period}", "Months with data {period}"),
    # --- Karta ---
    "karta_title": ("Karta", "Map"),
    "karta_intro": (
        "Hur ser det ut i regionens 50 kommuner? Välj mått och läsår; klicka på en kommun för att lägga till den i "
        "urvalet till vänster.",
        "How do the region's 50 municipalities compare? Pick a measure and a school year; click a municipality to "
        "add it to the selection on the left."),
    "map_measure": ("Mått", "Measure"),
    "map_year": ("Läsår", "School year"),
    "map_title": ("{measure}, Plug Innans 50 kommuner {lasar}", "{measure}, Plug Innan's 50 municipalities {lasar}"),
    "map_summary": (
        "Läsåret {lasar} var {label} högst i {hi} ({hi_value}, {hi_n} elever) och lägst i {lo} ({lo_value}, {lo_n} "
        "elever) av de {count} kommuner som har en uppgift{missing}.",
        "In {lasar} the {label} was highest in {hi} ({hi_value}, {hi_n} pupils) and lowest in {lo} ({lo_value}, "
        "{lo_n} pupils) of the {count} municipalities with a figure{missing}."),
    "map_missing": ("; {w} kommuner saknar uppgift eller visas som ”..”",
                    "; {w} municipalities have no figure or show “..”"),
    "map_missing_one": ("; 1 kommun saknar uppgift eller visas som ”..”",
                        "; 1 municipality has no figure or shows “..”"),
    "map_no_data": ("Det finns inga uppgifter för {measure} läsåret {lasar}.",
                    "There are no figures for {measure} in {lasar}."),
    "map_hover_pupils": ("{n} elever", "{n} pupils"),
    "map_click_hint": ("Klicka på en kommun för att lägga till den i urvalet; ta bort den med krysset i menyn till "
                       "vänster. Tjock kant = vald kommun.",
                       "Click a municipality to add it to the selection; remove it with its × in the menu on the "
                       "left. Thick outline = selected."),
    "map_limit": ("Högst 12 kommuner kan väljas samtidigt.", "At most 12 municipalities can be selected at once."),
    "map_no_years": ("Det finns inga läsår med uppgifter för det här måttet i det valda tidsspannet.",
                     "There are no school years with figures for this measure in the chosen range."),
    "map_absence_note": ("Frånvaro för ett läsår är frånvarande tid i procent av schemalagd tid över läsårets "
                         "månader; andelen elever med hög frånvaro är ett genomsnitt över månaderna.",
                         "Absence for a school year is absent time as a percentage of scheduled time over its "
                         "months; the share of pupils with high absence is an average over the months."),
})

TEXTS.update({
    # --- Behörighet (views/eligibility.py, pages/behorighet.py) ---
    "be_intro": ("Hur stor andel av eleverna i årskurs 9 blir behöriga till gymnasiet, blir det bättre och hur står "
                 "sig kommunerna mot varandra och mot hela regionen? Välj mått här; kommuner, läsår och kön väljer du "
                 "i menyn till vänster.",
                 "What share of year 9 pupils become eligible for upper secondary school, is it improving, and how "
                 "do the municipalities compare with each other and with the whole region? Choose the measure here; "
                 "municipalities, school years and gender in the menu on the left."),
    "be_measure": ("Mått", "Measure"),
    "be_h_trend": ("Utveckling över tid", "Trend over time"),
    "be_h_rank": ("Kommunerna jämförda", "Municipalities compared"),
    "be_h_gender": ("Flickor och pojkar", "Girls and boys"),
    "be_h_kinds": ("Programtyper och meritvärde", "Programme types and merit rating"),
    "be_h_schools": ("Skolorna", "The schools"),
    "be_h_school": ("En skolas utveckling", "One school over time"),
    "be_pick_kommun": ("Välj en eller flera kommuner i menyn till vänster för att se deras skolor.",
                       "Pick one or more municipalities in the menu on the left to see their schools."),
    "be_school_pick": ("Välj skola", "Choose a school"),
    "be_schools_note": ("Skolorna visas alltid med antalet elever bakom varje siffra: i små skolor kan några få elever "
                        "flytta andelen många procentenheter från ett år till nästa.",
                        "Schools are always shown with the number of pupils behind each figure: at a small school "
                        "a few pupils can move the share by many percentage points from one year to the next."),
    "be_gender_note": ("Flickor och pojkar skyddas tillsammans: har en av grupperna färre än 10 elever visas ingen "
                       "av dem, så att den dolda inte kan räknas fram ur totalen.",
                       "Girls and boys are protected together: if one group has fewer than 10 pupils neither is "
                       "shown, so the hidden one cannot be worked out from the total."),
    "be_since_year": (" sedan {year}", " since {year}"),
    "be_tile_based_on": ("{subject}. Bygger på {n} elever i årskurs 9.", "{subject}. Based on {n} year 9 pupils."),
    "be_tile_gender": ("Flickor / pojkar {year}", "Girls / boys {year}"),
    "be_tile_gender_help": ("Skillnad flickor − pojkar: {gap}.", "Difference girls − boys: {gap}."),
    "be_tile_pupils": ("Elever i årskurs 9 {year}", "Year 9 pupils {year}"),
    "be_tile_pupils_help": ("Elever som fått eller borde ha fått betyg i minst ett ämne: underlaget för andelarna.",
                            "Pupils who got, or should have got, a grade in at least one subject: the base of the "
                            "shares."),
    "be_trend_change": (", {change} jämfört med {year}", ", {change} compared with {year}"),
    "be_trend_one": ("i {subject} var {label} {value} läsåret {year}{change}",
                     "in {subject} {label} was {value} in {year}{change}"),
    "be_trend_many": ("läsåret {year} var {label} högst i {hi} ({hi_v}) och lägst i {lo} ({lo_v}) av de valda",
                      "in {year} {label} was highest in {hi} ({hi_v}) and lowest in {lo} ({lo_v}) of those "
                      "selected"),
    "be_trend_region": ("hela Plug Innan-regionen låg på {value} läsåret {year}",
                        "the whole Plug Innan region stood at {value} in {year}"),
    "be_kalla_all_published": ("Kommunsiffrorna är publicerade, inte beräknade från skolorna.",
                               "The municipal figures are as published, not computed from the schools."),
    "be_kalla_all_computed": ("Kommunsiffrorna är beräknade från skolornas siffror, vägda med antal elever.",
                              "The municipal figures are computed from the schools' figures, weighted by pupils."),
    "be_kalla_mixed": ("Kommunsiffrorna är publicerade utom för {names}, där de är beräknade från skolornas siffror.",
                       "The municipal figures are as published except for {names}, where they are computed from "
                       "the schools' figures."),
    "be_pupils_word": ("elever", "pupils"),
    "be_change_since": ("{change} sedan {year}", "{change} since {year}"),
    "be_region_short": ("Plug Innan-regionen", "the Plug Innan region"),
    "be_rank_title": ("{label} per kommun i {scope} {year}", "{label} by municipality in {scope}, {year}"),
    "be_region_ref": ("Hela regionen: {value}", "Whole region: {value}"),
    "be_kommun_ref": ("{name}, hela kommunen: {value}", "{name}, whole municipality: {value}"),
    "be_rank_previous": ("Värdet läsåret {year}", "Value in {year}"),
    "be_col_rank": ("Plats", "Rank"),
    "be_col_kommun": ("Kommun", "Municipality"),
    "be_col_change": ("Förändring ({unit})", "Change ({unit})"),
    "be_unit_pe": ("procentenheter", "percentage points"),
    "be_unit_p": ("poäng", "points"),
    "be_rank_sum": ("läsåret {year} var {label} högst i {hi} ({hi_v}) och lägst i {lo} ({lo_v}) av {n} kommuner; "
                    "hela regionen låg på {region}",
                    "in {year} {label} was highest in {hi} ({hi_v}) and lowest in {lo} ({lo_v}) of {n} "
                    "municipalities; the whole region stood at {region}"),
    "be_rank_pick": ("; {name} låg på plats {rank} med {value}{change}", "; {name} ranked {rank} with {value}{change}"),
    "be_rank_pick_change": (" ({change} sedan {year})", " ({change} since {year})"),
    "be_gap_title": ("Skillnad mellan flickor och pojkar: {label}, {subject} {span}",
                     "Difference between girls and boys: {label}, {subject} {span}"),
    "be_gap_axis_pe": ("Flickor − pojkar, procentenheter", "Girls − boys, percentage points"),
    "be_gap_axis_p": ("Flickor − pojkar, meritpoäng", "Girls − boys, merit points"),
    "be_col_gap": ("Flickor − pojkar ({unit})", "Girls − boys ({unit})"),
    "be_col_pupils_f": ("Antal flickor", "Number of girls"),
    "be_col_pupils_p": ("Antal pojkar", "Number of boys"),
    "be_gap_girls": ("{amount} högre för flickor än för pojkar", "{amount} higher for girls than for boys"),
    "be_gap_boys": ("{amount} högre för pojkar än för flickor", "{amount} higher for boys than for girls"),
    "be_gap_none": ("lika för flickor och pojkar", "the same for girls and boys"),
    "be_gap_one": ("i {subject} var {label} {said} läsåret {year}", "in {subject} {label} was {said} in {year}"),
    "be_gap_many": ("läsåret {year} var skillnaden flickor − pojkar i {label} störst i {hi} ({hi_v}) och minst i "
                    "{lo} ({lo_v})",
                    "in {year} the difference girls − boys in {label} was largest in {hi} ({hi_v}) and smallest "
                    "in {lo} ({lo_v})"),
    "be_gap_region": ("i hela regionen var den {said}", "in the whole region it was {said}"),
    "be_kind_yrk": ("Yrkesprogram", "Vocational"),
    "be_kind_es": ("Estetiska<br>programmet", "Arts<br>programme"),
    "be_kind_ehs": ("Ekonomi,<br>humaniora,<br>samhällsvetenskap", "Economics,<br>humanities,<br>social science"),
    "be_kind_nt": ("Naturvetenskap<br>och teknik", "Natural science<br>and technology"),
    "be_kind_alla": ("Godkänt i<br>alla ämnen", "Passed all<br>subjects"),
    "be_kind_merit": ("Meritvärde", "Merit rating"),
    "be_unit_merit": ("Meritpoäng (0–340)", "Merit points (0–340)"),
    "be_kinds_title": ("Behörighet per programtyp och meritvärde, {subject} {year}",
                       "Eligibility by programme type and merit rating, {subject} {year}"),
    "be_school_title": ("{label} per skola, {subject} {year}", "{label} by school, {subject} {year}"),
    "be_col_school": ("Skola", "School"),
    "be_col_school_code": ("Skolenhetskod", "School unit code"),
    "be_col_huvudman": ("Huvudman", "Organiser"),
    "be_huvudman_kommunal": ("Kommunal", "Municipal"),
    "be_huvudman_enskild": ("Enskild", "Independent"),
    "be_school_sum_n": ("läsåret {year} fanns {n} skolor med årskurs 9 i {subject}",
                        "in {year} {subject} had {n} schools with year 9"),
    "be_school_sum_range": ("; {label} låg mellan {lo_v} ({lo}, {lo_n} elever) och {hi_v} ({hi}, {hi_n} elever)",
                            "; {label} ranged from {lo_v} ({lo}, {lo_n} pupils) to {hi_v} ({hi}, {hi_n} pupils)"),
    "be_school_sum_approx": ("; {n} har nästan alla behöriga (~100)", "; {n} have almost all eligible (~100)"),
    "be_school_sum_withheld": ("; {n} visas inte (färre än 10 elever, eller för att skydda en sådan siffra)",
                               "; {n} are withheld (fewer than 10 pupils, or to protect such a figure)"),
    "be_kommun_word": ("kommunen", "municipality"),
    "be_school_trend_sum": ("på {school} var {label} {value} läsåret {year} ({n} elever), jämfört med {k_value} i "
                            "hela {kommun}.",
                            "at {school} {label} was {value} in {year} ({n} pupils), compared with {k_value} in all "
                            "of {kommun}."),
})

TEXTS.update({
    # --- Behörighet, more ---
    "be_trend_many_f": ("läsåret {year} var {label} högst i {hi} ({hi_v}) och lägst i {lo} ({lo_v}) av förbunden",
                        "in {year} {label} was highest in {hi} ({hi_v}) and lowest in {lo} ({lo_v}) of the "
                        "associations"),
    "be_kalla_agg_published": ("Förbundens och regionens siffror är vägda med antal elever från publicerade "
                               "kommunsiffror.",
                               "The associations' and the region's figures are weighted by pupils from published "
                               "municipal figures."),
    "be_kalla_agg_computed": ("Förbundens och regionens siffror är vägda med antal elever från kommunsiffror som "
                              "delvis är beräknade från skolornas siffror.",
                              "The associations' and the region's figures are weighted by pupils from municipal "
                              "figures that are partly computed from the schools' figures."),
    "be_school_trend_none": ("För {school} visas inga uppgifter: färre än 10 elever varje läsår (eller skyddad "
                             "för att en annan uppgift inte ska kunna räknas fram).",
                             "No figures are shown for {school}: fewer than 10 pupils every school year (or "
                             "withheld so that another figure cannot be worked out)."),
})

TEXTS.update({
    # --- Presentation (projector mode and the PowerPoint deck) ---
    "pres_app_subtitle": ("Statistik om gymnasiebehörighet och skolfrånvaro",
                          "Statistics on eligibility for upper secondary school and school absence"),
    "pres_selection": ("{subject} · läsår {span} · {grupp}", "{subject} · school years {span} · {grupp}"),
    "pres_next": ("Nästa", "Next"),
    "pres_prev": ("Föregående", "Previous"),
    "pres_first": ("Första", "First"),
    "pres_last": ("Sista", "Last"),
    "pres_exit": ("Avsluta", "Exit"),
    "pres_counter": ("Bild {i} av {n}", "Slide {i} of {n}"),
    "pres_keys_hint": ("Bläddra med piltangenterna eller presentatörens fjärrkontroll (Page Up/Page Down); Home "
                       "och End går till första och sista bilden, Esc avslutar. Adressen pekar på bilden som visas.",
                       "Move with the arrow keys or a presenter remote (Page Up/Page Down); Home and End go to the "
                       "first and last slide, Esc exits. The address points at the slide shown."),
    "pres_download": ("Ladda ner presentation (PowerPoint)", "Download presentation (PowerPoint)"),
    "pres_download_help": ("En 16:9-presentation av urvalet: titelbild, en bild per diagram med sammanfattning "
                           "och källa, och en avslutande bild med definitioner och sekretessregeln.",
                           "A 16:9 presentation of the selection: a title slide, one slide per chart with its "
                           "summary and source, and a closing slide with definitions and the disclosure rule."),
    "pres_png": ("Ladda ner diagrammet (PNG)", "Download the chart (PNG)"),
    "pres_made": ("Skapad {date}", "Created {date}"),
    "pres_slides": ("{n} bilder", "{n} slides"),
    "pres_closing_title": ("Definitioner och sekretess", "Definitions and disclosure"),
    "pres_demo_short": ("DEMODATA – påhittade siffror", "DEMO DATA – made-up figures"),
    "pres_none": ("Det finns inga diagram att visa för det här urvalet.",
                  "There are no charts to show for this selection."),
    "pres_file_stem": ("plug-innan-presentation", "plug-innan-presentation"),
    "pres_cli_done": ("Presentationen är sparad: {path} ({n} bilder, {s} s).",
                      "The presentation is saved: {path} ({n} slides, {s} s)."),
})

TEXTS.update({
    # --- Ladda upp data (pages/ladda_upp.py) ---
    "upload_title": ("Ladda upp data", "Upload data"),
    "upload_login_intro": ("Sidan är till för samordnare som läser in nya uppgifter. Logga in med lösenordet "
                           "för uppladdning.",
                           "This page is for coordinators who load new figures. Log in with the upload password."),
    "upload_password": ("Lösenord för uppladdning", "Upload password"),
    "upload_login_button": ("Logga in", "Log in"),
    "upload_login_wrong": ("Fel lösenord. Du kan försöka igen om {s} s.",
                           "Wrong password. You can try again in {s} s."),
    "upload_login_wait": ("Vänta {s} s till innan nästa försök; försöket kontrollerades inte.",
                          "Wait {s} more s before the next attempt; this attempt was not checked."),
    "upload_login_locked": ("För många felaktiga försök. Inloggningen är spärrad i ungefär {min} minuter.",
                            "Too many wrong attempts. Logging in is blocked for about {min} minutes."),
    "upload_not_configured": ("Inget lösenord för uppladdning är inställt.", "No upload password is configured."),
    "upload_logout": ("Logga ut", "Log out"),
    "upload_intro": (
        "Läs in Skolverkets exporter, Kolada-filer, frånvaroexporter från skolans system och delprojektregistret. "
        "Du ser först vad som ändras; inget sparas förrän du bekräftar. En fil med fel läses inte in alls.",
        "Load Skolverket's exports, Kolada files, absence exports from the school's system and the sub-project "
        "register. You first see what changes; nothing is saved until you confirm. A file with errors is not "
        "loaded at all."),
    "upload_kind": ("Filtyp", "Kind of file"),
    "upload_lasar": ("Läsår (bara om filen inte anger det)", "School year (only if the file does not say)"),
    "upload_lasar_help": ("Skolverkets filer anger läsåret överst (”Valt läsår: 2024/25”). Fyll bara i här om det "
                          "saknas, t.ex. i en fil som sparats om i Excel utan de raderna.",
                          "Skolverket's files give the school year at the top (“Valt läsår: 2024/25”). Only fill "
                          "this in if it is missing, e.g. in a file re-saved in Excel without those lines."),
    "upload_files": ("Välj fil(er)", "Choose file(s)"),
    "upload_files_help": ("CSV, Excel (.xlsx) eller JSON. Flera filer läses in tillsammans: har någon fel läses "
                          "ingen in. Filerna sparas bara tillfälligt och tas bort efteråt.",
                          "CSV, Excel (.xlsx) or JSON. Several files are loaded together: if one has errors, none "
                          "is loaded. The files are only kept temporarily and removed afterwards."),
    "upload_no_files": ("Ladda upp en eller flera filer för att se vad som ändras.",
                        "Upload one or more files to see what changes."),
    "upload_checking": ("Kontrollerar filerna …", "Checking the files …"),
    "upload_loading": ("Läser in …", "Loading …"),
    "upload_rejected": ("Filerna kan inte läsas in och inget har ändrats i databasen. Rätta följande och ladda "
                        "upp igen:",
                        "The files cannot be loaded and nothing has changed in the database. Fix the following "
                        "and upload again:"),
    "upload_more_problems": ("… och {n} problem till. Rätta dem ovan och ladda upp igen för att se resten.",
                             "… and {n} more problems. Fix those above and upload again to see the rest."),
    "upload_preview_head": ("Det här ändras om du läser in", "What changes if you load"),
    "upload_preview_years": ("Läsår som berörs: {years}.", "School years affected: {years}."),
    "upload_notes_head": ("Om filerna", "About the files"),
    "upload_confirm": ("Läs in {n} rader", "Load {n} rows"),
    "upload_done": ("Inläst: {rows} rader från {files}. De andra sidorna visar de nya uppgifterna nästa gång de "
                    "laddas.",
                    "Loaded: {rows} rows from {files}. The other pages show the new figures the next time they "
                    "are loaded."),
    "upload_undo_head": ("Ångra", "Undo"),
    "upload_last": ("Senaste inläsning: {file} ({kind}), {when}, {rows} rader.",
                    "Last load: {file} ({kind}), {when}, {rows} rows."),
    "upload_undo_button": ("Ångra senaste inläsningen", "Undo the last load"),
    "upload_undo_done": ("Den senaste inläsningen är ångrad; databasen är som före den.",
                         "The last load is undone; the database is as it was before it."),
    "upload_undo_none": ("Det finns ingen inläsning att ångra (bara den senaste kan ångras, en gång).",
                         "There is no load to undo (only the last one can be undone, once)."),
    "upload_formats_head": ("Vilka filer kan läsas in?", "Which files can be loaded?"),
    "upload_formats_text": (
        "- **Skolverket, per skola:** exporten ”Slutbetyg årskurs 9” (CSV eller Excel) som den laddas ner, "
        "alla år och kolumnnamn.\n"
        "- **Skolverket, per kommun:** ”Behörighet till gymnasieskolan” (kommun × huvudman × kön).\n"
        "- **Skolverket, tidsserie:** arbetsboken ”Jämförelse av betygsresultat över tid” (.xlsx).\n"
        "- **Kolada:** JSON från api.kolada.se (N15428, N15507), eller hämta direkt med "
        "`python -m pluginnan_core fetch kolada`.\n"
        "- **Frånvaro per elev:** export från Vklass, Skola24 m.fl. med schemalagd tid och giltig/ogiltig frånvaro; "
        "den räknas ihop per skola och månad och inga personuppgifter sparas.\n"
        "- **Delprojekt:** registret som CSV eller Excel enligt mallen.\n\n"
        "Kolumner och mallar beskrivs i `data/templates/README.md`. Välj ”Känn igen filtypen automatiskt” om du "
        "är osäker.",
        "- **Skolverket, per school:** the “Slutbetyg årskurs 9” export (CSV or Excel) as downloaded, any year and "
        "column names.\n"
        "- **Skolverket, per municipality:** “Behörighet till gymnasieskolan” (municipality × provider × gender).\n"
        "- **Skolverket, time series:** the workbook “Jämförelse av betygsresultat över tid” (.xlsx).\n"
        "- **Kolada:** JSON from api.kolada.se (N15428, N15507), or fetch directly with "
        "`python -m pluginnan_core fetch kolada`.\n"
        "- **Absence per pupil:** an export from Vklass, Skola24 etc. with scheduled time and authorised/"
        "unauthorised absence; it is aggregated per school and month and no personal data is stored.\n"
        "- **Sub-projects:** the register as CSV or Excel following the template.\n\n"
        "Columns and templates are described in `data/templates/README.md`. Choose “Recognise the kind of file "
        "automatically” if unsure."),
})

TEXTS.update({
    # --- Jämför kommuner (views/compare.py, pages/jamfor.py) ---
    "jf_intro": ("Hur står sig kommunerna mot varandra? Välj upp till fyra kommuner att visa sida vid sida, med samma "
                 "skala i varje diagram och hela regionen som jämförelselinje. Under Liknande kommuner: vilka kommuner "
                 "som liknar en vald kommun mest, och hur de har utvecklats.",
                 "How do the municipalities compare? Pick up to four municipalities to show side by side, on the "
                 "same scale in every chart, with the whole region as a reference line. Under Similar municipalities: "
                 "which municipalities are most similar to a chosen one, and how they have developed."),
    "jf_h_side": ("Sida vid sida", "Side by side"),
    "jf_h_similar": ("Liknande kommuner", "Similar municipalities"),
    "jf_picks": ("Kommuner att jämföra (högst fyra)", "Municipalities to compare (at most four)"),
    "jf_picks_placeholder": ("Välj kommuner", "Choose municipalities"),
    "jf_pick_some": ("Välj en eller flera kommuner ovan (eller i menyn till vänster) för att jämföra dem.",
                     "Pick one or more municipalities above (or in the menu on the left) to compare them."),
    "jf_measure": ("Mått", "Measure"),
    "jf_ref": ("Vilken kommun söker du liknande kommuner för?", "Which municipality do you want similar ones for?"),
    "jf_use_similar": ("Visa {name} och de tre mest lika sida vid sida", "Show {name} and the three most similar "
                       "side by side"),
    "jf_rule_title": ("Så väljs liknande kommuner", "How similar municipalities are chosen"),
    "jf_rule": (
        "För varje kommun i Plug Innan räknas medelvärdet över de tre senaste läsåren (till och med det sista läsåret "
        "i ditt urval) av tre mått för alla elever: **antal elever i årskurs 9** (logaritmerat, så att skillnaden "
        "mellan 100 och 200 elever väger lika mycket som mellan 1 000 och 2 000), **andelen behöriga till "
        "yrkesprogram** och **den totala frånvaron**. Varje mått standardiseras: kommunernas medelvärde dras bort och "
        "skillnaden delas med standardavvikelsen, så att alla tre väger lika. Avståndet mellan två kommuner är roten "
        "ur summan av de kvadrerade skillnaderna (standardiserat euklidiskt avstånd); 0 betyder likadana, och en "
        "skillnad på 1 i ett mått är en standardavvikelse. De {n} kommuner med kortast avstånd visas. Saknar den valda "
        "kommunen ett mått (till exempel frånvaro) används bara de andra; kommuner som saknar något av de använda "
        "måtten tas inte med. Bara siffror som visas någon annanstans används, aldrig siffror om färre än 10 elever.",
        "For each Plug Innan municipality, the average over the latest three school years (up to the last year of "
        "your selection) of three measures for all pupils is taken: **the number of year 9 pupils** (as a "
        "logarithm, so that the difference between 100 and 200 pupils weighs as much as between 1,000 and 2,000), "
        "**the share eligible for vocational programmes** and **total absence**. Each measure is standardised: the "
        "municipalities' mean is subtracted and the difference divided by the standard deviation, so that all "
        "three weigh the same. The distance between two municipalities is the square root of the sum of the "
        "squared differences (standardised Euclidean distance); 0 means alike, and a difference of 1 in a measure "
        "is one standard deviation. The {n} municipalities with the shortest distance are shown. If the chosen "
        "municipality lacks a measure (absence, say) only the others are used; municipalities lacking one of the "
        "measures used are left out. Only figures shown elsewhere are used, never figures about fewer than 10 "
        "pupils."),
    "jf_over": ("Andel elever med minst {t} % frånvaro", "Share of pupils with at least {t} % absence"),
    "jf_over_subject": ("andelen elever med minst {t} % frånvaro", "the share of pupils with at least {t} % absence"),
    "jf_abs_subject_franvaro_pct": ("den totala frånvaron", "total absence"),
    "jf_abs_subject_giltig_pct": ("den giltiga frånvaron", "authorised absence"),
    "jf_abs_subject_ogiltig_pct": ("den ogiltiga frånvaron", "unauthorised absence"),
    "jf_col_pupils_abs": ("Antal elever (snitt per månad)", "Number of pupils (monthly average)"),
    "jf_sm_title": ("{label}: {subject} {span}", "{label}: {subject} {span}"),
    "jf_sim_title": ("Kommuner som liknar {name} mest (kortast avstånd överst)",
                     "Municipalities most similar to {name} (shortest distance on top)"),
    "jf_distance": ("Avstånd", "Distance"),
    "jf_distance_axis": ("Standardiserat avstånd (0 = likadana)", "Standardised distance (0 = alike)"),
    "jf_comp_log_elever": ("Antal elever", "Number of pupils"),
    "jf_comp_behorig_yrk": ("Behörighet", "Eligibility"),
    "jf_comp_franvaro_pct": ("Frånvaro", "Absence"),
    "jf_col_pupils_avg": ("Elever i årskurs 9 (snitt)", "Year 9 pupils (average)"),
    "jf_col_elig_avg": ("Behöriga till yrkesprogram (snitt, %)", "Eligible for vocational programmes (average, %)"),
    "jf_col_abs_avg": ("Total frånvaro (snitt, %)", "Total absence (average, %)"),
    "jf_col_diff": ("Skillnad i {comp} (standardavvikelser)", "Difference in {comp} (standard deviations)"),
    "jf_sim_sum": ("{similar} är de kommuner som liknar {name} mest i {comps} (snitt för läsåren {e_span}, frånvaro "
                   "{a_span}); tabellen visar hur mycket de skiljer sig i varje mått.",
                   "{similar} are the municipalities most similar to {name} in {comps} (averages for {e_span}, "
                   "absence {a_span}); the table shows how much they differ in each measure."),
    "jf_sim_none": ("Det finns inte tillräckligt med uppgifter för att hitta kommuner som liknar {name}.",
                    "There are not enough figures to find municipalities similar to {name}."),
    "jf_simtrend_title": ("{label}: {name} och liknande kommuner {span}",
                          "{label}: {name} and similar municipalities {span}"),
    "jf_simtrend_me": ("i {name} var {label} {value} läsåret {year}", "in {name} {label} was {value} in {year}"),
    "jf_simtrend_others": ("bland de liknande kommunerna låg den mellan {lo_v} ({lo}) och {hi_v} ({hi})",
                           "among the similar municipalities it ranged from {lo_v} ({lo}) to {hi_v} ({hi})"),
    "jf_simtrend_region": ("hela regionen låg på {value}", "the whole region stood at {value}"),
})

TEXTS.update({
    # --- Delprojekt (views/subprojects.py, pages/delprojekt.py) ---
    "dp_title": ("Delprojekt", "Sub-projects"),
    "dp_intro": (
        "Vad har Plug Innans delprojekt uppnått? Här finns alla delprojekt med skolor, tider och elever, och för "
        "varje delprojekt hur frånvaron och behörigheten utvecklades på dess skolor jämfört med liknande skolor "
        "utan delprojekt under samma tid. Varje effekt visas med sin osäkerhet och med hur starkt underlaget är. "
        "Delprojekten rangordnas inte: de arbetar med olika elever, skolor och insatser.",
        "What have Plug Innan's sub-projects achieved? Here are all sub-projects with their schools, dates and "
        "pupils, and for each one how absence and eligibility developed at its schools compared with similar "
        "schools without a sub-project over the same time. Every effect is shown with its uncertainty and with "
        "how strong the evidence is. The sub-projects are not ranked: they work with different pupils, schools "
        "and interventions."),
    "dp_h_list": ("Alla delprojekt", "All sub-projects"),
    "dp_h_project": ("Ett delprojekts resultat", "One sub-project's outcome"),
    "dp_h_types": ("Resultat per insatstyp", "Outcomes by intervention type"),
    "dp_scope": ("Visar delprojekt i {scope}. Ändra kommun eller kommunalförbund i menyn till vänster.",
                 "Showing sub-projects in {scope}. Change municipality or association in the menu on the left."),
    "dp_filter_types": ("Insatstyp", "Intervention type"),
    "dp_filter_types_ph": ("Alla insatstyper", "All intervention types"),
    "dp_filter_status": ("Status", "Status"),
    "dp_status_planerat": ("planerat", "planned"),
    "dp_status_pagar": ("pågår", "running"),
    "dp_status_avslutat": ("avslutat", "finished"),
    "dp_tile_projects": ("Delprojekt i listan", "Sub-projects in the list"),
    "dp_tile_projects_help": ("Delprojekt som matchar urvalet och filtren ovan.",
                              "Sub-projects matching the selection and the filters above."),
    "dp_tile_running": ("Pågår", "Running"),
    "dp_tile_running_help": ("Delprojekt som har startat men inte slutat i dag.",
                             "Sub-projects that have started and not yet ended today."),
    "dp_tile_done": ("Avslutade", "Finished"),
    "dp_tile_done_help": ("Delprojekt vars slutdatum har passerat. Dessutom {n} planerade.",
                          "Sub-projects whose end date has passed. Also {n} planned."),
    "dp_tile_reached_help": ("Summan av elever som delprojekten i listan uppger att de nått.",
                             "Sum of pupils the sub-projects in the list report having reached."),
    "dp_reached_withheld": ("* Delprojekt som nått färre än 10 elever räknas inte in (deras antal visas som ”..”).",
                            "* Sub-projects reaching fewer than 10 pupils are not counted (their number shows "
                            "as “..”)."),
    "dp_reached_withheld_short": (", utom delprojekt med färre än 10 elever", ", except sub-projects with fewer "
                                  "than 10 pupils"),
    "dp_list_title": ("Delprojekt i {scope}: från start till slut", "Sub-projects in {scope}: from start to end"),
    "dp_list_summary": (
        "{n} delprojekt i {scope} med start mellan {first} och {last}: {running} pågår, {done} är avslutade och "
        "{planned} är planerade; tillsammans har de nått {reached} elever{withheld}.",
        "{n} sub-projects in {scope} starting between {first} and {last}: {running} running, {done} finished and "
        "{planned} planned; together they have reached {reached} pupils{withheld}."),
    "dp_list_none": ("Inga delprojekt i {scope} matchar filtren.", "No sub-projects in {scope} match the filters."),
    "dp_today": ("I dag ({date})", "Today ({date})"),
    "dp_col_id": ("Id", "Id"),
    "dp_col_name": ("Delprojekt", "Sub-project"),
    "dp_col_schools": ("Skolor", "Schools"),
    "dp_col_start": ("Start", "Start"),
    "dp_col_end": ("Slut", "End"),
    "dp_col_grades": ("Årskurs", "School years (grades)"),
    "dp_col_types": ("Insatser", "Interventions"),
    "dp_col_status": ("Status", "Status"),
    "dp_col_count": ("Antal delprojekt", "Number of sub-projects"),
    "dp_col_running": ("Varav pågår", "Of which running"),
    "dp_map_title": ("Antal delprojekt per kommun, {scope}", "Number of sub-projects per municipality, {scope}"),
    "dp_map_colorbar": ("Antal<br>delprojekt", "Sub-<br>projects"),
    "dp_map_hover": ("{n} delprojekt, varav {running} pågår", "{n} sub-projects, {running} running"),
    "dp_map_none": ("Inga delprojekt i listan", "No sub-projects in the list"),
    "dp_map_summary": ("De {n} delprojekten i listan finns i {k} av Plug Innans {total} kommuner, flest i {top} "
                       "({top_n} st).",
                       "The {n} sub-projects in the list are in {k} of Plug Innan's {total} municipalities, most "
                       "in {top} ({top_n})."),
    "dp_pick_project": ("Välj delprojekt", "Choose a sub-project"),
    "dp_no_projects": ("Inga delprojekt matchar urvalet och filtren. Ändra filtren ovan för att se ett delprojekts "
                       "resultat.",
                       "No sub-projects match the selection and filters. Change the filters above to see a "
                       "sub-project's outcome."),
    "dp_facts": ("**{kommun}** ({forbund}) · skolor: {schools} · {start} – {end} · årskurs {ak} · {reached} elever "
                 "nådda · insatser: {types} · **{status}**",
                 "**{kommun}** ({forbund}) · schools: {schools} · {start} – {end} · school years {ak} · {reached} "
                 "pupils reached · interventions: {types} · **{status}**"),
    "dp_effects_title": ("Effekt per mått jämfört med jämförelseskolorna, {name}",
                         "Effect per measure compared with the comparison schools, {name}"),
    "dp_effects_summary": ("Skillnad i förändring mot jämförelseskolorna, i procentenheter: {parts}{tail}.",
                           "Difference in change against the comparison schools, in percentage points: "
                           "{parts}{tail}."),
    "dp_effects_missing": ("; för {n} mått finns för lite data", "; {n} measures have too little data"),
    "dp_effects_none": ("Det finns ingen skattning ännu: {reason}", "There is no estimate yet: {reason}"),
    "dp_axis_effect": ("Effekt i procentenheter (skillnad i förändring mot jämförelseskolorna)",
                       "Effect in percentage points (difference in change against the comparison schools)"),
    "dp_better_lower": ("lägre är bättre", "lower is better"),
    "dp_better_higher": ("högre är bättre", "higher is better"),
    "dp_to": ("till", "to"),
    "dp_effect_text": ("{effect} procentenheter (95 % osäkerhetsintervall {interval})",
                       "{effect} percentage points (95 % uncertainty interval {interval})"),
    "dp_col_measure": ("Mått", "Measure"),
    "dp_col_effect": ("Effekt (procentenheter)", "Effect (percentage points)"),
    "dp_col_low": ("95 % intervall, från", "95 % interval, from"),
    "dp_col_high": ("95 % intervall, till", "95 % interval, to"),
    "dp_col_evidence": ("Underlag", "Evidence"),
    "dp_col_why": ("Varför inte starkare / varför ingen skattning", "Why not stronger / why no estimate"),
    "dp_col_pschools": ("Projektskolor", "Project schools"),
    "dp_col_cschools": ("Jämförelseskolor", "Comparison schools"),
    "dp_col_pupils": ("Elever i projektskolorna", "Pupils in the project schools"),
    "dp_per_month": ("per månad", "per month"),
    "dp_per_year": ("avgångselever per läsår", "leavers per school year"),
    "dp_col_before": ("Före start", "Before the start"),
    "dp_col_after": ("Efter start", "After the start"),
    "dp_col_comparison": ("Jämförelse", "Comparison"),
    "dp_months": ("mån", "months"),
    "dp_years": ("läsår", "school years"),
    "dp_all_met": ("Alla krav för starkt underlag är uppfyllda.", "Every requirement for strong evidence is met."),
    "dp_measure_pick": ("Mått i diagrammet", "Measure in the chart"),
    "dp_outcome_title": ("{measure} före och efter start: projektskolorna och jämförelseskolorna, {name}",
                         "{measure} before and after the start: project and comparison schools, {name}"),
    "dp_line_project": ("Projektskolorna ({n})", "Project schools ({n})"),
    "dp_line_comparison": ("Jämförelseskolorna ({n})", "Comparison schools ({n})"),
    "dp_start_label": ("Start {date}", "Start {date}"),
    "dp_start_year_band": ("Startläsåret (räknas inte)", "Starting year (left out)"),
    "dp_pupils": ("elever", "pupils"),
    "dp_leavers": ("avgångselever", "leavers"),
    "dp_col_month": ("Månad", "Month"),
    "dp_col_phase": ("Period", "Period"),
    "dp_phase_before": ("före start", "before the start"),
    "dp_phase_after": ("efter start", "after the start"),
    "dp_col_pgroup": ("Projektskolorna", "Project schools"),
    "dp_col_cgroup": ("Jämförelseskolorna", "Comparison schools"),
    "dp_col_pvalue": ("Projektskolorna (%)", "Project schools (%)"),
    "dp_col_cvalue": ("Jämförelseskolorna (%)", "Comparison schools (%)"),
    "dp_rose": ("ökade från {before} till {after}", "rose from {before} to {after}"),
    "dp_fell": ("minskade från {before} till {after}", "fell from {before} to {after}"),
    "dp_flat": ("låg kvar på {after} (från {before})", "stayed at {after} (from {before})"),
    "dp_headline": ("{subject} {project} på projektskolorna och {comparison} på jämförelseskolorna: en skillnad "
                    "i förändring på {effect}, {level}.",
                    "{subject} {project} at the project schools and {comparison} at the comparison schools: a "
                    "difference in change of {effect}, {level}."),
    "dp_none_sentence": ("Ingen effekt kan skattas för {subject}: {reason}",
                         "No effect can be estimated for {subject}: {reason}"),
    "dp_verdict_better": ("Hela intervallet ligger på den bättre sidan om noll: {subject} utvecklades sannolikt "
                          "bättre på projektskolorna än på jämförelseskolorna.",
                          "The whole interval lies on the better side of zero: {subject} probably developed "
                          "better at the project schools than at the comparison schools."),
    "dp_verdict_worse": ("Hela intervallet ligger på den sämre sidan om noll: {subject} utvecklades sannolikt "
                         "sämre på projektskolorna än på jämförelseskolorna.",
                         "The whole interval lies on the worse side of zero: {subject} probably developed worse "
                         "at the project schools than at the comparison schools."),
    "dp_verdict_unclear": ("Intervallet rymmer noll: det går inte att säga säkert om {subject} utvecklades bättre "
                           "eller sämre på projektskolorna än på jämförelseskolorna.",
                           "The interval includes zero: it cannot be said with confidence whether {subject} "
                           "developed better or worse at the project schools than at the comparison schools."),
    "dp_h_counts": ("Vad skattningen bygger på", "What the estimate rests on"),
    "dp_counts_months_list": (
        "- {schools} och {comp} jämförelseskolor\n- i genomsnitt {pupils} elever per månad på projektskolorna "
        "({cpupils} på jämförelseskolorna)\n- {n_pre} månader före start ({pre}) och {n_post} efter ({post}), "
        "samma kalendermånader",
        "- {schools} and {comp} comparison schools\n- on average {pupils} pupils per month at the project "
        "schools ({cpupils} at the comparison schools)\n- {n_pre} months before the start ({pre}) and {n_post} "
        "after ({post}), the same calendar months"),
    "dp_counts_years_list": (
        "- {schools} och {comp} jämförelseskolor\n- i genomsnitt {pupils} avgångselever per läsår på "
        "projektskolorna ({cpupils} på jämförelseskolorna)\n- {n_pre} läsår före startläsåret ({pre}) och "
        "{n_post} efter ({post}); startläsåret räknas inte",
        "- {schools} and {comp} comparison schools\n- on average {pupils} leavers per school year at the "
        "project schools ({cpupils} at the comparison schools)\n- {n_pre} school years before the starting "
        "year ({pre}) and {n_post} after ({post}); the starting year is left out"),
    "dp_n_pschool": ("{n} projektskola", "{n} project school"),
    "dp_n_pschools": ("{n} projektskolor", "{n} project schools"),
    "dp_h_comparison": ("Vilka skolor jämförs med", "What the schools are compared with"),
    "dp_h_pretrend": ("Utvecklades skolorna likadant före start?", "Did the schools move alike before the start?"),
    "dp_pretrend_ok": ("Ja. En låtsad start ett år tidigare ger en skillnad på {value} procentenheter, inte mer "
                       "än slumpen kan ge. Jämförelseskolorna är alltså en rimlig måttstock.",
                       "Yes. A pretend start one year earlier gives a difference of {value} percentage points, no "
                       "more than chance can give. The comparison schools are a fair yardstick."),
    "dp_pretrend_ok_years": ("Ja. Före startläsåret skilde sig trenden med {value} procentenheter per läsår, inte "
                             "mer än slumpen kan ge. Jämförelseskolorna är alltså en rimlig måttstock.",
                             "Yes. Before the starting year the trends differed by {value} percentage points per "
                             "school year, no more than chance can give. The comparison schools are a fair "
                             "yardstick."),
    "dp_pretrend_bad": ("Nej. Redan ett år före start skilde sig utvecklingen med {value} procentenheter, mer än "
                        "slumpen brukar ge. Effekten kan delvis spegla den skillnaden, så underlaget kan inte "
                        "räknas som starkt.",
                        "No. Already one year before the start the development differed by {value} percentage "
                        "points, more than chance usually gives. The effect may partly reflect that difference, "
                        "so the evidence cannot count as strong."),
    "dp_pretrend_bad_years": ("Nej. Före startläsåret skilde sig trenden med {value} procentenheter per läsår, "
                              "mer än slumpen brukar ge. Effekten kan delvis spegla den skillnaden, så underlaget "
                              "kan inte räknas som starkt.",
                              "No. Before the starting year the trends differed by {value} percentage points per "
                              "school year, more than chance usually gives. The effect may partly reflect that "
                              "difference, so the evidence cannot count as strong."),
    "dp_pretrend_none": ("Det gick inte att pröva: det finns för få månader med uppgifter före start.",
                         "It could not be tested: there are too few months of data before the start."),
    "dp_pretrend_none_years": ("Det gick inte att pröva: det behövs minst två läsår med uppgifter före "
                               "startläsåret.",
                               "It could not be tested: at least two school years of data before the starting "
                               "year are needed."),
    "dp_h_evidence": ("Hur starkt är underlaget?", "How strong is the evidence?"),
    "dp_evidence_strong": ("**{label}.** Alla krav för starkt underlag är uppfyllda.",
                           "**{label}.** Every requirement for strong evidence is met."),
    "dp_evidence_why": ("**{label}.** Inte {next} eftersom: {why}.", "**{label}.** Not {next} because: {why}."),
    "dp_evidence_none": ("**{label}.** {reason}", "**{label}.** {reason}"),
    "dp_whole_school": ("Effekten gäller hela skolan, inte bara de elever delprojektet nådde, så den blir mindre "
                        "ju färre av skolans elever som deltog.",
                        "The effect is for the whole school, not only the pupils the sub-project reached, so it "
                        "is smaller the fewer of the school's pupils took part."),
    "dp_schools_used": ("Skolorna bakom skattningen ({measure})", "The schools behind the estimate ({measure})"),
    "dp_schools_project": ("Projektskolor", "Project schools"),
    "dp_schools_comparison": ("Jämförelseskolor", "Comparison schools"),
    "dp_rules": ("Så räknas effekten och så bedöms underlaget", "How the effect is computed and the evidence "
                 "judged"),
    "dp_types_measure": ("Mått", "Measure"),
    "dp_types_title": ("{measure}: effekt per insatstyp, alla delprojekt med skattning",
                       "{measure}: effect by intervention type, all sub-projects with an estimate"),
    "dp_types_k": ("{k} av {n} delprojekt med skattning", "{k} of {n} sub-projects with an estimate"),
    "dp_pooled": ("Sammanvägt", "Pooled"),
    "dp_single_projects": ("Enskilda delprojekt", "Single sub-projects"),
    "dp_types_summary": ("För {subject} finns en sammanvägd skattning för {k} av {n} insatstyper, mellan {lo} och "
                         "{hi} procentenheter ({levels}); de flesta delprojekt kombinerar flera insatser, så "
                         "siffrorna visar inte vad en insats ensam åstadkommer.",
                         "For {subject} there is a pooled estimate for {k} of {n} intervention types, between {lo} "
                         "and {hi} percentage points ({levels}); most sub-projects combine several interventions, "
                         "so the figures do not show what one intervention achieves on its own."),
    "dp_types_none": ("För {subject} finns för få delprojekt med skattning för att väga samman någon insatstyp.",
                      "For {subject} there are too few sub-projects with an estimate to pool any intervention "
                      "type."),
    "dp_types_intro": ("Hur gick det i delprojekt som använde en viss insats? Delprojektens effekter vägs samman per "
                       "insatstyp (alla delprojekt i Plug Innan, oavsett urvalet i menyn). Ringarna är de enskilda "
                       "delprojekten, den fyllda symbolen med streck är den sammanvägda effekten med 95 % "
                       "osäkerhetsintervall.",
                       "How did sub-projects that used an intervention fare? The sub-projects' effects are pooled "
                       "per intervention type (all Plug Innan sub-projects, whatever the selection in the menu). "
                       "The rings are the single sub-projects, the filled symbol with whiskers is the pooled "
                       "effect with its 95 % uncertainty interval."),
    "dp_n_with": ("{n} med {label}", "{n} with {label}"),
    "dp_col_type": ("Insatstyp", "Intervention type"),
    "dp_col_k": ("Delprojekt med skattning", "Sub-projects with an estimate"),
    "dp_col_k_all": ("Delprojekt med insatsen", "Sub-projects with the intervention"),
    "dp_col_pooled": ("Sammanvägd effekt (procentenheter)", "Pooled effect (percentage points)"),
    "dp_col_median": ("Median", "Median"),
    "dp_col_min": ("Lägsta", "Lowest"),
    "dp_col_max": ("Högsta", "Highest"),
    "dp_source_eval": ("Beräknat av verktyget ur skolornas frånvaro- och behörighetsuppgifter.",
                       "Computed by the tool from the schools' absence and eligibility figures."),
})

TEXTS.update({
    # --- Behörighet: the programme-kinds sentence, built from the figures that exist ---
    "be_kinds_intro": ("läsåret {year} i {subject}: ", "in {year} in {subject}: "),
    "be_kinds_behorig_yrk": ("{value} behöriga till yrkesprogram", "{value} eligible for vocational programmes"),
    "be_kinds_behorig_nt": ("{value} behöriga till naturvetenskaps- och teknikprogram",
                            "{value} eligible for natural science and technology programmes"),
    "be_kinds_alla_amnen": ("{value} med godkänt i alla ämnen", "{value} passing all subjects"),
    "be_kinds_meritvarde": ("genomsnittligt meritvärde {value}", "average merit rating {value}"),
})

TEXTS.update({
    # --- Jämför kommuner: the similarity rule in one line, above its full text ---
    "jf_rule_short": ("Liknande betyder här närmast i antal elever i årskurs 9, andel behöriga till yrkesprogram och "
                      "total frånvaro (snitt för de tre senaste läsåren); de {n} närmaste visas.",
                      "Similar here means closest in the number of year 9 pupils, the share eligible for vocational "
                      "programmes and total absence (averages over the latest three school years); the {n} closest "
                      "are shown."),
})

TEXTS.update({
    # --- Tillgänglighet (accessibility statement, DIGG's model under lagen (2018:1937) om tillgänglighet
    #     till digital offentlig service, DOS-lagen) ---
    "a11y_title": ("Tillgänglighetsredogörelse", "Accessibility statement"),
    "a11y_intro": (
        "GR Utbildning (Göteborgsregionens kommunalförbund) står bakom Plug Innan – statistik. Vi vill att så många "
        "som möjligt ska kunna använda verktyget. Den här redogörelsen beskriver hur verktyget uppfyller lagen "
        "(2018:1937) om tillgänglighet till digital offentlig service, vilka kända brister som finns och hur du kan "
        "rapportera brister till oss så att vi kan åtgärda dem.",
        "GR Utbildning (Gothenburg Region Association of Local Authorities) is responsible for Plug Innan – "
        "statistics. We want as many people as possible to be able to use it. This statement describes how the tool "
        "complies with the Swedish Act (2018:1937) on accessibility to digital public services, the known problems "
        "and how you can report problems to us so that we can fix them."),
    "a11y_status_h": ("Hur tillgängligt är verktyget?", "How accessible is the tool?"),
    "a11y_status": (
        "Vi vet att delar av verktyget inte är helt tillgängliga. Se avsnittet om innehåll som inte är "
        "tillgängligt nedan.",
        "We know that parts of the tool are not fully accessible. See the section on content that is not "
        "accessible below."),
    "a11y_alt_h": ("Vad kan du göra om du inte kan använda delar av verktyget?",
                   "What can you do if you cannot use parts of the tool?"),
    "a11y_alt": (
        "Överst på varje sida med diagram finns länken **Visa som tabell och ladda ner**: då visas varje diagram som en "
        "tabell med samma siffror, med knappar för att ladda ner dem som CSV- och Excelfil. Under varje diagram "
        "och tabell står en mening som sammanfattar det. Valet gäller tills du ändrar det, och följer med i "
        "länken. Behöver du uppgifterna i ett "
        "annat format kan du kontakta oss (se nedan).",
        "At the top of every page with charts there is the link **Show as tables with downloads**: every chart is then shown "
        "as a table with the same figures, with buttons to download them as a CSV and an Excel file. A sentence "
        "below every chart and table sums it up. The choice stays until you change it, and is kept in the link. "
        "If you need the figures in another format, "
        "contact us (see below)."),
    "a11y_report_h": ("Rapportera brister i verktygets tillgänglighet", "Report accessibility problems"),
    "a11y_report": (
        "Vi strävar hela tiden efter att förbättra tillgängligheten. Om du upptäcker problem som inte är beskrivna "
        "på den här sidan, eller om du anser att vi inte uppfyller lagens krav, meddela oss så att vi får veta att "
        "problemet finns. Vi svarar inom två arbetsdagar.\n\n"
        "- **E-post: {contact}**",
        "We keep working to improve accessibility. If you find problems that are not described on this page, or "
        "if you think that we do not meet the requirements of the law, tell us so that we know about the problem. "
        "We reply within two working days.\n\n"
        "- **E-mail: {contact}**"),
    "a11y_contact_placeholder": (
        "[PLATSHÅLLARE – GR Utbildnings kontaktadress fylls i före publicering]",
        "[PLACEHOLDER – GR Utbildning's contact address to be filled in before publication]"),
    "a11y_supervision_h": ("Tillsyn", "Enforcement"),
    "a11y_supervision": (
        "Myndigheten för digital förvaltning (Digg) har ansvaret för tillsyn för lagen om tillgänglighet till "
        "digital offentlig service. Om du inte är nöjd med hur vi hanterar dina synpunkter kan du "
        "[kontakta Digg och påtala det](https://www.digg.se/tdosanmalan).",
        "The Agency for Digital Government (Digg) supervises the Act on accessibility to digital public services. "
        "If you are not satisfied with how we handle your comments, you can "
        "[contact Digg and report it](https://www.digg.se/tdosanmalan) (in Swedish)."),
    "a11y_tech_h": ("Teknisk information om verktygets tillgänglighet",
                    "Technical information about the tool's accessibility"),
    "a11y_tech": (
        "Verktyget är **delvis förenligt** med lagen om tillgänglighet till digital offentlig service, på grund av "
        "de brister som beskrivs nedan. Kraven vi bedömer mot är nivå AA i Webbriktlinjer / WCAG 2.1 "
        "(EN 301 549).",
        "The tool is **partially compliant** with the Act on accessibility to digital public services, because of "
        "the problems described below. We assess against level AA of WCAG 2.1 (EN 301 549)."),
    "a11y_problems_h": ("Innehåll som inte är tillgängligt", "Content that is not accessible"),
    "a11y_problems_intro": ("Bristande förenlighet med lagkraven:", "Non-compliance with the requirements:"),
    "a11y_problems": (
        "- **Diagrammens interaktion kräver mus (WCAG 2.1.1).** Att zooma och hålla muspekaren över en punkt för "
        "att se dess värde går inte med tangentbordet. Orsak: diagrammen ritas av Plotly. Samma siffror finns i "
        "tabellvisningen (Visa som tabell och ladda ner).\n"
        "- **Kartan väljs med mus (WCAG 2.1.1).** Att klicka på en kommun i kartan går inte med tangentbordet. "
        "Samma val görs med listan Kommuner i menyn.\n"
        "- **Vissa texter från ramverket är på engelska (WCAG 3.1.2).** Bland annat knapparna i diagrammens "
        "verktygsrad (t.ex. ”Download plot as a PNG”), ”Skip to main content” och ”Help for …” på "
        "hjälpknapparna. Orsak: texterna kommer från Streamlit och Plotly och går inte att översätta där.\n"
        "- **Sidans språk sätts av ett skript (WCAG 3.1.1).** Ramverket anger engelska; verktyget ändrar till "
        "svenska (eller engelska) direkt när sidan laddats, men under den första sekunden kan en skärmläsare få fel "
        "språk.\n"
        "- **Tabellerna är ritade rutnät (WCAG 1.3.1).** Den interaktiva tabellen (Streamlits dataframe) har "
        "begränsat stöd i skärmläsare: rubriker och celler läses, men inte alltid i sitt sammanhang. CSV- och "
        "Excelfilen innehåller samma tabell.\n"
        "- **Ändringar meddelas inte skärmläsare (WCAG 4.1.3).** När du ändrar ett urval ritas sidan om utan att "
        "en skärmläsare får besked om det.\n"
        "- **Linjer skiljs åt med färg (WCAG 1.4.1).** I diagram med flera kommuner skiljs linjerna främst med färg "
        "(en färgblindsanpassad palett); förbund och region har streckade och prickade linjer, och namnen står i "
        "förklaringen och i tabellen.",
        "- **Chart interaction needs a mouse (WCAG 2.1.1).** Zooming and hovering over a point to see its value "
        "cannot be done with the keyboard. Reason: the charts are drawn by Plotly. The same figures are shown in the "
        "table view (Show as tables with downloads).\n"
        "- **The map is used with a mouse (WCAG 2.1.1).** Clicking a municipality on the map cannot be done with "
        "the keyboard. The same choice is made with the Municipalities list in the menu.\n"
        "- **Some framework texts are in English (WCAG 3.1.2).** Among them the buttons of the chart toolbar, "
        "“Skip to main content” and “Help for …” on help buttons. Reason: the texts come from Streamlit and Plotly "
        "and cannot be translated there.\n"
        "- **The page language is set by a script (WCAG 3.1.1).** The framework declares English; the tool changes "
        "it as soon as the page has loaded, but during the first second a screen reader may use the wrong "
        "language.\n"
        "- **Tables are drawn grids (WCAG 1.3.1).** The interactive table (Streamlit's dataframe) has limited "
        "screen reader support. The CSV and Excel files hold the same table.\n"
        "- **Changes are not announced to screen readers (WCAG 4.1.3).** When you change the selection the page is "
        "redrawn without a screen reader being told.\n"
        "- **Lines are told apart by colour (WCAG 1.4.1).** In charts with several municipalities the lines differ "
        "mainly by colour (a colour-blind safe palette); associations and the region have dashed and dotted lines, "
        "and the names are in the legend and the table."),
    "a11y_method_h": ("Hur vi testat verktyget", "How we tested the tool"),
    "a11y_method": (
        "Vi har granskat verktyget själva. Den senaste bedömningen gjordes den **{date}** med en automatisk "
        "granskning med axe-core (WCAG 2.1 A och AA) av varje sida i webbläsaren Chromium, en kontroll av "
        "kontrasten i de färger som faktiskt visas, och en manuell kontroll av att menyns urval, diagrammens "
        "länk mellan diagram och tabeller och sidornas avsnittsflikar (Frånvaro, Delprojekt, Jämför kommuner) går "
        "att nå och använda med enbart tangentbord (Tab, Skift+Tab, Enter och piltangenter) med synligt fokus. Granskningen upprepas automatiskt i verktygets testsvit "
        "(`tests/e2e/test_accessibility.py`).",
        "We assessed the tool ourselves. The latest assessment was made on **{date}**: an automated audit with "
        "axe-core (WCAG 2.1 A and AA) of every page in the Chromium browser, a check of the contrast of the colours "
        "actually shown, and a manual check that the menu's selection, the link between charts and tables "
        "with downloads and the pages' section tabs (Absence, Sub-projects, Compare municipalities) can be reached and used with "
        "the keyboard alone (Tab, Shift+Tab, Enter and arrow keys) with visible focus. The audit is repeated automatically in the tool's test suite (`tests/e2e/test_accessibility.py`)."),
    "a11y_updated": ("Redogörelsen uppdaterades senast den {date}.", "This statement was last updated on {date}."),
})

TEXTS.update({
    # --- an old database file: how to upgrade it (ui/state.py, pluginnan_core.db.migrate) ---
    "db_old_schema_what": (
        "Gör så här: uppgradera filen med "
        "`python -m pluginnan_core migrate --db {path}` och ladda om sidan. Alla inlästa "
        "uppgifter följer med, och den gamla filen sparas bredvid som `{path}.prev`.",
        "What to do: upgrade the file with "
        "`python -m pluginnan_core migrate --db {path}` and reload the page. Everything loaded "
        "is kept, and the old file is saved next to it as `{path}.prev`.",
    ),
})


TEXTS.update({
    # --- a selection total that leaves kommuner out (views.partial_note) ---
    "selection_partial": (
        "Summan bygger på {n} av urvalets {total} kommuner: de övrigas siffror visas inte (för få elever) "
        "eller saknas.",
        "The total is based on {n} of the selection's {total} municipalities: the others' figures are "
        "withheld (too few pupils) or missing.",
    ),
})



# --------------------------------------------------------------------------- the front ends' own English

#: Streamlit's front end names its own controls in English only (aria-labels, tooltips, the skip
#: link) and has no setting for it; ui.components' chrome script rewrites these exact texts on a
#: Swedish page (and back after a switch to English). Keys are Streamlit 1.67's strings.
FRONTEND_SV: dict[str, str] = {
    "Skip to main content": "Hoppa till huvudinnehållet",
    "App pages": "Panelens sidor",
    "Sidebar": "Sidomeny",
    "Collapse sidebar": "Fäll ihop sidomenyn",
    "Expand sidebar": "Fäll ut sidomenyn",
    "Open": "Öppna",
    "Help": "Hjälp",
    "Link to heading": "Länk till rubriken",
    "Fullscreen": "Helskärm",
    "Close fullscreen": "Stäng helskärm",
    "Exit fullscreen": "Stäng helskärm",
    "Download as CSV": "Ladda ner som CSV",
    "Search": "Sök",
    "Show/hide columns": "Visa eller dölj kolumner",
    "Clear all": "Rensa alla",
    "Clear value": "Rensa",
    "Dismiss": "Stäng",
    "Close": "Stäng",
    "Choose an option": "Välj",
    "No options to select": "Inget att välja",
    "Copy to clipboard": "Kopiera",
}
#: Texts Streamlit builds around a label: (English start or end, Swedish), e.g. "Help for Kön",
#: "Läsår — start".
FRONTEND_SV_PREFIX: dict[str, str] = {"Help for ": "Hjälp om ", "Shortcut ": "Kortkommando "}
FRONTEND_SV_SUFFIX: dict[str, str] = {" — start": " — från", " — end": " — till"}

#: Plotly.js's own texts (the chart toolbar's buttons and its notices) as a Plotly locale, sent
#: with each chart's config: Streamlit's Plotly bundle registers no locales, so "locale": "sv"
#: alone left them in English. Keys are plotly.js's strings (modebar/buttons.js).
PLOTLY_LOCALE_SV: dict[str, Any] = {
    "dictionary": {
        "Autoscale": "Anpassa skalan",
        "Box Select": "Markera med rektangel",
        "Lasso Select": "Markera med lasso",
        "Compare data on hover": "Jämför värden vid pekaren",
        "Show closest data on hover": "Visa närmaste värde vid pekaren",
        "Toggle show closest data on hover": "Visa närmaste värde vid pekaren av/på",
        "Toggle Spike Lines": "Hjälplinjer av/på",
        "Download plot as a PNG": "Ladda ner diagrammet som PNG",
        "Download plot": "Ladda ner diagrammet",
        "Download plot as JSON": "Ladda ner diagrammet som JSON",
        "Preparing image - this may take a few seconds": "Bilden förbereds – det kan ta några sekunder",
        "Image download succeeded": "Bilden är nedladdad",
        "Sorry, there was a problem downloading your image!": "Bilden kunde inte laddas ner.",
        "Pan": "Panorera",
        "Zoom": "Zooma",
        "Zoom in": "Zooma in",
        "Zoom out": "Zooma ut",
        "Reset": "Återställ",
        "Reset axes": "Återställ axlarna",
        "Reset view": "Återställ vyn",
        "Reset views": "Återställ vyerna",
        "Double-click to zoom back out": "Dubbelklicka för att zooma ut igen",
        "Double-click on legend to isolate one trace": "Dubbelklicka på en förklaring för att visa bara den serien",
    },
    "format": {
        "decimal": ",", "thousands": "\u00a0",
        "days": ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
        "shortDays": ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
        "months": ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
                   "oktober", "november", "december"],
        "shortMonths": ["jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.",
                        "dec."],
    },
}
