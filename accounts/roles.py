"""The roles of DOMAIN.md. A role is a Django group of the same name; this is the one list."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CADRE = "cadre", _("联系干部")
    HANDLER = "handler", _("承办单位")
    ORGANISER = "organiser", _("组织部门")
    LEADER = "leader", _("领导")
    ADMIN = "admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")


# 三权分立: the three administrator roles. No account holds two of them, and each needs a second
# factor at login. None of them sees the business records: visits, tickets, meetings, help plans
# and figures (BUSINESS_ROLES below). The system admin operates the whole installation's reference
# data and imports from the root of the tree (units, accounts, cadres, firms, campaigns, pairings:
# scoping.operating_area), so it reads the roster; the security admin and the auditor read neither.
PRIVILEGED = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})

# Roles that see business records (visits, tickets, figures), each within its own scope.
BUSINESS_ROLES = frozenset({Role.CADRE, Role.HANDLER, Role.ORGANISER, Role.LEADER})

# Roles that work with enterprises and so see the roster list (each within its own scope).
ROSTER_ROLES = frozenset({Role.CADRE, Role.HANDLER, Role.ORGANISER, Role.LEADER, Role.ADMIN})

# A user with several roles lands on the home page of the first one in this order.
HOME_ORDER = [
    Role.LEADER,
    Role.ORGANISER,
    Role.HANDLER,
    Role.CADRE,
    Role.ADMIN,
    Role.SECURITY_ADMIN,
    Role.AUDITOR,
]
