from accounts.roles import ROSTER_ROLES, Role


def roles(request):
    """The signed-in user's roles and the links to each role's home, for the navigation bar."""
    from accounts.views import role_homes

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset(), "role_homes": [], "sees_roster": False, "Role": Role}
    return {
        "user_roles": user.roles,
        "role_homes": role_homes(user),
        "sees_roster": bool(ROSTER_ROLES & user.roles),
        "Role": Role,
        "unread_notifications": _unread(user),
    }


def _unread(user):
    """Counted only when a template asks (the bell), in one query."""
    from django.utils.functional import SimpleLazyObject

    from issues.models import Notification  # issues sits above accounts; imported lazily

    return SimpleLazyObject(
        lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    )
