"""Each write made to pairings, cadres' posts and help plans: one function each, in one
transaction, checked against the actor's scope and audited in the same transaction.

A refusal raises ValidationError with a message for the user; nothing is written then.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import Cadre, CadrePost, OrgUnit
from enterprises.models import Enterprise
from pairing.models import Campaign, CampaignBatch, HelpPlan, Pairing, ServiceGroup
from pairing.pairing_rules import pair_refusals, request_refusal
from pairing.workload import Caps, campaign_loads


def active_loads(cadre_ids: Iterable[int]) -> Counter:
    """Active pairings per cadre in every campaign (a cadre leaving must hand them all over)."""
    rows = (
        Pairing.objects.active()
        .filter(cadre_id__in=list(cadre_ids))
        .values("cadre_id")
        .annotate(n=Count("pk"))
    )
    return Counter({row["cadre_id"]: row["n"] for row in rows})


def bump_coverage(campaign_id: int) -> None:
    """The campaign's coverage changed: figures kept for it are stale (CoverageFigures)."""
    Campaign.objects.filter(pk=campaign_id).update(coverage_version=F("coverage_version") + 1)


def pair(
    actor,
    *,
    cadre: Cadre,
    enterprises: list[Enterprise],
    campaign: Campaign,
    role: str = Pairing.Role.LEAD,
    group: ServiceGroup | None = None,
    batch: CampaignBatch | None = None,
    start: datetime.date | None = None,
    request=None,
) -> list[Pairing]:
    """Pair one cadre with one or many enterprises (one-to-one, one-to-many; pairing another cadre
    with the same enterprise makes many-to-one)."""
    return pair_many(
        actor,
        [(cadre, enterprise) for enterprise in enterprises],
        campaign=campaign,
        role=role,
        group=group,
        batch=batch,
        start=start,
        request=request,
    )


@transaction.atomic
def pair_many(
    actor,
    pairs: list[tuple[Cadre, Enterprise]],
    *,
    campaign: Campaign,
    role: str = Pairing.Role.LEAD,
    group: ServiceGroup | None = None,
    batch: CampaignBatch | None = None,
    start: datetime.date | None = None,
    request=None,
) -> list[Pairing]:
    """The one place pairings are made: checks scope, the campaign, the cadres' state, the
    one-active-pairing rule and the campaign's workload caps for all pairs, then writes them all
    or none. Without a start date a pairing starts on its batch's date, else today."""
    start = start or (batch.start if batch is not None else timezone.localdate())
    if not pairs:
        raise ValidationError(_("没有要结对的企业。"))
    refusal = request_refusal(campaign, group, start, batch)
    if refusal:
        raise ValidationError(refusal)
    # Lock the campaign's row first (its coverage changes; a change of its caps waits, and so
    # does it for us), then the cadres (in id order, so two organisers never deadlock): a
    # concurrent pairing for the same cadre waits here, and the workload count below stays true
    # until commit.
    bump_coverage(campaign.pk)
    cadre_ids = sorted({cadre.pk for cadre, _e in pairs})
    locked = {
        c.pk: c
        for c in Cadre.objects.select_for_update(of=("self",))
        .select_related("user", "unit")
        .filter(pk__in=cadre_ids)
    }
    errors = pair_refusals(
        actor,
        pairs,
        campaign=campaign,
        cadres=locked,
        loads=campaign_loads(campaign, cadre_ids),
        caps=Caps.of(campaign),
    )
    if errors:
        raise ValidationError([refusal.message for refusal in errors])
    rows = Pairing.objects.bulk_create(
        [
            Pairing(
                cadre=locked[cadre.pk],
                enterprise=enterprise,
                campaign=campaign,
                group=group,
                batch=batch,
                role=role,
                start=start,
                created_by=actor,
            )
            for cadre, enterprise in pairs
        ],
        batch_size=2000,
    )
    audit.record_many(
        "pairing_create",
        rows,
        user=actor,
        request=request,
        changes=lambda p: {
            "campaign": campaign.pk,
            "role": p.role,
            "start": str(p.start),
            "group": p.group_id,
            "batch": p.batch_id,
        },
    )
    return rows


@transaction.atomic
def end_pairing(
    actor, pairing: Pairing, *, reason: str, end: datetime.date | None = None, request=None
) -> Pairing:
    end = end or timezone.localdate()
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if pairing.end is not None:
        raise ValidationError(_("该结对已于 %(date)s 结束。") % {"date": pairing.end})
    if not reason.strip():
        raise ValidationError(_("请填写结束原因。"))
    if end < pairing.start:
        raise ValidationError(_("结束日期不能早于开始日期。"))
    pairing.end, pairing.end_reason = end, reason.strip()[:200]
    pairing.save(update_fields=["end", "end_reason"])  # raises the campaign's coverage_version
    audit.record(
        "pairing_end",
        user=actor,
        request=request,
        obj=pairing,
        changes={"end": str(end), "reason": pairing.end_reason},
    )
    return pairing


@transaction.atomic
def transfer_cadre(
    actor,
    cadre: Cadre,
    *,
    unit: OrgUnit,
    post: str,
    rank: str,
    date: datetime.date,
    request=None,
) -> CadrePost:
    """事随人走: a new post closes the current one and opens another; the pairings stay."""
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if cadre.status != Cadre.Status.ACTIVE:
        raise ValidationError(_("已不在岗的干部不能调动。"))
    current = CadrePost.objects.filter(cadre=cadre, end__isnull=True).first()
    if (unit.pk, post, rank) == (cadre.unit_id, cadre.post, cadre.rank):
        raise ValidationError(_("新单位、职务和职级与现任相同，无需调整。"))
    if current and date < current.start:
        raise ValidationError(
            _("调动日期不能早于现任职务的任职日期 %(date)s。") % {"date": current.start}
        )
    if current:
        current.end = date
        current.save(update_fields=["end"])
    new_post = CadrePost.objects.create(cadre=cadre, unit=unit, post=post, rank=rank, start=date)
    before = {"unit": cadre.unit_id, "post": cadre.post, "rank": cadre.rank}
    cadre.unit, cadre.post, cadre.rank = unit, post, rank
    cadre.save(update_fields=["unit", "post", "rank"])
    audit.record(
        "cadre_transfer",
        user=actor,
        request=request,
        obj=cadre,
        changes={"before": before, "after": {"unit": unit.pk, "post": post, "rank": rank}},
    )
    return new_post


@transaction.atomic
def hand_over(
    actor,
    cadre: Cadre,
    *,
    successors: dict[int, Cadre | None],
    status: str,
    date: datetime.date,
    request=None,
) -> list[Pairing]:
    """A cadre retires or leaves: each active pairing ends and, unless the organiser releases it
    on purpose (successor None), passes to a successor in the same campaign and role. Every active
    pairing must be named, so none is dropped unnoticed. Returns the successors' new pairings."""
    if status not in (Cadre.Status.RETIRED, Cadre.Status.LEFT):
        raise ValidationError(_("请选择退休或调离。"))
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    active = list(
        Pairing.objects.active()
        .filter(cadre=cadre)
        .select_related("enterprise__town", "campaign__scope_unit", "group")
    )
    if not active and cadre.status == status:
        raise ValidationError(_("该干部已办理交接，没有需要交接的企业。"))
    missing = [p for p in active if p.pk not in successors]
    if missing:
        raise ValidationError(
            _("以下企业尚未安排交接：%(firms)s")
            % {"firms": "、".join(p.enterprise.name for p in missing)}
        )
    reason = _("干部退休，工作交接") if status == Cadre.Status.RETIRED else _("干部调离，工作交接")
    created = []
    for pairing in active:
        successor = successors[pairing.pk]
        if successor is not None and successor.pk == cadre.pk:
            raise ValidationError(_("不能交接给本人。"))
        end_pairing(actor, pairing, reason=str(reason), end=date, request=request)
        if successor is not None:
            created += pair_many(
                actor,
                [(successor, pairing.enterprise)],
                campaign=pairing.campaign,
                role=pairing.role,
                group=pairing.group,
                batch=pairing.batch,
                start=date,
                request=request,
            )
    cadre.status = status
    cadre.save(update_fields=["status"])
    CadrePost.objects.filter(cadre=cadre, end__isnull=True).update(end=date)
    audit.record(
        "cadre_hand_over",
        user=actor,
        request=request,
        obj=cadre,
        changes={
            "status": status,
            "handed_over": {str(p): (s.pk if s else None) for p, s in successors.items()},
        },
    )
    return created


@transaction.atomic
def save_help_plan(actor, plan: HelpPlan, *, measures, request=None) -> HelpPlan:
    """Create or update a help plan (一企一策) and its measures together; the plan form and the
    measure formset (`measures`, bound to the same plan) have validated their fields."""
    created = plan.pk is None
    if created:
        plan.created_by = actor
    plan.save()
    measures.instance = plan
    measures.save()
    states = Counter(plan.measures.values_list("state", flat=True))
    audit.record(
        "help_plan_create" if created else "help_plan_update",
        user=actor,
        request=request,
        obj=plan,
        changes={
            "done": plan.done,
            "target_date": str(plan.target_date),
            "measures": dict(states),
            "deleted_measures": len(measures.deleted_objects),
        },
    )
    return plan
