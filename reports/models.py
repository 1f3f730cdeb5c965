"""What reports keep: the notices (通报) sent to an area, and nightly snapshots of its figures."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit


class Notice(models.Model):
    """A notice of an area's figures for a past week, month, quarter or year (of one campaign, or
    of all), compared with the period before; its content kept as JSON (reports.notice_content)
    and its workbook for download."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("周通报")
        MONTHLY = "monthly", _("月通报")
        QUARTERLY = "quarterly", _("季度通报")
        YEARLY = "yearly", _("年度通报")

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    campaign = models.ForeignKey(
        "pairing.Campaign",
        verbose_name=_("行动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("空白：全部行动"),
    )
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    figures = models.JSONField(_("数据"), default=dict)
    workbook = models.FileField(_("工作簿"), upload_to="notices/%Y/")
    generated_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-period_end", "-generated_at"]

    def __str__(self) -> str:
        return f"{self.area} {self.get_kind_display()} {self.period_start}—{self.period_end}"


class FigureSnapshot(models.Model):
    """One figure of one area on one night: trends read these instead of recomputing history
    (an open-ticket count of last March cannot be recomputed today)."""

    date = models.DateField(_("日期"))
    area = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("指标"), max_length=32)
    value = models.FloatField(_("数值"), null=True)

    class Meta:
        verbose_name = _("指标快照")
        verbose_name_plural = _("指标快照")
        constraints = [
            models.UniqueConstraint(fields=["date", "area", "name"], name="one_snapshot_per_day")
        ]
        indexes = [models.Index(fields=["area", "name", "date"], name="snapshot_trend")]

    def __str__(self) -> str:
        return f"{self.date} {self.area_id} {self.name}={self.value}"


class UnicodeJSONEncoder(json.JSONEncoder):
    """JSON with Chinese written as itself, not as \\uXXXX escapes: shorter to send and store."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


class FiguresJSONField(models.JSONField):
    """A JSON column written one document per placeholder. Django's bulk insert on PostgreSQL
    otherwise sends a column as one array literal (UNNEST), and the driver escapes every quote of
    every document with a regular expression: 9 of the 40 s of a province's refresh. A field with
    get_placeholder is left out of that path (django/db/backends/postgresql/compiler.py)."""

    def get_placeholder(self, value, compiler, connection):
        return "%s"


class AreaFigures(models.Model):
    """An area's dashboard figures for one kind of period, computed ahead by
    reports.area_figures (counting a province's tickets and visits on each page view takes
    seconds). `day` is the date its periods end on; `data` holds counts, never rates, so that
    areas add up."""

    area = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("期间"), max_length=8)
    day = models.DateField(_("日期"))
    computed_at = models.DateTimeField(_("计算时间"))
    data = FiguresJSONField(_("数据"), default=dict, encoder=UnicodeJSONEncoder)

    class Meta:
        verbose_name = _("地区指标")
        verbose_name_plural = _("地区指标")
        constraints = [
            models.UniqueConstraint(fields=["area", "kind"], name="one_figures_per_area_kind")
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.kind} {self.day}"
