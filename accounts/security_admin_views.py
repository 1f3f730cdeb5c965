"""The security administrator's pages: who holds which role, over which area (三权分立: roles are
theirs to set, not the system administrator's)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import services
from accounts.access import role_required
from accounts.middleware import needs_second_factor
from accounts.models import OrgUnit, TOTPDevice, User
from accounts.paging import query_without_page
from accounts.roles import Role

PAGE_SIZE = 50


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("角色"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    jurisdiction_unit = forms.ModelChoiceField(
        label=gettext_lazy("管辖范围"),
        required=False,
        queryset=OrgUnit.objects.filter(kind__in=OrgUnit.AREA_KINDS),
        help_text=gettext_lazy("组织部门和领导可见此单位及其下级的全部数据"),
    )


@role_required(Role.SECURITY_ADMIN)
def user_list(request):
    # Firms' portal accounts (enterprises.FirmAccount) are not people's logins: never given roles.
    users = (
        User.objects.filter(firm_account__isnull=True)
        .select_related("home_unit", "jurisdiction_unit")
        .prefetch_related("groups")
    )
    query = (request.GET.get("q") or "").strip()
    if query:
        users = users.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    page = Paginator(users.order_by("username"), PAGE_SIZE).get_page(request.GET.get("page"))
    enrolled = set(
        TOTPDevice.objects.filter(
            user__in=page.object_list, confirmed_at__isnull=False
        ).values_list("user_id", flat=True)
    )
    labels = dict(Role.choices)
    rows = [
        (user, [labels[g.name] for g in user.groups.all() if g.name in labels], user.pk in enrolled)
        for user in page
    ]
    return render(
        request,
        "accounts/security_users.html",
        {"page": page, "rows": rows, "q": query, "query": query_without_page(request)},
    )


@role_required(Role.SECURITY_ADMIN)
def user_roles(request, pk: int):
    user = get_object_or_404(
        User.objects.filter(firm_account__isnull=True).select_related("home_unit"), pk=pk
    )
    current = sorted(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    form = RolesForm(
        request.POST if request.method == "POST" else None,
        initial={"roles": current, "jurisdiction_unit": user.jurisdiction_unit_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_roles(
                user=user,
                roles=set(form.cleaned_data["roles"]),
                jurisdiction_unit=form.cleaned_data["jurisdiction_unit"],
                actor=request.user,
                request=request,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("已保存 %(user)s 的角色。") % {"user": user})
            return redirect("security_users")
    context = {
        "form": form,
        "subject": user,
        # 重置动态口令 only for an account that has an authenticator to reset.
        "has_totp": TOTPDevice.objects.filter(user=user).exists(),
        "needs_totp": needs_second_factor(user),
    }
    return render(request, "accounts/security_user_roles.html", context)


@require_POST
@role_required(Role.SECURITY_ADMIN)
def user_reset_otp(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    try:
        reset = services.user_reset_second_factor(user=user, actor=request.user, request=request)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        if not reset:
            messages.error(request, _("%(user)s 没有绑定动态口令，无需重置。") % {"user": user})
            return redirect("security_user_roles", pk=user.pk)
        messages.success(
            request, _("已重置 %(user)s 的动态口令，其下次登录时重新绑定。") % {"user": user}
        )
    return redirect("security_user_roles", pk=user.pk)
