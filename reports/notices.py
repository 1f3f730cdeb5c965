"""Notices (通报): an area's figures for a past week, month, quarter or year, of one campaign or
all, against the period before (reports.notice_content), kept with a workbook to download
(reports.notice_workbook) and sent to the area's leaders and organisers; the scheduled weekly and
monthly notices; and the nightly snapshot of every area's figures."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts import audit
from accounts.models import OrgUnit, User
from accounts.roles import Role
from issues import notification_texts
from issues.models import Notification
from reports import area_figures, metrics, notice_content, notice_workbook
from reports.models import AreaFigures, FigureSnapshot, Notice
from reports.periods import complete_periods

NOTICE_AREA_KINDS = (OrgUnit.Kind.PROVINCE, OrgUnit.Kind.CITY, OrgUnit.Kind.COUNTY)


def last_complete(kind: str, today: datetime.date) -> metrics.Period:
    """The last whole week (Monday–Sunday), month, quarter or year before today."""
    return complete_periods(kind, today, 1)[0]


def figure_values(figures, current, meeting, helped, cover) -> dict:
    """A night's snapshot of an area's headline figures, by name: a notice's summary with the
    open and overdue tickets of tonight."""
    stock = {"open": current.open, "overdue": current.overdue}
    return notice_content.summary_values(figures, stock, meeting, helped, cover)


def title(notice: Notice) -> str:
    campaign = f"（{notice.campaign.name}）" if notice.campaign_id else ""
    return f"{notice.area.name}{notice.get_kind_display()}{campaign}"


def basis(notice: Notice) -> dict[str, str]:
    """What each summary row is counted on, in words (the notice's 口径 column)."""
    made_on = notice.figures.get("made_on") or f"{notice.generated_at:%Y-%m-%d}"
    return {
        "period": _("期内收集的难题，办理情况截至%(day)s") % {"day": made_on},
        "visits": _("期内有走访的结对企业，结对截至%(day)s") % {"day": made_on},
        "end": _("截至期末（%(day)s）") % {"day": f"{notice.period_end:%Y-%m-%d}"},
        "made": _("截至%(day)s的当前数") % {"day": made_on},
    }


def meta(notice: Notice) -> list[tuple[str, str]]:
    before = notice.figures.get("before_period", ["", ""])
    return [
        (str(_("地区")), notice.area.name),
        (str(_("期间")), f"{notice.period_start:%Y-%m-%d} 至 {notice.period_end:%Y-%m-%d}"),
        (str(_("上期")), f"{before[0]} 至 {before[1]}"),
        (str(_("行动")), notice.figures.get("campaign") or str(_("全部行动"))),
        (str(_("生成日期")), notice.figures.get("made_on", "")),
    ]


@transaction.atomic
def generate(
    area: OrgUnit, kind: str, period: metrics.Period, *, campaign=None, user=None
) -> Notice:
    """Compute, keep and announce the notice of `area` for `period` (of `campaign`, or all)."""
    notice = Notice(
        area=area,
        kind=kind,
        campaign=campaign,
        period_start=period.start,
        period_end=period.end,
        figures=notice_content.compute(area, kind, period, campaign, timezone.localdate()),
        generated_by=user,
    )
    with translation.override(settings.LANGUAGE_CODE):  # the workbook is an official document
        book = notice_workbook.build(
            title(notice), meta(notice), notice.figures, basis(notice), area.name
        )
    suffix = f"-{campaign.pk}" if campaign else ""
    name = f"notice-{area.code}-{kind}-{period.end:%Y%m%d}{suffix}.xlsx"
    notice.workbook.save(name, ContentFile(book), save=False)
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
    title_text, _body = notification_texts.stored("notice", params)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=reader,
                kind="notice",
                key=f"notice:{notice.pk}:{reader.pk}",
                title=title_text,
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
            kind=kind, period_end=period.end, generated_by__isnull=True, campaign__isnull=True
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
