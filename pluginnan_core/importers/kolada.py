# Kolada (RKA's open API, v3): importing its JSON for the two grundskola KPIs the dashboard uses,
# and `python -m pluginnan_core fetch kolada` that downloads them for the region and loads them.
"""Kolada import and download.

Why Kolada as well as Skolverket: Kolada publishes eligibility and meritvärde per *hemkommun*
(pupils living in the kommun, whichever school they attend), which Skolverket's school-kommun
figures do not give; politicians ask about their own residents. Kolada reports a läsår under
the calendar year of its spring term (2024 = läsår 2023/24).

The download uses only the standard library (urllib): no extra dependency to pin, and the
same code runs behind a proxy or offline test server. Downloaded pages are written to a
temporary JSON file and loaded through `run_import`, so a download gets exactly the checks,
atomic write and import log of a file a coordinator uploads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import shutil
import socket
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import reference
from . import Batch, Context, ImportRejected, Kind, register, run_import
from . import validate as v

DEFAULT_BASE_URL = "https://api.kolada.se"
ENV_BASE_URL = "PLUGINNAN_KOLADA_URL"
SOURCE = "Kolada (RKA), hemkommun"
#: KPI id -> (measure column, highest value, description).
KPIS: dict[str, tuple[str, float, str]] = {
    "N15428": ("behorig_yrk", 100, "Elever i åk 9 som är behöriga till yrkesprogram, hemkommun, andel (%)"),
    "N15507": ("meritvarde", 340, "Elever i åk 9, genomsnittligt meritvärde (17 ämnen), hemkommun"),
}
GENDER = {"T": "alla", "K": "flickor", "M": "pojkar"}
MAX_PAGES = 200


def lasar_of_period(year: int) -> str:
    """Kolada's year is the spring term's: 2024 -> '2023/24'."""
    return reference.lasar_from_start(year - 1)


# --------------------------------------------------------------------------- parsing

def _entries(doc: Any) -> list[Any] | None:
    """The data entries of one response, a list of responses, or {"pages": [...]}."""
    if isinstance(doc, dict) and isinstance(doc.get("values"), list):
        return doc["values"]
    if isinstance(doc, dict) and isinstance(doc.get("pages"), list):
        doc = doc["pages"]
    if isinstance(doc, list) and all(isinstance(x, dict) and isinstance(x.get("values"), list) for x in doc):
        return [e for page in doc for e in page["values"]]
    return None


def parse(path: Path, name: str, raw: bytes, ctx: Context) -> Batch | None:
    """Kolada v3 data JSON for N15428 / N15507 -> eligibility_kommun rows (population hemkommun)."""
    p = ctx.problems
    if not raw.strip():
        p.add(name, "empty_file")
        return None
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        p.add(name, "json", found=type(exc).__name__ if not isinstance(exc, json.JSONDecodeError)
              else f"rad {exc.lineno}, tecken {exc.colno}")
        return None
    entries = _entries(doc)
    if entries is None:
        p.add(name, "json", found='väntade {"values": [...]}')
        return None
    records: dict[tuple[str, str, str], dict[str, Any]] = {}
    seen: dict[tuple[str, str, str, str], str] = {}
    kpis_found: set[str] = set()
    skipped = 0
    for i, entry in enumerate(entries):
        where = f"values[{i}]"
        if not isinstance(entry, dict):
            p.add(name, "json", column=where, value=str(entry)[:40], found="väntade ett objekt")
            continue
        kpi = str(entry.get("kpi", ""))
        if kpi not in KPIS:
            p.add(name, "kolada_kpi", column=f"{where}.kpi", value=kpi, found=kpi, expected=", ".join(KPIS))
            continue
        measure, high, _ = KPIS[kpi]
        kommun = str(entry.get("municipality", "")).strip()
        if kommun.startswith("00") and len(kommun) == 4:
            skipped += 1  # riket (0000) or a county (00LL): Kolada's aggregates, not stored
            continue
        if not reference.is_kommun_kod(kommun):
            p.add(name, "kommun", column=f"{where}.municipality", value=kommun)
            continue
        period = entry.get("period")
        if isinstance(period, str) and period.isdigit():
            period = int(period)
        if not isinstance(period, int) or isinstance(period, bool) or not 1990 <= period <= 2100:
            p.add(name, "kolada_period", column=f"{where}.period", value=period)
            continue
        lasar = lasar_of_period(period)
        values = entry.get("values")
        if not isinstance(values, list):
            p.add(name, "json", column=f"{where}.values", value=str(values)[:40], found="väntade en lista")
            continue
        for j, item in enumerate(values):
            spot = f"{where}.values[{j}]"
            if not isinstance(item, dict):
                p.add(name, "json", column=spot, value=str(item)[:40], found="väntade ett objekt")
                continue
            gender = str(item.get("gender", ""))
            if gender not in GENDER:
                p.add(name, "kolada_gender", column=f"{spot}.gender", value=gender)
                continue
            grupp = GENDER[gender]
            key = (kommun, lasar, grupp, measure)
            if key in seen:
                p.add(name, "duplicate", column=spot, value=f"{kpi} {kommun} {period} {gender}", first=seen[key])
                continue
            seen[key] = spot
            value = item.get("value")
            row = records.setdefault((kommun, lasar, grupp), {})
            if value is None:
                row[measure], row[f"{measure}_marker"] = np.nan, "."
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
                p.add(name, "not_number", column=f"{spot}.value", value=value)
                continue
            if not 0 <= value <= high:
                p.add(name, "range", column=f"{spot}.value", value=value, low=0, high=v._num(high))
                continue
            row[measure], row[f"{measure}_marker"] = float(value), None
            kpis_found.add(kpi)
        kpis_found.add(kpi)
    if not records:
        if not p.total:
            p.add(name, "no_rows")
        return None
    rows = [{"kommun_kod": k, "lasar": lasar, "grupp": g, **vals} for (k, lasar, g), vals in records.items()]
    out = pd.DataFrame(rows)
    for kpi in kpis_found:  # a KPI in the file but missing for some kommun/year: Kolada has no figure ('.')
        measure = KPIS[kpi][0]
        if measure not in out:
            out[measure] = np.nan
        mcol = f"{measure}_marker"
        out[mcol] = out[mcol].astype(object) if mcol in out else None
        out[mcol] = out[mcol].where(out[measure].notna() | out[mcol].notna(), ".")
        out[mcol] = out[mcol].where(out[measure].isna(), None)
    out["huvudman"] = "samtliga"
    out["population"] = "hemkommun"
    years = sorted(set(out["lasar"]))
    notes = [f"{name}: {out['kommun_kod'].nunique()} kommuner, läsår {years[0]}–{years[-1]}, "
             f"nyckeltal {', '.join(sorted(kpis_found))} (hemkommun)."]
    if skipped:
        notes.append(f"{name}: {skipped} uppgifter för riket eller län hoppades över.")
    return Batch({"eligibility_kommun": out}, source=SOURCE, notes=notes)


def _detect(name: str, raw: bytes) -> int:
    head = raw[:4000].lstrip()
    if not head.startswith((b"{", b"[")):
        return 0
    return 90 if b'"kpi"' in head and b'"municipality"' in head else 10


register(Kind("kolada", parse, "Kolada: behörighet och meritvärde per hemkommun (JSON från api.kolada.se)",
              "Kolada: eligibility and merit rating per home municipality (JSON from api.kolada.se)",
              detect=_detect))


# --------------------------------------------------------------------------- download

class FetchError(Exception):
    """A download that failed after its retries; the message is for the user, in Swedish."""


RETRY_STATUS = {429, 500, 502, 503, 504}


def data_url(base_url: str, kpis: Sequence[str], kommuner: Sequence[str], years: Sequence[int]) -> str:
    base = base_url.rstrip("/")
    quote = urllib.parse.quote
    return (f"{base}/v3/data/kpi/{quote(','.join(kpis))}/municipality/{quote(','.join(kommuner))}"
            f"/year/{quote(','.join(str(y) for y in years))}")


def _get_json(url: str, *, timeout: float, retries: int, backoff: float,
              sleep: Callable[[float], None], say: Callable[[str], None]) -> dict[str, Any]:
    """GET one page, retrying 429, 5xx and broken connections with exponential backoff."""
    attempt = 0
    while True:
        problem = ""
        wait = backoff * (2 ** attempt)
        try:
            request = urllib.request.Request(url, headers={"Accept": "application/json",
                                                           "User-Agent": "pluginnan-dashboard"})
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body = response.read()
            doc = json.loads(body.decode("utf-8-sig"))
            if not isinstance(doc, dict):
                raise FetchError("Kolada svarade med något som inte är ett JSON-objekt.")
            return doc
        except urllib.error.HTTPError as exc:
            if exc.code not in RETRY_STATUS:
                raise FetchError(f"Kolada svarade med fel {exc.code} ({exc.reason}) för {url}.") from exc
            problem = f"Kolada svarade {exc.code}"
            retry_after = exc.headers.get("Retry-After") if exc.headers else None
            if retry_after and retry_after.strip().isdigit():
                wait = max(wait, min(float(retry_after), 60.0))
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, socket.gaierror):
                raise FetchError(_offline_message(url)) from exc
            if isinstance(reason, TimeoutError):
                problem = "Kolada svarade inte i tid"
            elif isinstance(reason, ConnectionResetError | http.client.HTTPException):
                problem = f"förbindelsen bröts ({type(reason).__name__})"
            else:
                problem = f"ingen förbindelse ({reason})"
        except TimeoutError:
            problem = "Kolada svarade inte i tid"
        except (ConnectionError, http.client.HTTPException) as exc:
            problem = f"förbindelsen bröts ({type(exc).__name__})"
        except (json.JSONDecodeError, UnicodeDecodeError):
            problem = "svaret var inte giltig JSON"
        if attempt >= retries:
            if problem.startswith("ingen förbindelse"):
                raise FetchError(_offline_message(url))
            raise FetchError(f"Hämtningen från Kolada misslyckades efter {attempt + 1} försök: {problem}. "
                             "Försök igen senare.")
        say(f"{problem}; försöker igen om {wait:g} s …")
        sleep(wait)
        attempt += 1


def _offline_message(url: str) -> str:
    host = urllib.parse.urlsplit(url).netloc
    return (f"Kolada ({host}) kunde inte nås. Datorn verkar sakna internetförbindelse, eller så är tjänsten "
            "nere. Kontrollera nätverket och försök igen; inget har ändrats i databasen.")


def fetch(kommuner: Sequence[str], years: Sequence[int], *, base_url: str | None = None,
          kpis: Sequence[str] = tuple(KPIS), timeout: float = 30.0, retries: int = 4, backoff: float = 1.0,
          sleep: Callable[[float], None] = time.sleep, progress: Callable[[str], None] | None = None
          ) -> dict[str, Any]:
    """Download the KPIs for `kommuner` and calendar `years`, following next_url across pages."""
    say = progress or (lambda _msg: None)
    base = (base_url or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL).rstrip("/")
    url: str | None = data_url(base, kpis, kommuner, years)
    origin = urllib.parse.urlsplit(base)[:2]
    values: list[Any] = []
    pages = 0
    while url:
        pages += 1
        if pages > MAX_PAGES:
            raise FetchError(f"Kolada skickade fler än {MAX_PAGES} sidor; avbryter.")
        say(f"Hämtar sida {pages} från Kolada …")
        doc = _get_json(url, timeout=timeout, retries=retries, backoff=backoff, sleep=sleep, say=say)
        page = doc.get("values")
        if not isinstance(page, list):
            raise FetchError("Kolada svarade utan listan ”values”; svaret kan inte läsas.")
        values.extend(page)
        nxt = doc.get("next_url") or doc.get("next_page")
        if nxt:
            nxt = urllib.parse.urljoin(url, str(nxt))
            if urllib.parse.urlsplit(nxt)[:2] != origin:
                raise FetchError("Kolada hänvisade till nästa sida på en annan adress; avbryter.")
        url = nxt or None
    say(f"Hämtade {len(values)} uppgifter på {pages} sida/sidor.")
    return {"values": values, "count": len(values)}


def _parse_years(text: str | None) -> list[int]:
    """'2016-2025' or '2019,2021' -> years; default the last ten calendar years."""
    if not text:
        this = dt.date.today().year
        return list(range(this - 9, this + 1))
    years: list[int] = []
    for part in text.replace(" ", "").split(","):
        if "-" in part:
            lo, hi = part.split("-", 1)
            years.extend(range(int(lo), int(hi) + 1))
        elif part:
            years.append(int(part))
    if not years or any(not 1990 <= y <= 2100 for y in years) or len(years) > 40:
        raise ValueError(text)
    return sorted(set(years))


def _parse_kommuner(values: Sequence[str] | None) -> list[str]:
    if not values:
        return list(reference.REGION_KOMMUNER)
    codes = [c.strip() for raw in values for c in raw.split(",") if c.strip()]
    bad = [c for c in codes if not reference.is_kommun_kod(c)]
    if bad:
        raise ValueError(", ".join(bad))
    return list(dict.fromkeys(codes))


def cmd_fetch(args: argparse.Namespace) -> int:
    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    try:
        years = _parse_years(args.years)
    except ValueError:
        print(f"Ogiltiga år: {args.years!r} (skriv t.ex. 2016-2025 eller 2023,2024).", file=sys.stderr)
        return 2
    try:
        kommuner = _parse_kommuner(args.kommun)
    except ValueError as exc:
        print(f"Okända kommunkoder: {exc} (fyra siffror, t.ex. 1480).", file=sys.stderr)
        return 2
    say(f"Hämtar {', '.join(KPIS)} för {len(kommuner)} kommuner, {years[0]}–{years[-1]} …")
    try:
        doc = fetch(kommuner, years, base_url=args.base_url, timeout=args.timeout, retries=args.retries,
                    progress=say)
    except FetchError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="pluginnan-kolada-"))
    try:
        path = tmp / f"kolada-{'-'.join(KPIS)}-{dt.date.today():%Y-%m-%d}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        try:
            result = run_import(Path(args.db), "kolada", [path], progress=say)
        except ImportRejected as exc:
            print("Inget lästes in. Svaret från Kolada innehöll fel:", file=sys.stderr)
            print(exc.problems.report("sv"), file=sys.stderr)
            return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for note in result.notes:
        say(note)
    say(f"Inläst: {result.rows} rader från Kolada till {args.db}.")
    return 0


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("fetch", help="hämta data från en öppen källa och läs in dem (kolada)")
    p.add_argument("source", choices=["kolada"], help="källa: kolada (api.kolada.se)")
    p.add_argument("--kommun", action="append",
                   help="kommunkod(er), t.ex. 1480,1440 (standard: de 50 kommunerna i Plug Innan)")
    p.add_argument("--years", help="kalenderår enligt Kolada, t.ex. 2016-2025 (standard: de senaste tio)")
    p.add_argument("--db", required=True)
    p.add_argument("--base-url", default=None, help=f"API:ets adress (standard {DEFAULT_BASE_URL}, "
                                                    f"eller ${ENV_BASE_URL})")
    p.add_argument("--timeout", type=float, default=30.0, help="sekunder per anrop (standard 30)")
    p.add_argument("--retries", type=int, default=4, help="nya försök vid 429/5xx/avbrott (standard 4)")
    p.set_defaults(func=cmd_fetch)
