"""The firm portal on a 390 px phone with JavaScript off (the essential path is plain forms): sign
in with the code read from the console/file SMS backend, raise a problem with a photo, follow it as
the offices handle it, answer their question, rate the outcome."""

import pytest

from issues import workflow
from issues.models import RatedBy, Source, Status, Ticket
from pairing import queue
from tests.browser.conftest import screenshot
from tests.portal_helpers import last_code, portal_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def phone(browser, live_server):
    """A phone without JavaScript (and a twin with it, to measure the page's width)."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def fits(browser, live_server, phone_page) -> int:
    """How far the page phone_page shows overflows a 390 px screen (0: it fits)."""
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.add_cookies(phone_page.context.cookies())
    page = context.new_page()
    page.goto(phone_page.url)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    return overflow


def test_a_firm_signs_in_raises_follows_answers_and_rates_on_a_phone(
    phone, browser, live_server, settings, tmp_path, monkeypatch
):
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    # The texts are sent in the server's process as `make run` sends them, with or without Redis.
    monkeypatch.setattr(queue, "is_embedded", lambda: True)
    world = portal_world()
    page = phone
    page.goto("/firm/")
    assert page.url.endswith("/firm/login/?next=%2Ffirm%2F")
    page.fill("input[name=uscc]", world["firm"].uscc.lower())  # typed in small letters
    page.click("text=获取短信验证码")
    assert "验证码已发送至 138****5678" in page.content()
    assert fits(browser, live_server, page) <= 0
    page.fill("input[name=code]", last_code(tmp_path / "sms.log"))
    page.click("button:has-text('登录')")
    assert world["firm"].name in page.locator("[data-firm]").inner_text()
    assert fits(browser, live_server, page) <= 0

    page.click("text=反映新问题")
    page.select_option("select[name=category]", "land")
    page.fill("input[name=title]", "二期厂房用地指标不足")
    page.fill("textarea[name=description]", "二期扩建需要新增用地30亩，预审迟迟未批。")
    page.set_input_files(
        "input[name=files]", files=[{"name": "红线图.png", "mimeType": "image/png", "buffer": PNG}]
    )
    assert fits(browser, live_server, page) <= 0
    page.click("button:has-text('提交')")
    assert "问题已提交" in page.content()
    ticket = Ticket.objects.get()
    assert ticket.source == Source.FIRM and ticket.attachments.count() == 1
    assert page.locator("[data-status]").first.inner_text() == "已登记"
    screenshot(page, "portal-raised")

    # The offices take it up: assigned, accepted, a question to the firm.
    ticket = workflow.act(
        world["organiser"], ticket.pk, "assign", version=1, data={"owner_unit": world["dept"]}
    )
    ticket = workflow.act(world["handler"], ticket.pk, "accept", version=ticket.version)
    ticket = workflow.act(
        world["handler"],
        ticket.pk,
        "ask_firm",
        version=ticket.version,
        data={"note": "请补充项目立项批复。"},
    )
    page.goto("/firm/")
    assert "待您答复" in page.content() and str(world["dept"]) in page.content()
    page.click(f"[data-list=questions] >> text={ticket.title}")
    assert "请补充项目立项批复。" in page.locator("[data-question]").inner_text()
    assert ticket.due_date.strftime("%Y-%m-%d") in page.locator("[data-due]").inner_text()
    page.fill("#answer textarea[name=note]", "立项批复已发到局里邮箱。")
    page.click("text=提交答复")
    assert "答复已送达承办单位" in page.content()
    assert fits(browser, live_server, page) <= 0

    ticket.refresh_from_db()
    workflow.act(
        world["handler"],
        ticket.pk,
        "resolve",
        version=ticket.version,
        data={"outcome": "solved", "reply": "用地预审已通过，请到自然资源局领取批复。"},
    )
    page.reload()
    assert "用地预审已通过" in page.locator("[data-reply]").inner_text()
    page.check("input[name=rating][value=unsatisfied]")
    page.click("text=提交评价")
    assert "不满意时请写明理由" in page.content()  # and nothing changed
    assert Ticket.objects.get().status == Status.RESOLVED
    page.check("input[name=rating][value=satisfied]")
    page.click("text=提交评价")
    assert "感谢您的评价" in page.content()
    assert page.locator("[data-rated-by]").inner_text() == "企业自评"
    assert fits(browser, live_server, page) <= 0
    screenshot(page, "portal-rated")
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.rated_by == RatedBy.FIRM
    actions = list(ticket.events.order_by("id").values_list("action", flat=True))
    assert actions == [
        "firm_raise",
        "assign",
        "accept",
        "ask_firm",
        "firm_answer",
        "resolve",
        "rate",
    ]
