"""Hostile spreadsheets are refused before parsing, quickly and with bounded memory."""

import io
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from defusedxml import DTDForbidden, EntitiesForbidden
from django.core.exceptions import ImproperlyConfigured

from enterprises.spreadsheets.safety import Limits, UnsafeUpload, assert_defusedxml, check_upload

LIMITS = Limits(max_bytes=5 * 2**20, max_unpacked_bytes=50 * 2**20)

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol3;</workbook>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>
</worksheet>"""


def workbook_bytes(rows=(("企业名称", "统一社会信用代码"), ("瑞安测试有限公司", "x")), **replace):
    """A real .xlsx from openpyxl, with any part replaced by the given bytes."""
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    if not replace:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.get(item.filename, src.read(item.filename)))
    return out.getvalue()


def zip_bomb(unpacked_mb: int) -> bytes:
    """A workbook-shaped zip whose sheet unpacks to `unpacked_mb` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b"0" * 2**20
            for _ in range(unpacked_mb):
                sheet.write(block)
    return out.getvalue()


def check(data: bytes, name: str, limits=LIMITS) -> str:
    return check_upload(io.BytesIO(data), name, limits)


def test_real_spreadsheets_pass_and_report_their_kind():
    assert check(workbook_bytes(), "名单.xlsx") == "xlsx"
    csv_text = "企业名称,统一社会信用代码\r\n瑞安测试有限公司,91330381000000001X\r\n"
    assert check(csv_text.encode("utf-8-sig"), "roster.CSV") == "csv"
    assert check(csv_text.encode("gb18030"), "roster.csv") == "csv"
    assert check(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "old.xls") == "xls"


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (workbook_bytes(), "roster.csv", "内容是Excel 2007+"),
        ("名称\n甲\n".encode(), "roster.xlsx", "内容是CSV"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "roster.xlsx", "无法识别"),
        (workbook_bytes(), "roster", "后缀为“无”"),
        (b"", "roster.xlsx", "文件为空"),
        (b"PK\x03\x04not really a zip", "roster.xlsx", "已损坏"),
    ],
)
def test_files_that_are_not_what_their_name_says_are_refused(data, name, words):
    with pytest.raises(UnsafeUpload) as exc:
        check(data, name)
    assert words in str(exc.value)


def test_a_file_over_the_size_limit_is_refused_before_reading():
    with pytest.raises(UnsafeUpload, match="超过上限"):
        check(b"a,b\n" * 1000, "big.csv", Limits(max_bytes=1000, max_unpacked_bytes=10**6))


def test_a_plain_zip_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(UnsafeUpload, match="不是Excel工作簿"):
        check(out.getvalue(), "roster.xlsx")


def test_zip_bomb_is_refused_quickly_with_bounded_memory():
    bomb = zip_bomb(200)  # 200 MB of zeros in a file of a few hundred KB
    assert len(bomb) < 1 * 2**20
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(UnsafeUpload, match="压缩炸弹"):
        check(bomb, "bomb.xlsx")
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 8 * 2**20, f"peak memory {peak} bytes"
    assert elapsed < 5, f"took {elapsed:.1f}s"


def test_parts_that_unpack_past_the_limit_are_refused_even_at_a_modest_ratio():
    # Random-looking data compresses badly, so no ratio alarm: the unpacked total trips instead.
    import os

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        zf.writestr("xl/media/image1.bin", os.urandom(3 * 2**20))
    small = Limits(max_bytes=10 * 2**20, max_unpacked_bytes=2 * 2**20)
    with pytest.raises(UnsafeUpload, match="解压后过大"):
        check(out.getvalue(), "roster.xlsx", small)


@pytest.mark.parametrize(
    ("part", "payload"),
    [("xl/workbook.xml", BILLION_LAUGHS), ("xl/worksheets/sheet1.xml", EXTERNAL_ENTITY)],
)
def test_xml_entity_attacks_are_refused_before_parsing(part, payload):
    data = workbook_bytes(**{part: payload})
    started = time.perf_counter()
    with pytest.raises(UnsafeUpload, match="XML实体声明"):
        check(data, "roster.xlsx")
    assert time.perf_counter() - started < 2


def test_openpyxl_itself_refuses_entities_as_a_second_line():
    data = workbook_bytes(**{"xl/worksheets/sheet1.xml": EXTERNAL_ENTITY})
    with pytest.raises(ValueError) as exc:
        openpyxl.load_workbook(io.BytesIO(data))
    assert isinstance(exc.value.__cause__, DTDForbidden | EntitiesForbidden)


def test_start_up_refuses_an_openpyxl_without_defusedxml(monkeypatch):
    assert_defusedxml()  # the real environment passes
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(ImproperlyConfigured):
        assert_defusedxml()
