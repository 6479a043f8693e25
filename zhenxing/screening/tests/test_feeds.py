"""Feed import: exact headers, row-level Chinese errors, atomic, exit codes, never double counting."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from django.core.management import call_command

from zhenxing.registry import idnumber, testing
from zhenxing.screening import feed_specs, feeds, services
from zhenxing.screening.models import FeedFile

from .conftest import write_csv


def med(serial, id_number, total="100", basic="60", serious="10", aid="10", burden="20", date="2022-03-01"):
    return {
        "结算流水号": serial,
        "身份证号": id_number,
        "姓名": "某",
        "结算日期": date,
        "医疗总费用": total,
        "基本医保支付": basic,
        "大病保险支付": serious,
        "医疗救助支付": aid,
        "个人负担": burden,
    }


def run_cli(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_feed", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_hash_in_sql_equals_the_registry_hash(w, tmp_path):
    import duckdb

    number = testing.new_id()
    got = duckdb.connect().execute(f"SELECT {feeds.hmac_sql(repr(number))}").fetchone()[0]
    assert got == idnumber.id_hash(number)


def test_sql_id_checks_agree_with_the_registry_validator(w):
    import duckdb

    good = testing.new_id()
    samples = [good, good[:17] + ("0" if good[17] != "0" else "1"), good[:15], "99" + good[2:], "1.23E+17", "", "ABC"]
    con = duckdb.connect()
    for s in samples:
        message = con.execute(f"SELECT {feeds.id_error_sql(repr(s))}").fetchone()[0]
        try:
            idnumber.validate(s)
            valid = True
        except idnumber.IdNumberError:
            valid = False
        assert (message is None) == valid, (s, message)


def test_valid_file_imports_and_counts_unmatched(w, tmp_path):
    h = testing.make_household(village=w.r.fendou)
    member_id = idnumber.decrypt(h.members.first().id_cipher)
    path = write_csv(tmp_path / "m.csv", "medical", [med("S1", member_id), med("S2", testing.new_id())])
    code, out, err = run_cli("medical", str(path))
    assert code == 0, err
    assert "新增 2" in out and "未匹配到户籍成员 1" in out
    record = FeedFile.objects.get()
    assert (record.rows, record.new_records, record.unmatched) == (2, 2, 1)


def test_reimport_and_overlap_never_double_count(w, tmp_path, feed):
    a, b, c = testing.new_id(), testing.new_id(), testing.new_id()
    first = feed("medical", [med("S1", a), med("S2", b)])
    again = feed("medical", [med("S1", a), med("S2", b)])
    overlap = feed("medical", [med("S2", b), med("S3", c)])
    assert (first.new, again.new, again.duplicates) == (2, 0, 2)
    assert (overlap.new, overlap.duplicates) == (1, 1)
    import duckdb

    con = duckdb.connect()
    feeds.register_current(con, feed_specs.SPECS["medical"], "cur")
    assert con.execute("SELECT count(*) FROM cur").fetchone()[0] == 3
    # a corrected record supersedes the old one instead of adding another
    fix = feed("medical", [med("S1", a, total="200", basic="160")])
    assert (fix.new, fix.changed) == (0, 1)
    feeds.register_current(con, feed_specs.SPECS["medical"], "cur")
    assert con.execute("SELECT count(*), sum(total) FROM cur").fetchone() == (3, 400)


def test_errors_name_row_and_column_and_nothing_is_imported(w, tmp_path):
    good = testing.new_id()
    rows = [
        med("S1", good),
        med("S2", good[:17] + ("0" if good[17] != "0" else "1")),
        med("S3", good, date="2022-02-30"),
        med("S4", good, burden="25"),  # 60+10+10+25 ≠ 100
        med("S5", good, total="1.234", burden="20"),
        med("S1", good),
    ]
    path = write_csv(tmp_path / "bad.csv", "medical", rows)
    code, out, err = run_cli("medical", str(path))
    assert code == 1
    assert "第3行【身份证号】身份证号校验码不正确" in err
    assert "第4行【结算日期】" in err and "YYYY-MM-DD" in err
    assert "第5行【个人负担】个人负担应等于医疗总费用减去" in err
    assert "第6行【医疗总费用】" in err
    assert "第7行【结算流水号】与第2行重复" in err
    assert FeedFile.objects.count() == 0


def test_untidy_but_valid_file_stores_the_same_records_as_a_tidy_one(w, tmp_path, feed):
    """Spaces around values and a lower-case x fail the one-pass fast test, so the file goes down
    the detailed path; it is still valid and must store exactly what the tidy file stores."""
    import duckdb

    x_id = next(n for n in (testing.new_id() for _ in range(500)) if n.endswith("X"))
    other = testing.new_id()
    tidy = [med("S1", x_id), med("S2", other, total="100.5", basic="60.5")]
    untidy = [
        med(" S1 ", " " + x_id.lower(), date=" 2022-03-01"),
        med("S2", other + " ", total="100.50 ", basic="60.5"),
    ]
    untidy[0]["姓名"] = " 某 "

    def stored(rows, name):
        result = feeds.import_file(
            source="medical",
            path=write_csv(tmp_path / name, "medical", rows),
            registry_hashes=services._registry_keys("medical"),
            file_id=1,
        )
        assert result.ok, result.errors
        return (
            duckdb.connect()
            .execute(f"SELECT * EXCLUDE (file_id) FROM read_parquet('{result.parquet}') ORDER BY row_no")
            .fetchall()
        )

    assert stored(untidy, "untidy.csv") == stored(tidy, "tidy.csv")
    # and once one is imported, the other is the same records again; a changed amount is a new version
    assert feed("medical", tidy).new == 2
    again = feed("medical", untidy)
    assert (again.new, again.changed, again.duplicates) == (0, 0, 2)
    fix = feed("medical", [med("S1", x_id, total="101", basic="61")])
    assert (fix.new, fix.changed, fix.duplicates) == (0, 1, 0)


def test_burden_within_one_cent_is_accepted(w, tmp_path, feed):
    result = feed("medical", [med("S1", testing.new_id(), burden="20.01"), med("S2", testing.new_id(), burden="19.99")])
    assert result.new == 2
    bad = feed("medical", [med("S3", testing.new_id(), burden="20.02")], expect_ok=False)
    assert bad.error_count == 1


def test_missing_header_and_unreadable_file(w, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("身份证号,姓名\n", encoding="utf-8")
    code, _, err = run_cli("death", str(path))
    assert code == 1 and "【死亡日期】缺少此列" in err
    code, _, err = run_cli("death", str(tmp_path / "nothing.csv"))
    assert code == 2
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    assert run_cli("death", str(junk))[0] == 2


def test_dry_run_writes_nothing(w, tmp_path):
    path = write_csv(
        tmp_path / "d.csv", "death", [{"身份证号": testing.new_id(), "姓名": "某", "死亡日期": "2022-01-01"}]
    )
    code, out, _ = run_cli("death", str(path), "--dry-run")
    assert code == 0 and "未写入" in out and FeedFile.objects.count() == 0


def test_gbk_with_bom_and_xlsx(w, tmp_path):
    number = testing.new_id()
    gbk = write_csv(
        tmp_path / "g.csv",
        "civil",
        [
            {
                "身份证号": number,
                "姓名": "张三",
                "救助类型": "低保",
                "状态": "在保",
                "开始日期": "2022-01-01",
                "金额": "300.5",
            }
        ],
        encoding="gbk",
    )
    assert run_cli("civil", str(gbk))[0] == 0
    bom = write_csv(
        tmp_path / "b.csv",
        "death",
        [{"身份证号": number, "姓名": "张三", "死亡日期": "2022-01-01"}],
        encoding="utf-8-sig",
    )
    assert run_cli("death", str(bom))[0] == 0
    book = tmp_path / "e.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    ws = wb.add_worksheet()
    for col, header in enumerate(feed_specs.SPECS["education"].headers):
        ws.write(0, col, header)
    ws.write_row(1, 0, [number, "张三", "初中", "辍学", "2022-03-01"])
    ws.write_row(2, 0, [float(number[:17]), "李四", "初中", "辍学", "2022-03-01"])  # ID stored as a number
    wb.close()
    code, _, err = run_cli("education", str(book))
    assert code == 1 and "第3行【身份证号】身份证号被 Excel 存成了数字" in err


def test_department_uploads_only_its_own_sources(w, tmp_path):
    from django.core.exceptions import PermissionDenied

    assert services.sources_for(w.yibao) == ["medical", "insurance"]
    assert set(services.sources_for(w.diqu)) == set(feed_specs.SPECS)
    path = write_csv(tmp_path / "c.csv", "civil", [])
    with pytest.raises(PermissionDenied):
        services.feed_import(actor=w.yibao, source="civil", path=path)


def test_a_feed_csv_larger_than_an_upload_is_streamed_within_its_own_cap(w, tmp_path, settings):
    """A department feed is streamed by DuckDB: the page upload cap (UPLOAD_MAX_BYTES) does not
    refuse it; the feed's own FEED_MAX_BYTES does, before anything is read."""
    path = write_csv(tmp_path / "m.csv", "medical", [med(f"S{i}", testing.new_id()) for i in range(3)])
    size = path.stat().st_size
    settings.UPLOAD_MAX_BYTES = size - 1
    settings.FEED_MAX_BYTES = size
    code, out, err = run_cli("medical", str(path))
    assert code == 0, err
    assert FeedFile.objects.get().rows == 3
    settings.FEED_MAX_BYTES = size - 1
    code, _, err = run_cli("medical", str(path))
    assert code == 2 and "超过上限" in err
    assert FeedFile.objects.count() == 1


def test_row_numbers_hold_in_a_file_read_in_parallel(w, tmp_path):
    """The rows pass through a Parquet file in the scratch folder (read in parallel, several row
    groups): every stored record keeps its file row, and an error deep in the file names its row."""
    import duckdb

    people = [testing.new_id() for _ in range(5)]
    n = 300_000
    rows = [med(f"S{i}", people[i % 5]) for i in range(n)]
    rows[250_000] = med("S250000", people[0], date="2022-13-01")
    rows.append(med("S7", people[2]))
    bad = write_csv(tmp_path / "bad.csv", "medical", rows)
    code, _, err = run_cli("medical", str(bad))
    assert code == 1
    assert "第250002行【结算日期】" in err and f"第{n + 2}行【结算流水号】与第9行重复" in err
    assert FeedFile.objects.count() == 0
    rows[250_000] = med("S250000", people[0])
    good = write_csv(tmp_path / "good.csv", "medical", rows[:n])
    code, _, err = run_cli("medical", str(good))
    assert code == 0, err
    stored = FeedFile.objects.get()
    assert stored.rows == n
    misplaced = (
        duckdb.connect()
        .execute(
            f"SELECT count(*) FROM read_parquet('{stored.path}') WHERE row_no <> CAST(substr(serial, 2) AS BIGINT) + 2"
        )
        .fetchone()[0]
    )
    assert misplaced == 0
