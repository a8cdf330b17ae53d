"""The product's own reader and validation see exactly the rows, mentions and quarantine the truth promises."""

from __future__ import annotations

import polars as pl
import pytest

from tests.synth.conftest import data_files

reader = pytest.importorskip("connectors.reader")
validate = pytest.importorskip("expectations.validate")


@pytest.mark.slow
def test_rows_and_quarantine_match_truth(county_small):
    from childlink.settings import load_settings

    out, _ = county_small
    settings = load_settings()
    mentions = pl.read_csv(out / "truth" / "mentions.csv")
    expected = pl.read_csv(out / "truth" / "expected_quarantine.csv")
    for path in data_files(out):
        extract = reader.read_extract(path)
        rows = set(extract.frame["row"].to_list())
        assert rows == set(mentions.filter(pl.col("source_file") == path.name)["row"].to_list()), path.name
        result = validate.validate_extract(extract, settings)
        planted = expected.filter(pl.col("source_file") == path.name)
        assert set(result.quarantine["row"].to_list()) == set(planted["row"].to_list()), path.name
        found = set(zip(result.quarantine["row"].to_list(), result.quarantine["rule"].to_list()))
        assert set(zip(planted["row"].to_list(), planted["rule"].to_list())) <= found, path.name
