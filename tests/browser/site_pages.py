"""Every page of every role, as the accessibility and CSP crawl visits it on the demo site.

Each entry names the route (as the permission matrix spells it), the demo login that opens it and
how to find the object its URL names. Forms are visited twice: as they open, and submitted empty so
their errors show. test_accessibility checks that every route answering 200 to some role in the
permission matrix has an entry here (or is named in NOT_PAGES with the reason), so a new page
without one fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from accounts.models import Cadre, User
from enterprises.models import Enterprise
from issues.models import Meeting, Ticket, Visit
from pairing.models import Campaign, HelpPlan, SuggestionRun

SUBMIT = "main form button[type=submit]"


@dataclass(frozen=True)
class Page:
    route: str  # the URL pattern, as in tests/test_permission_matrix.GET
    login: str | None  # a demo username; None: not logged in
    url: Callable[[], str] | str
    submit: str | None = None  # submit this button (browser validation off) to show the errors
    clear: tuple[str, ...] = ()  # fields emptied before submitting (those filled in by default)
    name: str = ""

    @property
    def id(self) -> str:
        who = self.login or "anonymous"
        return f"{self.name or self.route or 'root'}[{who}]" + ("+errors" if self.submit else "")

    def resolve(self) -> str:
        return self.url if isinstance(self.url, str) else self.url()


def user(username: str) -> User:
    return User.objects.get(username=username)


def cadre_firm() -> Enterprise:
    return Enterprise.objects.filter(pairings__cadre__user__username="demo_cadre").order_by("pk")[0]


def cadre_ticket() -> Ticket:
    return Ticket.objects.filter(raised_by__username="demo_cadre").order_by("pk")[0]


def handler_ticket() -> Ticket:
    return Ticket.objects.filter(owner_unit=user("demo_handler").home_unit).order_by("pk")[0]


def campaign() -> Campaign:
    return Campaign.objects.order_by("pk")[0]


def url(name: str, *args: Callable[[], object]) -> Callable[[], str]:
    """reverse(name) with the pks of the objects the callables find, looked up when visited."""

    def build() -> str:
        return reverse(name, args=[getattr(a(), "pk", a()) for a in args])

    return build


def with_query(base: Callable[[], str], query: str) -> Callable[[], str]:
    return lambda: base() + query


def meeting():
    return Meeting.objects.order_by("pk")[0]


def help_plan():
    return HelpPlan.objects.filter(enterprise__pairings__cadre__user__username="demo_cadre")[0]


def cadre_record():
    return Cadre.objects.get(user__username="demo_cadre")


def cadre_visit():
    return Visit.objects.filter(cadre__user__username="demo_cadre").order_by("-pk")[0]


def suggestion_run():
    return SuggestionRun.objects.order_by("pk")[0]


def next_year():
    import datetime

    return datetime.date.today().year + 1


CADRE, HANDLER, LEADER = "demo_cadre", "demo_handler", "demo_city_leader"
ORGANISER, CITY_ORGANISER = "demo_organiser", "demo_city_organiser"
PROVINCE_ORGANISER = "demo_province_organiser"
ADMIN, SECURITY, AUDITOR = "demo_admin", "demo_security", "demo_auditor"

# Not a user: a firm signed in to the portal (DemoSite.cookies makes its session).
FIRM = "firm:"


def firm_account():
    """The demo firm with the most problems raised in the portal."""
    from django.db.models import Count

    from enterprises.models import FirmAccount

    return FirmAccount.objects.annotate(n=Count("enterprise__tickets")).order_by("-n", "pk")[0]


def firm_ticket() -> Ticket:
    return Ticket.objects.filter(enterprise=firm_account().enterprise).order_by("pk")[0]


PAGES = [
    Page("login/", None, "/login/"),
    Page("login/", None, "/login/", submit=SUBMIT),
    Page("account/otp/setup/", SECURITY, "/account/otp/setup/"),
    Page("account/password/", CADRE, "/account/password/"),
    Page("account/password/", CADRE, "/account/password/", submit=SUBMIT),
    Page("audit/", AUDITOR, "/audit/"),
    Page("audit/", SECURITY, "/audit/?action=login", name="audit/?action"),
    Page("security/users/", SECURITY, "/security/users/"),
    Page("security/users/<int:pk>/", SECURITY, url("security_user_roles", lambda: user(CADRE))),
    # The homes.
    Page("cadre/", CADRE, "/cadre/"),
    Page("handler/", HANDLER, "/handler/"),
    Page("organiser/", ORGANISER, "/organiser/"),
    Page("organiser/", CITY_ORGANISER, "/organiser/", name="organiser/city"),
    Page("leader/", LEADER, "/leader/"),
    Page("leader/", "demo_leader", "/leader/", name="leader/province"),
    Page("notices/", CITY_ORGANISER, "/notices/"),
    Page("system/", ADMIN, "/system/"),
    Page("system/holidays/", ADMIN, "/system/holidays/"),
    Page(
        "system/holidays/<int:year>/",
        ADMIN,
        lambda: reverse("calendar_year_edit", args=[next_year()]),
    ),
    # The roster and an enterprise's file.
    Page("enterprises/", CADRE, "/enterprises/"),
    Page("enterprises/", CITY_ORGANISER, "/enterprises/", name="enterprises/organiser"),
    Page("enterprises/", CITY_ORGANISER, "/enterprises/?page=2", name="enterprises/?page=2"),
    Page("enterprises/import/", ADMIN, "/enterprises/import/"),
    Page("enterprises/import/", ADMIN, "/enterprises/import/", submit=SUBMIT),
    Page("enterprises/<int:pk>/", CADRE, url("enterprise_detail", cadre_firm)),
    Page("enterprises/<int:pk>/visits/", CADRE, url("enterprise_visits", cadre_firm)),
    Page("enterprises/<int:pk>/tickets/", CADRE, url("enterprise_tickets", cadre_firm)),
    # Problems (tickets), meetings, the inbox.
    Page("tickets/<int:pk>/", CADRE, url("ticket_detail", cadre_ticket)),
    Page("tickets/<int:pk>/", HANDLER, url("ticket_detail", handler_ticket), name="ticket/handler"),
    Page("tickets/<int:pk>/assignment-form/", HANDLER, url("assignment_form", handler_ticket)),
    Page("tickets/list/", CITY_ORGANISER, "/tickets/list/"),
    Page("tickets/list/", LEADER, "/tickets/list/", name="tickets/list/leader"),
    Page("tickets/sorting/", CITY_ORGANISER, "/tickets/sorting/"),
    Page("tickets/meetings/", CITY_ORGANISER, "/tickets/meetings/"),
    Page("tickets/meetings/<int:pk>/", PROVINCE_ORGANISER, url("meeting_detail", meeting)),
    Page("tickets/meetings/<int:pk>/minutes/", "demo_leader", url("meeting_minutes", meeting)),
    Page("tickets/notifications/", HANDLER, "/tickets/notifications/"),
    Page("tickets/notifications/", ADMIN, "/tickets/notifications/", name="inbox/empty"),
    # Visits.
    Page("visits/new/<int:enterprise_pk>/", CADRE, url("visit_new", cadre_firm)),
    Page(
        "visits/new/<int:enterprise_pk>/",
        CADRE,
        url("visit_new", cadre_firm),
        submit=SUBMIT,
        clear=("#id_date",),
    ),
    Page("visits/<int:pk>/", CADRE, url("visit_detail", cadre_visit)),
    # Pairing: campaigns, suggestions, cadres, help plans, diaries.
    Page("pairing/campaigns/new/", PROVINCE_ORGANISER, "/pairing/campaigns/new/"),
    Page("pairing/campaigns/new/", PROVINCE_ORGANISER, "/pairing/campaigns/new/", submit=SUBMIT),
    Page("pairing/campaigns/<int:pk>/", ORGANISER, url("campaign_detail", campaign)),
    Page("pairing/campaigns/<int:pk>/edit/", PROVINCE_ORGANISER, url("campaign_edit", campaign)),
    Page("pairing/campaigns/<int:pk>/uncovered/", ORGANISER, url("uncovered_list", campaign)),
    Page("pairing/campaigns/<int:pk>/pairings/", ORGANISER, url("campaign_pairings", campaign)),
    Page("pairing/campaigns/<int:pk>/pair/", ORGANISER, url("pair_new", campaign)),
    Page("pairing/campaigns/<int:pk>/pair/", ORGANISER, url("pair_new", campaign), submit=SUBMIT),
    Page("pairing/suggestions/<int:pk>/", ORGANISER, url("suggestion_run", suggestion_run)),
    Page("pairing/cadres/", ORGANISER, "/pairing/cadres/"),
    Page("pairing/cadres/<int:pk>/", CITY_ORGANISER, url("cadre_detail", cadre_record)),
    Page(
        "pairing/cadres/<int:pk>/hand-over/", CITY_ORGANISER, url("cadre_hand_over", cadre_record)
    ),
    Page("pairing/cadres/<int:pk>/diary/", CADRE, url("cadre_diary", cadre_record)),
    Page("pairing/help-plans/", CADRE, "/pairing/help-plans/"),
    Page("pairing/help-plans/", CITY_ORGANISER, "/pairing/help-plans/", name="help-plans/city"),
    Page(
        "pairing/help-plans/",
        CITY_ORGANISER,
        "/pairing/help-plans/?show=owed",
        name="help-plans/owed",
    ),
    Page("pairing/help-plans/new/<int:enterprise_pk>/", CADRE, url("help_plan_new", cadre_firm)),
    Page(
        "pairing/help-plans/new/<int:enterprise_pk>/",
        CADRE,
        url("help_plan_new", cadre_firm),
        submit=SUBMIT,
    ),
    Page(
        "pairing/help-plans/<int:enterprise_pk>/<int:pk>/",
        CADRE,
        lambda: reverse("help_plan_edit", args=[help_plan().enterprise_id, help_plan().pk]),
    ),
    # The imports an organiser or the system admin starts.
    Page("pairing/import/county/", ADMIN, "/pairing/import/county/"),
    Page("pairing/import/units/", ADMIN, "/pairing/import/units/"),
    Page("pairing/import/cadres/", ADMIN, "/pairing/import/cadres/"),
    Page("pairing/import/cadres/", ADMIN, "/pairing/import/cadres/", submit=SUBMIT),
    Page("pairing/import/pairings/", CITY_ORGANISER, "/pairing/import/pairings/"),
    # The firm portal (a firm signed in with its texted code: FIRM).
    Page("firm/login/", None, "/firm/login/"),
    Page("firm/login/", None, "/firm/login/", submit=SUBMIT),
    Page("firm/login/code/", CADRE, "/firm/login/code/", name="firm/login/code/cadre"),
    Page("firm/", FIRM, "/firm/"),
    Page("firm/new/", FIRM, "/firm/new/"),
    Page("firm/new/", FIRM, "/firm/new/", submit=SUBMIT),
    Page("firm/tickets/<int:pk>/", FIRM, url("portal_ticket", firm_ticket)),
]

# Routes answering 200 that are not pages a person reads.
NOT_PAGES = {
    "metrics": "Prometheus text",
    "api/v1/openapi.json": "the API's schema, JSON",
    "api/v1/docs": "django-ninja's Swagger UI for integrators' developers, its markup not ours: "
    "test_the_api_documentation_draws_under_the_policy checks it under the CSP",
    "pairing/picker/cadres/": "an htmx fragment inside the pair and campaign forms (visited there)",
    "pairing/picker/firms/": "an htmx fragment inside the pair and campaign forms (visited there)",
    "enterprises/import/template.xlsx": "a workbook",
    "pairing/import/units/template.xlsx": "a workbook",
    "pairing/import/cadres/template.xlsx": "a workbook",
    "pairing/import/pairings/template.xlsx": "a workbook",
}

# The Django admin and the RQ dashboard (not in the permission matrix's table): a sample of each
# kind of page they have.
ADMIN_PAGES = [
    Page("admin/", ADMIN, "/admin/", name="admin"),
    Page("admin/", ADMIN, "/admin/enterprises/enterprise/", name="admin/changelist"),
    Page(
        "admin/",
        ADMIN,
        lambda: reverse("admin:enterprises_enterprise_change", args=[cadre_firm().pk]),
        name="admin/change",
    ),
    Page(
        "admin/",
        ADMIN,
        "/admin/accounts/orgunit/add/",
        submit="#content-main form input[type=submit][name=_save]",
        name="admin/add",
    ),
    Page("django-rq/", ADMIN, "/django-rq/", name="django-rq"),
]
