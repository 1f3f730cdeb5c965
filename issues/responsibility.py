"""The problem list and responsibility list (问题清单、责任清单, Zhangzhou): every problem the user
may see with its lead unit, the person responsible in that unit, the deadline and the state; its
filters; and its rows as a workbook (Chinese headers, masked phones, escaped formulas)."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from accounts.exports import export_list
from accounts.masking import can_see_full_pii, mask_phone
from accounts.models import OrgUnit
from issues.models import OPEN_STATUSES, Status, Ticket
from issues.workflow import handling_units_of
from pairing.filters import AreaCampaignFilterForm, PlainSelect, user_area
from pairing.models import CampaignBatch, Pairing, ServiceGroup

OVERDUE = "overdue"
RELATED = ("enterprise__town", "owner_unit", "assignee", "campaign")


def overdue(today: datetime.date) -> Q:
    return Q(status__in=OPEN_STATUSES, due_date__lt=today)


class CampaignPartField(forms.ModelChoiceField):
    """A batch or a service group, named with its campaign (two campaigns both have 第一批)."""

    def label_from_instance(self, obj):
        return f"{obj.campaign.name} · {obj.name}"


def in_part(field: str, value) -> Q:
    """'The problem's firm is actively paired in this batch (or group), and the problem belongs
    to that campaign.'"""
    paired = Pairing.objects.active().filter(**{field: value}).values("enterprise_id")
    return Q(enterprise__in=paired, campaign_id=value.campaign_id)


class ProblemFilterForm(AreaCampaignFilterForm):
    unit = forms.ModelChoiceField(
        label=_("主办单位"), required=False, queryset=OrgUnit.objects.none(), widget=PlainSelect
    )
    batch = CampaignPartField(
        label=_("批次"), required=False, queryset=CampaignBatch.objects.none(), widget=PlainSelect
    )
    group = CampaignPartField(
        label=_("专项组/服务组"),
        required=False,
        queryset=ServiceGroup.objects.none(),
        widget=PlainSelect,
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), *Status.choices, (OVERDUE, _("已超期"))],
    )

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, user=user, **kwargs)
        self.fields["unit"].queryset = handling_units_of(user_area(user)).only("pk", "name")
        campaigns = self.fields["campaign"].queryset.order_by().values("pk")
        for name, model in (("batch", CampaignBatch), ("group", ServiceGroup)):
            self.fields[name].queryset = (
                model.objects.filter(campaign__in=campaigns)
                .select_related("campaign")
                .order_by("campaign__name", "name", "pk")
            )

    def apply(self, tickets: QuerySet[Ticket], today: datetime.date) -> QuerySet[Ticket]:
        tickets = self.narrow(tickets, enterprise="enterprise", campaign_q=lambda c: Q(campaign=c))
        data = self.valid_data()
        if data.get("unit"):
            tickets = tickets.filter(owner_unit=data["unit"])
        for part in ("batch", "group"):
            if data.get(part):
                tickets = tickets.filter(in_part(part, data[part]))
        status = data.get("status")
        if status == OVERDUE:
            tickets = tickets.filter(overdue(today))
        elif status:
            tickets = tickets.filter(status=status)
        return tickets


def problems_for(user) -> QuerySet[Ticket]:
    """The tickets the user may see, latest registered first by number (编号: the primary key's
    index serves a province's first page; registration times tie by the thousand where a day's
    problems were entered at once), with what each row shows loaded. A leader of the whole tree
    sees every ticket: the pager then counts the table, not its join to every firm's town."""
    everything = scoping.governs_every_unit(user)
    return (
        (Ticket.objects.all() if everything else Ticket.objects.visible_to(user))
        .select_related(*RELATED)
        .prefetch_related("co_units")
        .order_by("-pk")
    )


HEADERS = [
    _("编号"),
    _("问题"),
    _("类别"),
    _("企业"),
    _("统一社会信用代码"),
    _("镇街"),
    _("行动"),
    _("登记时间"),
    _("状态"),
    _("办理层级"),
    _("主办单位"),
    _("责任人"),
    _("责任人电话"),
    _("协办单位"),
    _("交办时间"),
    _("办理期限"),
    _("是否超期"),
    _("办结时间"),
    _("办理结果"),
]


def _date(value):
    return timezone.localtime(value).date() if isinstance(value, datetime.datetime) else value


def export_row(*, full_pii: bool, today: datetime.date):
    """A ticket as a row of the responsibility list's workbook; the responsible person's phone
    masked unless the user holds the full-PII permission."""

    def row_of(t: Ticket) -> list:
        phone = t.assignee.phone if t.assignee_id else ""
        late = t.status in OPEN_STATUSES and t.due_date is not None and t.due_date < today
        return [
            t.pk,
            t.title,
            str(t.get_category_display()),
            t.enterprise.name,
            t.enterprise.uscc,
            str(t.enterprise.town),
            t.campaign.name if t.campaign_id else "",
            _date(t.created_at),
            str(t.get_status_display()),
            str(t.get_level_display()),
            str(t.owner_unit) if t.owner_unit_id else "",
            str(t.assignee) if t.assignee_id else "",
            phone if full_pii else mask_phone(phone),
            "、".join(str(u) for u in t.co_units.all()),
            _date(t.assigned_at),
            t.due_date,
            str(_("超期")) if late else "",
            _date(t.resolved_at),
            str(t.get_outcome_display()) if t.outcome else "",
        ]

    return row_of


def export(request, tickets: QuerySet[Ticket], kind: str, *, filters: dict):
    """The tickets of a list page (scoped and filtered as it is) as the responsibility list's
    workbook, recorded in the audit trail."""
    full_pii = can_see_full_pii(request.user)
    return export_list(
        request,
        kind,
        tickets.select_related(*RELATED).prefetch_related("co_units"),
        export_row(full_pii=full_pii, today=timezone.localdate()),
        headers=HEADERS,
        name="problem-list",
        title=_("问题清单和责任清单"),
        filters=filters,
        full_pii=full_pii,
    )
