# Jämför kommuner: up to four kommuner side by side (small multiples, one y axis, region line), and
# the kommuner most similar to one kommun by a rule stated on the page, with their trend.
"""Compare page: thin; everything shown is built in pluginnan_core.views.compare.

Link parameters: `jamfor` (up to four kommun codes), `jmatt` (the measure), `lik` (the kommun whose
similar kommuner are shown) and `avsnitt` (the open section: sida, liknande; a link with only
`lik=` opens the similar kommuner).
"""

from __future__ import annotations

import streamlit as st

from pluginnan_core.i18n import t
from pluginnan_core.views import Visual
from pluginnan_core.views import compare as cv
from ui import cache, components, state

database, sel, lang = state.db(), state.selection(), state.lang()


def _built(fn, *args: object):
    """`fn(base, sel, *args)` once per database file, selection and arguments, with its cache key."""
    k = cache.key(fn, database, sel, *args)
    return cache.keyed(k, lambda: fn(base, sel, *args)), k


def _notice(items: list[str]) -> None:
    if items:
        st.warning(t("url_fallback", lang, items=", ".join(items)), icon=":material/warning:")


def _show(v: Visual, replay: object, note: str = "") -> None:
    components.show(v, language=lang, source=source, replay=replay, note=note)


def _set_picks(codes: list[str]) -> None:
    """The similar kommuner's button: put them side by side and open that section to show them."""
    st.session_state["jf_picks"] = codes
    st.session_state[components.section_key("jf")] = "sida"


base = cache.call(cv.base_frames, database)
base_key = cache.key(cv.base_frames, database)
names = cache.keyed((base_key, "names"), lambda: cv.names(base))
options = cache.keyed((base_key, "options"), lambda: cv.kommun_options(base))
measures = cache.keyed((base_key, "measures"), lambda: cv.measures(base))
source = components.source_line(database, lang)

# URL -> widgets, once per visit; unknown values fall back to defaults with a notice.
bad: list[str] = []
if "jf_picks" not in st.session_state:
    raw = state.link().get("jamfor")
    if raw is not None:
        wanted = [k for k in raw.split(",") if k]
        bad += [f"jamfor={k[:12]}" for k in wanted if k not in options]
        picks = list(dict.fromkeys(k for k in wanted if k in options))
        if len(picks) > cv.MAX_PICKS:
            bad.append(f"jamfor=({len(picks)} > {cv.MAX_PICKS})")
        st.session_state["jf_picks"] = picks[:cv.MAX_PICKS]
    else:
        st.session_state["jf_picks"] = [k for k in sel.kommuner if k in options][:cv.MAX_PICKS]
if "jf_matt" not in st.session_state:
    raw = state.link().get("jmatt")
    if raw is not None and raw not in measures:
        bad.append(f"jmatt={raw[:40]}")
    st.session_state["jf_matt"] = raw if raw in measures else cv.DEFAULT_MEASURE
elif st.session_state["jf_matt"] not in measures:
    st.session_state["jf_matt"] = cv.DEFAULT_MEASURE
default_ref = next((k for k in [*sel.kommuner, *st.session_state["jf_picks"]] if k in options), options[0])
if "jf_lik" not in st.session_state:
    raw = state.link().get("lik")
    if raw is not None and raw not in options:
        bad.append(f"lik={raw[:12]}")
    st.session_state["jf_lik"] = raw if raw in options else default_ref

# The picks, the measure and the reference kommun are kept while the section that draws their
# widget is closed (a widget's own state ends with the run that does not draw it).
st.session_state["jf_picks"] = [k for k in st.session_state["jf_picks"] if k in options]
st.session_state["jf_matt"] = st.session_state["jf_matt"]
st.session_state["jf_lik"] = st.session_state["jf_lik"] if st.session_state["jf_lik"] in options else default_ref
picks, measure = st.session_state["jf_picks"], st.session_state["jf_matt"]

st.title(t("nav_jamfor", lang))
_notice(bad)
st.markdown(t("jf_intro", lang))
components.view_switch(lang)


def _pick_measure(where) -> str:
    return where.selectbox(t("jf_measure", lang), measures, key="jf_matt", format_func=lambda m: cv.label(m, lang),
                           width=components.PICKER_WIDTH)


def _linked_section() -> str:
    """The section a link without `avsnitt=` opens: one naming only a reference kommun opens its similar ones."""
    params = state.link()
    return "liknande" if "lik" in params and "jamfor" not in params else "sida"


def side_by_side() -> None:
    """Up to four kommuner, one panel each, on one y axis with the region's line."""
    row = st.container(horizontal=True)  # one block for the row: each block costs every rerun
    chosen = row.multiselect(t("jf_picks", lang), options, key="jf_picks", max_selections=cv.MAX_PICKS,
                             format_func=lambda k: names.get(k, k), placeholder=t("jf_picks_placeholder", lang),
                             select_all=False)
    shown = _pick_measure(row)
    if chosen:
        _show(*_built(cv.small_multiples, chosen, shown, lang, _order(chosen)))
    else:
        st.info(t("jf_pick_some", lang), icon=":material/compare_arrows:")


def _order(chosen: list[str]) -> tuple:
    """One colour per kommun on the whole page, whichever section shows it."""
    ref = st.session_state["jf_lik"]
    nearest, nearest_key = _built(cv.similar, ref)
    similar_ids = cache.keyed((nearest_key, "ids"), lambda: nearest[0]["id"].tolist()[1:])  # not pandas every rerun
    return cv.colour_order(sel, [*chosen, ref, *similar_ids])


def similar_kommuner() -> None:
    """The kommuner most like one kommun by the stated rule, and their trend in the chosen measure."""
    ref = st.selectbox(t("jf_ref", lang), options, key="jf_lik", format_func=lambda k: names.get(k, k),
                       width=components.PICKER_WIDTH)
    with st.expander(t("jf_rule_title", lang)):
        st.markdown(t("jf_rule", lang, n=cv.N_SIMILAR))
    order = _order(picks)
    (visual, similar), similar_key = _built(cv.similarity, ref, lang, order)
    _show(visual, similar_key, note=t("jf_rule_short", lang, n=cv.N_SIMILAR))  # the rule in short, with the source
    if similar:
        wanted = [ref, *similar[: cv.MAX_PICKS - 1]]
        st.button(t("jf_use_similar", lang, name=names.get(ref, ref)), on_click=_set_picks, args=(wanted,),
                  icon=":material/compare_arrows:", disabled=list(picks) == wanted)
        _show(*_built(cv.similar_trend, ref, similar, _pick_measure(st), lang, order))


section, box = components.sections("jf", {"sida": t("jf_h_side", lang), "liknande": t("jf_h_similar", lang)},
                                   lang, _linked_section)
with box:
    (side_by_side if section == "sida" else similar_kommuner)()
picks, measure, ref = st.session_state["jf_picks"], st.session_state["jf_matt"], st.session_state["jf_lik"]

# widgets -> URL, so the address shares exactly this view
for key, value, default in (("jamfor", ",".join(picks), ""), ("jmatt", measure, cv.DEFAULT_MEASURE),
                            ("lik", ref, None)):
    state.url_write(key, value, default)
