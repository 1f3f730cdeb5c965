"""Hostile input at every URL of the permission matrix: a NUL byte in any parameter answers 400;
an over-long value or a value of the wrong type in any parameter a page takes answers 400 or the
page (with a message on its form), never 500.

The parameters of a page are read from the page itself: the names of its form fields and of the
query strings in its links. Each is then sent alone with each hostile value, by GET to the page and,
for the page's POST forms, by POST to the form's action.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.urls import reverse

from tests import test_permission_matrix as matrix

pytestmark = pytest.mark.django_db

world = matrix.world  # the matrix's world, as a fixture of this module

NUL = "abc\x00def"
# Over-long: past any max_length and past PostgreSQL's integer and numeric ranges. Wrong type: text
# where a number, an id or a choice is expected, an impossible date, numbers where text is.
HOSTILE_VALUES = ["9" * 5000, "长" * 300, "abc", "2026-02-30"]
# Forms whose POST would end the session or switch the language for the rest of the walk.
SESSION_ACTIONS = {"/logout/", "/i18n/setlang/", "/admin/logout/"}

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
FIELD_NAME = re.compile(r"<(?:input|select|textarea|button)\b[^>]*\bname=\"([^\"]+)\"", re.I)
ATTR = re.compile(r"\b(method|action)=\"([^\"]*)\"", re.I)
QUERY_LINK = re.compile(r"\bhref=\"([^\"]*\?[^\"]*)\"", re.I)


# Pages whose forms depend on who reads them: the ticket shows the handler and the organiser their
# own actions.
MORE_READERS = {"tickets/<int:pk>/": ["handler", "organiser"]}


def readers(route: str) -> list[str]:
    """The first persona who sees the page, and those of MORE_READERS."""
    if route.startswith(matrix.ADMIN_PREFIXES):
        return ["admin"]
    answers = matrix.GET[route]
    first = [p for p in matrix.PERSONAS if answers[p] == matrix.OK][:1]
    return first + MORE_READERS.get(route, []) if first else []


def parameters(url: str, html: str) -> tuple[set[str], dict[str, set[str]]]:
    """The page's GET parameter names, and its POST forms' field names by action URL."""
    get_names = {name for href in QUERY_LINK.findall(html) for name, _v in _query(href)}
    posts: dict[str, set[str]] = {}
    for attrs, body in FORM.findall(html):
        found = dict((k.lower(), v) for k, v in ATTR.findall(attrs))
        names = set(FIELD_NAME.findall(body)) - {"csrfmiddlewaretoken"}
        if found.get("method", "get").lower() == "post":
            action = urljoin(url, found.get("action") or url).replace("&amp;", "&")
            posts.setdefault(action, set()).update(names)
        else:
            get_names |= names
    return get_names, posts


def _query(href: str):
    return parse_qsl(urlsplit(href.replace("&amp;", "&")).query, keep_blank_values=True)


# Of Django's admin and django-rq's pages, the lists are those that read query parameters (search,
# filters, ordering, paging); their forms are Django's own and are not posted (a POST there may
# delete the world).
ADMIN_LIST = re.compile(r"^(admin/([a-z_]+/[a-z_]+/)?|django-rq/)$")


def walked_routes() -> dict[str, object]:
    """The routes of the matrix the walk visits, with their patterns: each a test of its own, so
    that a tool that runs only the tests reaching some code (mutation testing) runs only the
    pages that reach it."""
    walked = {}
    for route, pattern in matrix.routes():
        if matrix.NEEDS_A_REAL_JOB.search(route) or route in matrix.ADMIN_OPEN:
            continue
        if route.startswith(matrix.ADMIN_PREFIXES) and not ADMIN_LIST.match(route):
            continue
        if readers(route):
            walked[route] = pattern
    return walked


WALKED = walked_routes()


def test_the_walk_covers_the_pages_of_every_app():
    assert len(WALKED) > 100
    firsts = {route.split("/")[0] for route in WALKED}
    assert {"admin", "pairing", "enterprises", "tickets", "firm", "visits", "api"} <= firsts


def test_a_pages_parameters_are_its_links_query_names_and_its_forms_fields():
    html = (
        '<a href="?page=2&amp;status=open">next</a>'
        '<form method="get"><input name="q"><select name="town"></select></form>'
        '<form method="post" action="act/"><input name="csrfmiddlewaretoken">'
        '<textarea name="note"></textarea><button name="action">go</button></form>'
    )
    get_names, posts = parameters("http://testserver/tickets/1/", html)
    assert get_names == {"page", "status", "q", "town"}
    assert posts == {"http://testserver/tickets/1/act/": {"note", "action"}}


def test_a_nul_byte_in_any_parameter_answers_400_at_every_url(world):
    client = matrix.client_for("organiser", world)
    checked = 0
    for route, pattern in matrix.routes():
        url = matrix.resolved_url(route, pattern, world)
        if url is None:
            continue
        for send in (client.get, client.post):
            response = send(url, {"q": NUL, "page": "1"})
            assert response.status_code == 400, (send.__name__, url, response.status_code)
            assert "NUL" in response.content.decode()
        response = client.get(url, {NUL: "1"})  # in a parameter's name
        assert response.status_code == 400, (url, response.status_code)
        checked += 1
    assert checked > 60
    # Refused before it reached the view: the session still works.
    assert client.get(reverse("organiser_home")).status_code == 200


@pytest.mark.parametrize("route", list(WALKED))
def test_an_over_long_or_wrong_typed_parameter_never_answers_500(world, route):
    url = matrix.resolved_url(route, WALKED[route], world)
    if url is None:
        pytest.skip("no sample arguments fit this admin route")
    tried = 0
    for persona in readers(route):
        client = matrix.client_for(persona, world)
        page = client.get(url)
        assert page.status_code < 500, (url, page.status_code)
        html = page.content.decode(errors="replace") if page.status_code == 200 else ""
        get_names, posts = parameters(url, html)
        # Django's own list pages get the two values that reach a query: too long, wrong type.
        values = HOSTILE_VALUES[::2] if route.startswith(matrix.ADMIN_PREFIXES) else HOSTILE_VALUES
        for name in sorted(get_names | {"page", "q"}):
            for value in values:
                response = client.get(url, {name: value})
                tried += 1
                assert response.status_code in (200, 302, 400, 403, 404, 405), (
                    url,
                    name,
                    value[:12],
                    response.status_code,
                )
        if route.startswith(matrix.ADMIN_PREFIXES):
            continue
        for action, names in posts.items():
            if urlsplit(action).path in SESSION_ACTIONS:
                continue
            for name in sorted(names):
                for value in HOSTILE_VALUES:
                    response = client.post(action, {name: value})
                    tried += 1
                    assert response.status_code in (200, 302, 400, 403, 404, 405), (
                        "POST",
                        action,
                        name,
                        value[:12],
                        response.status_code,
                    )
    assert tried >= 2  # page and q at least
