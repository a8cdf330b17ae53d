from datetime import date

import sqlalchemy as sa

from connectors import read_sql_extract

AS_OF = date(2026, 9, 30)


def test_reads_a_table_and_a_view_from_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'prison.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE 在押 (公民身份号码 TEXT, 姓名 TEXT, 入监日期 TEXT, 刑期止日 TEXT, 备注 TEXT, 编号 INTEGER)"))
        connection.execute(
            sa.text("INSERT INTO 在押 VALUES ('11010519491231002X', '張三', '2020-01-01', '长期', 'x', 1), (' 110105491231002 ', '李四', '2020/13/01', NULL, NULL, 2)")
        )
        connection.execute(sa.text("CREATE VIEW prison_view AS SELECT 公民身份号码 AS 身份证号, 姓名 AS 罪犯姓名, 入监日期 FROM 在押"))
    engine.dispose()
    extract = read_sql_extract(url, "在押", "prison", as_of=AS_OF)
    assert extract.rows_read == 2
    assert extract.frame["row"].to_list() == [1, 2]
    assert extract.frame["id_number"].to_list() == ["11010519491231002X", "11010519491231002X"]
    assert extract.frame["name"].to_list() == ["张三", "李四"]
    assert extract.frame["sentence_end_date_precision"].to_list() == ["open", None]
    assert extract.ignored_columns == ("备注", "编号")
    assert extract.issues.rows() == [(2, "admission_date", "date_unparseable", "2020/13/01")]
    view = read_sql_extract(url, "prison_view", "prison", as_of=AS_OF)
    assert view.present_fields == ("id_number", "name", "admission_date")
    assert view.frame["admission_date"].to_list() == [date(2020, 1, 1), None]
