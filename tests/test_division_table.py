from childlink.divisions import division_table, level_of_code, read_division_table


def test_bundled_table_loads_with_names():
    table = division_table()
    assert table.get("220183").name == "德惠市"
    assert table.resolve_name("吉林省长春市德惠市").code == "220183"


def test_loader_tolerates_appended_rows_extra_columns_and_blanks(tmp_path):
    path = tmp_path / "divisions.csv"
    path.write_text(
        "code,name,short_name,level,parent,urban_rural,note\n"
        "220183,德惠市,德惠,county,220100,,\n"
        "220183100000,胜利街道,,,,,\n"
        "220183100201,幸福社区,,village,220183100000,111,x\n"
        "bad,坏行,,,,,\n"
        "220183,德惠市,德惠,county,220100,,\n",
        encoding="utf-8",
    )
    table = read_division_table(path)
    assert set(table.by_code) == {"220183", "220183100", "220183100201"}
    assert table.get("220183100").level == "township"
    assert table.get("220183100201").parent == "220183100"
    assert table.get("220183100201").urban_rural == "111"
    assert table.resolve_name("德惠市胜利街道幸福社区").code == "220183100201"


def test_levels_from_trailing_zeros():
    assert [level_of_code(c) for c in ("220000", "220100", "220183", "220183100", "220183000000", "220183100000", "220183100201")] == [
        "province", "city", "county", "township", "county", "township", "village",
    ]  # fmt: skip
