"""Notices (通报): a weekly or monthly workbook of an area's figures (summary, units ranked,
overdue tickets, model cases), kept and downloadable, sent to the area's leaders and organisers;
and the nightly snapshot of every area's figures."""

from __future__ import annotations

import datetime
import io

import openpyxl
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import audit
from accounts.exports import escape_cell
from accounts.models import OrgUnit, User
from accounts.roles import Role
from enterprises.models import Enterprise
from issues import notification_texts
from issues.models import OPEN_STATUSES, Notification, Ticket
from reports import area_figures, metrics
from reports.dashboard import unit_ranking
from reports.models import AreaFigures, FigureSnapshot, Notice

NOTICE_AREA_KINDS = (OrgUnit.Kind.PROVINCE, OrgUnit.Kind.CITY, OrgUnit.Kind.COUNTY)


def last_complete(kind: str, today: datetime.date) -> metrics.Period:
    """The last whole week (Monday–Sunday) or month before today."""
    if kind == Notice.Kind.WEEKLY:
        end = today - datetime.timedelta(days=today.weekday() + 1)
        return metrics.Period(end - datetime.timedelta(days=6), end)
    end = today.replace(day=1) - datetime.timedelta(days=1)
    return metrics.Period(end.replace(day=1), end)


def area_data(area: OrgUnit):
    tickets = Ticket.objects.filter(enterprise__town__path__startswith=area.path)
    enterprises = Enterprise.objects.filter(town__path__startswith=area.path)
    return tickets, enterprises


def summary(area: OrgUnit, period: metrics.Period) -> dict:
    """The notice's headline figures, as plain numbers (kept with the notice as JSON)."""
    tickets, enterprises = area_data(area)
    return figure_values(
        metrics.ticket_figures(metrics.in_period(tickets, period), period.end),
        metrics.ticket_figures(tickets, period.end),
        metrics.meeting_figures(enterprises, period),
        metrics.help_figures(enterprises),
        metrics.coverage(enterprises),
    )


def figure_values(figures, current, meeting, helped, cover) -> dict:
    """The headline figures by name: a notice's summary and a night's snapshot."""
    return {
        "collected": figures.collected,
        "solved": figures.solved,
        "resolved": figures.resolved,
        "resolution_rate": figures.resolution_rate,
        "completion_rate": figures.completion_rate,
        "on_time_rate": figures.on_time_rate,
        "feedback_rate": figures.feedback_rate,
        "satisfaction_rate": figures.satisfaction_rate,
        "meeting_rate": meeting.rate,
        "help_rate": helped.rate,
        "coverage_rate": cover.rate,
        "open": current.open,
        "overdue": current.overdue,
    }


LABELS = {
    "collected": _("收集难题"),
    "solved": _("已解决"),
    "resolved": _("已办结"),
    "resolution_rate": _("化解率"),
    "completion_rate": _("办结率"),
    "on_time_rate": _("按期办结率"),
    "feedback_rate": _("反馈率"),
    "satisfaction_rate": _("满意率"),
    "meeting_rate": _("见面率"),
    "help_rate": _("帮扶率"),
    "coverage_rate": _("结对覆盖率"),
    "open": _("在办难题"),
    "overdue": _("超期难题"),
}


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def workbook(area: OrgUnit, period: metrics.Period, figures: dict) -> bytes:
    tickets, _enterprises = area_data(area)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "汇总"
    sheet.append(["地区", area.name])
    sheet.append(["期间", f"{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}"])
    for key, label in LABELS.items():
        value = figures[key]
        sheet.append([str(label), _percent(value) if key.endswith("_rate") else value])

    units = book.create_sheet("单位排名")
    units.append(["名次", "承办单位", "收集难题", "已解决", "化解率", "办结率", "超期"])
    in_period = metrics.in_period(tickets, period)
    for rank, row in enumerate(unit_ranking(in_period, period.end), 1):
        f = row["f"]
        units.append(
            [
                rank,
                escape_cell(row["name"]),
                f.collected,
                f.solved,
                _percent(f.resolution_rate),
                _percent(f.completion_rate),
                f.overdue,
            ]
        )

    overdue = book.create_sheet("超期清单")
    overdue.append(["难题", "企业", "承办单位", "办理期限", "超期天数"])
    late = (
        tickets.filter(status__in=OPEN_STATUSES, due_date__lt=period.end)
        .select_related("enterprise", "owner_unit")
        .order_by("due_date")[:5000]
    )
    for t in late:
        overdue.append(
            [
                escape_cell(t.title),
                escape_cell(t.enterprise.name),
                escape_cell(str(t.owner_unit or "")),
                t.due_date,
                (period.end - t.due_date).days,
            ]
        )

    cases = book.create_sheet("典型案例")
    cases.append(["难题", "企业", "承办单位", "答复"])
    for t in tickets.filter(is_model_case=True).select_related("enterprise", "owner_unit")[:200]:
        cases.append(
            [
                escape_cell(t.title),
                escape_cell(t.enterprise.name),
                escape_cell(str(t.owner_unit or "")),
                escape_cell(t.reply),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@transaction.atomic
def generate(area: OrgUnit, kind: str, period: metrics.Period, *, user=None) -> Notice:
    figures = summary(area, period)
    notice = Notice(
        area=area,
        kind=kind,
        period_start=period.start,
        period_end=period.end,
        figures=figures,
        generated_by=user,
    )
    name = f"notice-{area.code}-{kind}-{period.end:%Y%m%d}.xlsx"
    notice.workbook.save(name, ContentFile(workbook(area, period, figures)), save=False)
    notice.save()
    readers = User.objects.filter(
        is_active=True,
        jurisdiction_unit=area,
        groups__name__in=[Role.LEADER, Role.ORGANISER],
    ).distinct()
    params = {
        "text": f"notice_{kind}",
        "area": area.name,
        "start": f"{period.start:%m-%d}",
        "end": f"{period.end:%m-%d}",
    }
    title, _body = notification_texts.stored("notice", params)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=reader,
                kind="notice",
                key=f"notice:{notice.pk}:{reader.pk}",
                title=title,
                params=params,
            )
            for reader in readers
        ],
        ignore_conflicts=True,
    )
    audit.record("notice_generate", user=user, obj=notice, changes={"kind": kind})
    return notice


def areas_for_notices():
    return OrgUnit.objects.filter(kind__in=NOTICE_AREA_KINDS).order_by("path")


def weekly_notices() -> int:
    period = last_complete(Notice.Kind.WEEKLY, timezone.localdate())
    return _for_all(Notice.Kind.WEEKLY, period)


def monthly_notices() -> int:
    period = last_complete(Notice.Kind.MONTHLY, timezone.localdate())
    return _for_all(Notice.Kind.MONTHLY, period)


def _for_all(kind, period) -> int:
    """One notice per area and period: a rerun skips the areas already done."""
    done = set(
        Notice.objects.filter(
            kind=kind, period_end=period.end, generated_by__isnull=True
        ).values_list("area_id", flat=True)
    )
    made = 0
    for area in areas_for_notices():
        if area.pk not in done:
            generate(area, kind, period)
            made += 1
    return made


def nightly_snapshot(today: datetime.date | None = None) -> int:
    """Every area's figures as of tonight (the month so far for the period figures), from the
    dashboard's figures computed afresh for every area."""
    today = today or timezone.localdate()
    area_figures.compute(None, today)
    rows = []
    for stored in AreaFigures.objects.filter(kind="month", day=today):
        data = stored.data
        values = figure_values(
            area_figures.ticket_figures(data["now"]),
            area_figures.ticket_figures(data["current"]),
            metrics.MeetingFigures(data["paired"], data["visited_now"]),
            metrics.HelpFigures(data["struggling"], data["with_plan"]),
            metrics.Coverage(data["enterprises"], data["paired"]),
        )
        for name, value in values.items():
            rows.append(FigureSnapshot(date=today, area_id=stored.area_id, name=name, value=value))
    FigureSnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["date", "area", "name"],
        update_fields=["value"],
        batch_size=5000,
    )
    return len(rows)
