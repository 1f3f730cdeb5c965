"""The enterprise roster (一企一档): industries, tags, enterprises and their scoping."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from accounts.fields import EncryptedCharField
from accounts.models import OrgUnit
from accounts.roles import Role
from enterprises.uscc import normalise, validate_uscc


class Industry(models.Model):
    """GB/T 4754-2017: sections are one letter (C 制造业), divisions two digits under them (C39)."""

    code = models.CharField(_("代码"), max_length=4, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("门类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="divisions",
    )

    class Meta:
        verbose_name = _("国民经济行业")
        verbose_name_plural = _("国民经济行业")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Tag(models.Model):
    """A kind of enterprise that campaigns target and count coverage by (规上工业, 专精特新 …)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("企业标签")
        verbose_name_plural = _("企业标签")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user) -> EnterpriseQuerySet:
        """Cadres: their actively paired enterprises. Handlers: enterprises of their unit's
        tickets. Organisers and leaders: everything in their jurisdiction. Admins: the whole
        roster, which they import."""
        if scoping.sees_everything(user):
            return self.all()
        roles = scoping.roles_of(user)
        q = scoping.NOTHING
        if Role.ADMIN in roles:
            return self.all()
        cadre_id = scoping.cadre_id(user)
        if cadre_id:
            q |= Q(pairings__cadre_id=cadre_id, pairings__end__isnull=True)
        if Role.HANDLER in roles and user.home_unit_id:
            from issues.models import Ticket  # issues sits above enterprises; imported lazily

            q |= Q(pk__in=Ticket.objects.handled_by_unit(user.home_unit_id).values("enterprise_id"))
        path = scoping.jurisdiction_path(user)
        if path:
            q |= Q(town__path__startswith=path)
        if q == scoping.NOTHING:
            return self.none()
        # The pairing join can repeat an enterprise paired through several campaigns.
        return self.filter(pk__in=self.model.objects.filter(q).values("pk"))


class Enterprise(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        PROJECT = "project", _("重点项目")
        PARK = "park", _("产业园区")

    class Scale(models.TextChoices):
        LARGE = "large", _("大型")
        MEDIUM = "medium", _("中型")
        SMALL = "small", _("小型")
        MICRO = "micro", _("微型")

    class ProductionStatus(models.TextChoices):
        NORMAL = "normal", _("正常生产")
        REDUCED = "reduced", _("减产")
        STOPPED = "stopped", _("停产")

    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.ENTERPRISE)
    town = models.ForeignKey(
        OrgUnit, verbose_name=_("所属镇街"), on_delete=models.PROTECT, related_name="enterprises"
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("行业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    tags = models.ManyToManyField(
        Tag, verbose_name=_("标签"), blank=True, related_name="enterprises"
    )
    scale = models.CharField(_("规模"), max_length=8, choices=Scale.choices, default=Scale.SMALL)
    # 规上/规下: the statistics bureau's class by revenue, apart from the size class above; it
    # decides who follows the firm (departments take 规上, towns the rest). None: not recorded.
    above_scale = models.BooleanField(_("规上企业"), null=True, blank=True)
    annual_output = models.DecimalField(
        _("年产值（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    revenue = models.DecimalField(
        _("营业收入（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    tax = models.DecimalField(
        _("税收（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    tax_per_mu = models.DecimalField(
        _("亩均税收（万元/亩）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # db_default: rows written by COPY (the roster import's fast path, the benchmark's floor)
    # that do not name these columns get "" rather than breaking NOT NULL.
    main_business = models.CharField(
        _("主营业务"), max_length=200, blank=True, default="", db_default=""
    )
    employees = models.PositiveIntegerField(_("从业人数"), null=True, blank=True)
    production_status = models.CharField(
        _("生产状态"),
        max_length=8,
        choices=ProductionStatus.choices,
        default=ProductionStatus.NORMAL,
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("注册地址"), max_length=200, blank=True)
    business_address = models.CharField(
        _("经营地址"), max_length=200, blank=True, default="", db_default=""
    )
    park = models.ForeignKey(
        "self",
        verbose_name=_("所在园区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
        limit_choices_to={"kind": Kind.PARK},
    )
    founded = models.DateField(_("成立日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        indexes = [
            # The roster list filters by town and status.
            models.Index(fields=["town", "production_status"], name="ent_town_status"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Every save path, not just forms, refuses a code whose check digit is wrong.
        self.uscc = normalise(self.uscc)
        validate_uscc(self.uscc)
        super().save(*args, **kwargs)


class RosterImport(models.Model):
    """One upload of a roster spreadsheet: who, when, the file, what its plan found, the outcome."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("校验中")
        PLANNED = "planned", _("待确认")
        REJECTED = "rejected", _("有错误")
        COMMITTING = "committing", _("导入中")
        COMMITTED = "committed", _("已导入")
        CANCELLED = "cancelled", _("已取消")

    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("导入人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    filename = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField(_("数据行"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    # Every error, for the page's paged list and the marked workbook.
    errors = models.JSONField(_("错误"), default=list, blank=True)
    # Rows read as totals (合计, 小计, 其中：…) and skipped: [{"row": 207, "kind": "合计"}].
    skipped = models.JSONField(_("跳过的行"), default=list, blank=True)
    # The header as read: {"used": {field: header text}, "unused": [header text, …]}.
    columns = models.JSONField(_("表头"), default=dict, blank=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    # The background job checking or writing the file, and why the last one stopped, if it did.
    job_id = models.CharField(max_length=64, blank=True)
    job_error = models.CharField(_("中断原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("名册导入")
        verbose_name_plural = _("名册导入")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class HeaderAlias(models.Model):
    """A header an office writes that the import did not know, mapped to a field by the uploader
    on the preview page, and used for the next uploads from the same unit."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE
    )
    kind = models.CharField(_("导入类型"), max_length=16, default="enterprises")
    header = models.CharField(_("表头"), max_length=100)  # as reader.header_key compares it
    field = models.CharField(_("字段"), max_length=32)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("设置人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("设置时间"), auto_now=True)

    class Meta:
        verbose_name = _("表头对应")
        verbose_name_plural = _("表头对应")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "header"],
                name="header_alias_once_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.header} → {self.field}"


class FirmAccount(models.Model):
    """A firm's own identity in the portal (/firm/): the user that stands for the firm on its
    tickets (their `raised_by`, the actor of its answers and ratings on the timeline, its audit
    entries). That user has no role, no usable password and is inactive, so it never signs in to
    the cadres' pages; the portal signs the firm in by credit code and an SMS code instead."""

    enterprise = models.OneToOneField(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="firm_account"
    )
    user = models.OneToOneField(
        "accounts.User", on_delete=models.PROTECT, related_name="firm_account"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_signed_in = models.DateTimeField(_("最近登录"), null=True, blank=True)

    class Meta:
        verbose_name = _("企业账号")
        verbose_name_plural = _("企业账号")

    def __str__(self) -> str:
        return str(self.enterprise)


class PortalCode(models.Model):
    """A one-time sign-in code sent by SMS to a phone number on the firm's file. The code and the
    number are stored encrypted (the job that texts them reads them back); `phone_digest`, a keyed
    hash of the number, lets the sends to one number be counted without storing it in clear."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="portal_codes"
    )
    phone = EncryptedCharField(_("手机号"))
    phone_digest = models.CharField(max_length=64, db_index=True)
    code = EncryptedCharField(_("验证码"))
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")
        indexes = [
            # The rate limits: sends to a number, and from an address, since a time.
            models.Index(fields=["phone_digest", "created_at"], name="portalcode_phone_at"),
            models.Index(fields=["ip", "created_at"], name="portalcode_ip_at"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.created_at:%Y-%m-%d %H:%M}"
