"""The organiser's pairing pages: a campaign's coverage, pairing by hand and by suggestion,
ending pairings, cadres' transfers and hand-overs, and help plans (一企一策).

Every page is for organisers with a jurisdiction, and reaches only that area's enterprises."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_object_for, role_required
from accounts.exports import requested_format
from accounts.masking import can_see_full_pii
from accounts.models import Cadre, CadrePost
from accounts.paging import query_without_page
from accounts.roles import Role
from enterprises.models import Enterprise
from pairing import exports, selectors, services, suggest, workload
from pairing.campaign_views import area_view, campaign_for
from pairing.forms import (
    EndPairingForm,
    HandOverForm,
    HelpPlanForm,
    PairForm,
    SuggestForm,
    TransferForm,
)
from pairing.models import HelpPlan, Pairing, Suggestion, SuggestionRun

PAGE_SIZE = 50


# Organisers with a jurisdiction only; the view receives the area.
organiser_view = area_view(Role.ORGANISER)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@organiser_view
def pair_new(request, area, pk: int):
    campaign = campaign_for(area, pk)
    initial = {
        "usccs": request.GET.get("uscc", ""),
        "cadre": request.GET.get("cadre", ""),
        "batch": request.GET.get("batch", ""),
        "group": request.GET.get("group", ""),
    }
    form = PairForm(request.POST or None, campaign=campaign, area=area, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.pair(
                request.user,
                cadre=form.cleaned_data["cadre"],
                enterprises=form.cleaned_data["usccs"],
                campaign=campaign,
                role=form.cleaned_data["role"],
                group=form.cleaned_data["group"],
                batch=form.cleaned_data["batch"],
                start=form.cleaned_data["start"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已结对 %(n)s 家企业。") % {"n": len(made)})
            return redirect("cadre_detail", made[0].cadre_id)
    return render(
        request,
        "pairing/pair_form.html",
        {"campaign": campaign, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@organiser_view
def pairing_end(request, area, pk: int):
    in_area = Pairing.objects.filter(enterprise__town__path__startswith=area.path)
    pairing = get_object_for(request.user, in_area, pk, request=request)
    form = EndPairingForm(request.POST)
    if form.is_valid():
        try:
            services.end_pairing(
                request.user,
                pairing,
                reason=form.cleaned_data["reason"],
                end=form.cleaned_data["end"],
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("结对已结束。"))
    else:
        messages.error(request, _("请填写结束原因和日期。"))
    return redirect("cadre_detail", pairing.cadre_id)


@require_POST
@organiser_view
def suggestion_new(request, area, pk: int):
    """Suggestions for the campaign's uncovered firms, to be made in the chosen group and batch
    from the chosen start date; a forged group or batch (another campaign's) is refused."""
    campaign = campaign_for(area, pk)
    form = SuggestForm(request.POST, campaign=campaign)
    if not form.is_valid():
        messages.error(
            request,
            _("未生成建议：%(why)s")
            % {"why": "；".join(str(m) for errors in form.errors.values() for m in errors)},
        )
        return redirect("campaign_detail", campaign.pk)
    run = suggest.run(request.user, campaign, **form.cleaned_data)
    return redirect("suggestion_run", run.pk)


def _run(request, area, pk):
    run = (
        SuggestionRun.objects.filter(pk=pk, area=area, created_by=request.user)
        .select_related("campaign__scope_unit", "group", "batch")
        .first()
    )
    if run is None:
        raise Http404
    return run


@organiser_view
def suggestion_run(request, area, pk: int):
    run = _run(request, area, pk)
    rows = (
        run.rows.filter(decision=Suggestion.Decision.PENDING)
        .select_related("enterprise__town", "cadre__user", "cadre__unit")
        .order_by("enterprise__town__path", "pk")
    )
    rule = request.GET.get("rule")
    if rule in Suggestion.Rule.values:
        rows = rows.filter(rule=rule)
    counts = dict(run.rows.values("decision").annotate(n=Count("pk")).values_list("decision", "n"))
    context = {
        "run": run,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "rule": rule,
        "rules": Suggestion.Rule.choices,
        "counts": counts,
        "query": query_without_page(request),
    }
    return render(request, "pairing/suggestion_run.html", context)


@require_POST
@organiser_view
def suggestion_decide(request, area, pk: int):
    """Accept the chosen rows, or all pending ones; skip the chosen rows. Accepted rows become
    pairings through the same service as pairing by hand, all or nothing."""
    run = _run(request, area, pk)
    pending = run.rows.filter(decision=Suggestion.Decision.PENDING)
    action = request.POST.get("action")
    if action in ("accept", "skip"):
        ids = [i for i in (_int(v) for v in request.POST.getlist("row")) if i]
        pending = pending.filter(pk__in=ids)
    elif action != "accept_all":
        messages.error(request, _("未知的操作。"))
        return redirect("suggestion_run", run.pk)
    rows = list(pending.select_related("enterprise__town", "cadre__user", "cadre__unit"))
    if not rows:
        messages.error(request, _("请先勾选要处理的建议。"))
        return redirect("suggestion_run", run.pk)
    if action == "skip":
        pending.filter(pk__in=[r.pk for r in rows]).update(decision=Suggestion.Decision.SKIPPED)
        messages.success(request, _("已略过 %(n)s 条建议。") % {"n": len(rows)})
        return redirect("suggestion_run", run.pk)
    try:
        with transaction.atomic():
            services.pair_many(
                request.user,
                [(r.cadre, r.enterprise) for r in rows],
                campaign=run.campaign,
                group=run.group,
                batch=run.batch,
                start=run.start,
                request=request,
            )
            Suggestion.objects.filter(pk__in=[r.pk for r in rows]).update(
                decision=Suggestion.Decision.ACCEPTED
            )
    except ValidationError as error:
        shown = error.messages[:10]
        more = len(error.messages) - len(shown)
        messages.error(
            request,
            _("未结对，请重新生成建议：%(errors)s") % {"errors": "；".join(shown)}
            + (_("（另有 %(n)s 条）") % {"n": more} if more else ""),
        )
    else:
        messages.success(request, _("已采纳 %(n)s 条建议，完成结对。") % {"n": len(rows)})
    return redirect("suggestion_run", run.pk)


@organiser_view
def cadre_list(request, area):
    """The area's cadres, found by name, staff number or unit; ?export=xlsx|csv downloads them as
    a cadre import sheet."""
    q = (request.GET.get("q") or "").strip()
    cadres = selectors.cadres_in(area, q)
    export = requested_format(request)
    if export:
        return exports.export_cadres(request, cadres, export, filters={"q": q})
    context = {
        "area": area,
        "q": q,
        "page": Paginator(cadres, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query_without_page(request),
        "needing_hand_over": selectors.cadres_needing_hand_over(area)[:50],
        "full_pii": can_see_full_pii(request.user),
    }
    return render(request, "pairing/cadre_list.html", context)


def _cadre(area, pk):
    """Cadres of the area, and those elsewhere holding pairings in it (city leaders, say)."""
    in_area = Q(unit__path__startswith=area.path) | Q(
        pairings__enterprise__town__path__startswith=area.path
    )
    cadre = (
        Cadre.objects.filter(pk=pk, pk__in=Cadre.objects.filter(in_area).values("pk"))
        .select_related("user", "unit")
        .first()
    )
    if cadre is None:
        raise Http404
    return cadre


def _transfer_refusal(area, cadre) -> str | None:
    """Why this organiser cannot change the cadre's post, or None. A cadre of a unit above or
    beside the area (a city leader paired with one of its firms) is moved by their own area."""
    if cadre.status != Cadre.Status.ACTIVE:
        return _("已不在岗的干部不能调动。")
    if not cadre.unit.path.startswith(area.path):
        return _("该干部的单位不在您的管辖范围内，其职务由上级组织部门调整。")
    return None


@organiser_view
def cadre_detail(request, area, pk: int):
    cadre = _cadre(area, pk)
    transfer = TransferForm(request.POST or None, area=area, initial={"rank": cadre.rank})
    refusal = _transfer_refusal(area, cadre)
    if request.method == "POST" and refusal:
        transfer.add_error(None, refusal)
    elif request.method == "POST" and transfer.is_valid():
        try:
            services.transfer_cadre(request.user, cadre, request=request, **transfer.cleaned_data)
        except ValidationError as error:
            transfer.add_error(None, error)
        else:
            messages.success(request, _("已调整职务，结对关系保持不变。"))
            return redirect("cadre_detail", cadre.pk)
    pairings = (
        Pairing.objects.visible_to(request.user)
        .filter(cadre=cadre)
        .select_related("enterprise__town", "campaign")
        .order_by("end", "-start")
    )
    context = {
        "cadre": cadre,
        "posts": CadrePost.objects.filter(cadre=cadre).select_related("unit"),
        "pairings": pairings,
        "transfer": transfer,
        "may_transfer": refusal is None,
        "end_form": EndPairingForm(),
        "loads": workload.loads_by_campaign(cadre),
    }
    return render(
        request,
        "pairing/cadre_detail.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@organiser_view
def cadre_hand_over(request, area, pk: int):
    cadre = _cadre(area, pk)
    pairings = list(
        Pairing.objects.active()
        .filter(cadre=cadre)
        .select_related("enterprise__town", "campaign")
        .order_by("enterprise__name")
    )
    outside = [p for p in pairings if not p.enterprise.town.path.startswith(area.path)]
    form = HandOverForm(request.POST or None, pairings=pairings)
    if outside:
        form.add_error(None, _("该干部还联系辖区外的企业，请由上级组织部门办理交接。"))
    elif not pairings and cadre.status != Cadre.Status.ACTIVE:
        # Already handed over (a second submit, an old tab): nothing is left to do.
        form.add_error(None, _("该干部已办理交接，没有需要交接的企业。"))
    elif request.method == "POST" and form.is_valid():
        try:
            services.hand_over(
                request.user,
                cadre,
                successors=form.successors,
                status=form.cleaned_data["status"],
                date=form.cleaned_data["date"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("交接完成。"))
            return redirect("cadre_detail", cadre.pk)
    return render(
        request,
        "pairing/hand_over.html",
        {"cadre": cadre, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.ORGANISER, Role.CADRE)
def help_plan_list(request):
    """Reduced and stopped firms the user may see: those still owed a plan, then the plans."""
    firms = Enterprise.objects.visible_to(request.user)
    if Role.ORGANISER not in request.user.roles:
        firms = firms.filter(
            pairings__cadre__user=request.user, pairings__end__isnull=True
        ).distinct()
    context = {
        "owed": selectors.without_help_plan(firms)[:200],
        "plans": HelpPlan.objects.visible_to(request.user)
        .select_related("enterprise")
        .order_by("done", "target_date")[:200],
    }
    return render(request, "pairing/help_plan_list.html", context)


def _may_plan(user, enterprise) -> bool:
    """Help plans are written by the area's organisers and the firm's paired cadres."""
    if Role.ORGANISER in user.roles and services.governs(user, enterprise.town):
        return True
    return Pairing.objects.active().filter(cadre__user=user, enterprise=enterprise).exists()


@role_required(Role.ORGANISER, Role.CADRE)
def help_plan_edit(request, enterprise_pk: int, pk: int | None = None):
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
    form = HelpPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        services.save_help_plan(request.user, form.save(commit=False), request=request)
        messages.success(request, _("帮扶方案已保存。"))
        return redirect(reverse("enterprise_detail", args=[enterprise.pk]) + "#help-plans")
    return render(
        request,
        "pairing/help_plan_form.html",
        {"enterprise": enterprise, "form": form, "plan": plan},
        status=400 if request.method == "POST" else 200,
    )
