# Reading the sidebar selection from a shared link: a pure function from query parameters to
# filter values plus the notices for values that were not recognised. No Streamlit here.
"""URL state, validated.

Why a pure function: anyone can edit a link, so every value that arrives in the address is
hostile until proven otherwise (unknown codes, SQL fragments, huge or negative years, repeated
keys, control characters, megabytes of text). Keeping the parsing free of Streamlit lets the
test suite throw thousands of tampered query strings at it in a second, while ui/state.py only
copies the result into widget state.

Rules (unchanged from the first version in ui/state.py):
- `lang`: 'sv' or 'en'; anything else gives the default language and a notice.
- `forbund`: a known förbund id, else a notice (no förbund).
- `kommun`: comma-separated and/or repeated; known codes are kept in order without duplicates,
  at most `MAX_KOMMUNER`; every unknown code gives a notice.
- `fran` / `till`: a läsår with data, else the first / last läsår and a notice.
- `kon`: alla, flickor or pojkar, else a notice.
Repeated single-valued keys use the last value, as `st.query_params[key]` does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .i18n import DEFAULT_LANG, LANGS

GROUPS = ("alla", "flickor", "pojkar")
MAX_KOMMUNER = 12  # the sidebar multiselect's max_selections
NOTICE_VALUE_CHARS = 40  # a shown value is cut after this many characters
MAX_NOTICES_PER_KEY = 5  # 1,000 bad codes in one link give five notices and a count, not 1,000
#: Parameters read here; pages may read their own (e.g. a threshold) and validate them themselves.
KEYS = ("lang", "forbund", "kommun", "fran", "till", "kon", "visa")
#: What the pages with charts show (`visa=`): the charts, or their tables with downloads.
VIEWS = ("diagram", "tabell")

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
# Characters Streamlit's markdown gives a meaning: links, emphasis, icons (:material/x:), LaTeX, HTML.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|:$<>~=&\"'])")


@dataclass(frozen=True)
class UrlValues:
    """What a link asked for, validated; None means "not in the link" (keep the default)."""

    lang: str | None = None
    forbund: str | None = None
    kommuner: tuple[str, ...] = ()
    fran: str | None = None
    till: str | None = None
    kon: str | None = None
    visa: str | None = None
    notices: tuple[str, ...] = field(default=())

    def session_state(self) -> dict[str, object]:
        """The widget keys ui/state.py sets (f_forbund, ...), only for values given; the language and
        the years are kept by ui/state itself (the language from the link on every run, the years
        as the slider's value)."""
        out: dict[str, object] = {}
        for name, key in (("forbund", "f_forbund"), ("kon", "f_kon")):
            value = getattr(self, name)
            if value is not None:
                out[key] = value
        if self.kommuner:
            out["f_kommuner"] = list(self.kommuner)
        if self.visa is not None:
            out["_visa"] = self.visa  # the kept choice behind ui.components.view_switch
        return out


def clean_for_notice(value: object) -> str:
    """A tampered value as it may be shown back to the user: printable, short, one line."""
    text = unicodedata.normalize("NFC", str(value))
    text = _CONTROL.sub("\ufffd", text)
    return text if len(text) <= NOTICE_VALUE_CHARS else text[:NOTICE_VALUE_CHARS - 1] + "…"


def escape_markdown(text: str) -> str:
    """Make text inert in Streamlit markdown, so a crafted link cannot show a clickable link,
    an icon, a formula or HTML inside the dashboard's own warning box."""
    return _MARKDOWN.sub(r"\\\1", text)


def _values(params: Mapping[str, str | Sequence[str]], key: str) -> list[str]:
    raw = params.get(key)
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    return [str(x) for x in raw]


def _last(params: Mapping[str, str | Sequence[str]], key: str) -> str:
    values = _values(params, key)
    return values[-1] if values else ""


class _Notices:
    def __init__(self) -> None:
        self.items: list[str] = []
        self._per_key: dict[str, int] = {}

    def add(self, key: str, value: object) -> None:
        n = self._per_key.get(key, 0) + 1
        self._per_key[key] = n
        if n <= MAX_NOTICES_PER_KEY:
            self.items.append(f"{key}={clean_for_notice(value)}")

    def result(self) -> tuple[str, ...]:
        extra = [f"{key} (+{n - MAX_NOTICES_PER_KEY})" for key, n in self._per_key.items() if n > MAX_NOTICES_PER_KEY]
        return tuple(self.items + extra)


def _pick(params: Mapping[str, str | Sequence[str]], key: str, allowed: Collection[str],
          notes: _Notices) -> str | None:
    """The link's `key` when it is one of `allowed`; any other value gets a notice and None (the default)."""
    if key not in params:
        return None
    value = _last(params, key)
    if value in allowed:
        return value
    notes.add(key, value)
    return None


def parse_url(params: Mapping[str, str | Sequence[str]], kommun_codes: Iterable[str], forbund_ids: Iterable[str],
              years: Sequence[str]) -> UrlValues:
    """Validate the selection in a link against what the database holds.

    `params` maps each key to its value or all its values (repeated keys); `kommun_codes`,
    `forbund_ids` and `years` are what may be picked. Never raises on any input.
    """
    notes = _Notices()
    fran = till = None
    lang = _pick(params, "lang", LANGS, notes)
    if lang is None and "lang" in params:
        lang = DEFAULT_LANG  # a bad language still switches to the default one
    forbund = _pick(params, "forbund", set(forbund_ids), notes)
    kommuner: tuple[str, ...] = ()
    if "kommun" in params:
        wanted = [k for raw in _values(params, "kommun") for k in raw.split(",") if k]
        known = set(kommun_codes)
        kommuner = tuple(dict.fromkeys(k for k in wanted if k in known))[:MAX_KOMMUNER]
        for k in wanted:
            if k not in known:
                notes.add("kommun", k)
    years = list(years)
    year_set = set(years)
    for key in ("fran", "till"):
        if key in params:
            value = _last(params, key)
            if value in year_set:
                chosen: str | None = value
            else:
                notes.add(key, value)
                chosen = (years[0] if key == "fran" else years[-1]) if years else None
            if key == "fran":
                fran = chosen
            else:
                till = chosen
    kon = _pick(params, "kon", GROUPS, notes)
    visa = _pick(params, "visa", VIEWS, notes)
    return UrlValues(lang, forbund, kommuner, fran, till, kon, visa, notes.result())
