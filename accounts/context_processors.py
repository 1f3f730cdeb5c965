from accounts.roles import Role


def roles(request):
    """The signed-in user's roles and menu (accounts.menus), for the navigation bar; no menu or
    bell until the user is past the second factor and any password change due."""
    from accounts.menus import menu_for
    from accounts.middleware import fully_signed_in

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset(), "menu": [], "signed_in": False, "Role": Role}
    signed_in = fully_signed_in(request)
    return {
        "user_roles": user.roles,
        "menu": menu_for(user, request.path) if signed_in else [],
        "signed_in": signed_in,
        "Role": Role,
        "unread_notifications": _unread(request, user),
    }


def _unread(request, user):
    """Counted only when a template asks (the bell), in one query, or remembered for the data
    as it stands (pairing/page_cache.py)."""
    from django.utils.functional import SimpleLazyObject

    from issues.models import Notification  # issues sits above accounts; imported lazily
    from pairing.page_cache import viewer_value

    def count():
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return SimpleLazyObject(lambda: viewer_value(request, "unread", count))
