"""Login, each role's home page with its own data only, scoped detail pages (404 outside scope),
the language switch, and query counts that do not grow with the data."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry, OrgUnit
from issues.models import Status
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    x = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="X", name="东城区")
    y = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="Y", name="西江区")
    x1 = f.make_unit(parent=x, code="X1", name="云溪镇")
    y1 = f.make_unit(parent=y, code="Y1", name="青石镇")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D", name="市经信局")
    campaign = f.make_campaign(scope_unit=city, name="驻企服务行动")
    a = f.make_cadre(user=f.make_user("cadre", home_unit=x1, display_name="甲干部"))
    b = f.make_cadre(user=f.make_user("cadre", home_unit=y1, display_name="乙干部"))
    ea = f.make_enterprise(town=x1, name="云溪甲机械有限公司")
    eb = f.make_enterprise(town=y1, name="青石乙鞋业有限公司")
    f.make_pairing(cadre=a, enterprise=ea, campaign=campaign)
    f.make_pairing(cadre=b, enterprise=eb, campaign=campaign)
    ta = f.make_ticket(
        enterprise=ea,
        raised_by=a.user,
        title="甲企业用地难",
        owner_unit=dept,
        status=Status.ASSIGNED,
    )
    tb = f.make_ticket(enterprise=eb, raised_by=b.user, title="乙企业融资难", status=Status.CLOSED)
    return dict(
        city=city,
        x=x,
        y=y,
        x1=x1,
        dept=dept,
        a=a,
        b=b,
        ea=ea,
        eb=eb,
        ta=ta,
        tb=tb,
        campaign=campaign,
    )


def page(client, name, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    return response, response.content.decode()


def test_login_form_signs_in_and_sends_each_role_home(client, world):
    f.make_user("leader", username="lingdao", jurisdiction_unit=world["x"])
    login = client.post(reverse("login"), {"username": "lingdao", "password": f.PASSWORD})
    assert login.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("leader_home")


def test_a_wrong_password_is_refused_with_a_chinese_message(client, world):
    f.make_user("cadre", username="ganbu")
    response = client.post(reverse("login"), {"username": "ganbu", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_five_wrong_passwords_say_the_account_is_locked(client, world):
    f.make_user("cadre", username="ganbu")
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "ganbu", "password": "nope"})
    assert "账号已锁定" in response.content.decode()
    response = client.post(reverse("login"), {"username": "ganbu", "password": f.PASSWORD})
    assert "账号已锁定" in response.content.decode()


def test_anonymous_visitors_are_sent_to_login(client):
    for name in ["home", "cadre_home", "leader_home"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_is_told_so(client):
    response = sign_in(client, f.make_user()).get(reverse("home"))
    assert response.status_code == 403
    assert "尚未分配角色" in response.content.decode()


def test_cadre_home_lists_own_firms_and_tickets_only(client, world):
    sign_in(client, world["a"].user)
    response, html = page(client, "cadre_home")
    assert response.status_code == 200
    assert "云溪甲机械有限公司" in html and "甲企业用地难" in html
    assert "青石乙鞋业有限公司" not in html and "乙企业融资难" not in html


def test_handler_home_lists_the_units_tickets(client, world):
    sign_in(client, f.make_user("handler", home_unit=world["dept"]))
    response, html = page(client, "handler_home")
    assert "甲企业用地难" in html and "乙企业融资难" not in html
    filtered = client.get(reverse("handler_home") + "?status=closed").content.decode()
    assert "甲企业用地难" not in filtered


def test_organiser_home_counts_pairings_in_their_area(client, world):
    sign_in(client, f.make_user("organiser", jurisdiction_unit=world["x"]))
    response, _html = page(client, "organiser_home")
    [campaign] = response.context["campaigns"]
    assert (campaign.active_pairings, campaign.enterprises_covered, campaign.cadres_paired) == (
        1,
        1,
        1,
    )
    assert response.context["enterprise_total"] == 1


def test_leader_home_shows_area_figures_for_their_area_only(client, world):
    sign_in(client, f.make_user("leader", jurisdiction_unit=world["x"]))
    response, html = page(client, "leader_home")
    figures = response.context["current"]
    assert (figures.collected, figures.resolved, figures.open) == (1, 0, 1)
    assert "东城区" in html
    city = f.make_user("leader", jurisdiction_unit=world["city"])
    response, html = page(sign_in(client, city), "leader_home")
    assert response.context["current"].collected == 2
    rows = {  # the area rows count the chosen period (this month) beside the stock
        row.name: (row.enterprises, row.now.collected, row.now.solved)
        for row in response.context["rows"]
    }
    assert rows == {"东城区": (1, 1, 0), "西江区": (1, 1, 1)}
    assert "50.0%" in html  # 化解率: 1 solved of 2 collected


@pytest.mark.parametrize(
    "name", ["cadre_home", "handler_home", "organiser_home", "leader_home", "admin_home"]
)
def test_role_pages_refuse_other_roles(client, world, name):
    sign_in(client, f.make_user("cadre" if name != "cadre_home" else "handler"))
    response = client.get(reverse(name))
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="access_denied").exists()


def test_detail_pages_answer_404_outside_scope_and_record_it(client, world):
    sign_in(client, world["a"].user)
    assert client.get(reverse("enterprise_detail", args=[world["ea"].pk])).status_code == 200
    assert client.get(reverse("ticket_detail", args=[world["ta"].pk])).status_code == 200
    for name, obj in [("enterprise_detail", world["eb"]), ("ticket_detail", world["tb"])]:
        assert client.get(reverse(name, args=[obj.pk])).status_code == 404
    assert client.get(reverse("enterprise_detail", args=[999999])).status_code == 404
    assert AuditEntry.objects.filter(action="access_denied", user=world["a"].user).count() == 2


def test_a_refusal_records_who_asked_for_what(client, world):
    user = world["a"].user
    sign_in(client, user)
    assert client.get(reverse("leader_home")).status_code == 403
    assert client.get(reverse("ticket_detail", args=[world["tb"].pk])).status_code == 404
    entries = AuditEntry.objects.filter(action="access_denied").order_by("pk")
    assert [(e.user, e.result, e.changes) for e in entries] == [
        (user, AuditEntry.Result.DENIED, {"path": reverse("leader_home")}),
        (
            user,
            AuditEntry.Result.DENIED,
            {"object_type": "issues.ticket", "object_id": str(world["tb"].pk)},
        ),
    ]


def test_a_refused_object_is_recorded_with_the_address_or_without_a_request(client, world):
    from django.http import Http404

    from accounts.access import get_object_for
    from issues.models import Ticket

    user = world["a"].user
    sign_in(client, user)
    assert client.get(reverse("ticket_detail", args=[world["tb"].pk])).status_code == 404
    assert AuditEntry.objects.get(action="access_denied").ip == "127.0.0.1"
    with pytest.raises(Http404):
        get_object_for(user, Ticket.objects.all(), world["tb"].pk)  # a job's read: no request
    assert AuditEntry.objects.filter(action="access_denied", user=user).count() == 2


def test_district_leaders_open_their_district_only(client, world):
    sign_in(client, f.make_user("leader", jurisdiction_unit=world["y"]))
    assert client.get(reverse("enterprise_detail", args=[world["eb"].pk])).status_code == 200
    assert client.get(reverse("enterprise_detail", args=[world["ea"].pk])).status_code == 404
    assert client.get(reverse("ticket_detail", args=[world["ta"].pk])).status_code == 404


def test_the_enterprise_file_masks_the_contact_phone(client, world):
    world["ea"].contact_phone = "13812341234"
    world["ea"].save()
    sign_in(client, world["a"].user)
    html = client.get(reverse("enterprise_detail", args=[world["ea"].pk])).content.decode()
    assert "138****1234" in html and "13812341234" not in html


def test_the_language_switch_gives_english(client, world):
    sign_in(client, world["a"].user)
    assert 'lang="zh-hans"' in client.get(reverse("cadre_home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("cadre_home")})
    html = client.get(reverse("cadre_home")).content.decode()
    assert 'lang="en"' in html
    assert "My enterprises" in html


def add_pairings(world, n):
    for _ in range(n):
        enterprise = f.make_enterprise(town=world["x1"])
        f.make_pairing(cadre=world["a"], enterprise=enterprise, campaign=world["campaign"])
        f.make_ticket(enterprise=enterprise, raised_by=world["a"].user, status=Status.ASSIGNED)
        f.make_visit(cadre=world["a"], enterprise=enterprise)


@pytest.mark.parametrize(
    ("name", "persona"),
    [
        ("cadre_home", "cadre"),
        ("handler_home", "handler"),
        ("organiser_home", "organiser"),
        ("leader_home", "leader"),
    ],
)
def test_home_pages_run_the_same_number_of_queries_for_3_or_30_rows(
    client, world, django_assert_num_queries, name, persona
):
    users = {
        "cadre": world["a"].user,
        "handler": f.make_user("handler", home_unit=world["dept"]),
        "organiser": f.make_user("organiser", jurisdiction_unit=world["x"]),
        "leader": f.make_user("leader", jurisdiction_unit=world["city"]),
    }
    sign_in(client, users[persona])
    add_pairings(world, 3)
    client.get(reverse(name))  # warm the session and content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name))
    add_pairings(world, 27)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


def test_chinese_is_the_default_whatever_the_browser_asks(client, world):
    sign_in(client, world["a"].user)
    html = client.get(reverse("cadre_home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in html and "我的联系企业" in html


def test_the_handler_queue_lists_open_tickets_before_finished_ones(client, world):
    handler = f.make_user("handler", home_unit=world["dept"])
    done = f.make_ticket(
        enterprise=world["ea"],
        owner_unit=world["dept"],
        status=Status.CLOSED,
        due_date="2026-01-01",
        title="早已办结",
    )
    response = sign_in(client, handler).get(reverse("handler_home"))
    titles = [t.title for t in response.context["page"]]
    assert titles == ["甲企业用地难", done.title]


def test_the_pager_keeps_the_filter(client, world):
    handler = f.make_user("handler", home_unit=world["dept"])
    for _ in range(30):
        f.make_ticket(enterprise=world["ea"], owner_unit=world["dept"], status=Status.ASSIGNED)
    html = (
        sign_in(client, handler).get(reverse("handler_home") + "?status=assigned").content.decode()
    )
    assert "?status=assigned&amp;page=2" in html
