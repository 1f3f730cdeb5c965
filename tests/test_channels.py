"""The message channels against a fake HTTP server on 127.0.0.1 written here: the SMS gateway
backend, the 企业微信 and 钉钉 group robots (their documented JSON, DingTalk's signature checked by
recomputing it here), failures raised for RQ to retry, and nothing sent inside a user's request."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.urls import reverse

from issues import channels, notify
from issues.channels import jobs as channel_jobs
from issues.channels.http import ChannelError
from issues.channels.robots import DingTalkRobot, WeComRobot
from issues.channels.sms import ConsoleSMSBackend, HTTPSMSBackend
from issues.models import Notification, Ticket
from tests.portal_helpers import portal_sign_in, portal_world, run_jobs_at_once


class Receiver:
    """A fake gateway/robot: records each POST and answers with `status` and `answer`."""

    def __init__(self, status=200, answer=None):
        self.requests, self.status, self.answer = [], status, answer or {"errcode": 0}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "json": body}
                )
                raw = json.dumps(receiver.answer).encode()
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path="/send"):
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_the_http_sms_backend_posts_the_number_and_text_with_its_token(receiver, settings):
    settings.SMS_GATEWAY_URL = receiver.url("/sms")
    settings.SMS_GATEWAY_TOKEN = "t0ken"
    receiver.answer = {"ok": True}
    HTTPSMSBackend().send("13812345678", "验证码：123456")
    (got,) = receiver.requests
    assert got["path"] == "/sms"
    assert got["json"] == {"phone": "13812345678", "text": "验证码：123456", "sign": "干部联企"}
    assert got["headers"]["Authorization"] == "Bearer t0ken"


def test_a_refusing_or_failing_gateway_raises_so_the_job_is_retried(receiver, settings):
    settings.SMS_GATEWAY_URL = receiver.url()
    receiver.answer = {"ok": False, "error": "余额不足"}
    with pytest.raises(ChannelError, match="余额不足"):
        HTTPSMSBackend().send("13812345678", "x")
    receiver.status, receiver.answer = 502, {}
    with pytest.raises(ChannelError):
        HTTPSMSBackend().send("13812345678", "x")
    receiver.close()
    with pytest.raises(ChannelError):  # nobody listening
        HTTPSMSBackend().send("13812345678", "x")


def test_the_sms_backend_is_a_setting(settings, tmp_path):
    settings.SMS_BACKEND = "issues.channels.sms.HTTPSMSBackend"
    assert isinstance(channels.sms_backend(), HTTPSMSBackend)
    settings.SMS_BACKEND = "issues.channels.sms.ConsoleSMSBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "out" / "sms.log")
    channels.sms_backend().send("13812345678", "你好")
    assert (tmp_path / "out" / "sms.log").read_text("utf-8").endswith("\t13812345678\t你好\n")
    assert isinstance(channels.sms_backend(), ConsoleSMSBackend)


def test_the_wecom_robot_posts_its_documented_text_message(receiver):
    WeComRobot(receiver.url("/cgi-bin/webhook/send?key=abc")).send("新交办难题：用地")
    (got,) = receiver.requests
    assert got["path"] == "/cgi-bin/webhook/send?key=abc"
    assert got["json"] == {"msgtype": "text", "text": {"content": "新交办难题：用地"}}
    receiver.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    with pytest.raises(ChannelError, match="invalid webhook url"):
        WeComRobot(receiver.url()).send("x")


def test_the_dingtalk_robot_signs_timestamp_and_secret_with_hmac_sha256(receiver):
    secret = "SEC0123456789abcdef"
    DingTalkRobot(receiver.url("/robot/send?access_token=tok"), secret).send("催办")
    (got,) = receiver.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(got["path"]).query)
    assert query["access_token"] == ["tok"]
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]  # parse_qs has undone the URL encoding
    assert got["json"] == {"msgtype": "text", "text": {"content": "催办"}}


def test_an_unsigned_dingtalk_robot_posts_to_its_address_as_it_is(receiver):
    DingTalkRobot(receiver.url("/robot/send?access_token=tok")).send("x")
    assert receiver.requests[0]["path"] == "/robot/send?access_token=tok"


@pytest.mark.django_db
def test_a_firms_problem_reaches_the_group_robots_once(receiver, settings, tmp_path, monkeypatch):
    run_jobs_at_once(monkeypatch)
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    settings.WECOM_ROBOT_URL = receiver.url("/wecom")
    settings.DINGTALK_ROBOT_URL = receiver.url("/ding?access_token=t")
    settings.DINGTALK_ROBOT_SECRET = "s3cret"
    world = portal_world()
    client = portal_sign_in(Client(), world["firm"], tmp_path / "sms.log")
    client.post(
        reverse("portal_raise"),
        {"category": "hiring", "title": "招工难", "description": "缺少熟练焊工20名。"},
    )
    assert Notification.objects.filter(kind="ticket_firm_raise").count() == 2  # cadre, organiser
    paths = sorted(r["path"].split("?")[0] for r in receiver.requests)
    assert paths == ["/ding", "/wecom"]  # one post per robot, not one per recipient
    for r in receiver.requests:
        content = r["json"]["text"]["content"]
        assert "企业自主提交新难题：招工难" in content and world["firm"].name in content


@pytest.mark.django_db
def test_nothing_is_sent_inside_the_users_request(receiver, settings, tmp_path, monkeypatch):
    """With a job queue (REDIS_URL set), the request only queues: the robot hears nothing until
    a worker runs the job."""
    from pairing import queue

    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    settings.WECOM_ROBOT_URL = receiver.url("/wecom")
    world = portal_world()
    run_jobs_at_once(monkeypatch)
    client = portal_sign_in(Client(), world["firm"], tmp_path / "sms.log")
    queued = []
    monkeypatch.setattr(queue, "is_embedded", lambda: False)

    class FakeQueue:
        def enqueue_call(self, func, args, kwargs, **options):
            queued.append((func, args, kwargs))

    import django_rq

    monkeypatch.setattr(django_rq, "get_queue", lambda name: FakeQueue())
    client.post(
        reverse("portal_raise"),
        {"category": "hiring", "title": "招工难", "description": "缺少熟练焊工20名。"},
    )
    assert Ticket.objects.count() == 1 and receiver.requests == []
    assert [func for func, _a, _k in queued] == [notify.deliver]
    func, args, kwargs = queued[0]
    func(*args, **kwargs)  # the worker's turn: it queues the robots' post in turn
    assert receiver.requests == []
    assert [func for func, _a, _k in queued][1:] == [channel_jobs.post_to_robots]
    func, args, kwargs = queued[1]
    func(*args, **kwargs)
    assert len(receiver.requests) == 1
