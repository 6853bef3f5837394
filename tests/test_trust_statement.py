# The accessibility statement page: everything DIGG's model asks for is there, in both languages.
"""app_pages/tillganglighet.py (AppTest)."""

from __future__ import annotations

import pytest

from tests.trust.pages import app_pages

PAGE = next(path for path, *_ in app_pages() if path.endswith("tillganglighet.py"))


@pytest.mark.parametrize(("lang", "expected"), [
    ("sv", ["Tillgänglighetsredogörelse", "delvis förenligt", "WCAG 2.1", "2026-11-22", "axe-core",
            "https://www.digg.se/tdosanmalan", "PLATSHÅLLARE", "Innehåll som inte är tillgängligt", "2.1.1",
            "tangentbord"]),
    ("en", ["Accessibility statement", "partially compliant", "WCAG 2.1", "2026-11-22", "axe-core",
            "https://www.digg.se/tdosanmalan", "PLACEHOLDER", "Content that is not accessible", "2.1.1",
            "keyboard"]),
])
def test_statement_has_what_digg_requires(app_test, lang: str, expected: list[str]) -> None:
    at = app_test(page="app_pages/tillganglighet.py", lang=lang)
    assert not at.exception
    text = " ".join([*(x.value for x in at.title), *(x.value for x in at.header), *(x.value for x in at.markdown),
                     *(x.value for x in at.caption)])
    for part in expected:
        assert part in text, part


def test_contact_address_can_be_configured(app_test, monkeypatch) -> None:
    monkeypatch.setenv("PLUGINNAN_A11Y_CONTACT", "tillganglighet@example.se")
    at = app_test(page="app_pages/tillganglighet.py")
    text = " ".join(x.value for x in at.markdown)
    assert "tillganglighet@example.se" in text and "PLATSHÅLLARE" not in text
