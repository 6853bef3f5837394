# Accessibility probes run in the browser: the axe-core audit (bundled with axe-playwright-python,
# no download), computed-colour contrast of every visible text, and a keyboard-only focus walk.
"""Browser-side accessibility checks shared by tests/e2e/test_accessibility.py and benchmarks/trust.py.

Why our own contrast check next to axe: axe reports text over overlapping or pseudo-element
backgrounds as "incomplete" (it cannot decide), which is exactly Streamlit's tabs and cards.
Here the background is composed from the element's ancestors (alpha blended, as the browser
paints it) and the text colour includes inherited opacity, so every visible text gets a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

CONTRAST_JS = r"""
() => {
  const parse = (c) => {
    const m = c && c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, bottom) => {
    const a = top.a + bottom.a * (1 - top.a);
    if (a === 0) return {r: 255, g: 255, b: 255, a: 1};
    const ch = (k) => (top[k] * top.a + bottom[k] * bottom.a * (1 - top.a)) / a;
    return {r: ch('r'), g: ch('g'), b: ch('b'), a: a};
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const background = (el) => {
    const layers = [];
    let image = false;
    const r = el.getBoundingClientRect();
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const s = getComputedStyle(e);
      const box = e.getBoundingClientRect();
      // a label positioned outside its parent's box (e.g. a slider's value above the thumb)
      // is painted on whatever lies behind it, not on that parent's colour
      if (e !== el && (cx < box.left || cx > box.right || cy < box.top || cy > box.bottom)) continue;
      const c = parse(s.backgroundColor);
      if (s.backgroundImage && s.backgroundImage !== 'none') image = true;
      if (c && c.a > 0) layers.push(c);
      if (c && c.a >= 1) break;
    }
    let bg = {r: 255, g: 255, b: 255, a: 1};
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return {bg, image};
  };
  const opacity = (el) => {
    let o = 1;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) o *= Number(getComputedStyle(e).opacity || 1);
    return o;
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || seen.has(el)) continue;
    seen.add(el);
    if (el.closest('[aria-hidden="true"], script, style, noscript, [disabled], [aria-disabled="true"]')) continue;
    const rect = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    if (rect.width === 0 || rect.height === 0 || s.visibility !== 'visible' || s.display === 'none') continue;
    if (el.closest('[hidden]')) continue;
    const svg = el instanceof SVGElement;
    let fg = parse(svg ? (s.fill && s.fill.startsWith('rgb') ? s.fill : s.color) : s.color);
    if (!fg) continue;
    let {bg, image} = background(el);
    // text drawn on a chart's own shapes (heatmap cells, inside bars, map areas): the background is
    // SVG paint, not CSS; Plotly picks black or white text for each cell itself
    if (svg && el.closest('.heatmaplayer, .bartext, .choroplethlayer, .geolayer')) image = true;
    const alpha = opacity(el);
    if (alpha < 0.1) continue;  // invisible (e.g. a hidden slider end label)
    fg = {...fg, a: fg.a * alpha * (svg ? Number(s.fillOpacity || 1) : 1)};
    const shown = over(fg, bg);
    const l1 = lum(shown), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(s.fontSize);
    const bold = Number(s.fontWeight) >= 700 || s.fontWeight === 'bold';
    const large = size >= 24 || (size >= 18.66 && bold);
    const need = large ? 3 : 4.5;
    out.push({text: text.slice(0, 60), ratio: Math.round(ratio * 100) / 100, need, image,
              fg: s.color, bg: `rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)})`,
              testid: (el.closest('[data-testid]') || {}).dataset ? el.closest('[data-testid]').dataset.testid : ''});
  }
  return out;
}
"""

FOCUS_JS = r"""
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const marked = (st) => (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0)
    || (st.boxShadow && st.boxShadow !== 'none');
  let ring = marked(s);
  // Streamlit draws some rings on a wrapper (e.g. the select box around its <input>)
  for (let e = el.parentElement, i = 0; !ring && e && i < 8; e = e.parentElement, i++) ring = marked(getComputedStyle(e));
  const label = el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].innerText)
    || el.innerText || el.getAttribute('title') || el.value || '';
  const test = el.closest('[data-testid]');
  return {tag: el.tagName.toLowerCase(), role: el.getAttribute('role') || el.type || '',
          label: String(label).trim().slice(0, 60), testid: test ? test.dataset.testid : '',
          inSidebar: !!el.closest('[data-testid="stSidebar"]'), focusVisible: el.matches(':focus-visible'),
          ring: !!ring, selected: el.getAttribute('aria-selected'), checked: el.checked === true};
}
"""


@dataclass
class AxeResult:
    url: str
    state: str
    blocking: list[dict[str, Any]] = field(default_factory=list)
    other: list[dict[str, Any]] = field(default_factory=list)


def run_axe(page, url: str, state: str) -> AxeResult:
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                        "resultTypes": ["violations"]}).response
    result = AxeResult(url, state)
    for v in response["violations"]:
        entry = {"id": v["id"], "impact": v["impact"], "help": v["help"],
                 "nodes": [n["target"] for n in v["nodes"][:5]], "count": len(v["nodes"])}
        (result.blocking if v["impact"] in BLOCKING else result.other).append(entry)
    return result


def contrast_failures(page) -> list[dict[str, Any]]:
    """Visible texts whose computed colours miss WCAG AA (4.5:1, or 3:1 for large text)."""
    return [x for x in page.evaluate(CONTRAST_JS) if x["ratio"] < x["need"] and not x["image"]]


def focused(page) -> dict[str, Any] | None:
    return page.evaluate(FOCUS_JS)


def tab_walk(page, presses: int = 60, key: str = "Tab") -> list[dict[str, Any]]:
    """Press Tab (or Shift+Tab) and record every element that gets focus, in order."""
    out = []
    for _ in range(presses):
        page.keyboard.press(key)
        page.wait_for_timeout(60)
        info = focused(page)
        if info:
            out.append(info)
    return out


def settle(page, timeout_ms: int = 30_000) -> None:
    """Wait until Streamlit has finished running the script and a moment more for the charts to draw."""
    page.wait_for_timeout(300)
    from tests.e2e.browser import SCRIPT_DONE_JS  # the one "script finished" condition of the browser tests

    page.wait_for_function(SCRIPT_DONE_JS, timeout=timeout_ms)
    page.wait_for_timeout(400)
