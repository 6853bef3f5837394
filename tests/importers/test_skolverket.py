# Skolverket imports against published figures: the real 2024/25 files in ../shared/data, every
# Kungsbacka year rendered into that year's column-name variant, the kommun export and the
# time-series workbook, and every layout variant a coordinator meets (CRLF/LF, order, footnotes,
# trailing ';', Windows-1252, XLSX, lost leading zeros, missing läsår).
"""skolverket-skola, skolverket-kommun and skolverket-tidsserie."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from pluginnan_core.db import Database
from pluginnan_core.importers import ImportRejected, run_import
from tests.conftest import sha256
from tests.importers import render

SCHOOL_FILE = "Grundskola - Slutbetyg årskurs 9, samtliga elever 2025 Skolnivå.csv"
KOMMUN_FILE = "behorighet_grundskola_2024_25.csv"


def query(path: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    snapshot = Database(path)
    try:
        return snapshot.query(sql, params)
    finally:
        snapshot.close()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def kungsbacka_years(shared_data: Path) -> list[Path]:
    years = sorted((shared_data / "kungsbacka").glob("grundskolor_*.json"))
    assert len(years) >= 10, "../shared/data/kungsbacka saknar årsfiler"
    return years


def assert_school_figures(db: Path, year: dict, keys: list[str]) -> int:
    """Every Kungsbacka school in `year`: each JSON figure in `keys` equals the stored value or marker."""
    stored = query(db, "SELECT * FROM eligibility_school WHERE lasar = ? AND grupp = 'alla'", [year["lasar"]])
    stored = stored.set_index("skolenhetskod")
    checked = 0
    for e in year["enheter"]:
        row = stored.loc[e["kod"]]
        for key in keys:
            col = render.FIELDS[key]
            marker = e["markor"].get(key)
            if marker:
                assert row[f"{col}_marker"] == marker, (year["lasar"], e["namn"], key)
                assert pd.isna(row[col]), "a marker is never a number"
            else:
                assert row[col] == pytest.approx(e[key], abs=1e-9), (year["lasar"], e["namn"], key)
                assert row[f"{col}_marker"] is None or pd.isna(row[f"{col}_marker"])
            checked += 1
    return checked


# --------------------------------------------------------------------------- the real files

@pytest.fixture(scope="module")
def national_db(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("national") / "n.duckdb"
    run_import(path, "skolverket-skola", [shared_data / "skolverket" / SCHOOL_FILE])
    run_import(path, "skolverket-kommun", [shared_data / "skolverket" / KOMMUN_FILE])
    return path


def test_real_school_file_imports_every_school(national_db: Path) -> None:
    counts = query(national_db, """
        SELECT count(*) AS n, count(*) FILTER (WHERE kommun_kod LIKE '14%') AS vg,
               count(*) FILTER (WHERE antal_elever_marker = '..') AS withheld,
               count(*) FILTER (WHERE behorig_yrk_marker = '~100') AS approx,
               count(*) FILTER (WHERE meritvarde_marker = '.') AS missing
        FROM eligibility_school JOIN school USING (skolenhetskod) WHERE lasar = '2024/25'""").iloc[0]
    assert counts["n"] == 1714 and counts["vg"] == 256
    assert counts["withheld"] > 0 and counts["approx"] > 0 and counts["missing"] >= 0
    row = query(national_db, "SELECT * FROM eligibility_school JOIN school USING (skolenhetskod) "
                             "WHERE skolenhetskod = '48529699'").iloc[0]
    assert (row["namn"], row["kommun_kod"], row["huvudman"], row["huvudman_namn"]) == (
        "Aroseniusskolan", "1440", "kommunal", "Ale kommun")
    assert (row["antal_elever"], row["alla_amnen"], row["behorig_yrk"], row["meritvarde"]) == (174, 76.4, 82.2, 236)
    fria = query(national_db, "SELECT * FROM eligibility_school WHERE skolenhetskod = '71387206'").iloc[0]
    assert fria["behorig_yrk_marker"] == "~100" and pd.isna(fria["behorig_yrk"]) and fria["alla_amnen"] == 88


def test_real_school_file_markers_match_the_file(national_db: Path, shared_data: Path) -> None:
    """Every '..', '.' and '~100' in the file is stored as that marker, and nothing else is."""
    text = (shared_data / "skolverket" / SCHOOL_FILE).read_text(encoding="utf-8-sig")
    rows = [line.split(";") for line in text.splitlines()[6:] if line.strip(";")]
    stored = query(national_db, "SELECT * FROM eligibility_school").set_index("skolenhetskod")
    cols = [(7, "antal_elever"), (8, "alla_amnen"), (9, "behorig_yrk"), (10, "meritvarde")]
    for cells in rows:
        row = stored.loc[cells[1]]
        for i, col in cols:
            raw = cells[i].strip()
            if raw in ("..", ".", "~100"):
                assert row[f"{col}_marker"] == raw and pd.isna(row[col])
            else:
                assert row[col] == pytest.approx(float(raw.replace(",", ".")))


def test_kungsbacka_2024_25_equals_published(national_db: Path, shared_data: Path) -> None:
    year = render.load_year(shared_data / "kungsbacka" / "grundskolor_2025.json")
    assert assert_school_figures(national_db, year, ["antal", "meritvarde", "alleAmnen", "behorigYrkes"]) == 84


def test_real_kommun_file(national_db: Path) -> None:
    rows = query(national_db, "SELECT * FROM eligibility_kommun WHERE kommun_kod = '1384' AND lasar = '2024/25'")
    assert len(rows) == 9 and set(rows["population"]) == {"skolkommun"}
    total = rows[(rows["huvudman"] == "samtliga") & (rows["grupp"] == "alla")].iloc[0]
    assert total["antal_elever"] == 1299  # '1 299' with a space as thousands separator
    assert (total["behorig_yrk"], total["behorig_es"], total["behorig_ehs"], total["behorig_nt"]) == (
        87.8, 86.7, 86.0, 84.2)
    girls = rows[(rows["huvudman"] == "enskild") & (rows["grupp"] == "flickor")].iloc[0]
    assert girls["behorig_yrk_marker"] == "~100" and girls["behorig_nt"] == 94.8
    assert query(national_db, "SELECT count(DISTINCT kommun_kod) AS n FROM eligibility_kommun")["n"][0] == 290
    aneby = query(national_db, "SELECT * FROM eligibility_kommun WHERE kommun_kod = '0604' AND huvudman = 'enskild' "
                               "AND grupp = 'pojkar'").iloc[0]
    assert aneby["antal_elever_marker"] == "." and aneby["behorig_yrk_marker"] == "."
    # The kommun export has no meritvärde: stored as '.' (saknas), never as a number or blank ...
    assert total["meritvarde_marker"] == "." and pd.isna(total["meritvarde"])
    # ... so the best-figure view keeps the published eligibility and fills meritvärde from the schools.
    best = query(national_db, "SELECT * FROM eligibility_kommun_best WHERE kommun_kod = '1384' AND grupp = 'alla'")
    assert best["kalla"].tolist() == ["delvis"] and best["behorig_yrk"][0] == 87.8
    assert 200 < best["meritvarde"][0] < 300


# --------------------------------------------------------------------------- every year's variant

@pytest.mark.parametrize("number", range(2017, 2027))
def test_each_kungsbacka_year_in_its_own_variant(number: int, shared_data: Path, tmp_path: Path) -> None:
    """Render the published year into the export layout of its time and import it: figures must match."""
    year = render.load_year(shared_data / "kungsbacka" / f"grundskolor_{number}.json")
    variant = render.variant_for(year["lasar"])
    path = write(tmp_path, f"slutbetyg_{number}.csv", render.school_export(year, variant))
    db = tmp_path / "k.duckdb"
    result = run_import(db, "skolverket-skola", [path])
    assert result.rows == len(year["enheter"])
    keys = [key for _, key in variant.columns]
    assert assert_school_figures(db, year, keys) == len(year["enheter"]) * len(keys)
    if len(keys) == 4:  # the yrkesprogram-only variants leave the other three programme kinds empty
        assert query(db, "SELECT count(behorig_es) AS n FROM eligibility_school")["n"][0] == 0


def test_variants_cover_every_column_spelling() -> None:
    headers = {h for v in (render.OLD, render.PROGRAMS, render.CRITERIA, render.CURRENT) for h, _ in v.columns}
    assert any("uppnått kunskapskraven" in h for h in headers)
    assert any("uppfyllt betygskriterierna" in h for h in headers)
    assert "Genomsnittligt meritvärde (17)" in headers and "Genomsnittligt meritvärde (17 ämnen)" in headers
    assert any("estetiskt" in h for h in headers)


def test_a_later_yrkes_only_file_keeps_the_programme_columns(shared_data: Path, tmp_path: Path) -> None:
    """The 2024/25 file has only yrkesprogram: loading it after a four-column file must not blank the others."""
    year = render.load_year(shared_data / "kungsbacka" / "grundskolor_2025.json")
    db = tmp_path / "k.duckdb"
    run_import(db, "skolverket-skola", [write(tmp_path, "fyra.csv", render.school_export(year, render.CRITERIA))])
    run_import(db, "skolverket-skola", [shared_data / "skolverket" / SCHOOL_FILE])
    assert assert_school_figures(db, year, list(render.FIELDS)) == 21 * 7


@pytest.mark.parametrize("number", [2018, 2019, 2023])
def test_kommun_export_equals_published_kommun_figures(number: int, shared_data: Path, tmp_path: Path) -> None:
    year = render.load_year(shared_data / "kungsbacka" / f"grundskolor_{number}.json")
    db = tmp_path / "k.duckdb"
    run_import(db, "skolverket-kommun", [write(tmp_path, f"behorighet_{number}.csv", render.kommun_export(year))])
    stored = query(db, "SELECT * FROM eligibility_kommun WHERE lasar = ?", [year["lasar"]]).set_index("huvudman")
    for huvudman, record in year["snitt"].items():
        row = stored.loc[huvudman.lower()]
        for key in render.KOMMUN_KEYS:
            col = render.FIELDS[key]
            if key in record["markor"]:
                assert row[f"{col}_marker"] == record["markor"][key] and pd.isna(row[col])
            else:
                assert row[col] == pytest.approx(record[key])


def test_series_workbook_equals_published_kommun_figures(shared_data: Path, tmp_path: Path) -> None:
    years = [render.load_year(shared_data / "kungsbacka" / f"grundskolor_{n}.json") for n in (2018, 2019, 2023)]
    db = tmp_path / "k.duckdb"
    for merged in (False, True):
        path = write(tmp_path, f"jamforelse_{merged}.xlsx", render.series_workbook(years, merged_cells=merged))
        result = run_import(db, "skolverket-tidsserie", [path])
        assert result.rows == 3 * 3  # 3 huvudman sheets × 3 läsår, group alla; Riket skipped
        stored = query(db, "SELECT * FROM eligibility_kommun").set_index(["huvudman", "lasar"])
        for year in years:
            for huvudman, record in year["snitt"].items():
                row = stored.loc[(huvudman.lower(), year["lasar"])]
                for key, col in render.FIELDS.items():
                    if key in record["markor"]:
                        assert row[f"{col}_marker"] == record["markor"][key] and pd.isna(row[col])
                    else:
                        assert row[col] == pytest.approx(record[key]), (huvudman, year["lasar"], key)
    assert any("utländsk bakgrund" in n for n in result.notes), "skipped breakdown rows are reported"


# --------------------------------------------------------------------------- layout variants

@pytest.fixture(scope="module")
def real_bytes(shared_data: Path) -> bytes:
    return (shared_data / "skolverket" / SCHOOL_FILE).read_bytes()


def _rows(db: Path) -> pd.DataFrame:
    cols = ("skolenhetskod, lasar, antal_elever, antal_elever_marker, alla_amnen, alla_amnen_marker, behorig_yrk, "
            "behorig_yrk_marker, meritvarde, meritvarde_marker")
    return query(db, f"SELECT {cols} FROM eligibility_school ORDER BY skolenhetskod").reset_index(drop=True)


def _mutations(raw: bytes) -> dict[str, bytes]:
    text = raw.decode("utf-8-sig")
    lines = text.split("\r\n")
    head, data = lines[:6], [x for x in lines[6:] if x]
    lf = "\n".join(lines).encode("utf-8")
    reordered = "\r\n".join(head + data[::-1]) + "\r\n"
    footnotes = text + "\r\nRapportbeskrivning och definitioner etc.\r\nAntal elever;Antal elever som har avslutat " \
                       "årskurs 9;\r\n\r\nOm uppgift saknas visas en prick (.) istället för utfall.\r\n"
    trailing = "\r\n".join(line + ";" if line else line for line in lines)
    blank_inside = "\r\n".join(head + data[:100] + ["", ";;;;"] + data[100:])
    return {
        "lf": lf,
        "reordered": reordered.encode("utf-8"),
        "footnotes": footnotes.encode("utf-8"),
        "trailing_sep": trailing.encode("utf-8"),
        "cp1252": text.encode("cp1252"),
        "blank_line_inside": blank_inside.encode("utf-8"),
        "xlsx": render.csv_to_xlsx(raw),
        "xlsx_text": render.csv_to_xlsx(raw, numbers=False),
    }


@pytest.fixture(scope="module")
def baseline(real_bytes: bytes, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    tmp = tmp_path_factory.mktemp("base")
    db = tmp / "b.duckdb"
    run_import(db, "skolverket-skola", [write(tmp, "orig.csv", real_bytes)])
    return _rows(db)


@pytest.mark.parametrize("variant", ["lf", "reordered", "footnotes", "trailing_sep", "cp1252", "blank_line_inside",
                                     "xlsx", "xlsx_text"])
def test_layout_variants_give_identical_rows(variant: str, real_bytes: bytes, baseline: pd.DataFrame,
                                             tmp_path: Path) -> None:
    suffix = ".xlsx" if variant.startswith("xlsx") else ".csv"
    path = write(tmp_path, f"slutbetyg{suffix}", _mutations(real_bytes)[variant])
    db = tmp_path / "v.duckdb"
    run_import(db, "skolverket-skola", [path])
    pd.testing.assert_frame_equal(_rows(db), baseline)


def test_line_separators_inside_school_names_keep_each_row_whole(real_bytes: bytes, baseline: pd.DataFrame,
                                                                 tmp_path: Path) -> None:
    """NEL, U+2028 and U+2029 inside a name (copied from a web page) end no row: every school's figures
    are imported as from the original file, and the name shows a space where the separator was."""
    lines = real_bytes.decode("utf-8-sig").split("\r\n")
    marks = ["\u2028", "\x85", "\u2029"]
    for i, mark in zip(range(6, 12), marks * 2, strict=True):
        cells = lines[i].split(";")
        cells[0] = cells[0] + mark + "Norr"
        lines[i] = ";".join(cells)
    path = write(tmp_path, "slutbetyg.csv", "\r\n".join(lines).encode("utf-8"))
    db = tmp_path / "u.duckdb"
    run_import(db, "skolverket-skola", [path])
    pd.testing.assert_frame_equal(_rows(db), baseline)
    first = lines[6].split(";")
    name = query(db, "SELECT namn FROM school WHERE skolenhetskod = ?", [first[1]])["namn"][0]
    assert name == first[0].replace("\u2028", " ")


def test_excel_lost_leading_zeros_are_restored(real_bytes: bytes, baseline: pd.DataFrame, tmp_path: Path) -> None:
    text = real_bytes.decode("utf-8-sig")
    lines = [line.split(";") for line in text.split("\r\n")]
    for cells in lines[6:]:
        if len(cells) > 3 and cells[3].startswith("0"):
            cells[3] = cells[3].lstrip("0")
    path = write(tmp_path, "nollor.csv", "\r\n".join(";".join(c) for c in lines).encode("cp1252"))
    db = tmp_path / "z.duckdb"
    result = run_import(db, "skolverket-skola", [path])
    assert any("inledande nolla" in n for n in result.notes)
    assert query(db, "SELECT count(*) AS n FROM school WHERE kommun_kod = '0604'")["n"][0] > 0
    pd.testing.assert_frame_equal(_rows(db), baseline)


def test_lasar_from_user_when_the_banner_is_missing(shared_data: Path, tmp_path: Path) -> None:
    year = render.load_year(shared_data / "kungsbacka" / "grundskolor_2019.json")
    path = write(tmp_path, "utan_lasar.csv", render.school_export(year, render.OLD, lasar_in_banner=False))
    db = tmp_path / "l.duckdb"
    with pytest.raises(ImportRejected) as err:
        run_import(db, "skolverket-skola", [path])
    message = err.value.problems.report("sv")
    assert "utan_lasar.csv: läsåret står varken i filens rubrik" in message and "--lasar" in message
    assert not db.exists()
    result = run_import(db, "skolverket-skola", [path], lasar="2018/19")
    assert any("2018/19 används" in n for n in result.notes)
    assert assert_school_figures(db, year, ["antal", "meritvarde"]) == 2 * len(year["enheter"])


def test_lasar_column_instead_of_banner(tmp_path: Path) -> None:
    text = ("Skola;Skolenhetskod;Kommunkod;Typ av huvudman;Läsår;Antal elever;Genomsnittligt meritvärde (16)\n"
            "Alfaskolan;48529699;1440;Kommunal;2013/14;120;201,5\n"
            "Alfaskolan;48529699;1440;Kommunal;2012/13;110;199\n")
    db = tmp_path / "c.duckdb"
    result = run_import(db, "skolverket-skola", [write(tmp_path, "gammal.csv", text.encode("utf-8"))])
    assert result.rows == 2 and any("16 ämnen" in n for n in result.notes)
    assert sorted(query(db, "SELECT lasar FROM eligibility_school")["lasar"]) == ["2012/13", "2013/14"]


# --------------------------------------------------------------------------- errors a coordinator can act on

def test_every_problem_listed_with_file_line_column_value_and_db_untouched(real_bytes: bytes, tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    run_import(db, "skolverket-skola", [write(tmp_path, "ok.csv", real_bytes)])
    before = sha256(db)
    lines = real_bytes.decode("utf-8-sig").split("\r\n")
    lines[7] = lines[7].replace(";236", ";abc")  # Aroseniusskolan's meritvärde (file line 8)
    lines[9] = lines[9].replace(";79;", ";-5;")  # Da Vinciskolan 1: a negative pupil count
    lines[11] = lines[11].replace("74064638", "7406463X")
    lines[12] = lines[12].replace(";88;", ";101;")  # a share above 100
    bad = write(tmp_path, "fel.csv", "\r\n".join(lines).encode("utf-8"))
    with pytest.raises(ImportRejected) as err:
        run_import(db, "skolverket-skola", [bad])
    report = err.value.problems.report("sv")
    assert "fel.csv, rad 8, kolumn ”Genomsnittligt meritvärde (17 ämnen)”: ”abc” – väntade ett tal" in report
    assert "fel.csv, rad 10, kolumn ”Antal elever”: ”-5”" in report
    assert "rad 12, kolumn ”Skol-enhetskod”: ”7406463X” – skolenhetskoden ska vara åtta siffror" in report
    assert "rad 13" in report and "mellan 0 och 100" in report
    assert err.value.problems.total == 4
    english = err.value.problems.report("en")
    assert "fel.csv, line 8, column “Genomsnittligt meritvärde (17 ämnen)”: “abc” – expected a number" in english
    assert sha256(db) == before


def test_missing_columns_are_named(tmp_path: Path) -> None:
    text = "Valt läsår: 2020/21\n\nSkola;Skol-enhetskod;Antal elever\nA;48529699;12\n"
    with pytest.raises(ImportRejected) as err:
        run_import(tmp_path / "m.duckdb", "skolverket-skola", [write(tmp_path, "kort.csv", text.encode())])
    report = err.value.problems.report("sv")
    assert "kort.csv, kolumn ”Kommun-kod”: kolumnen saknas (väntade kolumner: Skol-enhetskod, Skola, Kommun-kod, " \
           "Typ av huvudman)" in report
    assert "kort.csv, kolumn ”Typ av huvudman”: kolumnen saknas" in report and "kommun_kod" not in report


def test_truncated_last_line_is_a_problem_not_a_footnote(real_bytes: bytes, tmp_path: Path) -> None:
    text = real_bytes.decode("utf-8-sig").rstrip("\r\n")
    cut = text[: text.rfind(";")]  # drop the last field of the last row
    with pytest.raises(ImportRejected) as err:
        run_import(tmp_path / "t.duckdb", "skolverket-skola", [write(tmp_path, "kort.csv", cut.encode())])
    assert "fält men rubriken har 11" in err.value.problems.report("sv")


def test_kommun_file_problems(shared_data: Path, tmp_path: Path) -> None:
    raw = (shared_data / "skolverket" / KOMMUN_FILE).read_text(encoding="utf-8-sig")
    bad = raw.replace("Ale;1440;Västra Götalands län;14;Samtliga;Flickor;214;83,2",
                      "Ale;1440;Västra Götalands län;14;Samtliga;Flickor;214;83,2x", 1)
    bad = bad.replace("Alingsås;1489;Västra Götalands län;14;Samtliga;Flickor", "Alingsås;9999;Västra Götalands "
                      "län;14;Samtliga;Flickor", 1)
    with pytest.raises(ImportRejected) as err:
        parse_check(tmp_path, bad)
    report = err.value.problems.report("sv")
    assert "rad 11, kolumn ”Andel (%) elever behöriga till yrkesprog.”: ”83,2x”" in report
    assert "”9999” – okänd kommunkod" in report


def parse_check(tmp_path: Path, text: str) -> None:
    run_import(tmp_path / "k.duckdb", "skolverket-kommun", [write(tmp_path, "kommun.csv", text.encode("utf-8"))])


def test_series_workbook_problems_and_definitions_sheet_only(shared_data: Path, tmp_path: Path) -> None:
    import io

    import openpyxl

    year = render.load_year(shared_data / "kungsbacka" / "grundskolor_2018.json")
    book = openpyxl.load_workbook(io.BytesIO(render.series_workbook([year])))
    book["Kommunal"]["F8"] = "fel"  # meritvärde row of Kungsbacka
    book["Enskild"].title = "Blad3"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportRejected) as err:
        run_import(tmp_path / "s.duckdb", "skolverket-tidsserie", [write(tmp_path, "serie.xlsx", out.getvalue())])
    report = err.value.problems.report("sv")
    assert "serie.xlsx [Kommunal], rad 8, kolumn ”2017/18”: ”fel” – väntade ett tal" in report
    assert "”Blad3” – bladets namn anger inte typ av huvudman" in report
    only_defs = openpyxl.Workbook()
    only_defs.active.append(["Begrepp", "Förklaring"])
    out = io.BytesIO()
    only_defs.save(out)
    with pytest.raises(ImportRejected) as err:
        run_import(tmp_path / "s.duckdb", "skolverket-tidsserie", [write(tmp_path, "defs.xlsx", out.getvalue())])
    assert "inget blad med rubrikraden" in err.value.problems.report("sv")


def test_numbers_are_finite_and_in_range(national_db: Path) -> None:
    df = query(national_db, "SELECT behorig_yrk, alla_amnen, meritvarde FROM eligibility_school")
    for col in df:
        values = df[col].dropna()
        assert all(math.isfinite(x) for x in values)
    assert df["meritvarde"].max() <= 340 and df["behorig_yrk"].max() <= 100
