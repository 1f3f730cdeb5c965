"""The 会议纪要 as a Word document, the form a supervision office files and forwards."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from issues.models import Meeting

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NUMERALS = "一二三四五六七八九十"


def ordinal(n: int) -> str:
    """议题一, 议题二 … (Chinese numerals, as documents number their items; digits in English)."""
    if not translation.get_language().startswith("zh"):
        return str(n)
    if n <= 10:
        return NUMERALS[n - 1]
    tens, units = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[units - 1] if units else "")


def facts(meeting: Meeting) -> list[tuple[str, str]]:
    """The header lines the page and the document share."""
    return [
        (_("会议时间"), f"{timezone.localtime(meeting.scheduled_at):%Y-%m-%d %H:%M}"),
        (_("会议地点"), meeting.place or "—"),
        (_("主持人"), str(meeting.chair) if meeting.chair else "—"),
        (_("参会单位"), "、".join(str(u) for u in meeting.units.all()) or "—"),
        (_("参会人员"), "；".join(meeting.attendee_lines()) or "—"),
        (_("记录人"), str(meeting.organiser) if meeting.organiser else "—"),
    ]


def build(meeting: Meeting, items) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "SimSun", Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")  # CJK text in 宋体
    heading = document.add_heading(
        _("%(title)s纪要") % {"title": meeting.title} if meeting.minutes else meeting.title, 1
    )
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for label, value in facts(meeting):
        document.add_paragraph(f"{label}：{value}")
    if meeting.minutes:
        document.add_heading(_("会议纪要"), 2)
        document.add_paragraph(meeting.minutes)
    for n, item in enumerate(items, 1):
        ticket = item.ticket
        document.add_heading(
            _("议题%(n)s：%(title)s") % {"n": ordinal(n), "title": ticket.title}, 2
        )
        document.add_paragraph(f"{_('企业')}：{ticket.enterprise.name}")
        document.add_paragraph(f"{_('讨论情况')}：{item.minutes or '—'}")
        document.add_paragraph(f"{_('会议决定')}：{item.decision or _('（待议）')}")
        if item.decision:
            document.add_paragraph(
                f"{_('承办单位')}：{item.owner_unit or '—'}　"
                f"{_('办结期限')}：{item.due_date:%Y-%m-%d}"
                if item.due_date
                else f"{_('承办单位')}：{item.owner_unit or '—'}"
            )
    document.add_paragraph("")
    document.add_paragraph(_("签发：____________　　日期：______年____月____日"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def response(meeting: Meeting, items) -> HttpResponse:
    reply = HttpResponse(build(meeting, items), content_type=DOCX)
    reply["Content-Disposition"] = f'attachment; filename="minutes-{meeting.pk}.docx"'
    return reply
