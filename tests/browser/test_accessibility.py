"""Every page of every role (tests/browser/site_pages.py) on the demo site, at 1366 px and 390 px:
no axe-core violation, and no Content-Security-Policy violation with the policy enforced.

The demo site is seeded once for the module (committed, outside the tests' transactions) and
served by a live server of its own: pytest-django's live_server would make each test transactional
and empty the tables after it, and seeding the demo for each of ~80 pages would take minutes. The
tests only read (forms are submitted empty, which changes nothing; the sessions are made before).
When the module ends, the database is put back as it was before the seeding (emptied, then the
rows the migrations wrote reloaded, as Django's serialized rollback does), for the tests after it.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.middleware import OTP_OK_KEY
from reports.demo import SCALES, seed
from tests.browser import site_pages
from tests.browser.axe import (
    DESKTOP,
    PHONE,
    csp_violations,
    rule_result,
    violations,
    watch_csp,
)
from tests.browser.site_pages import ADMIN_PAGES, NOT_PAGES, PAGES, Page
from tests.test_permission_matrix import GET, OK

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    # `make mutate` keeps its test database between runs: this module would empty it.
    pytest.mark.skipif(
        getattr(settings, "KEEP_TEST_DATABASE", False), reason="empties the kept test database"
    ),
]

SMALL = dataclasses.replace(SCALES["city"], enterprises=500, cadres=140, towns=10, tickets=200)


class DemoSite:
    def __init__(self, url: str):
        self.url = url
        self.sessions: dict[str, str] = {}

    def cookies(self, username: str) -> list[dict]:
        """A signed-in session for the demo login (its second factor given), made once."""
        from accounts.models import User

        if username == site_pages.FIRM and username not in self.sessions:
            self.sessions[username] = firm_session()
        if username not in self.sessions:
            client = Client()
            client.force_login(User.objects.get(username=username))
            session = client.session
            session[OTP_OK_KEY] = True
            session.save()
            self.sessions[username] = session.session_key
        name, value = settings.SESSION_COOKIE_NAME, self.sessions[username]
        return [{"name": name, "value": value, "url": self.url}]


def firm_session() -> str:
    """A portal session for the demo firm, as its sign-in with the texted code leaves it."""
    from importlib import import_module

    from issues import portal_session

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[portal_session.ACCOUNT_KEY] = site_pages.firm_account().pk
    session[portal_session.AT_KEY] = int(time.time())
    session[portal_session.PHONE_KEY] = "138****0000"
    session.save()
    return session.session_key


def restart_sequences() -> None:
    """flush restarts PostgreSQL's sequences at 1 and the rows put back keep their ids: move each
    sequence past them, as loaddata does, or the next test's first insert collides."""
    models = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        seed(SMALL)
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        site = DemoSite(server.url)
        for page in PAGES + ADMIN_PAGES:  # sessions made now are committed on every database
            if page.login:
                site.cookies(page.login)
        try:
            yield site
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(before)
            restart_sequences()


@pytest.fixture(autouse=True)
def requests_done():
    """A test ends only when the server has answered every request its browser made: on SQLite
    the server shares the test's connection, and a request still running when the test's
    transaction is rolled back would leave that connection broken for every test after it."""
    yield
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(
        "process_request_thread" in thread.name for thread in threading.enumerate()
    ):
        time.sleep(0.05)


def test_every_page_answering_200_has_an_entry():
    pages = {route for route, answers in GET.items() if OK in answers.values()}
    listed = {page.route for page in PAGES}
    assert sorted(pages - listed - set(NOT_PAGES)) == []
    assert sorted(listed - set(GET)) == []


def visit(browser, site: DemoSite, entry: Page):
    """Open the page (and submit its form empty when asked) in a fresh context; the page and the
    CSP violations seen so far."""
    context = browser.new_context(base_url=site.url, locale="zh-CN", viewport=DESKTOP)
    context.set_default_timeout(60_000)  # a loaded CI machine
    console = watch_csp(context)
    if entry.login:
        context.add_cookies(site.cookies(entry.login))
    page = context.new_page()
    response = page.goto(entry.resolve())
    assert response.status == 200, (entry.id, response.status, page.url)
    assert "script-src 'self'" in response.headers.get("content-security-policy", "")
    if entry.submit:
        page.evaluate("document.querySelectorAll('form').forEach(f => { f.noValidate = true; })")
        for field in entry.clear:
            page.fill(field, "")
        with page.expect_navigation():
            page.click(entry.submit)
        errors = page.locator(".errorlist, .errornote, [aria-invalid=true], .alert")
        assert errors.count() > 0, f"{entry.id}: no error shown after an empty submit"
    return context, page, console


@pytest.mark.parametrize("entry", PAGES + ADMIN_PAGES, ids=lambda p: p.id)
def test_page_has_no_axe_or_csp_violation(browser, demo_site, entry):
    context, page, console = visit(browser, demo_site, entry)
    try:
        found = {"desktop": violations(page)}
        page.set_viewport_size(PHONE)
        found["phone"] = violations(page)
        found["csp"] = csp_violations(page, console)
    finally:
        context.close()
    report = [f"{where}: {line}" for where, lines in found.items() for line in lines]
    assert report == [], f"{entry.id}\n" + "\n".join(report)


# The findings of issue 18's axe run, each checked where it was found.


def open_page(browser, site: DemoSite, login: str, url: str, viewport=DESKTOP):
    context = browser.new_context(base_url=site.url, locale="zh-CN", viewport=viewport)
    context.set_default_timeout(60_000)  # a loaded CI machine
    context.add_cookies(site.cookies(login))
    page = context.new_page()
    assert page.goto(url).status == 200
    return context, page


@pytest.mark.parametrize(
    ("login", "url", "amber"),
    [
        ("demo_cadre", "/cadre/", ".due, .status-reduced"),
        ("demo_city_organiser", "/enterprises/?status=reduced", ".status-reduced"),
        ("demo_city_organiser", "/pairing/help-plans/", ".status-reduced, .due"),
    ],
)
def test_the_amber_due_and_reduced_text_is_legible(browser, demo_site, login, url, amber):
    context, page = open_page(browser, demo_site, login, url)
    try:
        assert page.locator(amber).count() > 0, "the page shows no amber text to check"
        result = rule_result(page, "color-contrast", amber)
    finally:
        context.close()
    assert result["violations"] == 0 and result["passes"] > 0, result


@pytest.mark.parametrize(
    ("login", "url"),
    [
        ("demo_cadre", "/cadre/"),
        ("demo_organiser", lambda: reverse("uncovered_list", args=[site_pages.campaign().pk])),
        (
            "demo_organiser",
            lambda: reverse("suggestion_run", args=[site_pages.suggestion_run().pk]),
        ),
        ("demo_city_organiser", "/pairing/help-plans/?show=owed"),
    ],
)
def test_every_table_header_has_text(browser, demo_site, login, url):
    context, page = open_page(browser, demo_site, login, url if isinstance(url, str) else url())
    try:
        headers = page.locator("table thead th").all_inner_texts()
        result = rule_result(page, "empty-table-header")
    finally:
        context.close()
    assert headers and all(text.strip() for text in headers), headers
    assert result["violations"] == 0, result


def test_the_bells_accessible_name_holds_the_count_it_shows(browser, demo_site):
    context, page = open_page(browser, demo_site, "demo_handler", "/handler/")
    try:
        count = page.inner_text(".bell [data-unread]")
        named = page.get_by_role("link", name=re.compile(rf"^通知\s*{count}\s*条未读$"))
        assert named.count() == 1
        assert rule_result(page, "label-content-name-mismatch", ".bell")["violations"] == 0
    finally:
        context.close()


def test_the_audit_tables_scroll_box_scrolls_by_keyboard_on_a_phone(browser, demo_site):
    context, page = open_page(browser, demo_site, "demo_auditor", "/audit/", viewport=PHONE)
    try:
        box = page.locator(".table-scroll")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "nothing to scroll"
        page.keyboard.press("Tab")
        for _ in range(40):  # tab through the page until the box has focus
            if box.evaluate("b => b === document.activeElement"):
                break
            page.keyboard.press("Tab")
        assert box.evaluate("b => b === document.activeElement"), "Tab never reaches the box"
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft > 0")
        assert rule_result(page, "scrollable-region-focusable")["violations"] == 0
    finally:
        context.close()


def test_the_leaders_charts_draw_under_the_policy(browser, demo_site):
    """ECharts styles its elements through the CSSOM, which the policy allows: the charts draw and
    their tooltips show with no violation."""
    context = browser.new_context(base_url=demo_site.url, locale="zh-CN", viewport=DESKTOP)
    context.set_default_timeout(60_000)  # a loaded CI machine
    console = watch_csp(context)
    context.add_cookies(demo_site.cookies("demo_city_leader"))
    page = context.new_page()
    try:
        page.goto("/leader/")
        chart = page.locator('[data-chart="trend"]')
        chart.scroll_into_view_if_needed()
        page.wait_for_selector('[data-chart="trend"] svg path', state="attached")
        page.wait_for_selector('[data-chart="category"] svg path', state="attached")
        box = chart.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_selector(".chart-tip-row")  # the tooltip follows the pointer
        tip = page.inner_text(".chart-tip-row >> nth=0")
        seen = csp_violations(page, console)
    finally:
        context.close()
    assert seen == []
    assert "收集难题" in tip, tip


def test_the_api_documentation_draws_under_the_policy(browser, demo_site):
    """Swagger UI (vendored in django-ninja) loads its settings from JSON and its code from static
    files: the operations draw with no CSP violation."""
    context = browser.new_context(base_url=demo_site.url, locale="zh-CN", viewport=DESKTOP)
    context.set_default_timeout(60_000)  # a loaded CI machine
    console = watch_csp(context)
    page = context.new_page()
    try:
        page.goto("/api/v1/docs")
        page.wait_for_selector(".opblock-summary-path")
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        seen = csp_violations(page, console)
    finally:
        context.close()
    assert seen == []
    assert any("/api/v1/tickets/hotline" in path for path in paths), paths
