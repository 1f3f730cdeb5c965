"""Files attached to a ticket's progress: checked by content, not by name, and size-limited."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from issues.models import TicketAttachment

# What a unit attaches: scans and photos, PDFs, Office documents. Recognised by their first bytes.
SIGNATURES = [
    (b"%PDF-", {".pdf"}, "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", {".png"}, "image/png"),
    (b"\xff\xd8\xff", {".jpg", ".jpeg"}, "image/jpeg"),
    (
        b"PK\x03\x04",
        {".docx", ".xlsx", ".pptx"},
        "application/vnd.openxmlformats-officedocument",
    ),
]


def check(upload) -> str:
    """The content type of an acceptable upload, or ValidationError saying why not."""
    limit = settings.TICKET_ATTACHMENT_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(_("文件为空。"))
    if upload.size > limit:
        raise ValidationError(_("附件不能超过 %(mb)s MB。") % {"mb": limit // 2**20})
    head = upload.read(16)
    upload.seek(0)
    extension = PurePath(upload.name).suffix.lower()
    for magic, extensions, content_type in SIGNATURES:
        if head.startswith(magic):
            if extension not in extensions:
                raise ValidationError(_("文件名后缀与文件内容不符。"))
            return content_type
    raise ValidationError(_("只能上传 PDF、图片（PNG/JPG）或 Office 文档。"))


def _shortened(path: PurePath, limit: int) -> str:
    """The file's name within `limit` characters, its suffix kept (the download opens with it)."""
    if len(path.name) <= limit:
        return path.name
    return path.stem[: limit - len(path.suffix)] + path.suffix


def attach(ticket, event, upload, user) -> TicketAttachment:
    content_type = check(upload)
    return TicketAttachment.objects.create(
        ticket=ticket,
        event=event,
        file=upload,
        name=_shortened(PurePath(upload.name), 200),
        size=upload.size,
        content_type=content_type,
        uploaded_by=user,
    )
