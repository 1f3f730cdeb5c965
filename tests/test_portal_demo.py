"""The demo shows the firm portal: demo_logins prints how to sign in as a demo firm (its credit
code, and where the SMS code is written); portal-raised problems wait in the sorting queue and on
demo_cadre's home page, one with a question for the firm, one awaiting its rating."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from issues.models import RatedBy, Source, Status, Ticket
from tests.helpers import sign_in
from tests.portal_helpers import last_code, run_jobs_at_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command(
        "seed_demo", enterprises=400, cadres=120, towns=8, tickets=150, stdout=io.StringIO()
    )


def test_the_demo_has_portal_problems_in_every_state_the_firm_acts_on(seeded):
    mine = Ticket.objects.filter(source=Source.FIRM)
    assert mine.filter(status=Status.REGISTERED).exists()
    assert mine.exclude(firm_question="").exists()
    assert mine.filter(status=Status.RESOLVED).exists()
    assert mine.filter(status=Status.CLOSED, rated_by=RatedBy.FIRM).exists()
    cadre = sign_in(Client(), User.objects.get(username="demo_cadre"))
    home = cadre.get(reverse("cadre_home")).content.decode()
    waiting = mine.get(status=Status.REGISTERED)
    assert waiting.title in home and "待企业评价" in home


def test_demo_logins_shows_how_to_sign_in_as_a_firm_with_the_texted_code(
    seeded, settings, tmp_path, monkeypatch
):
    run_jobs_at_once(monkeypatch)
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "/firm/login/" in text and str(tmp_path / "sms.log") in text
    uscc = re.search(r"^\s+([0-9A-Z]{18})\s", text, re.M).group(1)
    client = Client()
    client.post(reverse("portal_login"), {"uscc": uscc})
    firm_phone = re.search(r"\t(1\d{10})\t", (tmp_path / "sms.log").read_text("utf-8")).group(1)
    client.post(reverse("portal_verify"), {"code": last_code(tmp_path / "sms.log", firm_phone)})
    home = client.get(reverse("portal_home"))
    assert home.status_code == 200 and "我的诉求" in home.content.decode()
