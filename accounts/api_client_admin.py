"""The system admin's pages for API clients: list, create (the token and webhook secret shown
once, in the message after saving), revoke."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.api_clients import ApiClient, Scope, WebhookEvent, create_client, revoke_client
from accounts.models import OrgUnit


class ApiClientCreateForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("权限"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    webhook_events = forms.MultipleChoiceField(
        label=_("回调事件"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    webhook_url = forms.URLField(label=_("回调地址"), required=False, assume_scheme="https")
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=3650, initial=365)

    class Meta:
        model = ApiClient
        fields = ["name", "area", "scopes", "rate_per_minute", "webhook_url", "webhook_events"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "scopes", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]
    readonly_fields = [
        "name",
        "area",
        "scopes",
        "prefix",
        "user",
        "expires_at",
        "revoked_at",
        "webhook_url",
        "webhook_events",
        "created_by",
        "created_at",
        "last_used_at",
    ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiClientCreateForm
            kwargs["fields"] = [*ApiClientCreateForm.Meta.fields, "days"]
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "area":
            kwargs["queryset"] = OrgUnit.objects.order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        client, token = create_client(
            name=data["name"],
            area=data["area"],
            scopes=data["scopes"],
            created_by=request.user,
            expires_at=timezone.now() + datetime.timedelta(days=data["days"]),
            webhook_url=data["webhook_url"],
            webhook_events=data["webhook_events"],
            rate_per_minute=data["rate_per_minute"],
        )
        obj.pk = client.pk
        obj.__dict__.update(client.__dict__)
        shown = _("令牌只显示这一次，请立即复制保存：%(token)s") % {"token": token}
        if client.webhook_url:
            shown += " " + _("回调签名密钥：%(secret)s") % {"secret": client.webhook_secret}
        messages.warning(request, shown)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the audit trail and the tickets keep naming the client

    @admin.action(description=_("吊销所选客户端的令牌"))
    def revoke(self, request, queryset):
        for client in queryset:
            revoke_client(client, by=request.user, request=request)
        messages.success(request, _("已吊销。"))
