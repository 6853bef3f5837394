# Tillgänglighet: the accessibility statement (tillgänglighetsredogörelse) that the DOS-lagen
# requires, in the structure of DIGG's model: status, known problems, how we tested, how to report.
"""Accessibility statement page.

Why the assessment date is a constant: the statement must say when the tool was last assessed
(2026-11-22: the axe-core audit, the colour check and the keyboard walk in
tests/e2e/test_accessibility.py). Change it when the assessment is redone, not on every start.
The contact address comes from $PLUGINNAN_A11Y_CONTACT or secrets; until someone sets it the
page shows a clearly marked placeholder rather than an address that nobody reads.
"""

import os

import streamlit as st

from pluginnan_core.i18n import t
from ui import cache, state

ASSESSED = "2026-11-22"

lang = state.lang()


def contact() -> str:
    value = os.environ.get("PLUGINNAN_A11Y_CONTACT")
    if not value:
        try:
            value = st.secrets.get("PLUGINNAN_A11Y_CONTACT")
        except Exception:  # no secrets.toml is the normal case
            value = None
    return value or t("a11y_contact_placeholder", lang)


#: The statement's sections in order: heading key, then the text keys under it.
SECTIONS = [
    ("a11y_status_h", ["a11y_status"]),
    ("a11y_alt_h", ["a11y_alt"]),
    ("a11y_report_h", ["a11y_report"]),
    ("a11y_supervision_h", ["a11y_supervision"]),
    ("a11y_tech_h", ["a11y_tech"]),
    ("a11y_problems_h", ["a11y_problems_intro", "a11y_problems"]),
    ("a11y_method_h", ["a11y_method"]),
]


def page(address: str) -> None:
    """The whole statement: no widgets, decided by the language and the contact address."""
    st.title(t("a11y_title", lang))
    st.markdown(t("a11y_intro", lang))
    for heading, texts in SECTIONS:
        st.header(t(heading, lang))
        for key in texts:  # texts without {contact} or {date} ignore them
            st.markdown(t(key, lang, contact=address, date=ASSESSED))
    st.caption(t("a11y_updated", lang, date=ASSESSED))


address = contact()
cache.replay(("tillganglighet", ASSESSED, lang, address), lambda: page(address))
