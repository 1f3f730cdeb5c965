"""Access checks every view uses: role gates and scoped object getters.

Out-of-scope objects answer 404 exactly like missing ones, so a URL never tells an outsider that
a record exists; the refusal is still recorded in the audit trail.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from accounts import audit
from accounts.models import AuditEntry


def role_required(*roles: str):
    """Login required, then at least one of `roles`; otherwise 403, recorded."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            refuse_without_role(request, roles)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def refuse_without_role(request, roles) -> None:
    """PermissionDenied, recorded, unless the signed-in user holds one of `roles`. (A module
    function rather than the decorator's body, so mutation testing reaches the rule.)"""
    if not (set(roles) & request.user.roles):
        deny(request)


def deny(request) -> None:
    """Record that the request's user was refused its page, and answer 403."""
    audit.record(
        "access_denied",
        request=request,
        result=AuditEntry.Result.DENIED,
        changes={"path": request.path},
    )
    raise PermissionDenied


def get_object_for(user, queryset: QuerySet, pk, *, request=None) -> Model:
    """The object with `pk` among those `user` may see (the model's visible_to), or Http404."""
    try:
        return queryset.visible_to(user).get(pk=pk)
    except queryset.model.DoesNotExist:
        model = queryset.model
        if model._default_manager.filter(pk=pk).exists():
            audit.record(
                "access_denied",
                user=user,
                request=request,
                result=AuditEntry.Result.DENIED,
                changes={"object_type": model._meta.label_lower, "object_id": str(pk)},
            )
        raise Http404 from None
