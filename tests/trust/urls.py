# Tampered links: a seeded generator of hostile query strings (unknown codes, SQL fragments, huge or
# negative years, repeated keys, unicode, very long values, broken percent-encoding).
"""Query strings as someone editing a shared link might produce them.

Each case is a raw query string, parsed with urllib.parse.parse_qs(keep_blank_values=True)
exactly as Streamlit parses the address, so the tests see what the app would see.
"""

from __future__ import annotations

import random
import urllib.parse
from collections.abc import Sequence

from pluginnan_core.urlstate import KEYS

#: Parameters pages read for themselves (measure, threshold, school, page state ...): tampered too.
PAGE_KEYS = ("matt", "grans", "skola", "kommun_karta", "lasar", "jamfor", "insats", "status", "projekt", "sida",
             "avsnitt", "embed", "embed_options", "page")

HOSTILE = [
    "", " ", "0", "-1", "-2147483649", "99999999999999999999", "1e309", "NaN", "null", "None", "undefined",
    "'; DROP TABLE kommun; --", "1480' OR '1'='1", "\" OR 1=1 --", "1480;DELETE FROM school", "%", "%%", "%00",
    "\x00", "\x1b[31mröd\x1b[0m", "\u202eevil", "\u200b1480", "１４８０", "1480\n", "\t1480", "GR\r\n",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "[klick](https://evil.example)",
    "**fet**", ":material/warning:", "$x^2$", "`kod`", "~~~", "|a|b|", "\\", "../../etc/passwd", "{{7*7}}",
    "${jndi:ldap://x}", "%s%n", "🙂", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇", "ﷺ", "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "a" * 5000, "1480," * 2000, ",,,,", "1480,,1489", "1480,1480,1480", "GR,Fyrbodal",
    "2024/25/26", "2024-25", "20/21", "1999/00", "2099/00", "-2024/25", "0000/00", "9" * 400 + "/00",
    "2024/2025", "2024/25 ", " 2024/25", "2024／25", "flicka", "Flickor", "FLICKOR", "pojkar ", "alla\x00",
    "sv-SE", "SV", "en-GB", "fi", "se", "ar", "xx" * 100,
]


def _value(rng: random.Random, valid: dict[str, list[str]], key: str) -> str:
    r = rng.random()
    if r < 0.25 and valid.get(key):
        return rng.choice(valid[key])  # valid values mixed in: they must keep working
    if r < 0.35 and valid.get(key):
        v = rng.choice(valid[key])
        return rng.choice([v.upper(), v + rng.choice(HOSTILE[:40]), v[::-1], v * 3, v[:-1]])
    if r < 0.45 and key == "kommun":
        return ",".join(rng.choice(valid.get("kommun", ["1480"]) + HOSTILE[:30]) for _ in range(rng.randint(2, 40)))
    return rng.choice(HOSTILE)


def _encode(rng: random.Random, key: str, value: str) -> str:
    style = rng.random()
    if style < 0.55:
        return urllib.parse.urlencode({key: value})
    if style < 0.7:
        return f"{key}={urllib.parse.quote(value, safe='/,')}"
    if style < 0.8:  # double encoding
        return f"{key}={urllib.parse.quote(urllib.parse.quote(value))}"
    if style < 0.9:  # broken percent-encoding and raw bytes
        return f"{key}={rng.choice(['%', '%Z', '%C3', '%E2%82', '%ff%fe', '%u0041'])}{urllib.parse.quote(value[:20])}"
    return f"{urllib.parse.quote(key)}{rng.choice(['', '=', '==', '=&'])}{urllib.parse.quote(value[:50])}"


def queries(n: int, seed: int, valid: dict[str, list[str]], keys: Sequence[str] = (*KEYS, *PAGE_KEYS)) -> list[str]:
    """`n` raw query strings, deterministic for `seed`; `valid` gives real values per key."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 7)):
            r = rng.random()
            key = (rng.choice([k for k in keys if k in KEYS] or list(keys)) if r < 0.7 else
                   rng.choice(list(keys)) if r < 0.92 else rng.choice(HOSTILE[:60]) or "x")
            repeats = rng.choice([1, 1, 1, 2, 3, 50]) if rng.random() < 0.2 else 1
            for _ in range(repeats):
                parts.append(_encode(rng, key, _value(rng, valid, key)))
        sep = rng.choice(["&", "&", "&", ";", "&&", "&amp;"])
        out.append(sep.join(parts))
    return out


def parse(query: str) -> dict[str, list[str]]:
    """As Streamlit reads the address (urllib.parse.parse_qs with blank values kept)."""
    return urllib.parse.parse_qs(query, keep_blank_values=True)
