# Benchmark of the take-away deck: how long an 8-chart PowerPoint takes from a cold start (kaleido's
# Chromium starting) and with the browser already running, and where the time goes. Prints only.
"""Time `slides.build_deck` on a demo database.

Usage: python benchmarks/deck.py [--db PATH] [--kommun 1489] [--forbund GR] [--runs 2]

Why both numbers: the dashboard starts kaleido's browser when the presentation page opens, so a
user clicking "Ladda ner presentation" gets the warm figure; the `deck` command pays the cold
start once (overlapped with building the visuals).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pluginnan_core import charts, demo, queries, slides  # noqa: E402
from pluginnan_core.db import Database  # noqa: E402
from pluginnan_core.views.presentation import presentation_visuals  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="a database file (default: a fresh demo database)")
    parser.add_argument("--kommun", action="append", default=[])
    parser.add_argument("--forbund", action="append", default=[])
    parser.add_argument("--runs", type=int, default=2, help="warm decks after the cold one")
    args = parser.parse_args()
    if args.db:
        path = Path(args.db)
    else:
        path = Path(tempfile.mkdtemp()) / "demo.duckdb"
        t = time.perf_counter()
        demo.generate(path)
        print(f"demo database: {time.perf_counter() - t:.1f} s ({path})")
    db = Database(path)
    sel = queries.Selection(forbund=tuple(args.forbund), kommuner=tuple(args.kommun))

    t = time.perf_counter()
    visuals = presentation_visuals(db, sel, "sv")
    print(f"charts in the show: {len(visuals)}; visuals built in {time.perf_counter() - t:.2f} s")
    eight = visuals[:8]

    t = time.perf_counter()
    slides.build_deck(db, sel, "sv", visuals=eight)
    print(f"8-chart deck, cold (Chromium starts, 8 images, pptx): {time.perf_counter() - t:.2f} s")
    per_image = []
    for v in eight:
        t = time.perf_counter()
        slides.render_png(charts.projector_layout(v.figure, title=False), slides.IMAGE_W, slides.IMAGE_H)
        per_image.append(time.perf_counter() - t)
    print("one image each (warm): " + ", ".join(f"{x:.2f}" for x in per_image)
          + f" s; mean {sum(per_image) / len(per_image):.2f} s")
    for i in range(args.runs):
        t = time.perf_counter()
        slides.build_deck(db, sel, "sv", visuals=eight)
        print(f"8-chart deck, warm #{i + 1} (the page's download): {time.perf_counter() - t:.2f} s")
    slides.stop_renderer()

    t = time.perf_counter()
    data = slides.build_deck(db, sel, "sv", today=dt.date.today())
    print(f"full deck from nothing ({len(visuals)} charts; Chromium, visuals and images overlapped, like the "
          f"`deck` command): {time.perf_counter() - t:.2f} s, {len(data) / 1e6:.1f} MB")
    slides.stop_renderer()
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
