# AppTest of the upload page: hidden without a password, wrong passwords throttled, a good file
# previewed and imported, a bad file reported with nothing changed, and undo.
"""app_pages/ladda_upp.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pluginnan_core import admin
from pluginnan_core.db import Database
from tests.conftest import ROOT, sha256, switch_language

PASSWORD = "rätt-lösenord"
PAGE = "app_pages/ladda_upp.py"


@pytest.fixture
def upload_db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "upload.duckdb"
    path.write_bytes(demo_db.read_bytes())
    monkeypatch.setenv("PLUGINNAN_DB", str(path))
    monkeypatch.setattr(admin, "GUARD", admin.GlobalGuard())
    return path


def start(monkeypatch: pytest.MonkeyPatch, password: str | None) -> AppTest:
    if password is None:
        monkeypatch.delenv(admin.ENV_PASSWORD, raising=False)
    else:
        monkeypatch.setenv(admin.ENV_PASSWORD, password)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(PAGE)
    at.run()
    return at


def login(at: AppTest, password: str = PASSWORD) -> None:
    at.text_input(key="upload_password").input(password)
    at.button[0].click()  # the form's submit button
    at.run()


def test_page_hidden_without_password(upload_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(admin.ENV_PASSWORD, raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page") as err:
        at.switch_page(PAGE)
    assert "oversikt.py" in str(err.value) and "ladda_upp" not in str(err.value).split("Known pages")[1]


def test_wrong_password_is_throttled(upload_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(admin, "BASE_DELAY", 1000.0)  # so the second attempt surely falls inside the wait
    at = start(monkeypatch, PASSWORD)
    assert at.title[0].value == "Ladda upp data" and not at.exception
    login(at, "fel")
    assert any("Fel lösenord" in e.value for e in at.error)
    login(at, PASSWORD)  # the right password, but too soon: not even checked
    assert any("Vänta" in w.value and "kontrollerades inte" in w.value for w in at.warning)
    assert not at.file_uploader, "still logged out"


def test_good_file_preview_import_and_undo(upload_db: Path, monkeypatch: pytest.MonkeyPatch,
                                           shared_data: Path, tmp_path: Path) -> None:
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    at = start(monkeypatch, PASSWORD)
    login(at)
    assert not at.exception and at.file_uploader
    before = sha256(upload_db)
    raw = (shared_data / "skolverket" / "behorighet_grundskola_2024_25.csv").read_bytes()
    at.file_uploader(key="upload_files_0").set_value(("behorighet_grundskola_2024_25.csv", raw, "text/csv"))
    at.run()
    assert not at.exception and not at.error
    assert any(h.value == "Det här ändras om du läser in" for h in at.subheader)
    preview = at.dataframe[0].value
    row = preview[preview["Uppgifter"] == "Behörighet per kommun"].iloc[0]
    assert row["Rader"] == "2\u00a0139" and row["Läsår"] == "2024/25"
    assert sha256(upload_db) == before, "the preview writes nothing"
    confirm = at.button(key="upload_confirm")
    assert confirm.label == "Läs in 2\u00a0139 rader"
    confirm.click()
    at.run()
    assert not at.exception
    assert any("Inläst: 2\u00a0139 rader från behorighet_grundskola_2024_25.csv" in s.value for s in at.success)
    after = sha256(upload_db)
    assert after != before
    snap = Database(upload_db)
    log = snap.query("SELECT file_name, kind, rows FROM import_log ORDER BY import_id DESC").iloc[0]
    kb = snap.query("SELECT antal_elever FROM eligibility_kommun WHERE kommun_kod = '1384' AND lasar = '2024/25' "
                    "AND grupp = 'alla' AND huvudman = 'samtliga'")["antal_elever"][0]
    snap.close()
    assert (log["file_name"], log["kind"], log["rows"], kb) == (
        "behorighet_grundskola_2024_25.csv", "skolverket-kommun", 2139, 1299)
    assert any("behorighet_grundskola_2024_25.csv" in m.value for m in at.markdown)
    assert list(scratch.iterdir()) == [], "uploaded files are removed after the import"
    at.button(key="upload_undo").click()
    at.run()
    assert not at.exception
    assert any("ångrad" in s.value for s in at.success)
    assert sha256(upload_db) == before


def test_bad_file_shows_report_and_changes_nothing(upload_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = start(monkeypatch, PASSWORD)
    login(at)
    before = sha256(upload_db)
    bad = (b"skolenhetskod;skola;kommun_kod;huvudman;lasar;grupp;antal_elever;behorig_yrk;behorig_es;behorig_ehs;"
           b"behorig_nt;alla_amnen;meritvarde\n"
           b"48529699;Aroseniusskolan;1440;kommunal;2024/25;alla;174;182,2;81,0;79,3;75,9;76,4;236\n")
    at.selectbox(key="upload_kind").set_value("eligibility")
    at.file_uploader(key="upload_files_0").set_value(("fel.csv", bad, "text/csv"))
    at.run()
    assert not at.exception
    assert any("inget har ändrats" in e.value for e in at.error)
    report = at.dataframe[0].value
    assert report.to_dict("records") == [{"Fil": "fel.csv", "Rad": "2", "Kolumn": "behorig_yrk", "Värde": "182,2",
                                          "Problem": "värdet ska ligga mellan 0 och 100"}]
    assert not [b for b in at.button if b.key == "upload_confirm"]
    assert sha256(upload_db) == before


def test_english_labels(upload_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(admin.ENV_PASSWORD, PASSWORD)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert at.title[0].value == "Upload data"
    assert at.text_input(key="upload_password").label == "Upload password"


def test_the_chosen_kind_survives_a_language_switch(upload_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kind picker's labels are worded in the page's language: on a switch it keeps its value and
    the browser gets the new label (ui.state.RELABELLED), and the login stays (Session State)."""
    at = start(monkeypatch, PASSWORD)
    login(at)
    at.selectbox(key="upload_kind").set_value("kolada").run()
    swedish = at.selectbox(key="upload_kind").options
    switch_language(at, "en")
    assert not at.exception and at.title[0].value == "Upload data"
    kind = at.selectbox(key="upload_kind")
    assert kind.value == "kolada" and kind.options != swedish and kind.proto.set_value
