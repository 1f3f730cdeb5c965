from accounts.roles import Role


def roles(request):
    """The signed-in user's roles and the links to each role's home, for the navigation bar."""
    from accounts.views import role_homes

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset(), "role_homes": [], "Role": Role}
    return {"user_roles": user.roles, "role_homes": role_homes(user), "Role": Role}
