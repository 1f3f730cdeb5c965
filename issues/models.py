"""Problem tickets (难题/诉求), their timeline, meetings, notifications and the work calendar.

Statuses change only through the workflow service (issues/workflow.py, issue 6); nothing else
assigns `Ticket.status`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from accounts.models import OrgUnit
from accounts.roles import Role
from enterprises.firm_accounts import firm_enterprise_id
from enterprises.models import Enterprise
from pairing.models import Campaign, Pairing, Visit


class Status(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    ASSIGNED = "assigned", _("已交办")
    ACCEPTED = "accepted", _("已签收")
    RESOLVED = "resolved", _("已办结")
    CLOSED = "closed", _("已评价")


OPEN_STATUSES = (Status.REGISTERED, Status.ASSIGNED, Status.ACCEPTED)


class Level(models.IntegerChoices):
    LOCAL = 1, _("本级")
    SYSTEM = 2, _("系统内")
    COORDINATION = 3, _("协调会")
    COUNTY_HEAD = 4, _("县长办公会议")
    CITY = 5, _("市级")
    PROVINCE = 6, _("省级")


class Category(models.TextChoices):
    FINANCING = "financing", _("融资")
    LAND = "land", _("用地")
    TALENT = "talent", _("人才")
    HIRING = "hiring", _("用工")
    APPROVAL = "approval", _("审批")
    INNOVATION = "innovation", _("创新与技术")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    POLICY = "policy", _("政策")
    MARKET = "market", _("市场")
    SAFETY = "safety", _("安全")
    OTHER = "other", _("其他")


class Source(models.TextChoices):
    VISIT = "visit", _("走访")
    HOTLINE = "hotline", _("热线")
    ONLINE = "online", _("网上")
    FORUM = "forum", _("座谈会")
    SPOT_CHECK = "spot_check", _("领导抽查")
    FIRM = "firm", _("企业自主提交")  # raised by the firm itself in the portal (/firm/)


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    CRITICAL = "critical", _("特急")


# The real order of urgency, most pressing first (the codes sort 特急 last as text).
URGENCY_RANK = models.Case(
    models.When(urgency=Urgency.CRITICAL, then=0),
    models.When(urgency=Urgency.URGENT, then=1),
    default=2,
    output_field=models.IntegerField(),
)


class Outcome(models.TextChoices):
    SOLVED = "solved", _("已解决")
    REPLIED = "replied", _("已答复")
    DEFERRED = "deferred", _("暂缓")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class RatedBy(models.TextChoices):
    """Who gave a ticket's rating: the firm itself in the portal, or a cadre recording it for
    the firm (after a return visit or a phone call)."""

    FIRM = "firm", _("企业自评")
    ON_BEHALF = "on_behalf", _("干部代为评价")


def _actively_paired(cadre_id: int):
    return Pairing.objects.active().filter(cadre_id=cadre_id).values("enterprise_id")


def handled_by(unit_id: int) -> Q:
    """Tickets a unit owns or is co-assigned to. The co-assigned ids are read first (an indexed
    look-up, usually a handful) so that PostgreSQL combines two index scans (owner, id); against
    `id IN (subquery)` it could use no index and read all 200,000 tickets of a province for each
    handler's queue."""
    co = Ticket.co_units.through.objects.filter(orgunit_id=unit_id)
    return Q(owner_unit_id=unit_id) | Q(pk__in=list(co.values_list("ticket_id", flat=True)))


class TicketQuerySet(models.QuerySet):
    def open(self) -> TicketQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def handled_by_unit(self, unit_id: int) -> TicketQuerySet:
        """Tickets a unit owns or is co-assigned to (a subquery, so no duplicate rows)."""
        return self.filter(handled_by(unit_id))

    def visible_to(self, user) -> TicketQuerySet:
        """Cadres: the tickets they raised. Handlers: their unit's. Organisers and leaders: every
        ticket of an enterprise in their area. A firm's portal account: the firm's tickets; its
        paired cadres also see what it raised there itself."""
        if scoping.sees_everything(user):
            return self.all()
        roles = scoping.roles_of(user)
        if not roles:  # the firm's own account (the portal): its firm's tickets, nothing else
            firm = firm_enterprise_id(user)
            return self.filter(enterprise_id=firm) if firm else self.none()
        q = scoping.NOTHING
        if Role.CADRE in roles:
            q |= Q(raised_by_id=user.pk)
            cadre_id = scoping.cadre_id(user)
            if cadre_id:  # what their paired firms raised themselves in the portal
                q |= Q(source=Source.FIRM, enterprise_id__in=_actively_paired(cadre_id))
        if Role.HANDLER in roles and user.home_unit_id:
            q |= handled_by(user.home_unit_id)
        path = scoping.jurisdiction_path(user)
        if path:
            q |= Q(enterprise__town__path__startswith=path)
        return self.none() if q == scoping.NOTHING else self.filter(q)


class Ticket(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="tickets"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("行动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("来源走访"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="raised_tickets",
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=Source.choices, default=Source.VISIT
    )
    category = models.CharField(
        _("类别"), max_length=16, choices=Category.choices, default=Category.OTHER
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("问题描述"))
    urgency = models.CharField(
        _("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    level = models.PositiveSmallIntegerField(
        _("办理层级"), choices=Level.choices, default=Level.LOCAL
    )
    owner_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_tickets",
    )
    co_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("协办单位"), blank=True, related_name="co_tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    assign_count = models.PositiveSmallIntegerField(_("交办次数"), default=0)
    # The working days allowed from assignment; None when the deadline is a fixed date (an
    # approved extension). A change to the work calendar recomputes deadlines from it.
    due_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"), null=True, blank=True)
    # A handling unit's pending request to move the deadline (延期), until the organiser decides.
    extension_until = models.DateField(_("申请延期至"), null=True, blank=True)
    extension_reason = models.CharField(_("延期理由"), max_length=500, blank=True)
    # A handling unit's request to raise the ticket up the ladder, until the organiser acts.
    escalation_reason = models.CharField(_("提级理由"), max_length=500, blank=True)
    outcome = models.CharField(_("办理结果"), max_length=10, choices=Outcome.choices, blank=True)
    reply = models.TextField(_("答复企业"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    rating = models.CharField(_("企业评价"), max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("评价意见"), blank=True)
    rated_by = models.CharField(_("评价方式"), max_length=10, choices=RatedBy.choices, blank=True)
    # A handling unit's open question to the firm (询问企业), until the firm answers in the portal.
    firm_question = models.CharField(_("待企业答复的问题"), max_length=1000, blank=True)
    is_common = models.BooleanField(_("共性问题"), default=False)
    # A common problem (共性问题) or a duplicate answered with its group's lead ticket.
    common_with = models.ForeignKey(
        "self",
        verbose_name=_("并入"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grouped",
    )
    is_model_case = models.BooleanField(_("典型案例"), default=False)
    # 现场解决: who answered the problem there and then on the visit (a bureau chief, say); set
    # only by the workflow's solve_on_spot, so the ticket is born resolved at 本级.
    solved_on_spot_by = models.CharField(_("现场解决人"), max_length=100, blank=True)
    # The 交办单's number in the office's scheme (〔2026〕第0012号), given at each assignment:
    # the year and the place in the assigning office's sequence for that year.
    assignment_year = models.PositiveSmallIntegerField(_("交办单年份"), null=True, blank=True)
    assignment_seq = models.PositiveIntegerField(_("交办单序号"), null=True, blank=True)
    urge_count = models.PositiveSmallIntegerField(_("催办次数"), default=0)
    # A problem forwarded by the 12345 hotline: its work-order number (unique, so a forward sent
    # twice, even at once, finds the first ticket) and the deadline the hotline set.
    hotline_no = models.CharField(
        _("12345工单号"), max_length=40, null=True, blank=True, unique=True
    )
    hotline_due = models.DateTimeField(_("12345办理时限"), null=True, blank=True)
    # Optimistic locking: a write names the version it read and fails if the row moved on.
    version = models.PositiveIntegerField(_("版本"), default=1)
    # A default rather than auto_now_add: tickets imported from earlier records keep their dates.
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("难题诉求")
        verbose_name_plural = _("难题诉求")
        ordering = ["-created_at"]
        indexes = [
            # The API's changes feed (issues/api.py): tickets changed since a time, in order.
            models.Index(fields=["updated_at", "id"], name="ticket_changed"),
            # A handling unit's queue: open tickets of the unit by deadline.
            models.Index(fields=["owner_unit", "status", "due_date"], name="ticket_unit_queue"),
            models.Index(fields=["enterprise", "status"], name="ticket_enterprise_status"),
            models.Index(fields=["raised_by", "status"], name="ticket_raiser_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=[Status.RESOLVED, Status.CLOSED]) | ~Q(outcome=""),
                name="resolved_ticket_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | ~Q(rating=""), name="closed_ticket_has_rating"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def assignment_no(self) -> str:
        return assignment_label(self.assignment_year, self.assignment_seq)


def assignment_label(year: int | None, seq: int | None) -> str:
    """〔2026〕第0012号, in the reader's language; "" for a ticket never numbered."""
    if not (year and seq):
        return ""
    return gettext("〔%(year)s〕第%(n)04d号") % {"year": year, "n": seq}


class AssignmentCounter(models.Model):
    """The last 交办单 number an area's office gave in a year. Numbers are taken under the row's
    lock in the assigning transaction, so they run on without gaps and are never given twice."""

    area = models.ForeignKey(
        OrgUnit, verbose_name=_("地区"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    last = models.PositiveIntegerField(_("最后编号"), default=0)

    class Meta:
        verbose_name = _("交办单编号")
        verbose_name_plural = _("交办单编号")
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="one_counter_per_area_year")
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.year}: {self.last}"


class Urging(models.Model):
    """A 催办: an organiser or leader pressed the unit that has a ticket (counted per unit)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="urgings")
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("被催办单位"), on_delete=models.CASCADE, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("催办人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("催办意见"))
    at = models.DateTimeField(_("催办时间"), default=timezone.now)

    class Meta:
        verbose_name = _("催办")
        verbose_name_plural = _("催办")
        # The dashboard's "units urged twice this week": urgings since a date, by unit.
        indexes = [models.Index(fields=["at", "unit"], name="urging_at_unit")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.unit_id} {self.at:%Y-%m-%d}"


class TicketTask(models.Model):
    """A co-unit's (协办) own part of a ticket: its deadline and its answer, which the lead unit
    (主办) gathers before resolving."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="tasks")
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("协办单位"), on_delete=models.PROTECT, related_name="ticket_tasks"
    )
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    answer = models.TextField(_("协办意见"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("协办任务")
        verbose_name_plural = _("协办任务")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "unit"], name="one_task_per_co_unit")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} · {self.unit}"


class TicketAttachment(models.Model):
    """A file a handling unit adds to its progress note or answer (photos, approvals, letters).
    Served only through the ticket's scope check, never as a public media URL."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        "TicketEvent", null=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to="tickets/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class TicketEvent(models.Model):
    """Append-only timeline: every action on a ticket, stored as codes, never translated labels."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=Status.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["ticket", "at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action} {self.at:%Y-%m-%d}"


class Meeting(models.Model):
    class Kind(models.TextChoices):
        COORDINATION = "coordination", _("协调会")
        COUNTY_HEAD = "county_head", _("县长办公会议")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("会议名称"), max_length=200)
    scheduled_at = models.DateTimeField(_("会议时间"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("主持人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    units = models.ManyToManyField(
        OrgUnit, verbose_name=_("参会单位"), blank=True, related_name="+"
    )
    tickets = models.ManyToManyField(Ticket, through="MeetingItem", related_name="meetings")
    place = models.CharField(_("会议地点"), max_length=200, blank=True)
    # Named people (参会人员), one a line as the office writes them: 单位 姓名 职务.
    attendees = models.TextField(_("参会人员"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    held_at = models.DateTimeField(_("纪要记录时间"), null=True, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("组织人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-scheduled_at"]

    def __str__(self) -> str:
        return self.title

    def attendee_lines(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]


class MeetingItem(models.Model):
    """A ticket on a meeting's agenda (in order), what was said of it and the decision taken."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="meeting_items")
    position = models.PositiveSmallIntegerField(_("议题顺序"), default=1)
    minutes = models.TextField(_("议题纪要"), blank=True)
    decision = models.TextField(_("会议决定"), blank=True)
    owner_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("办结期限"), null=True, blank=True)

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "ticket"], name="ticket_once_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.ticket}"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=32)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("难题"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Idempotency: a rerun of a reminder job produces the same key, and the insert is skipped.
    key = models.CharField(_("去重键"), max_length=200, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    # The values the words need, so they are put together in the reader's language (see
    # issues/notification_texts.py); title and body keep them in Chinese for email and SMS.
    params = models.JSONField(_("参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        from issues import notification_texts

        return notification_texts.title(self.kind, self.params) or self.title

    @property
    def display_body(self) -> str:
        from issues import notification_texts

        return notification_texts.body(self.params) or self.body


class WorkCalendarDay(models.Model):
    """An exception to the Monday–Friday week: a holiday on a weekday, or a swapped working
    weekend day (调休). Deadlines count working days against these rows."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'} {self.name}"


class CalendarYear(models.Model):
    """A year whose official schedule (the State Council's notice) is in the work calendar. A year
    without this row counts deadlines Monday to Friday only, and they are shown as such
    (issues/calendar_years.py): the seed sets it for the years chinesecalendar knows, the
    admin's holiday page for the year entered by hand."""

    class Source(models.TextChoices):
        PACKAGE = "package", _("chinesecalendar 包")
        ADMIN = "admin", _("管理员录入")

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("已录入放假安排的年份")
        verbose_name_plural = _("已录入放假安排的年份")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


# In its own module (the webhooks' delivery log); imported so Django registers it with issues.
from issues.webhook_models import WebhookDelivery  # noqa: E402, F401
