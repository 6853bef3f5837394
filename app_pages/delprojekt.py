# Delprojekt: every sub-project (timeline list and map, filtered by the sidebar's scope, intervention
# type and status), one sub-project's outcome against comparison schools with its evidence label
# (URL `projekt=PI-001`), and the effects per intervention type as a forest plot.
"""Sub-project page: thin; the content is built in pluginnan_core.views.subprojects.

Link parameters of this page (validated; unknown values fall back with a notice): `insats`
(comma-separated intervention codes), `status` (planerat, pagar/pågår, avslutat), `projekt`
(PI-001), `utfall` (the measure in the before/after chart), `typmatt` (the measure per
intervention type) and `avsnitt` (the open section: lista, projekt, insatser; a link without it
but with `projekt=` opens that project). Kommun and förbund come from the sidebar (`kommun=`,
`forbund=`).

Why the evaluation is cached by (database token, today's date): evaluating all ~30 projects
takes about half a second, and `today` decides which projects have started, so a new day or a
new database file gives new results and nothing else does.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from pluginnan_core import evaluate, queries
from pluginnan_core.disclosure import min_pupils
from pluginnan_core.i18n import t
from pluginnan_core.views import Visual
from pluginnan_core.views import subprojects as sp
from ui import cache, components, state

database, sel, lang = state.db(), state.selection(), state.lang()
today = dt.date.today()
DAY = today.isoformat()
FILE = (database.token, DAY, min_pupils())  # what every result below depends on besides the choices
#: A material icon before each status in the pills: it marks the status at a glance, and a label
#: starting with "Pågår" (not ASCII) made Streamlit load its emoji catalogue, ~4 MiB of the server.
STATUS_ICONS = {"planerat": ":material/schedule:", "pagar": ":material/play_circle:",
                "avslutat": ":material/check_circle:"}


def _built(name: str, build, *parts: object):
    """`build()` once per database file, day, language, `name` and `parts`, with its cache key."""
    k = (FILE, lang, name, *parts)
    return cache.keyed(k, build), k


def _url_multi(param: str, options: list[str], key: str) -> None:
    """Seed a multi-choice widget from a comma-separated URL value, unknown values reported."""
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
        return
    good, bad = sp.parse_codes(state.link().get(param), options)
    if bad:
        state.url_notice(param, ",".join(bad), lang)
    st.session_state[key] = good


def _show(built: tuple[Visual, tuple], source: str, stem: str | None = None, note: str = "") -> None:
    components.show(built[0], language=lang, source=source, file_stem=stem, replay=built[1], note=note)


# the evaluation and the register depend on the file and the day, not on the language
results, pooled = evaluate.evaluation(database, today)  # remembered per file and day in the core
register = cache.keyed((FILE, "register"), lambda: sp.register(database, today))
kinds = cache.call(sp.interventions, database)
source = components.source_line(database, lang)
eval_source = f"{source} {t('dp_source_eval', lang)}".strip()

st.title(t("dp_title", lang))
st.markdown(t("dp_intro", lang))
components.view_switch(lang)

# The list's filters are read on every run, whichever section is open: they also decide which
# projects the project picker offers, and are kept while another section is shown.
scope = cache.call(sp.scope_name, database, sel, lang)
codes = list(kinds)
_url_multi("insats", codes, "dp_insats")
_url_multi("status", list(sp.STATUSES), "dp_status")
filters = sp.filters_from_selection(sel, st.session_state["dp_insats"], st.session_state["dp_status"] or [])
scope_key = (cache.key(sp.scope_name, database, sel, lang), tuple(st.session_state["dp_insats"]),
             tuple(st.session_state["dp_status"] or []))
listed, _ = _built("listed", lambda: sp.filter_register(register, filters), scope_key)


def _linked_section() -> str:
    """The section a link without `avsnitt=` opens: older links to one project open that project."""
    params = state.link()
    return "projekt" if "projekt" in params or "utfall" in params else "insatser" if "typmatt" in params else "lista"


def all_projects() -> None:
    """1. All sub-projects: scope from the sidebar, type and status on the page."""
    st.caption(t("dp_scope", lang, scope=scope))
    row = st.container(horizontal=True)  # one block for the row: each block costs every rerun
    picked_types = row.multiselect(t("dp_filter_types", lang), codes, key="dp_insats",
                                   format_func=lambda c: sp.intervention_names([c], kinds, lang)[0],
                                   placeholder=t("dp_filter_types_ph", lang), select_all=False)
    picked_status = row.pills(t("dp_filter_status", lang), list(sp.STATUSES), selection_mode="multi",
                              key="dp_status",
                              format_func=lambda s: f"{STATUS_ICONS[s]} {sp.status_label(s, lang).capitalize()}")
    state.url_write("insats", ",".join(picked_types))
    state.url_write("status", ",".join(picked_status or []))
    tiles, tiles_key = _built("tiles", lambda: sp.tiles(listed, lang), scope_key)
    components.tiles(tiles, replay=tiles_key)
    _show(_built("list", lambda: sp.list_visual(listed, kinds, lang, today, scope, filters), scope_key), source,
          "delprojekt")
    highlight = cache.call(queries.resolve_kommuner, database, sel) if (sel.kommuner or sel.forbund) else ()
    _show(_built("map", lambda: sp.map_visual(database, listed, lang, scope, highlight, filters, kinds), scope_key),
          source, "delprojekt-karta")


def one_project() -> None:
    """2. One sub-project's outcome (URL `projekt=`), among the projects the list's filters leave."""
    options, _ = _built("options", lambda: sp.project_options(listed), scope_key)
    current = st.session_state.get("dp_projekt", state.link().get("projekt"))
    if current and current not in options and current in set(register["projekt_id"]):
        # the project on screen (or in a shared link) stays pickable when the filters leave it out
        options = {**options, **sp.project_options(register[register["projekt_id"] == current])}
    if not options:
        st.info(t("dp_no_projects", lang), icon=":material/filter_alt_off:")
        if "dp_projekt" in st.session_state:
            state.url_write("projekt", None)
    else:
        ids = list(options)
        state.url_choice("projekt", ids, ids[0], "dp_projekt", lang)
        pid = st.selectbox(t("dp_pick_project", lang), ids, key="dp_projekt", width=components.WIDE_PICKER_WIDTH,
                           format_func=lambda p: options.get(p, p))
        state.url_write("projekt", pid)
        info, _ = _built("info", lambda: register[register["projekt_id"] == pid].iloc[0], pid)
        cache.replay((FILE, lang, "facts", pid), lambda: st.markdown(sp.project_facts(info, kinds, lang)))
        rows, _ = _built("rows", lambda: sp.project_rows(results, pid), pid)
        with_estimate, _ = _built("with_estimate", lambda: [r for _, r in rows.iterrows() if sp.has_estimate(r)], pid)
        if not with_estimate:
            why, _ = _built("reasons", lambda: " ".join([f"**{sp.level_label(rows.iloc[0], lang).capitalize()}.**",
                                                         *dict.fromkeys(rows["anledning_en" if lang == "en"
                                                                             else "anledning"])]), pid)
            st.info(why, icon=":material/hourglass_empty:")
        else:
            name = f"{pid} {info['namn']}"
            _show(_built("effects", lambda: sp.effects_visual(rows, lang, name), pid), eval_source, f"{pid}-effekter")
            measures, _ = _built("measures", lambda: list(rows["matt"]), pid)
            state.url_choice("utfall", measures, sp.DEFAULT_MEASURE if sp.DEFAULT_MEASURE in measures else measures[0],
                             "dp_matt", lang)
            labels, _ = _built("measure_labels", lambda: {r["matt"]: sp.measure_name(r, lang) for _, r in rows.iterrows()},
                               pid)  # the radio asks for each label several times per rerun
            measure = st.radio(t("dp_measure_pick", lang), measures, key="dp_matt", horizontal=True,
                               format_func=lambda m: labels.get(m, m))
            state.url_write("utfall", measure if measure != sp.DEFAULT_MEASURE else None)
            row, _ = _built("row", lambda: rows[rows["matt"] == measure].iloc[0], pid, measure)
            if not sp.has_estimate(row):
                st.info(sp.evidence_text(row, lang), icon=":material/hourglass_empty:")
            else:
                result = cache.keyed((FILE, "project", pid),
                                     lambda: evaluate.evaluate_project(database, pid, today=today))
                _show(_built("outcome", lambda: sp.outcome_visual(result, row, lang), pid, measure), eval_source,
                      f"{pid}-{measure}")

                def details() -> None:
                    """The verdict, the three fact boxes and the schools used: text only, replayed on reruns.

                    The verdict and the boxes are one element (`components.boxes`): every element costs
                    a rerun the same, replayed or not (docs/performance.md).
                    """
                    comparison = row["jamforelse_text_en" if lang == "en" else "jamforelse_text"]
                    st.markdown(components.boxes(
                        [f"**{t('dp_h_counts', lang)}**\n\n{sp.counts_text(row, lang)}\n\n{comparison}"
                         f"\n\n:small[{t('dp_whole_school', lang)}]",
                         f"**{t('dp_h_pretrend', lang)}**\n\n{sp.pretrend_text(row, lang)}",
                         f"**{t('dp_h_evidence', lang)}**\n\n{sp.evidence_text(row, lang)}"],
                        [4, 3, 3], lead=sp.verdict(row, lang)), unsafe_allow_html=True)
                    used = tuple(result.schools_used["skolenhetskod"].unique())
                    project_schools, comparison_schools = sp.school_lists(
                        result, measure, cache.call(queries.school_names, database, used))
                    with st.expander(t("dp_schools_used", lang, measure=sp.measure_name(row, lang).lower())):
                        st.markdown(f"**{t('dp_schools_project', lang)}:** {', '.join(project_schools)}\n\n"
                                    f"**{t('dp_schools_comparison', lang)}:** {', '.join(comparison_schools)}")

                cache.replay((FILE, lang, "details", pid, measure), details)
        cache.replay(("dp_rules", lang), rules)  # fixed text: drawn once per language


def rules() -> None:
    """How an effect is estimated and its evidence judged: the same text for every project."""
    with st.expander(t("dp_rules", lang)):
        st.markdown(evaluate.rules_text(lang))


def per_type() -> None:
    """3. Effects per intervention type, pooled over all sub-projects whatever the scope."""
    st.markdown(t("dp_types_intro", lang))
    measure_codes = list(sp.MEASURE_CODES)
    state.url_choice("typmatt", measure_codes, sp.DEFAULT_MEASURE, "dp_typmatt", lang)
    type_measure = st.selectbox(
        t("dp_types_measure", lang), measure_codes, key="dp_typmatt", width=components.PICKER_WIDTH,
        format_func=lambda m: evaluate.MEASURES[m].en if lang == "en" else evaluate.MEASURES[m].sv)
    state.url_write("typmatt", type_measure if type_measure != sp.DEFAULT_MEASURE else None)
    # how the estimates are pooled and when a type's evidence counts as strong: the chart's note
    _show(_built("types", lambda: sp.intervention_visual(pooled, results, type_measure, lang), type_measure), eval_source,
          f"insatser-{type_measure}", note=" ".join((evaluate.POOLING_METHOD_EN, evaluate.POOLED_RULES_EN) if lang == "en"
                                                    else (evaluate.POOLING_METHOD_SV, evaluate.POOLED_RULES_SV)))


SECTIONS = {"lista": all_projects, "projekt": one_project, "insatser": per_type}
section, box = components.sections("dp", {"lista": t("dp_h_list", lang), "projekt": t("dp_h_project", lang),
                                               "insatser": t("dp_h_types", lang)}, lang, _linked_section)
with box:
    SECTIONS[section]()
