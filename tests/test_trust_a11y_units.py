# Accessibility helpers that need no browser: chart text dark enough for WCAG AA, the language
# script and focus styles present, the theme's colours meeting AA (computed, as the browser draws them).
"""ui/components.py (readable, chrome, A11Y_CSS) and .streamlit/config.toml."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT
from ui import components


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _ratio(a: str, b: str) -> float:
    hi, lo = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _blend(fg: str, bg: str, alpha: float) -> str:
    f = [int(fg.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    b = [int(bg.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(alpha * x + (1 - alpha) * y):02x}" for x, y in zip(f, b, strict=True))


def test_theme_colours_meet_wcag_aa() -> None:
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
    text, bg, side, primary = (theme["textColor"], theme["backgroundColor"], theme["secondaryBackgroundColor"],
                               theme["primaryColor"])
    assert _ratio(text, bg) >= 7 and _ratio(text, side) >= 7
    assert _ratio(primary, bg) >= 4.5 and _ratio("#ffffff", primary) >= 4.5  # links; white on primary buttons
    for surface in (bg, side):  # captions are drawn at 60 % opacity
        assert _ratio(_blend(text, surface, 0.6), surface) >= 4.5, surface
    assert _ratio(components.CHART_TEXT, "#ffffff") >= 4.5


def test_readable_darkens_axis_text_but_keeps_chosen_colours() -> None:
    figure = {"data": [{"type": "heatmap", "z": [[1]]}],
              "layout": {"xaxis": {"tickfont": {"color": "#123456"}}, "yaxis2": {"title": {"text": "y"}}}}
    out = components.readable(figure)
    assert out["layout"]["xaxis"]["tickfont"]["color"] == "#123456"
    assert out["layout"]["yaxis2"]["tickfont"]["color"] == components.CHART_TEXT
    assert out["layout"]["yaxis2"]["title"]["font"]["color"] == components.CHART_TEXT
    assert out["data"][0]["colorbar"]["tickfont"]["color"] == components.CHART_TEXT
    assert "tickfont" not in figure["layout"].get("yaxis2", {})  # the caller's figure is not changed


def test_focus_styles_cover_menu_links_and_select_boxes() -> None:
    for part in ('stSidebarNavLink"]:focus-visible', 'stTopNavLink"]:focus-visible', "input:focus-visible",
                 "kbd { opacity: 1"):
        assert part in components.A11Y_CSS
