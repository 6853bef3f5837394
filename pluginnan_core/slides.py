# Take-away slides: renders the presentation's charts to PNG with kaleido (one Chromium kept
# running) and builds a 16:9 PowerPoint deck of a selection; also `python -m pluginnan_core deck`.
"""Slides and chart images for network meetings.

Why kaleido with a kept-alive browser: kaleido draws a figure with the same Plotly.js the
dashboard uses, so a slide shows exactly the chart on screen; starting its Chromium costs a
few seconds, rendering one chart a few tenths, so the browser is started once per process
(`start_renderer`) and reused. Why the same `presentation_visuals` as the projector page: the
deck someone takes home must hold the numbers that were shown, and every one of them comes
from a view, so from the protected query results (disclosure control), in the chosen language.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from . import charts, queries
from .db import Database, DatabaseError
from .disclosure import min_pupils
from .i18n import t
from .views import Visual, marker_legend, source_line
from .views.presentation import date_text, iter_presentation_visuals, selection_subtitle

# --------------------------------------------------------------------------- images

#: Chart images on slides: logical size in px (fonts are sized for it) and the pixel density.
IMAGE_W, IMAGE_H = 1600, 560
MAP_W, MAP_H = 900, 780  # a map of Västra Götaland is taller than wide
IMAGE_SCALE = 1.5
#: A chart downloaded on its own (title inside the image).
PNG_W, PNG_H = 1600, 900
RENDER_TIMEOUT_S = 60

_server_lock = threading.Lock()
_render_lock = threading.Lock()
_warming: threading.Thread | None = None


class RenderError(RuntimeError):
    """A chart could not be drawn (no Chromium, or Plotly.js failed); the message says which chart."""


def start_renderer(warm: bool = True) -> None:
    """Start kaleido's Chromium once per process (idempotent, returns at once).

    With `warm`, a tiny chart is drawn in a background thread so the browser start and the
    Plotly.js load (together ~3–6 s on two cores) overlap with building the visuals. Maps read
    the world topojson stub from static/topojson/ (plotly.io default), never from a CDN, and
    MathJax is off, so nothing is downloaded.
    """
    global _warming
    import kaleido

    with _server_lock:
        charts.use_local_topojson()
        server = kaleido._global_server
        if server.is_running() and not server._thread.is_alive():  # its Chromium died: start afresh
            server.close(silence_warnings=True)
        if not server.is_running():
            kaleido.start_sync_server(n=1, mathjax=False, timeout=RENDER_TIMEOUT_S, silence_warnings=True)
            if warm:
                _warming = threading.Thread(target=_warm_up, name="kaleido-warm-up", daemon=True)
                _warming.start()


def _warm_up() -> None:
    try:
        render_png({"data": [{"type": "scatter", "x": [0], "y": [0]}], "layout": {}}, 50, 50, 1)
    except Exception:  # the real render reports the problem
        pass


def stop_renderer() -> None:
    """Close kaleido's Chromium (tests and the CLI; the app keeps it until exit)."""
    import kaleido

    with _server_lock, _render_lock:
        kaleido.stop_sync_server(silence_warnings=True)


def render_png(figure: dict, width: int, height: int, scale: float = IMAGE_SCALE) -> bytes:
    """One figure as PNG bytes. Thread-safe: kaleido's sync server serves one call at a time."""
    import kaleido

    start_renderer(warm=False)
    with _render_lock:
        try:
            return kaleido.calc_fig_sync(figure, opts={"format": "png", "width": width, "height": height,
                                                       "scale": scale},
                                         topojson=charts.local_topojson_url())
        except Exception as exc:
            title = ((figure.get("layout") or {}).get("title") or {})
            name = title.get("text", "") if isinstance(title, dict) else str(title)
            raise RenderError(f"Diagrammet kunde inte ritas ({name or 'utan titel'}): {exc}") from exc


def is_map(figure: dict) -> bool:
    return any(str(tr.get("type", "")).startswith(("choropleth", "scattergeo")) for tr in figure.get("data", []))


def _rows(figure: dict) -> int:
    """Categories down the side of a horizontal bar chart (0 for other charts)."""
    return max([len(tr.get("y") or []) for tr in figure.get("data", []) if tr.get("orientation") == "h"] + [0])


def slide_image(visual: Visual) -> tuple[bytes, int, int]:
    """The chart as it goes on a slide (projector fonts, no title: the slide prints it): (png, w, h).

    A bar chart gets taller with its rows (36 px a row), so no label is dropped; on the slide
    it is then scaled to the same height as the others and comes out narrower.
    """
    assert visual.figure is not None
    w, h = (MAP_W, MAP_H) if is_map(visual.figure) else (IMAGE_W, max(IMAGE_H, 36 * _rows(visual.figure) + 190))
    fig = charts.projector_layout(visual.figure, title=False, width=w, height=h)
    return render_png(fig, w, h), w, h


def chart_png(visual: Visual) -> bytes:
    """The chart alone as a PNG download, title inside, readable on a projector."""
    assert visual.figure is not None
    w, h = (MAP_W + 200, MAP_H + 120) if is_map(visual.figure) else (PNG_W, PNG_H)
    fig = charts.projector_layout(visual.figure, title=True, width=w, height=h)
    return render_png(fig, w, h)


# --------------------------------------------------------------------------- texts

def visual_source(db: Database, visual: Visual, lang: str) -> str:
    """The source line under a chart: the import log, plus the caveat its page adds (absence, estimates)."""
    parts = [source_line(db, lang)]
    if visual.key.startswith("franvaro") and "franvaro_source_note" in _texts():
        parts.append(t("franvaro_source_note", lang))
    if visual.key.startswith("dp_insatser") and "dp_source_eval" in _texts():
        parts.append(t("dp_source_eval", lang))  # the effects are the tool's own estimates
    return " ".join(p for p in parts if p)


def _texts() -> dict:
    from .i18n import TEXTS

    return TEXTS


def closing_sections(lang: str) -> list[tuple[str, str]]:
    """(heading, markdown) for the closing slide: definitions and the disclosure rule."""
    return [(t("data_definitions", lang), t("data_definitions_text", lang)),
            (t("data_disclosure", lang), t("data_disclosure_text", lang, n=min_pupils()))]


def deck_file_name(lang: str, today: dt.date | None = None) -> str:
    return f"{t('pres_file_stem', lang)}-{(today or dt.date.today()).isoformat()}.pptx"


# --------------------------------------------------------------------------- the deck

INK = "1A1A1A"
GREY = "595959"
ACCENT = "0072B2"  # PALETTE[0]
DEMO_INK = "8A1C00"
DEMO_FILL = "FDEBDD"
FONT = "Calibri"


def _rgb(hex_colour: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour)


def _lang_tag(lang: str) -> str:
    return "sv-SE" if lang == "sv" else "en-GB"


def _style(run: Any, size: float, *, bold: bool = False, colour: str = INK, lang: str = "sv") -> None:
    from pptx.util import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    run.font.color.rgb = _rgb(colour)
    run.font._rPr.set("lang", _lang_tag(lang))  # proofing language: no red squiggles in Swedish


def _box(slide: Any, left: float, top: float, width: float, height: float, *, anchor: str = "top") -> Any:
    from pptx.enum.text import MSO_ANCHOR
    from pptx.util import Inches

    shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = {"top": MSO_ANCHOR.TOP, "middle": MSO_ANCHOR.MIDDLE, "bottom": MSO_ANCHOR.BOTTOM}[anchor]
    for side in ("margin_left", "margin_right"):
        setattr(frame, side, Inches(0.05))
    return shape


def _text(slide: Any, text: str, left: float, top: float, width: float, height: float, size: float, *,
          bold: bool = False, colour: str = INK, lang: str = "sv", anchor: str = "top", align: str = "left",
          name: str | None = None) -> Any:
    from pptx.enum.text import PP_ALIGN

    shape = _box(slide, left, top, width, height, anchor=anchor)
    if name:
        shape.name = name
    para = shape.text_frame.paragraphs[0]
    para.alignment = {"left": PP_ALIGN.LEFT, "right": PP_ALIGN.RIGHT, "center": PP_ALIGN.CENTER}[align]
    _style(para.add_run(), size, bold=bold, colour=colour, lang=lang)
    para.runs[0].text = text
    return shape


def _title(slide: Any, text: str, lang: str, *, top: float = 0.3, height: float = 0.95, size: float = 28) -> None:
    """Fill the layout's title placeholder (screen readers and the outline view use it)."""
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches

    title = slide.shapes.title
    title.left, title.top, title.width, title.height = Inches(0.5), Inches(top), Inches(12.33), Inches(height)
    frame = title.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    para = frame.paragraphs[0]
    para.alignment = PP_ALIGN.LEFT
    run = para.add_run()
    run.text = text
    _style(run, size, bold=True, lang=lang)


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _markdown(frame: Any, md: str, size: float, lang: str, *, first: bool = True) -> None:
    """Our i18n texts' small markdown (paragraphs, '- ' bullets, **bold**) as PowerPoint paragraphs."""
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    for line in md.splitlines():
        if not line.strip():
            continue
        para = frame.paragraphs[0] if first else frame.add_paragraph()
        first = False
        para.space_after = Pt(size * 0.35)
        text = line.strip()
        if text.startswith("- "):
            text = text[2:]
            ppr = para._p.get_or_add_pPr()
            ppr.set("marL", str(int(Pt(size * 1.1))))
            ppr.set("indent", str(-int(Pt(size * 1.1))))
            bullet = ppr.makeelement(qn("a:buChar"), {"char": "•"})
            ppr.append(bullet)
        for i, piece in enumerate(_BOLD.split(text)):
            if piece:
                run = para.add_run()
                run.text = piece
                _style(run, size, bold=bool(i % 2), lang=lang)


def _footer(slide: Any, left_text: str, number: int, total: int, lang: str, is_demo: bool) -> None:
    y = 6.95
    x = 0.5
    if is_demo:
        shape = _text(slide, t("pres_demo_short", lang), x, y, 2.9, 0.4, 11, bold=True, colour=DEMO_INK, lang=lang,
                      anchor="middle", name="Demodata")
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(DEMO_FILL)
        x += 3.0
    _text(slide, left_text, x, y - 0.05, 11.0 - x, 0.5, 9, colour=GREY, lang=lang, anchor="middle", name="Källa")
    _text(slide, t("pres_counter", lang, i=number, n=total), 11.2, y, 1.63, 0.4, 11, colour=GREY, lang=lang,
          anchor="middle", align="right", name="Bildnummer")


def _title_slide(prs: Any, db: Database, sel: queries.Selection, lang: str, today: dt.date, total: int) -> None:
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Inches

    slide = prs.slides.add_slide(prs.slide_layouts[5])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, prs.slide_width, Inches(0.28))
    band.fill.solid()
    band.fill.fore_color.rgb = _rgb(ACCENT)
    band.line.fill.background()
    _title(slide, "Plug Innan", lang, top=1.4, height=1.3, size=54)
    _text(slide, t("pres_app_subtitle", lang), 0.5, 2.75, 12.33, 0.6, 26, colour=GREY, lang=lang, name="Undertitel")
    _text(slide, selection_subtitle(db, sel, lang), 0.5, 3.55, 12.33, 0.9, 24, colour=INK, lang=lang, name="Urval")
    _text(slide, date_text(today, lang), 0.5, 4.45, 12.33, 0.5, 20, colour=GREY, lang=lang, name="Datum")
    if db.is_demo:
        shape = _text(slide, t("demo_notice", lang), 0.5, 5.3, 12.33, 0.9, 18, bold=True, colour=DEMO_INK, lang=lang,
                      anchor="middle", name="Demodata")
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(DEMO_FILL)
    _text(slide, source_line(db, lang), 0.5, 6.95, 10.5, 0.4, 10, colour=GREY, lang=lang, anchor="middle",
          name="Källa")
    _text(slide, t("pres_counter", lang, i=1, n=total), 11.2, 6.95, 1.63, 0.4, 11, colour=GREY, lang=lang,
          anchor="middle", align="right", name="Bildnummer")


def _chart_slide(prs: Any, db: Database, visual: Visual, image: tuple[bytes, int, int], subtitle: str, lang: str,
                 number: int, total: int) -> None:
    from pptx.util import Inches

    slide = prs.slides.add_slide(prs.slide_layouts[5])
    _title(slide, visual.title.replace("<br>", " "), lang, top=0.25, height=0.95, size=26 if len(visual.title) < 90
           else 22)
    _text(slide, subtitle, 0.5, 1.2, 12.33, 0.4, 14, colour=GREY, lang=lang, name="Urval")
    png, w, h = image
    if not is_map(visual.figure or {}):  # wide chart: full width, summary below
        long = len(visual.summary) > 150
        top, max_w, max_h = 1.65, 12.33, 4.25 if long else 4.45
        scale = min(max_w / w, max_h / h)
        pic_w, pic_h = w * scale, h * scale
        left = 0.5 + (max_w - pic_w) / 2
        summary_box = (0.5, top + pic_h + 0.08, 12.33, 6.9 - (top + pic_h + 0.08))
        summary_size = 15 if long else 16
    else:  # map: picture left, summary right
        top, max_w, max_h = 1.65, 6.6, 5.2
        scale = min(max_w / w, max_h / h)
        pic_w, pic_h = w * scale, h * scale
        left = 0.5
        summary_box = (left + pic_w + 0.4, 2.0, 12.83 - (left + pic_w + 0.4), 4.5)
        summary_size = 20
    pic = slide.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top), Inches(pic_w), Inches(pic_h))
    pic.name = f"Diagram: {visual.key}"
    pic._element.nvPicPr.cNvPr.set("descr", visual.summary)  # alt text = the summary sentence
    _text(slide, visual.summary, *summary_box, summary_size, lang=lang, name="Sammanfattning")
    footer = " ".join(x for x in (visual_source(db, visual, lang), marker_legend(visual.markers, lang)) if x)
    _footer(slide, footer, number, total, lang, db.is_demo)


def _closing_slide(prs: Any, db: Database, lang: str, number: int, total: int) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    _title(slide, t("pres_closing_title", lang), lang)
    sections = closing_sections(lang)
    boxes = ((0.5, 1.4, 7.6, 5.45), (8.5, 1.4, 4.33, 5.45))
    for (heading, md), (x, y, w, h) in zip(sections, boxes, strict=True):
        shape = _box(slide, x, y, w, h)
        shape.name = heading
        frame = shape.text_frame
        para = frame.paragraphs[0]
        run = para.add_run()
        run.text = heading
        _style(run, 20, bold=True, colour=ACCENT, lang=lang)
        _markdown(frame, md, 14, lang, first=False)
    _footer(slide, source_line(db, lang), number, total, lang, db.is_demo)


def build_deck(db: Database, sel: queries.Selection, lang: str, *, visuals: list[Visual] | None = None,
               today: dt.date | None = None, progress: Callable[[str], None] | None = None) -> bytes:
    """The .pptx of a selection: title slide, one slide per chart of the show, closing slide."""
    from pptx import Presentation
    from pptx.util import Emu

    start_renderer(warm=True)  # overlaps Chromium's start with building the visuals
    today = today or dt.date.today()
    source = visuals if visuals is not None else iter_presentation_visuals(db, sel, lang)
    visuals, pending = [], []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="slide-image") as pool:
        for visual in source:  # Chromium draws chart i while Python builds chart i + 1
            visuals.append(visual)
            pending.append(pool.submit(slide_image, visual))
            if progress:
                progress(f"{len(visuals)}. {visual.title}")
        images = [job.result() for job in pending]
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # PowerPoint's own 16:9 (13,33 × 7,5 in)
    props = prs.core_properties
    props.title = f"Plug Innan – {selection_subtitle(db, sel, lang)}"
    props.author = "Plug Innan"
    props.language = _lang_tag(lang)
    props.subject = t("pres_app_subtitle", lang)
    props.keywords = "DEMODATA" if db.is_demo else ""
    total = len(visuals) + 2
    subtitle = selection_subtitle(db, sel, lang)
    _title_slide(prs, db, sel, lang, today, total)
    for i, (visual, image) in enumerate(zip(visuals, images, strict=True), start=2):
        _chart_slide(prs, db, visual, image, subtitle, lang, i, total)
    _closing_slide(prs, db, lang, total, total)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- command line

def _years(value: str) -> tuple[str, str]:
    """'2019/20-2024/25' (or one läsår) -> (from, to); argparse reports a bad value."""
    parts = [p.strip() for p in re.split(r"\s*[-–]\s*(?=\d{4}/)", value.strip()) if p.strip()]
    pattern = re.compile(r"^\d{4}/\d{2}$")
    if not 1 <= len(parts) <= 2 or not all(pattern.match(p) for p in parts):
        raise argparse.ArgumentTypeError(f"läsår skrivs 2019/20 eller 2019/20-2024/25, inte {value!r}")
    return parts[0], parts[-1]


def add_cli(subparsers: Any) -> None:
    """`python -m pluginnan_core deck --db PATH --out FILE.pptx [--kommun ...] [--years A-B] [--lang sv|en]`."""
    p = subparsers.add_parser("deck", help="spara en presentation (PowerPoint, 16:9) av ett urval")
    p.add_argument("--db", required=True)
    p.add_argument("--out", required=True, help="filen som skapas, t.ex. presentation.pptx")
    p.add_argument("--kommun", action="append", default=[],
                   help="kommunkod (fyra siffror); upprepa eller skriv 1489,1440")
    p.add_argument("--forbund", action="append", default=[], help="kommunalförbund, t.ex. GR")
    p.add_argument("--years", type=_years, help="läsår, t.ex. 2019/20-2024/25")
    p.add_argument("--kon", choices=["alla", "flickor", "pojkar"], default="alla")
    p.add_argument("--lang", choices=["sv", "en"], default="sv")
    p.set_defaults(func=run_cli)


def run_cli(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    start_renderer(warm=True)
    try:
        db = Database(Path(args.db))
    except DatabaseError as exc:
        print(f"Databasen kan inte öppnas ({exc.code}): {exc.path}", file=sys.stderr)
        return 1
    known = queries.kommun_table(db)
    kommuner = tuple(dict.fromkeys(k.strip() for raw in args.kommun for k in raw.split(",") if k.strip()))
    unknown = [k for k in kommuner if k not in set(known["kommun_kod"])]
    forbund = tuple(dict.fromkeys(args.forbund))
    bad_forbund = [f for f in forbund if f not in set(known["forbund_id"].dropna())]
    if unknown or bad_forbund:
        print(f"Okänd kommunkod eller förbund: {', '.join(unknown + bad_forbund)}", file=sys.stderr)
        return 2
    first, last = args.years or (None, None)
    sel = queries.Selection(forbund=forbund, kommuner=kommuner, lasar_from=first, lasar_to=last, grupp=args.kon)
    try:
        data = build_deck(db, sel, args.lang, progress=lambda m: print(m, file=sys.stderr, flush=True))
    except RenderError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        db.close()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    from pptx import Presentation

    n = len(Presentation(io.BytesIO(data)).slides)
    print(t("pres_cli_done", args.lang, path=str(out), n=n, s=f"{time.perf_counter() - started:.1f}"),
          file=sys.stderr)
    return 0
