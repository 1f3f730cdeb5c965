"""Help plans (一企一策): the list of measures (or of firms still owed a plan) for the organiser,
the leader (read-only) and the cadre; and the plan page where the organiser or the firm's cadre
writes the plan and its measures."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import get_object_for, role_required
from accounts.exports import export_list, requested_format
from accounts.masking import can_see_full_pii
from accounts.paging import query_without_page
from accounts.roles import Role
from enterprises.models import Enterprise
from pairing import help_plans, pairing_rules, services
from pairing.help_plans import HelpPlanForm, MeasureFilterForm, MeasureFormSet
from pairing.models import HelpPlan, Pairing

PAGE_SIZE = 50
OWED_HEADERS = [gettext_lazy(h) for h in ("企业", "统一社会信用代码", "镇街", "生产状态")]


@role_required(Role.ORGANISER, Role.LEADER, Role.CADRE)
def help_plan_list(request):
    """Measures of the plans the user may see, filtered by area, campaign and state (overdue
    too), counted and paged; ?show=owed lists the reduced and stopped firms still owed a plan.
    ?export=xlsx|csv downloads what the page lists."""
    today = timezone.localdate()
    form = MeasureFilterForm(request.GET, user=request.user)
    owed = form.valid_data().get("show") == "owed"
    if owed:
        rows = form.owed(help_plans.owed_for(request.user))
    else:
        rows = form.measures(help_plans.measures_for(request.user, today), today)
    export = requested_format(request)
    if export:
        return _export(request, rows, export, owed=owed, filters=form.valid_data())
    context = {
        "form": form,
        "owed": owed,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "may_edit": bool({Role.ORGANISER, Role.CADRE} & request.user.roles),
        "today": today,
        "query": query_without_page(request),
    }
    return render(request, "pairing/help_plan_list.html", context)


def _export(request, rows, kind: str, *, owed: bool, filters: dict):
    if owed:
        headers = OWED_HEADERS

        def row_of(firm):
            return [firm.name, firm.uscc, str(firm.town), str(firm.get_production_status_display())]

    else:
        headers, row_of = help_plans.MEASURE_HEADERS, help_plans.measure_row(request.user)
    return export_list(
        request,
        kind,
        rows,
        row_of,
        headers=headers,
        name="help-plans-owed" if owed else "help-plan-measures",
        title=_("待制定方案的企业") if owed else _("一企一策措施清单"),
        filters=filters,
        full_pii=can_see_full_pii(request.user),
    )


def _may_plan(user, enterprise) -> bool:
    """Help plans are written by the area's organisers and the firm's paired cadres."""
    if Role.ORGANISER in user.roles and pairing_rules.governs(user, enterprise.town):
        return True
    return Pairing.objects.active().filter(cadre__user=user, enterprise=enterprise).exists()


@role_required(Role.ORGANISER, Role.CADRE)
def help_plan_edit(request, enterprise_pk: int, pk: int | None = None):
    """The plan and its measures, saved together. 'Add a measure' posts the form back with one
    more blank row, keeping what was typed (no script needed)."""
    enterprise = get_object_for(
        request.user, Enterprise.objects.select_related("town"), enterprise_pk, request=request
    )
    if not _may_plan(request.user, enterprise):
        raise Http404
    plans = HelpPlan.objects.filter(enterprise=enterprise)
    plan = (
        get_object_for(request.user, plans, pk, request=request)
        if pk
        else HelpPlan(enterprise=enterprise)
    )
    data = request.POST or None
    adding = data is not None and "add_row" in data
    if adding:
        data = help_plans.with_added_row(data)
    form = HelpPlanForm(data, instance=plan)
    measures = MeasureFormSet(
        data, instance=plan, prefix="measures", form_kwargs={"enterprise": enterprise}
    )
    if data is not None and not adding and form.is_valid() and measures.is_valid():
        services.save_help_plan(
            request.user, form.save(commit=False), measures=measures, request=request
        )
        messages.success(request, _("帮扶方案已保存。"))
        return redirect(reverse("enterprise_detail", args=[enterprise.pk]) + "#help-plans")
    return render(
        request,
        "pairing/help_plan_form.html",
        {"enterprise": enterprise, "form": form, "measures": measures, "plan": plan},
        status=400 if data is not None and not adding else 200,
    )
