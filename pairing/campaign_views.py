"""A campaign's own pages: setting it up (period, batches, service groups, targets, caps), its
coverage by tag, town, batch and group, its pairings and uncovered firms, and the pickers that
find cadres and firms as the organiser types.

Organisers edit campaigns of their area; leaders read the same coverage and lists, read-only.
Every list reaches only the firms both in the user's area and in the campaign's scope."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import audit
from accounts.access import role_required
from accounts.exports import requested_format
from accounts.models import Cadre, OrgUnit
from accounts.paging import query_without_page
from accounts.roles import Role
from enterprises.exports import export_enterprises
from enterprises.models import Enterprise, Tag
from enterprises.uscc import normalise as normalise_uscc
from pairing import exports, page_cache, selectors, services, workload
from pairing.campaign_forms import (
    BatchFormSetFactory,
    CapsForm,
    GroupFormSetFactory,
    TargetFormSetFactory,
    caps_initial,
)
from pairing.forms import CampaignForm, SuggestForm
from pairing.models import Campaign, CampaignBatch, ServiceGroup, SuggestionRun
from reports.campaign_coverage import campaign_coverage

PAGE_SIZE = 50
PICKER_ROWS = 20


def area_view(*roles: str):
    """Users with one of `roles` and a jurisdiction; the view receives the area."""

    def decorator(view):
        @role_required(*roles)
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            area = request.user.jurisdiction_unit
            if area is None:
                label = Role.ORGANISER.label if Role.ORGANISER in roles else Role.LEADER.label
                return render(request, "reports/no_area.html", {"role_label": label})
            return view(request, area, *args, **kwargs)

        return wrapped

    return decorator


def campaign_for(area, pk) -> Campaign:
    campaign = selectors.campaigns_for_area(area).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def may_edit(user, area, campaign: Campaign) -> bool:
    """Organisers edit the campaigns of their area; one set by the level above is read here."""
    return Role.ORGANISER in user.roles and campaign.scope_unit.path.startswith(area.path)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class Filters:
    """The filters of a campaign's pages (?tag= ?town= ?batch= ?group=). Each is named on the
    page only when it belongs to the campaign and its scope; an id of another area's town or
    another campaign's batch or group still filters, to nothing, rather than reaching it."""

    raw: dict
    tag: Tag | None = None
    town: OrgUnit | None = None
    batch: CampaignBatch | None = None
    group: ServiceGroup | None = None

    @classmethod
    def read(cls, request, area, campaign: Campaign) -> Filters:
        ids = {k: _int(request.GET.get(k)) for k in ("tag", "town", "batch", "group")}
        path = selectors.scope_path(area, campaign)
        return cls(
            raw=ids,
            tag=Tag.objects.filter(pk=ids["tag"]).first() if ids["tag"] else None,
            town=OrgUnit.objects.filter(pk=ids["town"], path__startswith=path).first()
            if ids["town"]
            else None,
            batch=campaign.batches.filter(pk=ids["batch"]).first() if ids["batch"] else None,
            group=campaign.groups.filter(pk=ids["group"]).first() if ids["group"] else None,
        )

    def ids(self) -> dict:
        return {f"{name}_id": value for name, value in self.raw.items()}

    @property
    def kept(self) -> str:
        """The batch and group as a query string, for links that add a tag or a town."""
        pairs = {"batch": getattr(self.batch, "pk", None), "group": getattr(self.group, "pk", None)}
        return urlencode({k: v for k, v in pairs.items() if v})


@area_view(Role.ORGANISER)
def campaign_edit(request, area, pk: int | None = None):
    """An organiser sets up a campaign of their area: period, scope, visit frequency, batches
    (dated within the period), service groups (a lead cadre and members), coverage targets and
    the workload caps, in one form saved all together or not at all."""
    campaign = campaign_for(area, pk) if pk else Campaign()
    if pk and not may_edit(request.user, area, campaign):
        raise Http404  # a campaign set by the level above is read here, not edited
    data = request.POST or None
    form = CampaignForm(data, instance=campaign, area=area)
    batches = BatchFormSetFactory(data, instance=campaign, prefix="batches")
    groups = GroupFormSetFactory(
        data, instance=campaign, prefix="groups", form_kwargs={"area": area}
    )
    targets = TargetFormSetFactory(data, instance=campaign, prefix="targets")
    current = workload.Caps.of(campaign) if pk else workload.Caps(workload.DEFAULT_CAPS, {})
    caps = CapsForm(data, campaign=campaign if pk else None, initial=caps_initial(current))
    if request.method == "POST" and form.is_valid():
        for part in (batches, groups, targets):
            part.start, part.end = form.cleaned_data["start"], form.cleaned_data.get("end")
            part.scope, part.area = form.cleaned_data["scope_unit"], area
    parts = (batches, groups, targets)
    if request.method == "POST" and _all_valid(form, caps, *parts):
        try:
            campaign = _save(request, form, parts, caps, created=pk is None)
        except ValidationError as error:
            caps.add_error(None, error)
        else:
            messages.success(request, _("行动已保存。"))
            return redirect("campaign_detail", campaign.pk)
    return render(
        request,
        "pairing/campaign_form.html",
        {
            "form": form,
            "batches": batches,
            "groups": groups,
            "targets": targets,
            "caps": caps,
            "campaign": campaign,
        },
        status=400 if request.method == "POST" else 200,
    )


def _all_valid(*forms) -> bool:
    return all([f.is_valid() for f in forms])  # a list: every form shows its errors


@transaction.atomic
def _save(request, form, parts, caps, *, created: bool) -> Campaign:
    campaign = form.save()
    changes = {"created": created}
    for part, name in zip(parts, ("batches", "groups", "targets"), strict=True):
        part.instance = campaign
        saved = part.save()
        changes[name] = {
            "saved": [str(obj) for obj in saved],
            "deleted": [str(obj) for obj in part.deleted_objects],
        }
    audit.record("campaign_save", user=request.user, request=request, obj=campaign, changes=changes)
    services.bump_coverage(campaign.pk)  # batches, groups and targets show on the coverage page
    workload.save_caps(request.user, campaign, caps=caps.caps(), request=request)
    return campaign


@area_view(Role.ORGANISER, Role.LEADER)
def campaign_detail(request, area, pk: int):
    """The campaign's coverage in the user's area: totals, by target and tag, by town, by batch
    and by service group, under the chosen batch and group."""
    campaign = campaign_for(area, pk)

    def build():
        path = selectors.scope_path(area, campaign)
        filters = Filters.read(request, area, campaign)
        figures = campaign_coverage(
            campaign,
            path,
            batch=getattr(filters.batch, "pk", None),
            group=getattr(filters.group, "pk", None),
        )
        editable = may_edit(request.user, area, campaign)
        organiser = Role.ORGANISER in request.user.roles
        groups = list(_groups(campaign))
        return {
            "filters": filters,
            "figures": figures,
            "total": figures.total,
            "by_tag": figures.by_tag,
            "lists": figures.lists,
            "by_town": figures.by_town,
            "by_batch": figures.by_batch,
            "group_rows": [(g, r) for g in groups for r in figures.by_group if r.key == g.pk],
            "batches": campaign.batches.order_by("start", "pk"),
            "groups": groups,
            "caps": campaign.workload_caps.order_by("cap"),
            "extensions": campaign.workload_extensions.all(),
            "runs": SuggestionRun.objects.filter(campaign=campaign, area=area)[:5]
            if organiser
            else (),
            "suggest_form": SuggestForm(campaign=campaign) if organiser else None,
            "organiser": organiser,
            "editable": editable,
        }

    return page_cache.render_page(
        request,
        "pairing/campaign_detail.html",
        build,
        context={"area": area, "campaign": campaign},
    )


def _groups(campaign: Campaign):
    """The groups with their lead cadre and members (three queries whatever their number)."""
    people = Cadre.objects.select_related("user", "unit").order_by("unit__path", "pk")
    return (
        campaign.groups.select_related("lead_unit", "lead_cadre__user", "lead_cadre__unit")
        .prefetch_related(Prefetch("members", queryset=people))
        .order_by("pk")
    )


@area_view(Role.ORGANISER, Role.LEADER)
def uncovered_list(request, area, pk: int):
    campaign = campaign_for(area, pk)
    filters = Filters.read(request, area, campaign)
    firms = selectors.uncovered(campaign, area, **filters.ids())
    export = requested_format(request)
    if export:  # ?export=xlsx|csv: the firms still to pair, for the offices that will pair them
        return export_enterprises(
            request,
            firms.select_related("industry").prefetch_related("tags"),
            export,
            name="uncovered",
            title=_("未结对企业"),
            filters={
                "campaign": campaign.name,
                **{k: getattr(filters, k) for k in ("tag", "town", "batch", "group")},
            },
        )
    context = {
        "area": area,
        "campaign": campaign,
        "filters": filters,
        "page": Paginator(firms, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query_without_page(request),
        "organiser": Role.ORGANISER in request.user.roles,
    }
    return render(request, "pairing/uncovered_list.html", context)


@area_view(Role.ORGANISER, Role.LEADER)
def campaign_pairings(request, area, pk: int):
    """The campaign's active pairings in the area, filtered by tag, town, batch, group or a name
    or code; ?export=xlsx|csv downloads them as a pairing import sheet."""
    campaign = campaign_for(area, pk)
    q = (request.GET.get("q") or "").strip()
    filters = Filters.read(request, area, campaign)
    pairings = selectors.campaign_pairings(campaign, area, q=q, **filters.ids())
    export = requested_format(request)
    if export:
        named = {
            "campaign": campaign.name,
            "tag": filters.tag,
            "town": filters.town,
            "batch": filters.batch,
            "group": filters.group,
            "q": q,
        }
        return exports.export_pairings(request, pairings, export, filters=named)
    context = {
        "area": area,
        "campaign": campaign,
        "filters": filters,
        "page": Paginator(pairings, PAGE_SIZE).get_page(request.GET.get("page")),
        "q": q,
        "query": query_without_page(request),
    }
    return render(request, "pairing/campaign_pairings.html", context)


@area_view(Role.ORGANISER)
def picker_cadres(request, area):
    """Active cadres of the area and of the levels above it whose name, unit or staff number
    contains, or whose pinyin initials begin with, what was typed (张三: "zs")."""
    q = (request.GET.get("q") or "").strip()[:50]
    rows = []
    if q:
        rows = (
            selectors.serving_cadres(area)
            .filter(status=Cadre.Status.ACTIVE)
            .filter(
                Q(initials__startswith=q.lower())
                | Q(staff_no__startswith=q)
                | Q(user__display_name__contains=q)
                | Q(unit__name__contains=q)
            )
            .select_related("user", "unit")
            .order_by("unit__depth", "unit__path", "pk")[:PICKER_ROWS]
        )
    return render(request, "pairing/_picker_results.html", {"cadres": rows, "q": q})


@area_view(Role.ORGANISER)
def picker_firms(request, area):
    """Firms of the area whose name contains, or whose credit code begins with, what was typed."""
    q = (request.GET.get("q") or "").strip()[:50]
    rows = []
    if q:
        code = normalise_uscc(q)
        rows = (
            Enterprise.objects.filter(town__path__startswith=area.path)
            .filter(Q(name__contains=q) | Q(uscc__startswith=code or q))
            .select_related("town")
            .order_by("name", "pk")[:PICKER_ROWS]
        )
    return render(request, "pairing/_picker_results.html", {"firms": rows, "q": q})
