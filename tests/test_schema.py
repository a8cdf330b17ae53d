from childlink.schema import exchange, header_index, normalise_header


def test_every_source_has_a_primary_role_and_required_columns():
    spec = exchange()
    assert "child_register" in spec.sources and "hukou_population" in spec.sources
    for source in spec.sources.values():
        assert source.persons, source.key
        assert source.primary_role in source.persons
        for role in source.persons.values():
            for field_name in role.values():
                assert field_name in source.fields, (source.key, field_name)


def test_code_lists_named_by_columns_exist():
    spec = exchange()
    for source in spec.sources.values():
        for column in source.columns:
            if column.code_list:
                assert column.code_list in spec.code_lists, (source.key, column.field)


def test_file_name_recognition_longest_key_wins():
    spec = exchange()
    assert spec.source_for_filename("prison_2026q3.xlsx") == "prison"
    assert spec.source_for_filename("HUKOU_POPULATION_20260930.csv") == "hukou_population"
    assert spec.source_for_filename("child_register-2026Q3.xlsx") == "child_register"
    assert spec.source_for_filename("prisoners.xlsx") is None
    assert spec.source_for_filename("report.csv") is None


def test_header_normalisation_strips_markers_hints_and_width():
    assert normalise_header("出生日期(格式:YYYY-MM-DD)") == "出生日期"
    assert normalise_header("性别（1男2女）") == "性别"
    assert normalise_header("*公民身份 号码") == "公民身份号码"
    assert normalise_header("※姓名") == "姓名"
    index = header_index(exchange().source("adoption"))
    assert index[normalise_header("收养人（男方）姓名")] == "adopter1_name"
