"""web_*: the main pages' throughput as deployed, against the login page in the same run.

gunicorn with 2 sync workers and DEBUG=0 serves the demo city (seed_demo) from PostgreSQL, with
Redis when REDIS_URL was set for `make bench` (its default: this machine's): sessions, and the
page cache (pairing/page_cache.py), live in it. Each page is loaded by 16 concurrent clients,
every one signed in as the page's role through the real login form, with wrk (Debian's `wrk`: a
small C load generator that keeps 16 connections busy on one thread each of two, costing far less
CPU than a Python client on a 2-core machine, and prints latency percentiles). Recorded for each
page: web_<page>_rps, web_<page>_vs_login (req/s over the login page's: a template and a session,
no data; measured before and after the pages, averaged), web_<page>_p50_ms and web_<page>_p99_ms.

No writes happen during the load, so the page cache serves every view after the first. The same
figures with the page cache off (`web_<page>_uncached_*`, against a login reference of their own)
are what every view costs right after a write, and under a steady stream of writes.

PostgreSQL only (the deployment's database); on SQLite the benchmark says so and records
nothing. BENCH_WEB_REUSE=1 keeps a bench database that already holds the demo city (no re-seed);
BENCH_WEB_SECONDS sets each page's duration (default 10, 5 with --quick); BENCH_PORT its port.
"""

from __future__ import annotations

import http.cookiejar
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from enterprises.models import Enterprise
from issues.models import Ticket
from reports import area_figures
from reports import selectors as report_selectors
from tests.benchmarks import Bench, benchmark

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 16
WORKERS = 2


def page_urls() -> dict[str, tuple[str, str]]:
    """{page: (username, path)}: the main page of each role, as its demo login opens it."""
    organiser = User.objects.get(username="demo_city_organiser")
    campaign = report_selectors.organiser_campaigns(organiser)[0]
    handler = User.objects.get(username="demo_handler")
    # The handler's ticket with the longest history among those in the unit's queue.
    ticket = (
        report_selectors.handler_tickets(handler, None)
        .annotate(steps=Count("events"))
        .order_by("-steps", "pk")
        .first()
    )
    return {
        "login": ("", "/login/"),
        "cadre_home": ("demo_cadre", "/cadre/"),
        "handler_queue": ("demo_handler", "/handler/"),
        "organiser_home": ("demo_city_organiser", "/organiser/"),
        "leader_dashboard": ("demo_city_leader", "/leader/"),
        "roster_list": ("demo_city_organiser", "/enterprises/"),
        "ticket_page": ("demo_handler", f"/tickets/{ticket.pk}/"),
        "campaign_coverage": ("demo_city_organiser", f"/pairing/campaigns/{campaign.pk}/"),
    }


def build(bench: Bench) -> None:
    if os.environ.get("BENCH_WEB_REUSE") == "1":
        call_command("migrate", verbosity=0)
        if Enterprise.objects.exists():
            print("  reusing the demo city already in the bench database", flush=True)
            refresh_figures()
            return
    bench.fresh_database()
    started = time.perf_counter()
    call_command("seed_demo", stdout=io.StringIO())
    print(f"  demo city seeded in {time.perf_counter() - started:.0f} s", flush=True)
    refresh_figures()


def refresh_figures() -> None:
    """As the scheduler keeps them: every figure computed ahead, then statistics as autovacuum
    would have gathered them on a live database."""
    area_figures.refresh_all()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def free_port() -> int:
    if os.environ.get("BENCH_PORT"):
        return int(os.environ["BENCH_PORT"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, **extra_env: str) -> subprocess.Popen:
    env = {
        **os.environ,
        **extra_env,
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "pairing.settings",
        "DATABASE_URL": os.environ["DATABASE_URL"],
    }
    env.pop("REDIS_URL", None)
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "pairing.wsgi:application"),
            *("--workers", str(WORKERS), "--worker-class", "sync"),
            *("--bind", f"127.0.0.1:{port}", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5).read()
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base: str, username: str) -> str:
    """The Cookie header of a session opened through the login form, as a browser opens it."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    html = opener.open(f"{base}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    request = urllib.request.Request(
        f"{base}/login/", data=urllib.parse.urlencode(form).encode(), headers={"Referer": base}
    )
    try:
        opener.open(request)
    except urllib.error.HTTPError as redirect:  # 302 to the role's home: signed in
        if redirect.code != 302:
            raise
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"{username} could not sign in")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def check_page(url: str, cookie: str) -> None:
    """The page answers 200 with its own content (wrk counts a redirect to the login as served)."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    response = opener.open(request)
    if response.status != 200:
        raise RuntimeError(f"{url} answered {response.status}")


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS_MS[unit]


def load(url: str, cookie: str, seconds: float, *, warm: bool = False) -> Load | None:
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    command = ["wrk", "-t2", f"-c{CLIENTS}", f"-d{seconds:g}s", "--timeout", "30s", "--latency"]
    out = subprocess.run([*command, *headers, url], capture_output=True, text=True, check=True)
    out = out.stdout
    if warm:
        return None
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"{url}: errors under load\n{out}")
    percentile = dict(re.findall(r"^\s*(50|99)%\s+(\S+)\s*$", out, re.M))
    if "50" not in percentile:
        raise RuntimeError(f"{url}: no latency figures in wrk's output\n{out}")
    return Load(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_ms(percentile["50"]),
        p99_ms=_ms(percentile["99"]),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),
    )


def measure(pages, seconds: float, **server_env: str) -> dict[str, Load]:
    """Each page under load on a server of its own, then the login page again (its figures,
    key "login" and "login_after", are the run's reference)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port, **server_env)
    try:
        cookies = {user: sign_in(base, user) for user, _path in pages.values() if user}
        cookies[""] = ""
        results: dict[str, Load] = {}
        order = [*pages, "login"]  # the login page again last: the reference is their mean
        for i, page in enumerate(order):
            user, path = pages[page]
            check_page(base + path, cookies[user])
            load(base + path, cookies[user], 2, warm=True)  # warm: templates, connections, caches
            measured = load(base + path, cookies[user], seconds)
            check_page(base + path, cookies[user])  # the session outlived the load
            key = "login_after" if i and page == "login" else page
            results[key] = measured
            print(
                f"  {page:<18} {measured.rps:8.1f} req/s  p50 {measured.p50_ms:7.1f} ms"
                f"  p99 {measured.p99_ms:7.1f} ms  ({measured.requests} requests)",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(30)
    return results


def mean_login(results: dict[str, Load]) -> Load:
    first, last = results.pop("login"), results.pop("login_after")
    return Load(
        rps=(first.rps + last.rps) / 2,
        p50_ms=(first.p50_ms + last.p50_ms) / 2,
        p99_ms=(first.p99_ms + last.p99_ms) / 2,
        requests=first.requests + last.requests,
    )


@benchmark("web")
def web(bench: Bench) -> None:
    if connection.vendor != "postgresql":
        print("  web: measured on PostgreSQL only (set DATABASE_URL); skipped", flush=True)
        return
    if shutil.which("wrk") is None:
        raise SystemExit("web: needs wrk (apt-get install wrk)")
    build(bench)
    seconds = float(os.environ.get("BENCH_WEB_SECONDS", 5 if bench.quick else 10))
    pages = page_urls()
    # As deployed: with Redis, the page cache serves a page's content again until data changes.
    results = measure(pages, seconds)
    login = mean_login(results)
    bench.record("web_login_rps", login.rps, "req/s")
    bench.record("web_login_p50_ms", login.p50_ms, "ms")
    bench.record("web_login_p99_ms", login.p99_ms, "ms")
    for page, measured in results.items():
        bench.record(f"web_{page}_rps", measured.rps, "req/s", login.rps)
        bench.record(f"web_{page}_vs_login", measured.rps / login.rps, "x")
        bench.record(f"web_{page}_p50_ms", measured.p50_ms, "ms", login.p50_ms)
        bench.record(f"web_{page}_p99_ms", measured.p99_ms, "ms", login.p99_ms)
    # Every view rendered afresh (the page cache off): what a page costs right after a write,
    # and all the time under a steady stream of writes. Against its own login reference.
    print("  the same pages with the page cache off:", flush=True)
    uncached = measure(pages, seconds, PAGE_CACHE_SECONDS="0")
    login = mean_login(uncached)
    for page, measured in uncached.items():
        bench.record(f"web_{page}_uncached_rps", measured.rps, "req/s", login.rps)
        bench.record(f"web_{page}_uncached_vs_login", measured.rps / login.rps, "x")
        bench.record(f"web_{page}_uncached_p50_ms", measured.p50_ms, "ms", login.p50_ms)
        bench.record(f"web_{page}_uncached_p99_ms", measured.p99_ms, "ms", login.p99_ms)
    bench.sizes["web_enterprises"] = Enterprise.objects.count()
    bench.sizes["web_tickets"] = Ticket.objects.count()
