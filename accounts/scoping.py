"""Building blocks of every `visible_to(user)` QuerySet method (DESIGN.md, "Who sees what").

Each app's QuerySet turns these facts into one Q object; a user with several roles sees the union.
"""

from __future__ import annotations

from django.db.models import Q

from accounts.roles import Role

NOTHING = Q(pk__in=[])


def sees_everything(user) -> bool:
    """Superusers see all; production settings keep none active (see issue 3)."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def roles_of(user) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    return user.roles


def jurisdiction_path(user) -> str | None:
    """The path prefix an organiser or leader governs, or None when they govern nothing."""
    roles = roles_of(user)
    if not ({Role.ORGANISER, Role.LEADER} & roles) or not user.jurisdiction_unit_id:
        return None
    return user.jurisdiction_unit.path


def cadre_id(user) -> int | None:
    if Role.CADRE not in roles_of(user):
        return None
    cadre = getattr(user, "cadre", None)
    return cadre.pk if cadre else None


def governs_every_unit(user) -> bool:
    """True when the user's jurisdiction holds every unit of the tree (a province's leader): the
    area's rows are then all rows, and a list may skip the join its path filter needs. One
    indexed query."""
    from accounts.models import OrgUnit  # scoping is imported by the models module

    path = jurisdiction_path(user)
    return bool(path) and not OrgUnit.objects.exclude(path__startswith=path).exists()


def operating_area(user):
    """The part of the tree a user's writes may reach. The system admin operates the whole
    installation's reference data and imports, from the root of the tree; everyone else their
    jurisdiction unit (None without one)."""
    if Role.ADMIN in roles_of(user):
        return installation_root()
    return user.jurisdiction_unit


def installation_root():
    """The root of the unit tree; with several roots (or none), an unsaved unit whose path every
    unit's starts with, so that "under the root" is still one prefix."""
    from accounts.models import PATH_SEPARATOR, OrgUnit  # the models import this module

    roots = list(OrgUnit.objects.filter(parent__isnull=True)[:2])
    if len(roots) == 1:
        return roots[0]
    return OrgUnit(name="", path=PATH_SEPARATOR)
