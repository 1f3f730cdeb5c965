"""Help plans (一企一策) as measures: the plan and measure forms, the list's filters and reads, and
its export. A measure has an owner (a unit and/or a named person), a date, a state, and the firm's
problems it answers; the organiser's and leader's list reads measures across the area."""

from __future__ import annotations

import contextlib
import datetime

from django import forms
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from accounts.masking import can_see_full_pii, mask_mobiles
from accounts.models import OrgUnit
from enterprises.models import Enterprise
from pairing.filters import AreaCampaignFilterForm, user_area
from pairing.models import HelpMeasure, HelpPlan, Pairing
from pairing.selectors import ancestor_paths, without_help_plan

State = HelpMeasure.State
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
OVERDUE = "overdue"
# The units a measure may name as its owner: the bureaus and zones of the firm's areas.
OWNER_KINDS = (
    OrgUnit.Kind.DEPARTMENT,
    OrgUnit.Kind.ZONE,
    OrgUnit.Kind.COUNTY,
    OrgUnit.Kind.TOWN,
    OrgUnit.Kind.STREET,
)


class HelpPlanForm(forms.ModelForm):
    class Meta:
        model = HelpPlan
        fields = ["cause", "responsible", "target_date", "progress", "done"]
        widgets = {
            "cause": forms.Textarea(attrs={"rows": 3}),
            "progress": forms.Textarea(attrs={"rows": 3}),
            "target_date": DATE_INPUT,
        }


def owner_units(enterprise: Enterprise) -> QuerySet[OrgUnit]:
    """The firm's town, the areas above it, and the bureaus and zones of each of them."""
    town = enterprise.town
    paths = [*ancestor_paths(town.path), town.path]
    return (
        OrgUnit.objects.filter(kind__in=OWNER_KINDS)
        .filter(Q(path__in=paths) | Q(parent__path__in=paths))
        .order_by("path")
    )


class HelpMeasureForm(forms.ModelForm):
    class Meta:
        model = HelpMeasure
        fields = ["text", "owner_unit", "owner_name", "due_date", "state", "progress", "tickets"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "progress": forms.Textarea(attrs={"rows": 2}),
            "due_date": DATE_INPUT,
            "tickets": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = owner_units(enterprise)
        # The firm's own problems, as its file lists them to whoever may open it.
        self.fields["tickets"].queryset = enterprise.tickets.order_by("-created_at")

    def clean(self):
        data = super().clean()
        if not data.get("owner_unit") and not (data.get("owner_name") or "").strip():
            self.add_error("owner_name", _("请填写责任单位或责任人（至少一项）。"))
        return data


MeasureFormSet = forms.inlineformset_factory(
    HelpPlan,
    HelpMeasure,
    form=HelpMeasureForm,
    extra=1,
    min_num=1,
    validate_min=True,
    can_delete=True,
)


def with_added_row(data, prefix: str = "measures"):
    """The posted data with room for one more blank measure ('add a row' without a script); the
    new row carries the defaults, so it is left blank, not reported incomplete."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    with contextlib.suppress(ValueError):  # a forged count: the formset reports it on save
        total = int(data.get(key, 0))
        data[key] = str(total + 1)
        data[f"{prefix}-{total}-state"] = State.PLANNED
    return data


class MeasureFilterForm(AreaCampaignFilterForm):
    SHOW = [("", _("帮扶措施")), ("owed", _("待制定方案的企业"))]

    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), *State.choices, (OVERDUE, _("逾期未完成"))],
    )
    show = forms.ChoiceField(label=_("查看"), required=False, choices=SHOW)

    def measures(self, rows: QuerySet[HelpMeasure], today: datetime.date) -> QuerySet:
        rows = self.narrow(rows, enterprise="plan__enterprise", campaign_q=_paired_in("plan__"))
        state = self.valid_data().get("state")
        if state == OVERDUE:
            rows = rows.filter(overdue(today))
        elif state:
            rows = rows.filter(state=state)
        return rows

    def owed(self, firms: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
        return self.narrow(firms, enterprise="", campaign_q=_paired_in(""))


def _paired_in(prefix: str):
    """'The plan's (or the firm's) enterprise is actively paired in the campaign'."""

    def q(campaign) -> Q:
        paired = Pairing.objects.active().filter(campaign=campaign).values("enterprise_id")
        return Q(**{f"{prefix}enterprise__in" if prefix else "pk__in": paired})

    return q


def overdue(today: datetime.date) -> Q:
    return Q(state__in=HelpMeasure.OPEN_STATES, due_date__lt=today)


def measures_for(user, today: datetime.date) -> QuerySet[HelpMeasure]:
    """The measures of the plans the user may see (HelpPlan.visible_to), open ones first by date,
    each marked overdue or not, with its firm, owner unit and linked problems loaded."""
    plans = HelpPlan.objects.visible_to(user).values("pk")
    return (
        HelpMeasure.objects.filter(plan__in=plans)
        .select_related("plan__enterprise__town", "owner_unit")
        .prefetch_related("tickets")
        .annotate(
            is_overdue=Case(
                When(overdue(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            is_open=Case(
                When(state__in=HelpMeasure.OPEN_STATES, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("-is_open", "due_date", "pk")
    )


def owed_for(user) -> QuerySet[Enterprise]:
    """Reduced or stopped firms still owed a plan: the area's, or a cadre's own."""
    firms = Enterprise.objects.visible_to(user)
    if user_area(user) is None:
        paired = Pairing.objects.active().filter(cadre__user=user).values("enterprise_id")
        firms = firms.filter(pk__in=paired)
    return without_help_plan(firms)


def mask_text(text: str, full_pii: bool) -> str:
    """Free text as an export may carry it: mobiles masked without the full-PII permission."""
    return text if full_pii else mask_mobiles(text)


MEASURE_HEADERS = [
    _("企业"),
    _("统一社会信用代码"),
    _("镇街"),
    _("生产状态"),
    _("减停产原因"),
    _("帮扶措施"),
    _("责任单位"),
    _("责任人"),
    _("完成时限"),
    _("状态"),
    _("是否逾期"),
    _("进展情况"),
    _("关联难题"),
]


def measure_row(user):
    full_pii = can_see_full_pii(user)

    def row_of(m: HelpMeasure) -> list:
        firm = m.plan.enterprise
        return [
            firm.name,
            firm.uscc,
            str(firm.town),
            str(firm.get_production_status_display()),
            mask_text(m.plan.cause, full_pii),
            mask_text(m.text, full_pii),
            str(m.owner_unit) if m.owner_unit_id else "",
            m.owner_name,
            m.due_date,
            str(m.get_state_display()),
            str(_("逾期") if m.is_overdue else ""),
            mask_text(m.progress, full_pii),
            "；".join(t.title for t in m.tickets.all()),
        ]

    return row_of
