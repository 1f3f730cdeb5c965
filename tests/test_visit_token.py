"""A visit sent twice is known by the one-time token its form was drawn with, not by its content
(issue 21): a double tap or a resend is saved once; two identical visits written on purpose, each
on a form of its own, are both kept."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from pairing.models import Visit
from tests import test_visit_bad_input as visits
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
world = visits.world  # the cadre paired with a firm, as a fixture of this module
TOKEN = re.compile(r'<input type="hidden" name="submission_token" value="([0-9a-f-]{36})"')


def drawn_token(client, firm) -> str:
    """The token of a freshly drawn visit form, as the browser holds it (and its draft keeps)."""
    page = client.get(reverse("visit_new", args=[firm.pk])).content.decode()
    return TOKEN.search(page).group(1)


def test_each_drawing_of_the_form_has_its_own_token(client, world):
    sign_in(client, world["cadre"].user)
    assert drawn_token(client, world["firm"]) != drawn_token(client, world["firm"])


def test_two_identical_visits_written_on_purpose_are_both_kept(client, world):
    sign_in(client, world["cadre"].user)
    firm = world["firm"]
    for _ in range(2):  # the same words, the same day, each on a form drawn for it
        data = visits.visit_data(submission_token=drawn_token(client, firm))
        assert visits.post(client, firm, data).status_code == 302
    assert Visit.objects.count() == 2
    assert Visit.objects.values("notes", "date").distinct().count() == 1


def test_a_resend_of_the_same_form_is_saved_once_even_when_edited(client, world):
    sign_in(client, world["cadre"].user)
    firm = world["firm"]
    token = drawn_token(client, firm)
    first = visits.post(client, firm, visits.visit_data(submission_token=token))
    # The draft restored after a lost answer, a word changed, sent again: the same visit.
    again = visits.post(client, firm, visits.visit_data(submission_token=token, notes="改了一个字"))
    assert Visit.objects.count() == 1 and again["Location"] == first["Location"]
    assert Visit.objects.get().submission_token is not None
