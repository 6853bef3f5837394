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

TEXTS.update({
    # --- shared page texts ---
    "tab_chart": ("Diagram", "Chart"),
    "tab_table": ("Tabell", "Table"),
    "tab_download": ("Ladda ner", "Download"),
    "download_csv": ("Ladda ner CSV", "Download CSV"),
    "download_xlsx": ("Ladda ner Excel (XLSX)", "Download Excel (XLSX)"),
    "no_data": ("Det finns inga uppgifter för det här urvalet.", "There are no figures for this selection."),
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
        "per månad, hur många elever som har hög frånvaro, hur läsåren skiljer sig åt och vilka skolor där "
        "frånvaron ökar.",
        "How much of lesson time are pupils away, and is it improving? Total, authorised and unauthorised absence "
        "per month, how many pupils have high absence, how the school years differ and at which schools absence "
        "is rising."),
    "franvaro_source_note": (
        "Frånvarouppgifterna kommer från skolornas egna frånvarosystem; det finns ingen officiell "
        "frånvarostatistik per skola eller kommun.",
        "The absence figures come from the schools' own attendance systems; there are no official absence "
        "statistics per school or municipality."),
    "franvaro_no_data": ("Det finns inga frånvarouppgifter inlästa för det här urvalet.",
                         "No absence figures are loaded for this selection."),
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
    "abs_heat_year": ("Läsår för skolöversikten", "School year for the school overview"),
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
                        "elever i genomsnitt per månad. Vita rutor med ”..” visas inte.",
                        "Schools with the highest average absence are on top; the number in brackets is the "
                        "average number of pupils per month. White cells with “..” are withheld."),
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
        "Hur ser det ut i regionens 50 kommuner? Välj mått och läsår; klicka på en kommun för att lägga till eller "
        "ta bort den i urvalet till vänster.",
        "How do the region's 50 municipalities compare? Pick a measure and a school year; click a municipality to "
        "add it to or remove it from the selection on the left."),
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
    "map_no_data": ("Det finns inga uppgifter för {measure} läsåret {lasar}.",
                    "There are no figures for {measure} in {lasar}."),
    "map_hover_pupils": ("{n} elever", "{n} pupils"),
    "map_click_hint": ("Klicka på en kommun för att lägga till eller ta bort den i urvalet. Tjock kant = vald "
                       "kommun.", "Click a municipality to add it to or remove it from the selection. Thick "
                       "outline = selected."),
    "map_limit": ("Högst 12 kommuner kan väljas samtidigt.", "At most 12 municipalities can be selected at once."),
    "map_no_years": ("Det finns inga läsår med uppgifter för det här måttet i det valda tidsspannet.",
                     "There are no school years with figures for this measure in the chosen range."),
    "map_absence_note": ("Frånvaro för ett läsår är frånvarande tid i procent av schemalagd tid över läsårets "
                         "månader; andelen elever med hög frånvaro är ett genomsnitt över månaderna.",
                         "Absence for a school year is absent time as a percentage of scheduled time over its "
                         "months; the share of pupils with high absence is an average over the months."),
})
