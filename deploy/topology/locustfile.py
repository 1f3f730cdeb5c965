"""The load of `make topology-check`, for locust (run headless by deploy/topology/faults.py).

Each simulated user logs in with a demo login (reports/demo_logins.py) through nginx and works as
that role does: cadres log visits with problems, organisers assign new problems, handlers accept
and report progress, leaders open their dashboards, drill-downs, exports and notices, and one
organiser imports rosters. Every request, and every write the app reported as saved, goes to the
events file (TOPOLOGY_EVENTS, one JSON object a line) for deploy/topology/verify.py to check
against the database. A write that failed in a fault window is retried as a person would (the
same form again: a visit with the same submission token, an action with the same version), so
the check can tell "saved once" from "saved twice" or "lost".
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, events, task

EVENTS_PATH = os.environ.get("TOPOLOGY_EVENTS", "topology-events.jsonl")
PASSWORD = os.environ.get("TOPOLOGY_PASSWORD", "Pairing-2026")
IMPORT_DIR = Path(os.environ.get("TOPOLOGY_IMPORTS", "."))
RETRIES = 4
_lock = threading.Lock()
_out = open(EVENTS_PATH, "a", encoding="utf-8")  # noqa: SIM115 - open for the whole run


def record(kind: str, **data) -> None:
    line = json.dumps({"t": time.time(), "kind": kind, **data}, ensure_ascii=False)
    with _lock:
        _out.write(line + "\n")
        _out.flush()


@events.request.add_listener
def _on_request(request_type, name, response_time, response, exception, **kwargs):
    status = getattr(response, "status_code", 0) if response is not None else 0
    text = ""
    if response is not None and status >= 500:
        text = response.text or ""
    record(
        "request",
        method=request_type,
        name=name,
        ms=round(response_time, 1),
        status=status,
        traceback="Traceback" in text or 'File "/' in text,
        error=type(exception).__name__ if exception else "",
    )


# --------------------------------------------------------------------------------------------
# Reading the app's forms as a browser would: every field with its default value.


class FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get")}
            self._form |= {"fields": {}, "options": {}, "multi": set()}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"][name] = a.get("value", "on")
            elif kind not in ("file", "submit", "button"):
                self._form["fields"].setdefault(name, a.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self._form["options"][name] = []
            if "multiple" in a:
                self._form["multi"].add(name)
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self._form["options"][self._select].append(value)
            if "selected" in a:
                self._form["fields"][self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["fields"][name] = ""

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            name = self._select
            form = self._form
            # As a person would: a real choice, not the blank "---------" Django preselects.
            if (
                form is not None
                and name
                and name not in form["multi"]
                and not form["fields"].get(name)
            ):
                real = [v for v in form["options"][name] if v]
                form["fields"][name] = real[0] if real else ""
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_in(html: str) -> list[dict]:
    reader = FormReader()
    reader.feed(html)
    return reader.forms


def form_posting_to(html: str, pattern: str) -> dict | None:
    for form in forms_in(html):
        if form["method"].lower() == "post" and re.search(pattern, form["action"]):
            return form
    return None


def ids(html: str, pattern: str) -> list[int]:
    return sorted({int(n) for n in re.findall(pattern, html)})


def marker() -> str:
    return f"LT{uuid.uuid4().hex[:12]}"


# --------------------------------------------------------------------------------------------


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    logins: list[str] = []
    _counter = itertools.count()

    def on_start(self):
        self.username = self.logins[next(self._counter) % len(self.logins)]
        self.login()

    def login(self):
        for attempt in range(RETRIES + 2):
            page = self.client.get("/login/", name="/login/")
            form = form_posting_to(page.text, r".*") if page.status_code == 200 else None
            if form is not None:
                data = dict(form["fields"], username=self.username, password=PASSWORD)
                done = self.client.post("/login/", data, name="/login/", allow_redirects=False)
                if done.status_code == 302:
                    return
            time.sleep(1 + attempt)
        raise RuntimeError(f"{self.username} could not log in")

    def post_until_answered(self, url: str, data: dict, name: str, files=None):
        """POST as a person would: if the proxy or the app refused it (a fault), send the same
        form again after a moment. Returns the last response."""
        response = None
        for attempt in range(RETRIES):
            response = self.client.post(url, data, files=files, name=name, allow_redirects=False)
            if response.status_code not in (0, 500, 502, 503, 504):
                return response
            time.sleep(1.5 * (attempt + 1))
        return response

    def get(self, url: str, name: str):
        # Sessions last 30 idle minutes: longer than the load, so no logging in again here.
        return self.client.get(url, name=name)


class Cadre(Person):
    """Logs a visit to one of their firms, with a problem (a ticket), then reads it back."""

    weight = 5
    logins = ["demo_cadre", "demo_community_cadre", "demo_general_cadre", "demo_bureau_cadre",
              "demo_cadre2"]  # fmt: skip

    @task(3)
    def log_visit(self):
        home = self.get("/cadre/", "/cadre/")
        firms = ids(home.text, r"/visits/new/(\d+)/")
        if not firms:
            return
        url = f"/visits/new/{random.choice(firms)}/"
        page = self.get(url, "/visits/new/[firm]/")
        form = form_posting_to(page.text, r"^$|/visits/new/")
        if form is None:
            return
        mark = marker()
        data = self.fill_visit(form, mark)
        answer = self.post_until_answered(url, data, "/visits/new/[firm]/ POST")
        location = answer.headers.get("Location", "") if answer is not None else ""
        found = re.search(r"/visits/(\d+)/", location)
        if answer is not None and answer.status_code == 302 and found:
            record("saved", what="visit", marker=mark, visit=int(found.group(1)))
            self.get(location, "/visits/[id]/")  # the page right after the write
        else:
            record("not_saved", what="visit", marker=mark,
                   status=getattr(answer, "status_code", 0))  # fmt: skip

    @staticmethod
    def fill_visit(form: dict, mark: str) -> dict:
        data = dict(form["fields"])
        data["notes"] = f"压测走访 {mark}"
        for name, options in form["options"].items():
            if name in form["multi"]:
                real = [v for v in options if v]
                data[name] = real[:1]
        for name, value in list(data.items()):
            if name.startswith("survey_") and value == "" and name not in form["options"]:
                data[name] = "1"  # a number asked for
        data["problems-TOTAL_FORMS"] = "1"
        data["problems-0-title"] = f"压测难题 {mark}"
        data["problems-0-description"] = f"企业反映的难题 {mark}"
        data.setdefault("problems-0-urgency", "normal")
        if not data.get("problems-0-category"):
            data["problems-0-category"] = form["options"].get("problems-0-category", ["other"])[-1]
        if not data.get("submission_token"):
            data["submission_token"] = str(uuid.uuid4())
        return data

    @task(1)
    def my_pages(self):
        self.get("/cadre/", "/cadre/")
        self.get("/pairing/diary/", "/pairing/diary/")


class Organiser(Person):
    """Assigns the area's new problems to a handling unit."""

    weight = 2
    logins = ["demo_organiser", "demo_town_organiser", "demo_city_organiser"]

    @task(3)
    def assign(self):
        queue = self.get("/tickets/sorting/", "/tickets/sorting/")
        tickets = ids(queue.text, r"/tickets/(\d+)/")
        if not tickets:
            return
        pk = random.choice(tickets[:20])
        detail = self.get(f"/tickets/{pk}/", "/tickets/[id]/")
        form = form_posting_to(detail.text, rf"/tickets/{pk}/act/assign/")
        if form is None:
            return
        data = dict(form["fields"])
        data.pop("co_units", None)
        answer = self.post_until_answered(form["action"], data, "/tickets/[id]/act/assign/")
        report_action(answer, "assign", pk, data.get("version"))

    @task(1)
    def pages(self):
        self.get("/organiser/", "/organiser/")
        self.get("/enterprises/", "/enterprises/")


class Handler(Person):
    """Accepts the unit's assigned problems and reports progress on accepted ones."""

    weight = 3
    logins = ["demo_handler", "demo_handler2", "demo_county_handler", "demo_county_handler2",
              "demo_province_handler"]  # fmt: skip

    @task(3)
    def act(self):
        home = self.get("/handler/", "/handler/")
        tickets = ids(home.text, r"/tickets/(\d+)/")
        if not tickets:
            return
        pk = random.choice(tickets[:30])
        detail = self.get(f"/tickets/{pk}/", "/tickets/[id]/")
        for action in ("progress", "accept"):
            form = form_posting_to(detail.text, rf"/tickets/{pk}/act/{action}/")
            if form is None:
                continue
            data = dict(form["fields"])
            mark = marker()
            if "note" in data:
                data["note"] = f"压测办理进展 {mark}"
            answer = self.post_until_answered(form["action"], data, f"/tickets/[id]/act/{action}/")
            report_action(answer, action, pk, data.get("version"), mark if "note" in data else "")
            return

    @task(1)
    def inbox(self):
        self.get("/tickets/notifications/", "/tickets/notifications/")


def report_action(answer, action: str, pk: int, version, mark: str = "") -> None:
    status = getattr(answer, "status_code", 0)
    if status == 302:
        record("saved", what="action", action=action, ticket=pk, version=version, marker=mark)
    else:  # 409: someone acted first (the version moved on), a clean refusal
        record("not_saved", what="action", action=action, ticket=pk, status=status)


class Leader(Person):
    """Opens the dashboard, the rows behind a figure (the replica), an export and the notices."""

    weight = 2
    logins = ["demo_leader", "demo_city_leader", "demo_county_leader", "demo_town_leader"]
    FIGURES = ["collected", "open", "overdue", "resolved", "unvisited", "uncovered"]

    @task(2)
    def dashboard(self):
        self.get("/leader/?period=month", "/leader/")

    @task(3)
    def drill_down(self):
        figure = random.choice(self.FIGURES)
        self.get(f"/leader/rows/?figure={figure}&period=month", "/leader/rows/")

    @task(1)
    def export(self):
        self.get("/leader/rows/?figure=open&period=year&export=csv", "/leader/rows/ export")

    @task(1)
    def notices(self):
        page = self.get("/notices/", "/notices/")
        found = ids(page.text, r"/notices/(\d+)/")
        if found:
            self.get(f"/notices/{random.choice(found)}/", "/notices/[id]/")


class Importer(Person):
    """An organiser importing roster files one after another: upload, wait for the check,
    confirm, wait for the write; an import put back to 'to confirm' (its worker died) is
    confirmed again, as the page asks."""

    fixed_count = 1
    logins = ["demo_organiser"]
    files = itertools.count()

    @task
    def import_roster(self):
        n = next(self.files)
        path = IMPORT_DIR / f"roster-{n}.csv"
        if not path.exists():
            time.sleep(5)
            return
        page = self.get("/enterprises/import/", "/enterprises/import/")
        form = form_posting_to(page.text, r"^$|/enterprises/import/$")
        if form is None:
            return
        with open(path, "rb") as upload:
            answer = self.post_until_answered(
                "/enterprises/import/",
                form["fields"],
                "/enterprises/import/ POST",
                files={"file": (path.name, upload.read(), "text/csv")},
            )
        found = re.search(r"/enterprises/import/(\d+)/", answer.headers.get("Location", ""))
        if not found:
            record("import", file=path.name, record=None, status=answer.status_code)
            return
        pk = int(found.group(1))
        record("import", file=path.name, record=pk, stage="uploaded")
        for confirm in range(3):
            self.wait_for_job(pk)
            detail = self.get(f"/enterprises/import/{pk}/", "/enterprises/import/[id]/")
            form = form_posting_to(detail.text, rf"/enterprises/import/{pk}/commit/")
            if form is None:
                break  # imported, or refused with its reasons
            self.post_until_answered(
                form["action"], form["fields"], "/enterprises/import/[id]/commit/"
            )
            record("import", file=path.name, record=pk, stage="confirmed", attempt=confirm + 1)
        record("import", file=path.name, record=pk, stage="done")

    def wait_for_job(self, pk: int, limit: float = 150) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            progress = self.get(
                f"/enterprises/import/{pk}/progress/", "/enterprises/import/[id]/progress/"
            )
            if progress.status_code == 204:
                return
            time.sleep(2)
