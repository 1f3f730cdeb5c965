"""Campaigns, service groups, pairings of cadres with enterprises, and visits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from accounts.models import Cadre, OrgUnit
from enterprises.models import Enterprise, RosterImport, Tag


class Campaign(models.Model):
    """A pairing campaign (行动) over a scope unit and a period."""

    name = models.CharField(_("行动名称"), max_length=200)
    scope_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("范围"), on_delete=models.PROTECT, related_name="campaigns"
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    visit_every_days = models.PositiveSmallIntegerField(
        _("走访频次（天）"), default=30, help_text=_("每家结对企业至少每隔多少天走访一次")
    )
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Raised by every pairing made or ended in the campaign: coverage figures kept for an older
    # version (CoverageFigures) are computed again.
    coverage_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("行动")
        verbose_name_plural = _("行动")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="campaign_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CampaignBatch(models.Model):
    """A batch (批次) of a campaign, e.g. Hainan's Sep 16 and Sep 26 waves. Pairings made in a
    batch start on its date unless the organiser gives another; its date lies in the campaign's
    period (checked by the campaign form)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="batches")
    name = models.CharField(_("批次"), max_length=100)
    start = models.DateField(_("开始日期"))

    class Meta:
        verbose_name = _("批次")
        verbose_name_plural = _("批次")
        ordering = ["campaign", "start"]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.name}"


class CoverageTarget(models.Model):
    """A coverage target (覆盖目标) of a campaign: the firms of a tag, or a hand-picked list of
    firms (key projects, parks), of which a count or a percentage must have a paired cadre
    (Hainan: "800个重点服务对象，9类", 83 industrial, 138 agricultural, …)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="coverage_targets"
    )
    name = models.CharField(_("目标名称"), max_length=100, blank=True)
    tag = models.ForeignKey(
        Tag,
        verbose_name=_("标签"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A hand-picked list instead of a tag (key projects, a park's firms).
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("指定企业"), blank=True, related_name="+"
    )
    target_percent = models.PositiveSmallIntegerField(_("目标覆盖率（%）"), null=True, blank=True)
    target_count = models.PositiveIntegerField(_("目标户数"), null=True, blank=True)

    class Meta:
        verbose_name = _("覆盖目标")
        verbose_name_plural = _("覆盖目标")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "tag"],
                condition=Q(tag__isnull=False),
                name="one_target_per_campaign_tag",
            ),
            models.CheckConstraint(
                condition=Q(target_percent__isnull=True) | Q(target_percent__lte=100),
                name="target_percent_max_100",
            ),
            # A target is a count or a percentage, never both nor neither.
            models.CheckConstraint(
                condition=Q(target_percent__isnull=True, target_count__isnull=False)
                | Q(target_percent__isnull=False, target_count__isnull=True),
                name="target_count_or_percent",
            ),
        ]

    def __str__(self) -> str:
        label = self.name or (self.tag.name if self.tag_id else "")
        if self.target_count is not None:
            return f"{label} {self.target_count}"
        return f"{label} {self.target_percent}%"

    @property
    def label(self) -> str:
        return self.name or (self.tag.name if self.tag_id else str(_("指定企业")))


class ServiceGroup(models.Model):
    class Kind(models.TextChoices):
        SPECIAL = "special", _("专项组")
        SERVICE = "service", _("服务组")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices, default=Kind.SERVICE)
    lead_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Hainan's groups are people: a leading cadre (a province leader) and members from several
    # levels; the group's firms are those of the pairings that carry it.
    lead_cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("组长"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="groups_led",
    )
    members = models.ManyToManyField(
        Cadre, verbose_name=_("成员"), blank=True, related_name="service_groups"
    )

    class Meta:
        verbose_name = _("专项组/服务组")
        verbose_name_plural = _("专项组/服务组")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="group_name_per_campaign")
        ]

    def __str__(self) -> str:
        return self.name


class CoverageFigures(models.Model):
    """A campaign's coverage page figures (reports.metrics.campaign_coverage) for one area path,
    batch and group, kept so the page reads one row at province scale instead of counting
    300,000 firms on each view. Valid while the campaign's coverage_version is unchanged and
    younger than settings.AREA_FIGURES_MAX_AGE (a roster import changes the firms' side)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255)
    batch_id_key = models.PositiveIntegerField(default=0)  # 0: every batch
    group_id_key = models.PositiveIntegerField(default=0)  # 0: every group
    version = models.PositiveIntegerField()
    computed_at = models.DateTimeField()
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "path", "batch_id_key", "group_id_key"],
                name="one_coverage_figures_per_view",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.path} {self.batch_id_key}/{self.group_id_key}"


class CadreCategory(models.TextChoices):
    """Who a cadre is for a campaign's workload: Rui'an let leader-group cadres take 2 more firms
    and department cadres 4 more (pairing.workload.cadre_category decides)."""

    LEADER = "leader", _("领导班子成员")
    DEPARTMENT = "department", _("部门干部")
    TERRITORY = "territory", _("镇街干部")


class WorkloadCap(models.Model):
    """The most active pairings a cadre of a rank carries in one campaign (pairings in other
    campaigns do not count). A rank with no row has no cap."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="workload_caps")
    rank = models.CharField(_("职级"), max_length=16, choices=Cadre.Rank.choices)
    cap = models.PositiveSmallIntegerField(_("联系企业上限"))

    class Meta:
        verbose_name = _("联系企业上限")
        verbose_name_plural = _("联系企业上限")
        ordering = ["campaign", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "rank"], name="one_cap_per_campaign_rank")
        ]

    def __str__(self) -> str:
        return f"{self.get_rank_display()} {self.cap}"


class WorkloadExtension(models.Model):
    """Extra firms a category of cadre may take on top of their rank's cap in one campaign."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="workload_extensions"
    )
    category = models.CharField(_("干部类别"), max_length=12, choices=CadreCategory.choices)
    extra = models.PositiveSmallIntegerField(_("增加户数"))

    class Meta:
        verbose_name = _("上限增加")
        verbose_name_plural = _("上限增加")
        ordering = ["campaign", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "category"], name="one_extension_per_campaign_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} +{self.extra}"


class PairingQuerySet(models.QuerySet):
    def active(self) -> PairingQuerySet:
        return self.filter(end__isnull=True)

    def in_batch_and_group(self, batch_id: int | None, group_id: int | None) -> PairingQuerySet:
        """Those made in the batch and carrying the group, each when given."""
        if batch_id:
            self = self.filter(batch_id=batch_id)
        if group_id:
            self = self.filter(group_id=group_id)
        return self

    def visible_to(self, user) -> PairingQuerySet:
        """Cadres: their own pairings. Organisers and leaders: those of their area's enterprises."""
        if scoping.sees_everything(user):
            return self.all()
        q = scoping.NOTHING
        cadre_id = scoping.cadre_id(user)
        if cadre_id:
            q |= Q(cadre_id=cadre_id)
        path = scoping.jurisdiction_path(user)
        if path:
            q |= Q(enterprise__town__path__startswith=path)
        return self.none() if q == scoping.NOTHING else self.filter(q)


class Pairing(models.Model):
    """A cadre paired with an enterprise in a campaign. Ending it keeps the row as history."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主联系人")
        ASSIST = "assist", _("协助")

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="pairings"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="pairings"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("行动"), on_delete=models.PROTECT, related_name="pairings"
    )
    group = models.ForeignKey(
        ServiceGroup,
        verbose_name=_("专项组/服务组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pairings",
    )
    batch = models.ForeignKey(
        CampaignBatch,
        verbose_name=_("批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    role = models.CharField(_("角色"), max_length=8, choices=Role.choices, default=Role.LEAD)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结对人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对")
        verbose_name_plural = _("结对")
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "enterprise", "campaign"],
                condition=Q(end__isnull=True),
                name="one_active_pairing_per_cadre_enterprise_campaign",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="pairing_end_after_start",
            ),
        ]
        indexes = [
            # A cadre's home page: their active pairings.
            models.Index(fields=["cadre", "end"], name="pairing_cadre_active"),
            # Coverage: is this enterprise paired in this campaign?
            models.Index(fields=["campaign", "enterprise", "end"], name="pairing_campaign_ent"),
            # Is this enterprise actively paired at all (coverage, 见面率 for every firm)?
            models.Index(
                fields=["enterprise"], condition=Q(end__isnull=True), name="pairing_ent_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.user} ↔ {self.enterprise}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # A pairing saved one by one (ended, edited in the admin) changes its campaign's
        # coverage: figures kept for it are stale. pair_many's bulk insert raises it itself.
        Campaign.objects.filter(pk=self.campaign_id).update(
            coverage_version=models.F("coverage_version") + 1
        )


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user) -> VisitQuerySet:
        """Cadres: visits to the enterprises they are actively paired with (their own and their
        partners'). Organisers and leaders: visits to enterprises in their area."""
        if scoping.sees_everything(user):
            return self.all()
        q = paired_or_in_area(user)
        cadre_id = scoping.cadre_id(user)
        if cadre_id:
            q |= Q(cadre_id=cadre_id)
        return self.none() if q == scoping.NOTHING else self.filter(q)


def paired_or_in_area(user) -> Q:
    """Rows about an enterprise the user (a cadre) is actively paired with, or in the area the user
    (an organiser or leader) governs."""
    q = scoping.NOTHING
    cadre_id = scoping.cadre_id(user)
    if cadre_id:
        paired = Pairing.objects.active().filter(cadre_id=cadre_id).values("enterprise_id")
        q |= Q(enterprise_id__in=paired)
    path = scoping.jurisdiction_path(user)
    if path:
        q |= Q(enterprise__town__path__startswith=path)
    return q


class Visit(models.Model):
    """One visit written up in the service diary (驻企服务手记) with its survey (走访调查表)."""

    class Mode(models.TextChoices):
        ON_SITE = "on_site", _("实地走访")
        PHONE = "phone", _("电话")
        VIDEO = "video", _("视频")
        FORUM = "forum", _("座谈会")

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="visits"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="visits"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("行动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    date = models.DateField(_("走访日期"))
    mode = models.CharField(_("方式"), max_length=8, choices=Mode.choices, default=Mode.ON_SITE)
    # Survey answers keyed by question code: orders, sales, hiring, staff, talent, financing,
    # tech_upgrade, machine_for_labour, output (issue 5 gives the form its questions).
    survey = models.JSONField(_("调查表"), default=dict, blank=True)
    output_status = models.CharField(
        _("生产状态"), max_length=8, choices=Enterprise.ProductionStatus.choices, blank=True
    )
    notes = models.TextField(_("手记"), blank=True)
    services = models.JSONField(_("服务内容"), default=list, blank=True)  # ServiceRole codes
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    # Made when the form is drawn and kept in the browser's draft: the same form sent twice (a
    # double tap, a resend on a weak signal) carries the same token and is saved once, while two
    # identical visits written on purpose carry two. Empty for visits entered by other means.
    submission_token = models.UUIDField(
        _("提交标识"), null=True, blank=True, unique=True, editable=False
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访")
        verbose_name_plural = _("走访")
        ordering = ["-date", "-id"]
        indexes = [
            # Last visit per enterprise (cadre home, 见面率).
            models.Index(fields=["enterprise", "date"], name="visit_enterprise_date"),
            models.Index(fields=["cadre", "date"], name="visit_cadre_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.enterprise}"


class ServiceRole(models.TextChoices):
    """What a cadre did on a visit: the five roles of DOMAIN.md (五员)."""

    POLICY = "policy", _("宣传员：宣讲政策")
    ERRAND = "errand", _("代办员：代办跑腿")
    ANALYSIS = "analysis", _("协管员：分析难题")
    OVERSIGHT = "oversight", _("监督员：监督部门服务")
    LIAISON = "liaison", _("联络员：联络企业家")


class HelpPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> HelpPlanQuerySet:
        """The same reach as the enterprise's visits: its paired cadres and its area's staff."""
        if scoping.sees_everything(user):
            return self.all()
        q = paired_or_in_area(user)
        return self.none() if q == scoping.NOTHING else self.filter(q)


class HelpPlan(models.Model):
    """一企一策: how an enterprise with reduced or stopped output is helped back to production."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="help_plans"
    )
    cause = models.TextField(_("减停产原因"))
    # The measures are HelpMeasure rows (plan.measures); the plan's own lead and date stay here.
    responsible = models.CharField(_("责任人"), max_length=100)
    target_date = models.DateField(_("目标日期"))
    progress = models.TextField(_("进展情况"), blank=True)
    done = models.BooleanField(_("已完成"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("制定人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("制定时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = HelpPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶方案")
        verbose_name_plural = _("帮扶方案")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.target_date}"


class HelpMeasure(models.Model):
    """One measure of a help plan: what is done, by whom (a unit and/or a named person), by when,
    how far it has got, and the firm's problems (tickets) it answers."""

    class State(models.TextChoices):
        PLANNED = "planned", _("计划")
        IN_PROGRESS = "in_progress", _("推进中")
        DONE = "done", _("已完成")
        DROPPED = "dropped", _("已取消")

    OPEN_STATES = (State.PLANNED, State.IN_PROGRESS)

    plan = models.ForeignKey(HelpPlan, on_delete=models.CASCADE, related_name="measures")
    text = models.TextField(_("帮扶措施"))
    owner_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_name = models.CharField(_("责任人"), max_length=100, blank=True)
    due_date = models.DateField(_("完成时限"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.PLANNED)
    progress = models.TextField(_("进展情况"), blank=True)
    # The firm's problems this measure answers. Tickets live in the app above this one: named by
    # string, never imported (DESIGN.md's direction of dependence).
    tickets = models.ManyToManyField(
        "issues.Ticket", verbose_name=_("关联难题"), blank=True, related_name="help_measures"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(owner_unit__isnull=True, owner_name=""),
                name="help_measure_has_owner",
            )
        ]
        indexes = [
            # The organiser's list: measures still open, by date (overdue first).
            models.Index(fields=["state", "due_date"], name="help_measure_state_due"),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class SuggestionRun(models.Model):
    """One run of the suggestion engine for an organiser's area; its rows wait for a decision."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    uncovered = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    # What accepted rows are made with: the organiser's choice when asking for suggestions.
    group = models.ForeignKey(
        ServiceGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    batch = models.ForeignKey(
        CampaignBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    start = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("结对建议")
        verbose_name_plural = _("结对建议")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.created_at:%Y-%m-%d %H:%M}"


class Suggestion(models.Model):
    class Rule(models.TextChoices):
        RANK = "rank", _("领导联系重点企业")
        DEPARTMENT = "department", _("部门联系规上企业")
        TERRITORY = "territory", _("属地联系")

    class Decision(models.TextChoices):
        PENDING = "pending", _("待确认")
        ACCEPTED = "accepted", _("已采纳")
        SKIPPED = "skipped", _("未采纳")

    run = models.ForeignKey(SuggestionRun, on_delete=models.CASCADE, related_name="rows")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=12, choices=Rule.choices)
    decision = models.CharField(
        max_length=8, choices=Decision.choices, default=Decision.PENDING, db_index=True
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="one_suggestion_per_firm")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} → {self.cadre_id} ({self.rule})"


class PeopleImport(models.Model):
    """One upload of cadres (by the system admin) or of pairings (by an organiser): who, when, the
    file, what its plan found, the outcome. Statuses as the roster's imports."""

    class Kind(models.TextChoices):
        UNITS = "units", _("组织单位")
        CADRES = "cadres", _("干部名册")
        PAIRINGS = "pairings", _("结对")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    filename = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    # The campaign chosen at upload for rows that name none (pairing imports only).
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("行动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The batch chosen at upload: its pairings belong to it and start on its date by default.
    batch = models.ForeignKey(
        CampaignBatch,
        verbose_name=_("批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=10, choices=RosterImport.Status.choices)
    rows = models.PositiveIntegerField(_("数据行"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    # Every error, for the page's paged list; mobile numbers masked.
    errors = models.JSONField(_("错误"), default=list, blank=True)
    # As the roster's imports: the totals rows skipped, the header's used and unused columns.
    skipped = models.JSONField(_("跳过的行"), default=list, blank=True)
    columns = models.JSONField(_("表头"), default=dict, blank=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("干部和结对导入")
        verbose_name_plural = _("干部和结对导入")
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["kind", "uploaded_by"], name="people_import_kind_user")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class ScheduledRun(models.Model):
    """One run slot of a periodic job (pairing/schedule.py): claimed by exactly one scheduler
    (the unique pair), and marked finished by the worker that ran it, in the job's own
    transaction, so a slot's work is done once even if Redis forgot a claim or a job is retried.
    A slot not finished a while after it was sent (Redis restarted, a worker killed) is sent again
    by the next scheduler pass; the lock and the finished mark make the extra delivery harmless."""

    name = models.CharField(_("定时任务"), max_length=80)
    slot = models.DateTimeField(_("计划时间"))
    job = models.CharField(_("任务函数"), max_length=200)
    claimed_at = models.DateTimeField(_("认领时间"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("发送时间"), null=True, blank=True)  # last sent
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("定时任务运行")
        verbose_name_plural = _("定时任务运行")
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="scheduled_run_once"),
        ]
        indexes = [
            models.Index(
                fields=["enqueued_at"],
                condition=models.Q(finished_at__isnull=True),
                name="scheduled_run_unfinished",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot:%Y-%m-%d %H:%M}"
