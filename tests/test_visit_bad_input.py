"""Bad input on the cadre's visit form: forged enterprises, dates out of range, empty or too many
problems, bad survey answers, double submits, and the page in English. Each is refused with a
message, keeps what was typed and writes nothing; another's record answers 404; never a 500."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry, OrgUnit
from enterprises.models import Enterprise
from issues.models import Ticket, TicketEvent
from pairing.models import Pairing, Visit
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    town = f.make_unit(parent=city, code="T")
    other_town = f.make_unit(parent=city, code="O")
    campaign = f.make_campaign(scope_unit=city, start=TODAY - datetime.timedelta(days=100))
    cadre = f.make_cadre(unit=town)
    firm = f.make_enterprise(town=town, production_status="normal")
    f.make_pairing(cadre=cadre, enterprise=firm, campaign=campaign, start=campaign.start)
    other_cadre = f.make_cadre(unit=other_town)
    other_firm = f.make_enterprise(town=other_town)
    f.make_pairing(
        cadre=other_cadre, enterprise=other_firm, campaign=campaign, start=campaign.start
    )
    return {
        "cadre": cadre,
        "firm": firm,
        "other_cadre": other_cadre,
        "other_firm": other_firm,
        "campaign": campaign,
    }


def snapshot():
    return (
        Visit.objects.count(),
        Ticket.objects.count(),
        TicketEvent.objects.count(),
        list(Enterprise.objects.order_by("pk").values_list("pk", "production_status")),
        AuditEntry.objects.exclude(action="access_denied").count(),
    )


def visit_data(problems=1, **extra):
    data = {
        "date": TODAY.isoformat(),
        "mode": "on_site",
        "output_status": "reduced",
        "survey_orders": "down",
        "survey_staff": "120",
        "notes": "订单下滑，原料涨价。",
        "problems-TOTAL_FORMS": str(problems),
        "problems-INITIAL_FORMS": "0",
    }
    for i in range(problems):
        data.update(
            {
                f"problems-{i}-category": "financing",
                f"problems-{i}-urgency": "normal",
                f"problems-{i}-title": f"难题标题{i}号",
                f"problems-{i}-description": f"难题详情{i}号",
            }
        )
    data.update(extra)
    return data


def post(client, firm, data):
    return client.post(reverse("visit_new", args=[firm.pk]), data)


def assert_refused_and_kept(response, before, *typed):
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="errorlist' in page
    for text in ("订单下滑，原料涨价。", *typed):
        assert text in page
    assert snapshot() == before
    return page


@pytest.mark.parametrize("which", ["other_firm", "missing"])
def test_a_forged_enterprise_id_is_404_and_writes_nothing(client, world, which):
    sign_in(client, world["cadre"].user)
    pk = world["other_firm"].pk if which == "other_firm" else 999999
    before = snapshot()
    assert client.get(reverse("visit_new", args=[pk])).status_code == 404
    assert client.post(reverse("visit_new", args=[pk]), visit_data()).status_code == 404
    assert snapshot() == before


def test_an_organiser_who_sees_the_firm_but_is_no_cadre_cannot_log_a_visit(client, world):
    organiser = f.make_user("cadre", "organiser", jurisdiction_unit=world["firm"].town.parent)
    sign_in(client, organiser)
    before = snapshot()
    assert post(client, world["firm"], visit_data()).status_code == 404
    assert snapshot() == before


def test_another_cadres_visit_is_404(client, world):
    visit = f.make_visit(cadre=world["other_cadre"], enterprise=world["other_firm"])
    sign_in(client, world["cadre"].user)
    assert client.get(reverse("visit_detail", args=[visit.pk])).status_code == 404
    assert client.get(reverse("visit_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ((TODAY + datetime.timedelta(days=365 * 3)).isoformat(), "走访日期不能晚于今天"),
        ((TODAY - datetime.timedelta(days=367)).isoformat(), "只能填报一年内的走访"),
        ("2019-05-01", "只能填报一年内的走访"),
        ("0001-01-01", "只能填报一年内的走访"),
        ("2026-02-30", "有效的日期"),
        ("99999-01-01", "有效的日期"),
        ("yesterday", "有效的日期"),
        ("", "这个字段是必填项"),
    ],
)
def test_a_date_out_of_range_or_malformed_is_refused_and_the_rest_is_kept(
    client, world, date, message
):
    sign_in(client, world["cadre"].user)
    before = snapshot()
    response = post(client, world["firm"], visit_data(date=date))
    page = assert_refused_and_kept(response, before, "难题标题0号", "难题详情0号")
    assert message in page


def test_the_oldest_day_allowed_is_accepted(client, world):
    oldest = TODAY - datetime.timedelta(days=366)
    Pairing.objects.filter(cadre=world["cadre"]).update(start=oldest)
    sign_in(client, world["cadre"].user)
    response = post(client, world["firm"], visit_data(date=oldest.isoformat()))
    assert response.status_code == 302
    assert Visit.objects.get().date == oldest


@pytest.mark.parametrize(
    "blank",
    [
        {"problems-0-title": ""},
        {"problems-0-title": "   "},
        {"problems-0-title": "\u3000\u3000"},
        {"problems-0-description": ""},
        {"problems-0-category": ""},
        {"problems-0-category": "bogus"},
        {"problems-0-urgency": "panic"},
        {"problems-0-title": "长" * 201},
    ],
)
def test_a_problem_with_an_empty_or_bad_field_is_refused_and_kept(client, world, blank):
    sign_in(client, world["cadre"].user)
    before = snapshot()
    data = visit_data(problems=2, **blank)
    response = post(client, world["firm"], data)
    assert_refused_and_kept(response, before, "难题标题1号", "难题详情1号")


def test_twenty_problems_at_once_make_twenty_tickets(client, world):
    sign_in(client, world["cadre"].user)
    response = post(client, world["firm"], visit_data(problems=20))
    assert response.status_code == 302
    assert Ticket.objects.filter(visit=Visit.objects.get()).count() == 20


def test_more_problems_than_allowed_are_refused_and_none_is_lost(client, world):
    sign_in(client, world["cadre"].user)
    before = snapshot()
    response = post(client, world["firm"], visit_data(problems=21))
    page = assert_refused_and_kept(response, before)
    assert "一次走访最多登记 20 个难题" in page
    for i in range(21):
        assert f"难题标题{i}号" in page and f"难题详情{i}号" in page


@pytest.mark.parametrize(
    "management",
    [
        {"problems-TOTAL_FORMS": "abc"},
        {"problems-TOTAL_FORMS": ""},
    ],
)
def test_a_forged_management_form_is_refused_with_a_message(client, world, management):
    sign_in(client, world["cadre"].user)
    before = snapshot()
    response = post(client, world["firm"], visit_data(**management))
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert snapshot() == before


def test_an_empty_problem_left_untouched_is_ignored(client, world):
    sign_in(client, world["cadre"].user)
    data = visit_data(problems=1)
    data.update(
        {
            "problems-TOTAL_FORMS": "2",
            "problems-1-category": "",
            "problems-1-urgency": "normal",
            "problems-1-title": "",
            "problems-1-description": "",
        }
    )
    response = post(client, world["firm"], data)
    assert response.status_code == 302 and Ticket.objects.count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"survey_staff": "-1"},
        {"survey_staff": "abc"},
        {"survey_staff": "1.5"},
        {"survey_staff": "1e3"},
        {"survey_staff": "1000001"},
        {"survey_staff": "99999999999999999999999999"},
        {"survey_hiring_gap": "十"},
        {"survey_orders": "boom"},
        {"survey_tech_upgrade": "done"},
        {"mode": "telepathy"},
        {"output_status": "exploded"},
        {"services": ["nonsense"]},
    ],
)
def test_a_bad_survey_answer_is_refused_and_the_rest_is_kept(client, world, bad):
    sign_in(client, world["cadre"].user)
    before = snapshot()
    response = post(client, world["firm"], visit_data(**bad))
    assert_refused_and_kept(response, before, "难题标题0号", "难题详情0号")


def test_survey_answers_with_spaces_or_full_width_digits_are_read(client, world):
    sign_in(client, world["cadre"].user)
    response = post(
        client, world["firm"], visit_data(survey_staff=" 120 ", survey_hiring_gap="１２")
    )
    assert response.status_code == 302
    assert Visit.objects.get().survey == {"orders": "down", "staff": 120, "hiring_gap": 12}


def test_a_double_submit_saves_one_visit(client, world):
    sign_in(client, world["cadre"].user)
    token = str(uuid.uuid4())  # the form's, as drawn
    first = post(client, world["firm"], visit_data(problems=2, submission_token=token))
    assert first.status_code == 302
    before = snapshot()
    second = post(client, world["firm"], visit_data(problems=2, submission_token=token))
    assert snapshot() == before
    # The repeat lands on the visit already saved, with a word of it.
    assert second.status_code == 302 and second["Location"] == first["Location"]
    page = client.get(second["Location"]).content.decode()
    assert "未重复保存" in page


def test_a_second_different_visit_the_same_day_is_saved(client, world):
    sign_in(client, world["cadre"].user)
    post(client, world["firm"], visit_data())
    response = post(client, world["firm"], visit_data(notes="下午再次电话回访。", mode="phone"))
    assert response.status_code == 302 and Visit.objects.count() == 2


HAN = re.compile(r"[\u4e00-\u9fff]")


def english_page_han(page: str, *allowed: str) -> list[str]:
    """Chinese left on an English page once the user's own data and the language menu are out."""
    for text in allowed:
        page = page.replace(text, "")
    page = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    page = page.replace("简体中文", "")
    return [line.strip() for line in page.splitlines() if HAN.search(line)]


def test_the_form_in_english_has_no_chinese_left(client, world):
    sign_in(client, world["cadre"].user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("visit_new", args=[world["firm"].pk])).content.decode()
    assert 'lang="en"' in page
    user = world["cadre"].user.display_name
    assert english_page_han(page, world["firm"].name, str(world["firm"].town), user) == []


def test_a_refused_form_in_english_says_why_in_english_and_keeps_the_typing(client, world):
    sign_in(client, world["cadre"].user)
    client.cookies["django_language"] = "en"
    before = snapshot()
    future = (TODAY + datetime.timedelta(days=2)).isoformat()
    response = post(
        client,
        world["firm"],
        visit_data(problems=2, date=future, survey_staff="-3", **{"problems-1-title": ""}),
    )
    page = assert_refused_and_kept(response, before, "难题标题0号", "难题详情1号")
    typed = ["订单下滑，原料涨价。", "难题标题0号", "难题详情0号", "难题详情1号"]
    typed.append(world["cadre"].user.display_name)
    assert english_page_han(page, world["firm"].name, str(world["firm"].town), *typed) == []


def test_too_many_problems_in_english(client, world):
    sign_in(client, world["cadre"].user)
    client.cookies["django_language"] = "en"
    response = post(client, world["firm"], visit_data(problems=21))
    assert "at most 20 problems" in response.content.decode()


def test_a_nul_character_typed_or_pasted_is_refused_not_a_server_error(client, world):
    sign_in(client, world["cadre"].user)
    before = snapshot()
    response = post(
        client, world["firm"], visit_data(**{"problems-0-description": "难题详情0号\x00"})
    )
    # Refused for every URL before any view (accounts.input_guard); the browser's draft keeps
    # what was typed.
    assert response.status_code == 400 and "空字符" in response.content.decode()
    assert snapshot() == before


def test_a_visit_dated_before_the_pairing_began_is_refused_on_its_date(client, world):
    sign_in(client, world["cadre"].user)
    before = snapshot()
    start = world["campaign"].start
    early = (start - datetime.timedelta(days=30)).isoformat()
    response = post(client, world["firm"], visit_data(date=early))
    page = assert_refused_and_kept(response, before, "难题标题0号", "难题详情0号")
    assert start.isoformat() in page
    assert response.context["form"].errors["date"]
    on_the_day = post(client, world["firm"], visit_data(date=start.isoformat()))
    assert on_the_day.status_code == 302


def test_a_visit_written_up_late_does_not_overwrite_the_status_a_later_visit_saw(client, world):
    Pairing.objects.filter(cadre=world["cadre"]).update(start=TODAY - datetime.timedelta(days=300))
    sign_in(client, world["cadre"].user)
    post(client, world["firm"], visit_data(output_status="normal", problems=0))
    old = (TODAY - datetime.timedelta(days=200)).isoformat()
    response = post(
        client, world["firm"], visit_data(date=old, output_status="stopped", problems=0)
    )
    assert response.status_code == 302 and Visit.objects.count() == 2
    world["firm"].refresh_from_db()
    assert world["firm"].production_status == "normal"
    # A later visit's status still replaces the one seen before it.
    post(client, world["firm"], visit_data(output_status="reduced", notes="复产一半。", problems=0))
    world["firm"].refresh_from_db()
    assert world["firm"].production_status == "reduced"
