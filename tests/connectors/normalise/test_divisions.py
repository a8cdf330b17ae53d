import polars as pl
import pytest

from childlink.divisions import read_division_table
from connectors.normalise.divisions import normalise_division

CSV = """code,name,short_name,level,parent,urban_rural,extra
220000,吉林省,吉林,province,,,x
220100,长春市,长春,city,220000,,
220183,德惠市,德惠,county,220100,,
220184,公主岭市,公主岭,county,220100,,
330000,浙江省,浙江,province,,,
220183100,胜利街道,胜利,township,220183,,
220183100201,幸福社区居委会,幸福社区,village,220183100,111,
220183100202,团结村委会,团结村,village,220183100,220,
"""


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "divisions.csv"
    path.write_text(CSV, encoding="utf-8")
    return read_division_table(path)


@pytest.mark.parametrize(
    ("raw", "value", "county", "township", "level", "urban_rural", "rule"),
    [
        ("220183", "220183", "220183", None, "county", None, None),
        ("220183.0", "220183", "220183", None, "county", None, None),
        ("220100", "220100", None, None, "city", None, None),
        ("220000", "220000", None, None, "province", None, None),
        ("220199", None, None, None, None, None, "division_invalid"),  # the table lists Changchun's counties
        ("440106", "440106", "440106", None, "county", None, None),  # not covered by the table: format only
        ("990000", None, None, None, None, None, "division_invalid"),  # no such province
        ("2201831", None, None, None, None, None, "division_invalid"),
        ("220183100", "220183100", "220183", "220183100", "township", None, None),
        ("220183100000", "220183100000", "220183", "220183100", "township", None, None),
        ("220183000000", "220183000000", "220183", None, "county", None, None),
        ("220183100202", "220183100202", "220183", "220183100", "village", "220", None),
        ("220183100299", None, None, None, None, None, "division_invalid"),
        ("吉林省长春市德惠市胜利街道团结村3组", "220183100202", "220183", "220183100", "village", "220", None),
        ("德惠市胜利街道", "220183100", "220183", "220183100", "township", None, None),
        ("长春", "220100", None, None, "city", None, None),
        ("浙江省宁波市", "330000", None, None, "province", None, None),
        ("火星", None, None, None, None, None, "division_invalid"),
        ("不详", None, None, None, None, None, None),
    ],
)
def test_cases(table, raw, value, county, township, level, urban_rural, rule):
    result = normalise_division(pl.Series("d", [raw], dtype=pl.Utf8), table)
    assert result.value.to_list() == [value]
    assert result.derived["_county"].to_list() == [county]
    assert result.derived["_township"].to_list() == [township]
    assert result.derived["_level"].to_list() == [level]
    assert result.derived["_urban_rural"].to_list() == [urban_rural]
    assert result.rule.to_list() == [rule]


def test_normalised_codes_are_stable(table):
    once = normalise_division(pl.Series(["德惠市胜利街道团结村", "220183.0", "长春"]), table).value
    assert normalise_division(once, table).value.to_list() == once.to_list()
