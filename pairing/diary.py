"""The service diary (服务日志 / 驻企服务手记, Rui'an): one cadre's visits over a period, and per
month the visits made against those the campaigns' visit frequency asks for.

Who may read whose diary: a cadre their own; an organiser or leader a cadre of their area or one
paired with a firm in it, and then only the visits to their area's firms (Visit.visible_to)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from accounts.masking import can_see_full_pii, mask_mobiles
from accounts.models import Cadre
from pairing.filters import user_area
from pairing.models import Campaign, Pairing, ServiceRole, Visit

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_MONTHS = 36  # a diary page covers at most three years


def cadre_for(user, pk: int) -> Cadre:
    """The cadre whose diary `user` may read, or Http404 (the same for missing and forbidden)."""
    cadre = Cadre.objects.select_related("user", "unit").filter(pk=pk).first()
    if cadre is None:
        raise Http404
    if scoping.cadre_id(user) == cadre.pk or scoping.sees_everything(user):
        return cadre
    area = user_area(user)
    if area is not None:
        in_area = (
            cadre.unit.path.startswith(area.path)
            or (
                Pairing.objects.filter(cadre=cadre, enterprise__town__path__startswith=area.path)
            ).exists()
        )
        if in_area:
            return cadre
    raise Http404


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, n: int) -> datetime.date:
    """The first of the month `n` months after `day`'s month."""
    index = day.year * 12 + day.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


class DiaryFilterForm(forms.Form):
    start = forms.DateField(label=_("起始日期"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("截止日期"), required=False, widget=DATE_INPUT)
    campaign = forms.ModelChoiceField(
        label=_("行动"), required=False, queryset=Campaign.objects.none()
    )

    def __init__(self, data, *, cadre: Cadre, today: datetime.date, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today
        self.fields["campaign"].queryset = Campaign.objects.filter(
            pk__in=Pairing.objects.filter(cadre=cadre).values("campaign_id")
        ).order_by("-start", "pk")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        elif start and add_months(start, MAX_MONTHS) <= (end or self.today):
            self.add_error("start", _("一次最多查看 %(n)s 个月。") % {"n": MAX_MONTHS})
        return data

    def period(self) -> tuple[datetime.date, datetime.date, Campaign | None]:
        """(first day, last day, campaign): by default the last twelve months to today."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("end") or self.today
        start = data.get("start") or add_months(end, -11)
        return start, end, data.get("campaign")


def diary_visits(
    user, cadre: Cadre, start: datetime.date, end: datetime.date, campaign: Campaign | None
) -> QuerySet[Visit]:
    visits = Visit.objects.visible_to(user).filter(cadre=cadre, date__range=(start, end))
    if campaign is not None:
        visits = visits.filter(campaign=campaign)
    return visits


@dataclass
class Month:
    first: datetime.date
    visits: int
    firms: int
    required: int
    short_firms: int  # paired firms visited fewer times than their frequency asks

    @property
    def met(self) -> bool:
        return self.short_firms == 0


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def months(
    user, cadre: Cadre, visits: QuerySet[Visit], start, end, campaign: Campaign | None
) -> list[Month]:
    """Each month of the period: visits made, firms visited, and the visits the frequency asks.
    Each paired firm (in the campaign, visible to the user) is owed the days its pairings ran that
    month within the period divided by their campaign's visit frequency, rounded half up (a
    30-day frequency asks one visit a month; a month's first week asks none yet). A month is met
    when every firm had its due, so seven visits to one firm do not cover six others. Two queries
    whatever the length of the period."""
    counts: dict[tuple[datetime.date, int], int] = {}
    for row in (
        visits.order_by()
        .annotate(month=TruncMonth("date"))
        .values("month", "enterprise_id")
        .annotate(n=Count("pk"))
    ):
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        counts[month, row["enterprise_id"]] = row["n"]
    pairings = Pairing.objects.visible_to(user).filter(
        Q(end__isnull=True) | Q(end__gte=start), cadre=cadre, start__lte=end
    )
    if campaign is not None:
        pairings = pairings.filter(campaign=campaign)
    spans = list(
        pairings.values_list("enterprise_id", "start", "end", "campaign__visit_every_days")
    )
    rows, first = [], first_of_month(start)
    while first <= end:
        last = add_months(first, 1) - datetime.timedelta(days=1)
        lo, hi = max(first, start), min(last, end)
        owed: dict[int, Decimal] = {}
        for firm, p_start, p_end, every in spans:
            days = (min(hi, p_end or hi) - max(lo, p_start)).days + 1
            if days > 0:
                owed[firm] = owed.get(firm, Decimal(0)) + Decimal(days) / Decimal(max(every, 1))
        due = {firm: _half_up(share) for firm, share in owed.items()}
        made = {firm: n for (month, firm), n in counts.items() if month == first}
        rows.append(
            Month(
                first=first,
                visits=sum(made.values()),
                firms=len(made),
                required=sum(due.values()),
                short_firms=sum(made.get(firm, 0) < n for firm, n in due.items()),
            )
        )
        first = add_months(first, 1)
    return rows


def service_labels(visit: Visit) -> list[str]:
    """The 五员 roles the visit recorded, as labels (codes no longer known are left out)."""
    return [str(ServiceRole(c).label) for c in visit.services if c in ServiceRole.values]


HEADERS = [
    _("走访日期"),
    _("企业"),
    _("统一社会信用代码"),
    _("镇街"),
    _("行动"),
    _("方式"),
    _("履职内容"),
    _("生产状态"),
    _("手记"),
    _("反映问题"),
]


def export_row(user):
    """A visit as a row of the diary's workbook; mobiles typed into the notes masked unless the
    user holds the full-PII permission."""
    full_pii = can_see_full_pii(user)

    def row_of(visit: Visit) -> list:
        return [
            visit.date,
            visit.enterprise.name,
            visit.enterprise.uscc,
            str(visit.enterprise.town),
            visit.campaign.name if visit.campaign_id else "",
            str(visit.get_mode_display()),
            "、".join(service_labels(visit)),
            str(visit.get_output_status_display()) if visit.output_status else "",
            visit.notes if full_pii else mask_mobiles(visit.notes),
            "；".join(t.title for t in visit.tickets.all()),
        ]

    return row_of
