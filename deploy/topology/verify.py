"""The checks of `make topology-check`: the replica, the client's address through nginx, and after
the load what the database holds against what the load was told was saved."""

from __future__ import annotations

import json
import os
import re
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path

PASSWORD = "Pairing-2026"  # accounts.demo.DEMO_PASSWORD, every demo login's


def setup_django(env: dict) -> None:
    """This process reads the topology's databases with the app's own models."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "pairing.settings"
    import django

    django.setup()


# --------------------------------------------------------------------------------------------
# A browser-like client with an address of its own (127.0.0.x) and a session.


def client(source: str = "127.0.0.1"):
    import requests
    from requests.adapters import HTTPAdapter

    class FromAddress(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            kwargs["source_address"] = (source, 0)
            super().init_poolmanager(*args, **kwargs)

    session = requests.Session()
    session.mount("http://", FromAddress())
    return session


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


def log_in(session, base: str, username: str, password: str = PASSWORD, headers=None):
    page = session.get(f"{base}/login/", timeout=30)
    data = {"csrfmiddlewaretoken": csrf_of(page.text), "username": username, "password": password}
    return session.post(
        f"{base}/login/", data=data, headers=headers or {}, allow_redirects=False, timeout=30
    )


# --------------------------------------------------------------------------------------------
# The replica


def replica_reads(run, ports: dict) -> None:
    """With the replica's replay paused (so it is certainly behind): a page right after a write
    sees the write (the writer reads the primary until the replica has replayed it), and a
    drill-down of a user who has not written reads the replica (the firm added on the primary is
    not in its rows until replay resumes). /healthz reports the lag."""
    from django.db import connections

    from accounts.models import OrgUnit, User
    from enterprises.models import Enterprise
    from enterprises.uscc import check_char

    base = f"http://127.0.0.1:{ports['nginx']}"
    wait_replayed()
    health = client().get(f"{base}/healthz", timeout=10).json()
    run.check(
        "replica: /healthz reports its lag",
        health.get("checks", {}).get("replica") == "ok"
        and isinstance(health.get("replica_lag_seconds"), (int, float)),
        f"{health.get('checks', {}).get('replica')}, lag {health.get('replica_lag_seconds')}s",
    )

    leader = client()
    log_in(leader, base, "demo_town_leader")
    town = User.objects.get(username="demo_town_leader").jurisdiction_unit
    rows_url = f"{base}/leader/rows/?figure=enterprises&period=month&area={town.pk}"
    name = f"0000副本读测试{time.time_ns() % 10**8}有限公司"  # sorts first among the town's firms
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        first17 = f"91330381{time.time_ns() % 10**9:09d}"
        Enterprise.objects.create(
            name=name, uscc=first17 + check_char(first17), town=OrgUnit.objects.get(pk=town.pk)
        )
        before = leader.get(rows_url, timeout=30)
        run.check(
            "replica: a drill-down reads the replica",
            before.status_code == 200 and name not in before.text,
            "a firm added on the primary while the replica's replay is paused is not in the "
            f"leader's rows (status {before.status_code})",
        )
        organiser = client()
        log_in(organiser, base, "demo_organiser")
        after_write = generate_notice(organiser, base)
        seen = after_write[0] == 200 and "通报" in after_write[1]
        run.check(
            "replica: a page read right after a write sees it",
            seen,
            f"the notice just generated opens at once (status {after_write[0]}) though the "
            "replica has not replayed it"
            if seen
            else f"status {after_write[0]}: {after_write[1][:300]}",
        )
    finally:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    wait_replayed()
    after = leader.get(rows_url, timeout=30)
    run.check(
        "replica: replay resumed, the drill-down shows the firm",
        after.status_code == 200 and name in after.text,
        f"status {after.status_code}",
    )


def generate_notice(session, base: str) -> tuple[int, str]:
    page = session.get(f"{base}/notices/", timeout=30)
    period = re.search(r"<option value=\"(\w+:\d{4}-\d{2}-\d{2})\"", page.text)
    if not period:
        return (
            0,
            f"no period on the notices page ({page.status_code} {page.url}): {page.text[:300]}",
        )
    data = {"csrfmiddlewaretoken": csrf_of(page.text), "period": period.group(1), "campaign": ""}
    made = session.post(f"{base}/notices/", data=data, allow_redirects=False, timeout=60)
    location = made.headers.get("Location", "")
    if made.status_code != 302 or "/notices/" not in location:
        return made.status_code, made.text[:200]
    detail = session.get(f"{base}{location}" if location.startswith("/") else location, timeout=30)
    return detail.status_code, detail.text


def wait_replayed(timeout: float = 30) -> None:
    from django.db import connections

    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.2)
    raise RuntimeError("the replica did not catch up")


# --------------------------------------------------------------------------------------------
# The client's address


def in_thread(check):
    """`check` run in a thread of its own: a failure is a failed check, and its database
    connections are closed when it ends."""

    def run_it(run, *args):
        from django.db import connections

        try:
            check(run, *args)
        except Exception as exc:
            run.check(check.__name__, False, f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    return run_it


def client_address(run, ports: dict, proxy: str) -> None:
    """A client at 127.0.0.3 fails a login through nginx, sending a forged X-Forwarded-For; a
    client at 127.0.0.1 does the same straight to gunicorn. The audit trail names 127.0.0.3 (what
    nginx saw, not the forged part) and 127.0.0.1 (the forged header ignored). Then 20 failures
    through nginx from 127.0.0.4 lock that address and not 127.0.0.5."""
    from accounts import lockout
    from accounts.models import AuditEntry

    nginx = f"http://127.0.0.1:{ports['nginx']}"
    direct = f"http://127.0.0.1:{ports['web_b']}"
    forged = {"X-Forwarded-For": "203.0.113.66"}
    tag = time.time_ns() % 10**8
    log_in(client("127.0.0.3"), nginx, f"nobody-proxy-{tag}", "wrong-Pass-1", forged)
    log_in(client("127.0.0.1"), direct, f"nobody-direct-{tag}", "wrong-Pass-1", forged)
    seen = dict(
        AuditEntry.objects.filter(
            action=lockout.LOGIN_FAILED,
            username__in=[f"nobody-proxy-{tag}", f"nobody-direct-{tag}"],
        ).values_list("username", "ip")
    )
    run.check(
        "address: nginx's X-Forwarded-For reaches the audit trail",
        seen.get(f"nobody-proxy-{tag}") == "127.0.0.3",
        f"through nginx (from {proxy}) the audit trail has {seen.get(f'nobody-proxy-{tag}')}",
    )
    run.check(
        "address: a forged header straight to gunicorn is ignored",
        seen.get(f"nobody-direct-{tag}") == "127.0.0.1",
        f"sent from 127.0.0.1 with X-Forwarded-For 203.0.113.66: audited as "
        f"{seen.get(f'nobody-direct-{tag}')}",
    )
    from concurrent.futures import ThreadPoolExecutor

    def spray(n):
        log_in(client("127.0.0.4"), nginx, f"spray-{tag}-{n}", "wrong-Pass-1")

    # Until the trail holds enough failures from 127.0.0.4: a failed login sent while a fault
    # refused it is not one (the load runs its faults meanwhile).
    sent = 0
    while lockout.recent_ip_failures("127.0.0.4") < lockout.MAX_IP_FAILURES and sent < 60:
        missing = lockout.MAX_IP_FAILURES - lockout.recent_ip_failures("127.0.0.4")
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(spray, range(sent, sent + missing)))
        sent += missing
    refused = log_in(client("127.0.0.4"), nginx, "demo_leader")
    other = log_in(client("127.0.0.5"), nginx, "demo_leader")
    run.check(
        "address: the lockout counts the client behind nginx",
        refused.status_code == 200
        and "已暂停从该地址登录" in refused.text
        and other.status_code == 302,
        f"after {lockout.recent_ip_failures('127.0.0.4')} failures from 127.0.0.4 ({sent} sent) "
        f"its right password is refused ({refused.status_code}); from 127.0.0.5 it logs in "
        f"({other.status_code})",
    )


# --------------------------------------------------------------------------------------------
# After the load


def settle(run, timeout: float = 120) -> None:
    """Let the work the load started end: imports still checking or writing (a page poll notices
    a dead job), and scheduled slots still unfinished (a scheduler pass resends a lost one)."""
    from django.db import close_old_connections

    from enterprises import import_jobs
    from enterprises.models import RosterImport
    from pairing.models import ScheduledRun

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        close_old_connections()
        running = list(RosterImport.objects.filter(status__in=import_jobs.RUNNING))
        for record in running:
            import_jobs.progress(record)  # as the page's poll would
        unfinished = ScheduledRun.objects.filter(
            finished_at__isnull=True, slot__lt=time_of(run.load_ended - 30)
        ).count()
        if not running and not unfinished:
            return
        time.sleep(2)


def time_of(epoch: float):
    import datetime

    return datetime.datetime.fromtimestamp(epoch, tz=datetime.UTC)


def read_events(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def after_load(run, events_path: Path, brief: float, grace: float) -> None:
    from deploy.topology_check import print_table

    events = read_events(events_path)
    requests = [e for e in events if e["kind"] == "request"]
    run.check("load: requests made", len(requests) > 200, f"{len(requests)} requests")
    locust_log = (run.tmp / "logs" / "locust.log").read_text(errors="replace")
    crashed = locust_log.count("Traceback")
    run.check("load: no simulated user failed", crashed == 0, f"{crashed} tracebacks in locust.log")
    errors(run, requests, brief, grace)
    latency_table(run, requests, print_table)
    saved_once(run, events)
    imports_once(run, events)
    slots_once(run)
    fault_table(run, print_table)


ALWAYS_FINE = {200, 204, 301, 302, 304, 409}  # 409: someone acted on the ticket first
REFUSALS = {502, 503, 504}


def window_of(run, t: float, grace: float):
    for fault in run.faults:
        if fault.start <= t <= (fault.end or fault.start) + grace:
            return fault
    return None


def errors(run, requests: list[dict], brief: float, grace: float) -> None:
    outside, inside, tracebacks = [], defaultdict(list), []
    for r in requests:
        if r["status"] in ALWAYS_FINE:
            continue
        if r.get("traceback"):
            tracebacks.append(r)
        fault = window_of(run, r["t"], grace)
        if fault is None:
            outside.append(r)
        else:
            inside[fault.name].append(r)
    run.check(
        "errors: none outside the fault windows",
        not outside,
        f"{len(outside)} errors" + (f": {summarise(outside)}" if outside else ""),
    )
    run.check("errors: no page with a traceback", not tracebacks, f"{len(tracebacks)}")
    unclean = []
    for name, found in inside.items():
        not_refusals = [r for r in found if r["status"] not in REFUSALS]
        span = max(r["t"] for r in found) - min(r["t"] for r in found)
        if not_refusals or span > brief:
            unclean.append(f"{name}: {summarise(found)} over {span:.1f}s")
    run.check(
        "errors: inside the windows only brief, clean refusals",
        not unclean,
        "; ".join(unclean)
        or ", ".join(f"{n}: {summarise(f)}" for n, f in inside.items())
        or "no refusals at all",
    )


def summarise(requests: list[dict]) -> str:
    counts = Counter(f"{r['status'] or r.get('error')} {r['name']}" for r in requests)
    return ", ".join(f"{n}× {k}" for k, n in counts.most_common(6))


def latency_table(run, requests: list[dict], print_table) -> None:
    by_page = defaultdict(list)
    for r in requests:
        by_page[r["name"]].append(r["ms"])
    rows = []
    run.latency = {}
    for name, times in sorted(by_page.items()):
        times.sort()
        p50 = statistics.median(times)
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        run.latency[name] = (len(times), p50, p95)
        rows.append([name, len(times), f"{p50:.0f}", f"{p95:.0f}"])
    print_table("Latency under load (ms, through nginx)", ["page", "requests", "p50", "p95"], rows)


def last_event_id() -> int:
    """The newest ticket event's id before the load: the load's own come after it."""
    from django.db.models import Max

    from issues.models import TicketEvent

    return TicketEvent.objects.aggregate(last=Max("pk"))["last"] or 0


def saved_once(run, events: list[dict]) -> None:
    from django.db.models import Q

    from issues.models import Ticket, TicketEvent
    from pairing.models import Visit

    visits = [e for e in events if e["kind"] == "saved" and e["what"] == "visit"]
    wrong = []
    for e in visits:
        n_visits = Visit.objects.filter(notes__contains=e["marker"]).count()
        n_tickets = Ticket.objects.filter(title__contains=e["marker"]).count()
        if (n_visits, n_tickets) != (1, 1):
            wrong.append(f"{e['marker']}: {n_visits} visits, {n_tickets} problems")
    run.check(
        "nothing lost: each visit saved is there once",
        visits and not wrong,
        f"{len(visits)} visits with a problem each" + (f"; wrong: {wrong[:5]}" if wrong else ""),
    )
    actions = [e for e in events if e["kind"] == "saved" and e["what"] == "action"]
    claimed = Counter((e["ticket"], e["action"]) for e in actions if not e.get("marker"))
    wrong = []
    for e in actions:
        if e.get("marker"):
            n = TicketEvent.objects.filter(note__contains=e["marker"]).count()
            if n != 1:
                wrong.append(f"{e['action']} {e['marker']}: {n}")
    for (ticket, action), n in claimed.items():
        # Events written since the load began, by id: the demo dates some of a problem's steps
        # ahead of the seeding's clock, so a time filter would count them as the load's.
        found = TicketEvent.objects.filter(
            Q(ticket_id=ticket, action=action, pk__gt=run.events_before)
        ).count()
        if found != n:
            wrong.append(f"{action} of ticket {ticket}: {n} saved, {found} in the database")
    run.check(
        "nothing lost: each ticket action saved is there once",
        actions and not wrong,
        f"{len(actions)} actions ({dict(Counter(e['action'] for e in actions))})"
        + (f"; wrong: {wrong[:5]}" if wrong else ""),
    )


def imports_once(run, events: list[dict]) -> None:
    from accounts.models import AuditEntry
    from deploy.topology.scenario import ROWS, firms_of
    from enterprises import import_jobs
    from enterprises.models import RosterImport

    uploads = {e["record"]: e["file"] for e in events if e["kind"] == "import" and e.get("record")}
    rows = []
    bad = []
    for pk, filename in sorted(uploads.items()):
        record = RosterImport.objects.get(pk=pk)
        firms, rows_in_file = firms_of(filename), ROWS
        audited = AuditEntry.objects.filter(action="import", changes__file=filename).count()
        confirms = sum(1 for e in events if e.get("record") == pk and e.get("stage") == "confirmed")
        if record.status == RosterImport.Status.COMMITTED:
            ok = firms == rows_in_file and audited == 1
            outcome = "imported"
        else:
            ok = firms == 0 and audited == 0
            outcome = f"not imported ({record.status} {record.job_error})".replace(" )", ")")
        if not ok:
            bad.append(pk)
        rows.append([filename, pk, outcome, confirms, f"{firms}/{rows_in_file}", audited])
    from deploy.topology_check import print_table

    print_table(
        "Roster imports",
        ["file", "record", "outcome", "confirmed", "firms in db", "import audited"],
        rows,
    )
    run.check(
        "nothing lost: every import imported exactly once or not at all",
        uploads and not bad,
        f"{len(uploads)} imports, {sum(1 for r in rows if r[2] == 'imported')} imported"
        + (f"; half-applied or doubled: {bad}" if bad else ""),
    )
    killed = getattr(run, "killed_import", None)
    if killed:
        # Recovered: confirmed again and imported; or given back as 'to confirm' with the reason.
        record = RosterImport.objects.get(pk=killed)
        interrupted = (
            record.status == RosterImport.Status.PLANNED
            and record.job_error == import_jobs.INTERRUPTED
        )
        run.check(
            "nothing lost: the import whose worker was killed recovered",
            record.status == RosterImport.Status.COMMITTED or interrupted,
            f"import {killed}: {record.status}"
            + (" after confirming again" if record.status == "committed" else ""),
        )


def slots_once(run) -> None:
    from django.db.models import Count

    from pairing.models import ScheduledRun

    window = ScheduledRun.objects.filter(
        slot__gte=time_of(run.load_started), slot__lt=time_of(run.load_ended - 60)
    )
    doubled = window.values("name", "slot").annotate(n=Count("id")).filter(n__gt=1).count()
    unfinished = window.filter(finished_at__isnull=True).count()
    probes = window.filter(name="probe").count()
    minutes = int((run.load_ended - 60 - run.load_started) // 60)
    run.check(
        "nothing lost: every scheduled slot ran exactly once",
        doubled == 0 and unfinished == 0 and probes >= minutes,
        f"{window.count()} slots ({probes} probes for ~{minutes} whole minutes), "
        f"{unfinished} unfinished, {doubled} claimed twice",
    )


def fault_table(run, print_table) -> None:
    t0 = run.load_started
    print_table(
        "Faults injected",
        ["fault", "at (s)", "window (s)", "what happened"],
        [
            [f.name, f"{f.start - t0:.0f}", f"{(f.end or f.start) - f.start:.1f}", f.detail]
            for f in run.faults
        ],
    )


# --------------------------------------------------------------------------------------------
# Benchmark figures (`make bench-topology`)


def reference_ms(ports: dict, n: int = 30) -> float:
    """The median of /healthz through nginx with nothing else running: this machine's speed at
    the moment, the reference each page's p95 under load is compared with."""
    session = client()
    times = []
    for _ in range(n):
        started = time.perf_counter()
        session.get(f"http://127.0.0.1:{ports['nginx']}/healthz", timeout=10)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def slug(page: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", page.lower()).strip("_") or "root"


def record_bench(run, results: Path) -> None:
    """Merge topology_<page>_p95_ms (and its reference) into .bench/results.json, as
    tests/benchmarks/run.py writes it."""
    import datetime

    figures = {f"topology_{slug(p)}_p95_ms": round(v[2], 1) for p, v in run.latency.items()}
    reference = getattr(run, "reference_ms", None)
    results.parent.mkdir(exist_ok=True)
    data = json.loads(results.read_text()) if results.exists() else {}
    data.setdefault("figures", {}).update(figures)
    if reference:
        data.setdefault("references", {}).update({name: round(reference, 2) for name in figures})
    data["topology"] = {
        "users": int(os.environ.get("TOPOLOGY_USERS", 12)),
        "load_seconds": round(run.load_ended - run.load_started),
        "reference": "median GET /healthz through nginx before the load",
        "at": datetime.datetime.now().isoformat(timespec="seconds"),
    }
    results.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(f"\n{'figure':<52}{'p95 ms':>10}{'ratio':>9}")
    for name, value in sorted(figures.items()):
        ratio = f"{value / reference:9.1f}" if reference else f"{'—':>9}"
        print(f"{name:<52}{value:>10.1f}{ratio}")
    print(f"written to {results}")
