"""Refuse hostile spreadsheet uploads before any parser sees them.

Checks, cheapest first: the size; the type by content (not by name), which must agree with the name;
for .xlsx (a zip of XML parts) the number of parts, the declared and the real unpacked size, the
compression ratio of each part (zip bombs), and any DTD or entity declaration in an XML part
(billion laughs, external entities: OOXML never needs a DTD). Each part is read in chunks, so
memory stays bounded whatever the file claims. openpyxl parses with defusedxml behind this as a
second line.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 64 * 1024
XML_PART = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)
DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
KIND_LABEL = {"xlsx": "Excel 2007+ (.xlsx)", "xls": "Excel 97-2003 (.xls)", "csv": "CSV"}
# Excel's "Unicode text" (UTF-16, tab-separated) is saved as .txt; some offices name it .tsv.
EXTENSIONS = {"xlsx": {"xlsx"}, "xls": {"xls"}, "csv": {"csv", "txt", "tsv"}}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class UnsafeUpload(ValueError):
    """The upload was refused; str() is a Chinese message for the person who sent it."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_unpacked_bytes: int
    max_ratio: int = 100
    max_parts: int = 2000

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES,
            max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
        )


def assert_defusedxml() -> None:
    """openpyxl silently parses with the standard library unless defusedxml is importable and
    OPENPYXL_DEFUSEDXML is unset or True. Called at start-up (EnterprisesConfig.ready)."""
    import openpyxl

    if openpyxl.DEFUSEDXML is not True:
        raise ImproperlyConfigured(
            "openpyxl is not using defusedxml: install it and leave OPENPYXL_DEFUSEDXML unset"
        )


def _size(stream: BinaryIO) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def sniff(stream: BinaryIO) -> str | None:
    """'xlsx', 'xls' or 'csv' by the first bytes, or None for anything else."""
    head = stream.read(CHUNK)
    stream.seek(0)
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE2_MAGIC):
        return "xls"
    if head.startswith(UTF16_BOMS):
        try:  # a character's second byte may be cut at the chunk's end: ignore that one
            head[: len(head) - len(head) % 2].decode("utf-16")
        except UnicodeDecodeError:
            return None
        return "csv"
    if head and b"\x00" not in head:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                # A multi-byte character may be cut at the chunk's end: ignore that one.
                head.decode(encoding) if len(head) < CHUNK else head[:-4].decode(encoding)
            except UnicodeDecodeError:
                continue
            return "csv"
    return None


def _check_xlsx(stream: BinaryIO, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile as exc:
        raise UnsafeUpload(_("文件已损坏，无法作为Excel文件打开。")) from exc
    parts = archive.infolist()
    names = {part.filename for part in parts}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UnsafeUpload(_("压缩包不是Excel工作簿（缺少工作簿结构）。"))
    if len(parts) > limits.max_parts:
        raise UnsafeUpload(_("Excel文件包含的部件过多（%(n)d个），已拒绝。") % {"n": len(parts)})
    if sum(part.file_size for part in parts) > limits.max_unpacked_bytes:
        raise UnsafeUpload(_("Excel文件解压后过大，疑似压缩炸弹，已拒绝。"))
    unpacked = 0
    for part in parts:
        if part.flag_bits & 0x1:
            raise UnsafeUpload(_("Excel文件已加密，请取消密码后再上传。"))
        if part.file_size > CHUNK and part.file_size > limits.max_ratio * max(
            part.compress_size, 1
        ):
            raise UnsafeUpload(_("Excel文件压缩比异常，疑似压缩炸弹，已拒绝。"))
        is_xml = bool(XML_PART.search(part.filename))
        tail = b""
        try:
            with archive.open(part) as member:
                while chunk := member.read(CHUNK):
                    unpacked += len(chunk)
                    if unpacked > limits.max_unpacked_bytes:
                        raise UnsafeUpload(_("Excel文件解压后过大，疑似压缩炸弹，已拒绝。"))
                    if is_xml and DTD.search(tail + chunk):
                        raise UnsafeUpload(_("Excel文件含有XML实体声明，可能是恶意文件，已拒绝。"))
                    tail = chunk[-16:]
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise UnsafeUpload(_("文件已损坏，无法作为Excel文件打开。")) from exc


def check_upload(stream: BinaryIO, filename: str, limits: Limits | None = None) -> str:
    """Return the kind of spreadsheet ('xlsx', 'xls' or 'csv', which includes tab-separated
    text), or raise UnsafeUpload saying why."""
    limits = limits or Limits.from_settings()
    size = _size(stream)
    if size == 0:
        raise UnsafeUpload(_("文件为空。"))
    if size > limits.max_bytes:
        raise UnsafeUpload(
            _("文件大小%(size).1fMB，超过上限%(limit).0fMB。")
            % {"size": size / 2**20, "limit": limits.max_bytes / 2**20}
        )
    kind = sniff(stream)
    if kind is None:
        raise UnsafeUpload(
            _("无法识别的文件类型，请上传 .xlsx、.xls、.csv 或 .txt（Unicode 文本）表格。")
        )
    extension = PurePath(filename or "").suffix.lower().lstrip(".")
    if extension not in EXTENSIONS[kind]:
        raise UnsafeUpload(
            _("文件名后缀为“%(ext)s”，但内容是%(kind)s，请核对后重新上传。")
            % {"ext": extension or _("无"), "kind": KIND_LABEL[kind]}
        )
    if kind == "xlsx":
        _check_xlsx(stream, limits)
    stream.seek(0)
    return kind
