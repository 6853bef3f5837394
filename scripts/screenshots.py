# Screenshots of every page in the system Chromium, for looking at what we build
# (`python scripts/screenshots.py http://localhost:8501 [page ...] [--size 1280x800]`).
"""Take full-page screenshots of dashboard pages into screenshots/."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PAGES = ["oversikt", "behorighet", "franvaro", "karta", "jamfor", "delprojekt", "presentation", "data_och_metod",
         "tillganglighet"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("pages", nargs="*", default=PAGES)
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--query", default="")
    parser.add_argument("--out", default="screenshots")
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        for name in args.pages:
            page.goto(f"{args.base}/{name}{'?' + args.query if args.query else ''}", wait_until="networkidle")
            try:
                page.wait_for_selector("h1", timeout=30_000)
                page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                       timeout=30_000)
                page.wait_for_function("!document.querySelector('[data-testid=\"stSkeleton\"]')",
                                       timeout=60_000)  # placeholders left while the script runs
                page.wait_for_timeout(1500)
            except Exception as exc:  # keep going: the screenshot shows what went wrong
                print(f"{name}: {exc}", file=sys.stderr)
            target = out / f"{name}-{args.size}.png"
            page.screenshot(path=str(target), full_page=True)
            exc_box = page.locator("[data-testid='stException']").count()
            print(f"{target} exceptions={exc_box}")
        browser.close()
        for e in errors:
            print("pageerror:", e, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
