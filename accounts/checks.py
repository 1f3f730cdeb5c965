"""Deployment checks of the accounts app (`manage.py check --deploy --database default`)."""

from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def no_active_superuser(app_configs, databases=None, **kwargs):
    """A superuser bypasses separation of duties (三权分立); production keeps none active.
    Queries only when the check is given a database, as Django's database checks do."""
    if not databases or "default" not in databases:
        return []
    from accounts.models import User

    names = list(
        User.objects.filter(is_superuser=True, is_active=True).values_list("username", flat=True)[
            :5
        ]
    )
    if names:
        return [
            Error(
                f"Active superuser accounts: {', '.join(names)}",
                hint="Deactivate them; use the admin, security-admin and auditor roles "
                "(manage.py create_admins).",
                id="accounts.E001",
            )
        ]
    return []
