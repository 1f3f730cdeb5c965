"""Org-unit tree, users, cadres and their post history, and the audit trail."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import audit_labels
from accounts.fields import EncryptedCharField
from accounts.roles import Role

PATH_SEPARATOR = "/"


class OrgUnitQuerySet(models.QuerySet):
    def under(self, unit: OrgUnit) -> OrgUnitQuerySet:
        """The unit and everything below it: one indexed prefix query on the materialised path."""
        return self.filter(path__startswith=unit.path)


class OrgUnit(models.Model):
    """A node of the government tree: city → county/district → town/street, departments, zones."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县（市、区）")
        TOWN = "town", _("镇")
        STREET = "street", _("街道")
        DEPARTMENT = "department", _("部门")
        ZONE = "zone", _("功能区")
        COMMUNITY = "community", _("村社")

    AREA_KINDS = (Kind.PROVINCE, Kind.CITY, Kind.COUNTY, Kind.TOWN, Kind.STREET, Kind.ZONE)

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    code = models.CharField(
        _("编码"),
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(r"^[0-9A-Za-z_-]+$", _("编码只能包含字母、数字、下划线和短横线"))
        ],
    )
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Who answers for the unit (负责人): reminders of long-overdue tickets go to them.
    head = models.ForeignKey(
        "accounts.User",
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # "/<root code>/<child code>/…/<own code>/", kept by save(); "everything under X" is
    # path LIKE 'X.path%', which the pattern-ops index below serves on PostgreSQL.
    path = models.CharField(_("路径"), max_length=500, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织单位")
        verbose_name_plural = _("组织单位")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="orgunit_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """Keep the path right: refuse a code the path cannot hold and a parent below the unit
        itself (clean() says the same for forms; imports and services only call save()), then
        re-root the whole subtree in one UPDATE, all in one transaction."""
        self._meta.get_field("code").run_validators(self.code)
        with transaction.atomic():
            old = None
            if self.pk:
                old = OrgUnit.objects.filter(pk=self.pk).values_list("path", "depth").first()
            if old and self.parent_id and self.parent.path.startswith(old[0]):
                raise ValidationError({"parent": _("上级单位不能是自身或其下级")})
            self.path = self.compute_path()
            self.depth = self.path.count(PATH_SEPARATOR) - 2
            super().save(*args, **kwargs)
            if old and old[0] != self.path:
                old_path, old_depth = old
                OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                    depth=F("depth") + (self.depth - old_depth),
                )

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else PATH_SEPARATOR
        return f"{prefix}{self.code}{PATH_SEPARATOR}"

    def clean(self):
        node = self.parent
        while node is not None:
            if node.pk == self.pk:
                raise ValidationError({"parent": _("上级单位不能是自身或其下级")})
            node = node.parent

    @property
    def is_area(self) -> bool:
        return self.kind in self.AREA_KINDS


class User(AbstractUser):
    """A login. Roles are Django groups named after accounts.roles.Role."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    home_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    jurisdiction_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("管辖范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="governors",
        help_text=_("组织部门和领导可见此单位及其下级的全部数据"),
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False, help_text=_("首次登录或管理员重置密码后须先修改密码")
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        permissions = [("view_full_pii", _("可查看完整的手机号和身份证号"))]

    def __str__(self) -> str:
        return self.display_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """The user's role names, read once per request (the user object lives for one request)."""
        if not self.is_active:
            return frozenset()
        names = set(self.groups.values_list("name", flat=True))
        return frozenset(names & set(Role.values))

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if fields is None or "display_name" in fields:
            # The cadre picker searches the name's initials stored on the cadre.
            from accounts.pinyin import initials

            Cadre.objects.filter(user_id=self.pk).update(initials=initials(self.display_name))

    def set_password(self, raw_password):
        # Remembered for accounts.passwords.RecentPasswordValidator, which keeps the replaced hash.
        self._replaced_password_hash = self.password
        super().set_password(raw_password)


class PasswordHistory(models.Model):
    """Hashes of a user's past passwords, so the last few cannot be reused."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class TOTPDevice(models.Model):
    """A user's authenticator app (second factor). Unconfirmed until the first code is entered."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    # Encrypted at rest (accounts.crypto): a copy of the database alone does not give the codes.
    secret = EncryptedCharField(max_length=255)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last 30-second step whose code was accepted: a code is never accepted twice.
    last_used_step = models.BigIntegerField(default=-1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("动态口令设备")
        verbose_name_plural = _("动态口令设备")

    def __str__(self) -> str:
        return f"{self.user} TOTP"


class Cadre(models.Model):
    """A cadre's profile. Pairings hang on the person, not the post (事随人走)."""

    class Rank(models.TextChoices):
        CITY_LEADER = "city_leader", _("市级领导")
        COUNTY = "county", _("县处级")
        SECTION = "section", _("科级")
        GENERAL = "general", _("一般干部")
        COMMUNITY = "community", _("社区干部")

    class Status(models.TextChoices):
        ACTIVE = "active", _("在岗")
        RETIRED = "retired", _("退休")
        LEFT = "left", _("调离")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.CASCADE,
        related_name="cadre",
    )
    staff_no = models.CharField(_("工号"), max_length=32, unique=True)
    rank = models.CharField(_("职级"), max_length=16, choices=Rank.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="cadres"
    )
    post = models.CharField(_("职务"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    # The pinyin initials of the cadre's name (张三 → "zs"), kept here so the cadre picker finds
    # a cadre by them with one indexed prefix query (accounts.pinyin.initials fills it).
    initials = models.CharField(_("姓名拼音首字母"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        indexes = [
            models.Index(fields=["unit", "status"], name="cadre_unit_status"),
            # The cadre picker: initials LIKE 'zs%'.
            models.Index(
                fields=["initials"], name="cadre_initials", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_rank_display()})"

    def save(self, *args, **kwargs):
        from accounts.pinyin import initials

        self.initials = initials(self.user.display_name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "initials"}
        super().save(*args, **kwargs)


class CadrePost(models.Model):
    """One post a cadre held; the open row (end is null) is the current one."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="posts"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.CharField(_("职务"), max_length=100, blank=True)
    rank = models.CharField(_("职级"), max_length=16, choices=Cadre.Rank.choices)
    start = models.DateField(_("任职日期"))
    end = models.DateField(_("离任日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("任职记录")
        verbose_name_plural = _("任职记录")
        ordering = ["cadre", "-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre"], condition=Q(end__isnull=True), name="one_current_post_per_cadre"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="post_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.unit} {self.post}"


class AuditEntry(models.Model):
    """Append-only record of who did what to which object, and with what result."""

    class Result(models.TextChoices):
        OK = "ok", _("成功")
        DENIED = "denied", _("拒绝")
        FAILED = "failed", _("失败")

    # Set before saving (not auto_now_add), so that the chain hash can cover it.
    at = models.DateTimeField(_("时间"), default=timezone.now, editable=False, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("登录名"), max_length=150, blank=True)
    roles = models.CharField(_("角色"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=50)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices, default=Result.OK)
    # SHA-256 over the previous entry's chain_hash and this entry's content (accounts.audit_chain).
    chain_hash = models.CharField(_("链式哈希"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            # accounts.lockout: failed logins of one username in the last 10 minutes.
            models.Index(fields=["username", "action", "at"], name="audit_username_action"),
            # accounts.lockout: failed logins from one IP address in the last 10 minutes.
            models.Index(fields=["ip", "action", "at"], name="audit_ip_action"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_repr}"

    # Words for the codes stored (accounts.audit_labels): what the pages and exports show.
    @property
    def action_label(self) -> str:
        return audit_labels.action_label(self.action)

    @property
    def roles_label(self) -> str:
        return audit_labels.roles_label(self.roles)

    @property
    def object_type_label(self) -> str:
        return audit_labels.object_type_label(self.object_type)


# Defined in their own module (what a token is and how it is checked); imported here so that
# Django registers the model with the accounts app.
from accounts.api_clients import ApiClient  # noqa: E402, F401
