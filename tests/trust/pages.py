# Which pages the app has right now: app.py's PAGES whose file exists. Every trust harness
# iterates over this list, so a page added by another engineer is audited without edits here.
"""Page discovery without running app.py (which would start Streamlit)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PageInfo:
    path: str  # 'app_pages/oversikt.py'
    title_key: str  # i18n key of its menu title
    url_path: str  # '' for the default page, else the file stem ('behorighet')

    @property
    def stem(self) -> str:
        return Path(self.path).stem


def app_pages() -> list[tuple[str, str, str]]:
    """PAGES from app.py as written there, read with `ast` (importing app.py would run it)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        if any(isinstance(t, ast.Name) and t.id == "PAGES" for t in targets):
            return [tuple(entry) for entry in ast.literal_eval(node.value)]
    raise AssertionError("app.py har ingen PAGES-lista")


def existing_pages() -> list[PageInfo]:
    """Pages whose file exists, in menu order; the first is the default page at '/'."""
    out = []
    for i, (path, key, *_rest) in enumerate(app_pages()):
        if (ROOT / path).exists():
            out.append(PageInfo(path, key, "" if i == 0 else Path(path).stem))
    return out
