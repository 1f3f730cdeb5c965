"""The audit trail for those who review it: read, filter and export; never change.

No one reads their own entries: the audit admin reads everyone's but their own, and the security
admin reads the audit admins' (so the reviewer is reviewed too).
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit, audit_chain, audit_labels
from accounts.access import role_required
from accounts.exports import download
from accounts.models import AuditEntry
from accounts.paging import query_without_page
from accounts.roles import Role

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


def audit_entries_visible_to(user) -> QuerySet[AuditEntry]:
    roles = user.roles if user.is_authenticated else frozenset()
    if Role.AUDITOR in roles:
        entries = AuditEntry.objects.all()
    elif Role.SECURITY_ADMIN in roles:
        entries = AuditEntry.objects.filter(roles__contains=Role.AUDITOR)
    else:
        return AuditEntry.objects.none()
    own = Q(user_id=user.pk) | Q(user__isnull=True, username=user.get_username())
    return entries.exclude(own)


class AuditFilterForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("起始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=gettext_lazy("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    username = forms.CharField(label=gettext_lazy("登录名"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=gettext_lazy("操作"),
        required=False,
        choices=lambda: [("", _("全部")), *audit_labels.action_choices()],
    )
    result = forms.ChoiceField(
        label=gettext_lazy("结果"),
        required=False,
        choices=[("", gettext_lazy("全部")), *AuditEntry.Result.choices],
    )
    object_type = forms.ChoiceField(
        label=gettext_lazy("对象类型"),
        required=False,
        choices=lambda: [("", _("全部")), *audit_labels.object_type_choices()],
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        data = self.cleaned_data
        tz = timezone.get_current_timezone()
        if data.get("start"):
            entries = entries.filter(
                at__gte=datetime.datetime.combine(data["start"], datetime.time.min, tz)
            )
        if data.get("end"):
            next_day = data["end"] + datetime.timedelta(days=1)
            entries = entries.filter(
                at__lt=datetime.datetime.combine(next_day, datetime.time.min, tz)
            )
        for field in ("username", "action", "result", "object_type"):
            if data.get(field):
                entries = entries.filter(**{field: data[field]})
        return entries


EXPORT_HEADERS = [
    gettext_lazy("时间"),
    gettext_lazy("登录名"),
    gettext_lazy("角色"),
    gettext_lazy("IP"),
    gettext_lazy("操作"),
    gettext_lazy("对象类型"),
    gettext_lazy("对象编号"),
    gettext_lazy("对象"),
    gettext_lazy("结果"),
    gettext_lazy("变更"),
]


def _export_rows(entries: QuerySet[AuditEntry]):
    tz = timezone.get_current_timezone()
    for e in entries[:EXPORT_LIMIT].iterator(chunk_size=2000):
        yield [
            e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
            e.username,
            e.roles_label,
            e.ip or "",
            e.action_label,
            e.object_type_label,
            e.object_id,
            e.object_repr,
            e.get_result_display(),
            str(e.changes) if e.changes else "",
        ]


@role_required(Role.AUDITOR, Role.SECURITY_ADMIN)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    entries = audit_entries_visible_to(request.user).select_related("user")
    if form.is_bound and form.is_valid():
        entries = form.apply(entries)
    elif form.is_bound:
        entries = entries.none()
    export = request.GET.get("export")
    if export in ("xlsx", "csv") and (not form.is_bound or form.is_valid()):
        filters = {k: str(v) for k, v in (form.cleaned_data if form.is_bound else {}).items() if v}
        audit.record(
            "audit_export", request=request, changes={"format": export, "filters": filters}
        )
        return download(
            export, EXPORT_HEADERS, _export_rows(entries), name="audit", title=_("审计记录")
        )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": query_without_page(request)}
    if request.GET.get("verify"):
        context["chain"] = chain = audit_chain.verify(AuditEntry)
        if not chain.intact:
            context["first_bad"] = AuditEntry.objects.get(pk=chain.first_bad_id)
    return render(request, "accounts/audit_list.html", context)
