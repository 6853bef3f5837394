# Kolada: parsing v3 JSON (gender, status, missing values, läsår from the spring-term year) and
# `fetch kolada` against a local replay server on 127.0.0.1 (paging, 429, a dropped connection,
# 5xx, offline), never the real service.
"""importers.kolada."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from pluginnan_core import cli
from pluginnan_core.db import Database
from pluginnan_core.importers import ImportRejected, kolada, run_import
from tests.conftest import sha256


def entry(kpi: str, kommun: str, period: int, t: float | None, k: float | None = None, m: float | None = None
          ) -> dict:
    values = []
    for gender, value in (("K", k), ("M", m), ("T", t)):
        values.append({"gender": gender, "count": 1, "status": "Missing" if value is None else "",
                       "value": value})
    return {"kpi": kpi, "municipality": kommun, "period": period, "values": values}


PAGE_1 = [entry("N15428", "1384", 2024, 87.8, 88.4, 87.1), entry("N15507", "1384", 2024, 245.3, 258.0, 233.1),
          entry("N15428", "0000", 2024, 84.0, 85.0, 83.0)]
PAGE_2 = [entry("N15428", "1440", 2024, 81.6, None, None), entry("N15507", "1440", 2024, None),
          entry("N15428", "1384", 2023, 86.9, 87.5, 86.3)]


def query(path: Path, sql: str) -> pd.DataFrame:
    snapshot = Database(path)
    try:
        return snapshot.query(sql)
    finally:
        snapshot.close()


def test_parse_kolada_json(tmp_path: Path) -> None:
    path = tmp_path / "kolada.json"
    path.write_text(json.dumps({"values": PAGE_1 + PAGE_2}), encoding="utf-8")
    db = tmp_path / "k.duckdb"
    result = run_import(db, "kolada", [path])
    rows = query(db, "SELECT * FROM eligibility_kommun ORDER BY kommun_kod, lasar, grupp")
    assert set(rows["population"]) == {"hemkommun"} and set(rows["huvudman"]) == {"samtliga"}
    kb = rows[(rows["kommun_kod"] == "1384") & (rows["lasar"] == "2023/24")].set_index("grupp")
    assert kb.loc["alla", "behorig_yrk"] == 87.8 and kb.loc["flickor", "behorig_yrk"] == 88.4
    assert kb.loc["pojkar", "meritvarde"] == 233.1
    ale = rows[rows["kommun_kod"] == "1440"].set_index("grupp")
    assert ale.loc["flickor", "behorig_yrk_marker"] == "." and pd.isna(ale.loc["flickor", "behorig_yrk"])
    assert ale.loc["alla", "meritvarde_marker"] == "." and pd.isna(ale.loc["alla", "meritvarde"])
    earlier = rows[(rows["kommun_kod"] == "1384") & (rows["lasar"] == "2022/23")].set_index("grupp")
    assert earlier.loc["alla", "behorig_yrk"] == 86.9 and earlier.loc["alla", "meritvarde_marker"] == "."
    assert "0000" not in set(rows["kommun_kod"])
    assert any("riket eller län" in n for n in result.notes)
    log = query(db, "SELECT kind, source FROM import_log").iloc[0]
    assert log["kind"] == "kolada" and "Kolada" in log["source"]


def test_kolada_problems_are_named(tmp_path: Path) -> None:
    bad = [entry("N15428", "1384", 2024, 120.0), entry("N99999", "1384", 2024, 1.0),
           {"kpi": "N15428", "municipality": "9999", "period": 2024, "values": []},
           {"kpi": "N15507", "municipality": "1384", "period": "tjugo", "values": []},
           {"kpi": "N15507", "municipality": "1384", "period": 2024, "values": [{"gender": "X", "value": 1}]}]
    path = tmp_path / "fel.json"
    path.write_text(json.dumps({"values": bad}), encoding="utf-8")
    db = tmp_path / "k.duckdb"
    with pytest.raises(ImportRejected) as err:
        run_import(db, "kolada", [path])
    report = err.value.problems.report("sv")
    assert "fel.json, kolumn ”values[0].values[2].value”: ”120.0” – värdet ska ligga mellan 0 och 100" in report
    assert "okänt nyckeltal N99999" in report and "”9999” – okänd kommunkod" in report
    assert "”tjugo” – väntade ett år" in report and "”X” – väntade kön T, K eller M" in report
    assert not db.exists()
    (tmp_path / "trasig.json").write_text('{"values": [', encoding="utf-8")
    with pytest.raises(ImportRejected) as err:
        run_import(db, "kolada", [tmp_path / "trasig.json"])
    assert "inte giltig JSON från Kolada" in err.value.problems.report("sv")


# --------------------------------------------------------------------------- the replay server

class Replay:
    """A local stand-in for api.kolada.se answering from a script of recorded-format responses."""

    def __init__(self) -> None:
        self.script: list[tuple[str, object]] = []  # ("json", body) | ("status", (code, headers)) | ("drop", None)
        self.requests: list[str] = []
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                replay.requests.append(self.path)
                action, body = replay.script.pop(0) if replay.script else ("status", (404, {}))
                if action == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if action == "status":
                    code, headers = body  # type: ignore[misc]
                    self.send_response(code)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = json.dumps(body).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def replay() -> Iterator[Replay]:
    server = Replay()
    yield server
    server.close()


def no_sleep(_seconds: float) -> None:
    pass


def test_fetch_follows_next_url(replay: Replay) -> None:
    replay.script = [("json", {"values": PAGE_1, "count": 3, "next_url": f"{replay.url}/v3/data/page2"}),
                     ("json", {"values": PAGE_2, "count": 3})]
    doc = kolada.fetch(["1384", "1440"], [2023, 2024], base_url=replay.url, sleep=no_sleep)
    assert len(doc["values"]) == 6
    assert replay.requests[0] == "/v3/data/kpi/N15428%2CN15507/municipality/1384%2C1440/year/2023%2C2024"
    assert replay.requests[1] == "/v3/data/page2"


def test_fetch_retries_429_and_5xx_with_backoff(replay: Replay) -> None:
    waits: list[float] = []
    replay.script = [("status", (429, {"Retry-After": "3"})), ("status", (503, {})),
                     ("json", {"values": PAGE_1})]
    doc = kolada.fetch(["1384"], [2024], base_url=replay.url, sleep=waits.append, backoff=0.5)
    assert len(doc["values"]) == 3 and waits == [3.0, 1.0]  # Retry-After honoured, then 0.5 × 2


def test_fetch_survives_a_dropped_connection(replay: Replay) -> None:
    replay.script = [("drop", None), ("json", {"values": PAGE_2})]
    messages: list[str] = []
    doc = kolada.fetch(["1440"], [2024], base_url=replay.url, sleep=no_sleep, progress=messages.append)
    assert len(doc["values"]) == 3 and len(replay.requests) == 2
    assert any("förbindelsen bröts" in m for m in messages)


def test_fetch_gives_up_with_a_swedish_message(replay: Replay) -> None:
    replay.script = [("status", (500, {}))] * 3
    with pytest.raises(kolada.FetchError, match="misslyckades efter 3 försök: Kolada svarade 500"):
        kolada.fetch(["1384"], [2024], base_url=replay.url, sleep=no_sleep, retries=2)
    replay.script = [("status", (404, {}))]
    with pytest.raises(kolada.FetchError, match="fel 404"):
        kolada.fetch(["1384"], [2024], base_url=replay.url, sleep=no_sleep)


def test_fetch_refuses_next_url_elsewhere(replay: Replay) -> None:
    replay.script = [("json", {"values": PAGE_1, "next_url": "http://127.0.0.2:1/v3/x"})]
    with pytest.raises(kolada.FetchError, match="annan adress"):
        kolada.fetch(["1384"], [2024], base_url=replay.url, sleep=no_sleep)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_offline_message(tmp_path: Path) -> None:
    with pytest.raises(kolada.FetchError) as err:
        kolada.fetch(["1384"], [2024], base_url=f"http://127.0.0.1:{closed_port()}", sleep=no_sleep, retries=1)
    assert "kunde inte nås" in str(err.value) and "internetförbindelse" in str(err.value)


def test_cli_fetch_imports_through_run_import(replay: Replay, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "k.duckdb"
    replay.script = [("drop", None), ("json", {"values": PAGE_1, "next_url": "/v3/data/page2"}),
                     ("json", {"values": PAGE_2})]
    code = cli.main(["fetch", "kolada", "--db", str(db), "--kommun", "1384,1440", "--years", "2023-2024",
                     "--base-url", replay.url, "--retries", "2"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "Inläst: " in err and "Hämtade 6 uppgifter på 2 sida/sidor" in err
    log = query(db, "SELECT file_name, kind, rows FROM import_log").iloc[0]
    assert log["kind"] == "kolada" and log["file_name"].startswith("kolada-N15428-N15507-") and log["rows"] == 9
    before = sha256(db)
    code = cli.main(["fetch", "kolada", "--db", str(db), "--kommun", "1384", "--years", "2024",
                     "--base-url", f"http://127.0.0.1:{closed_port()}", "--retries", "0"])
    err = capsys.readouterr().err
    assert code == 1 and "kunde inte nås" in err and "inget har ändrats i databasen" in err
    assert sha256(db) == before
    assert cli.main(["fetch", "kolada", "--db", str(db), "--kommun", "9999"]) == 2
    assert "Okända kommunkoder: 9999" in capsys.readouterr().err


def test_years_and_kommuner_arguments() -> None:
    assert kolada._parse_years("2016-2018,2020") == [2016, 2017, 2018, 2020]
    assert len(kolada._parse_years(None)) == 10
    assert len(kolada._parse_kommuner(None)) == 50
    assert kolada.lasar_of_period(2024) == "2023/24"
