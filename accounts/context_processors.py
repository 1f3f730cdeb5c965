from accounts.roles import Role


def roles(request):
    """The signed-in user's roles, for menus: {'user_roles': frozenset, 'Role': Role}."""
    user = getattr(request, "user", None)
    names = user.roles if user is not None and user.is_authenticated else frozenset()
    return {"user_roles": names, "Role": Role}
