#!/usr/bin/env python3
"""`make topology-check`: Pairing as a province runs it, on 127.0.0.1, under load and faults.

1. start   a PostgreSQL primary and a streaming replica (pg_basebackup), Redis, two gunicorn
           processes behind nginx, two RQ workers and two schedulers, each on ports of its own;
           migrate and seed the demo province;
2. check   the replica (a page read right after a write sees it; a drill-down reads the replica)
           and the client address through nginx (a forged X-Forwarded-For straight to gunicorn
           is ignored);
3. load    locust (deploy/topology/locustfile.py) for LOAD_SECONDS while faults are injected:
           restart a gunicorn, kill -9 a worker in the middle of an import, restart Redis, kill a
           scheduler, restart the replica;
4. assert  nothing lost, no errors outside the fault windows and only clean refusals inside,
           latency per page; printed as tables. Exit status 1 if any check failed.

Everything started is stopped by its process id in `finally`, whatever happened.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent / "topology"
PYTHON = sys.executable
VENV_BIN = Path(PYTHON).parent

PORTS = {
    "primary": int(os.environ.get("TOPOLOGY_PRIMARY_PORT", 5441)),
    "replica": int(os.environ.get("TOPOLOGY_REPLICA_PORT", 5442)),
    "redis": int(os.environ.get("TOPOLOGY_REDIS_PORT", 6391)),
    "nginx": int(os.environ.get("TOPOLOGY_NGINX_PORT", 8180)),
    "web_a": int(os.environ.get("TOPOLOGY_WEB_A_PORT", 8181)),
    "web_b": int(os.environ.get("TOPOLOGY_WEB_B_PORT", 8182)),
}
LOAD_SECONDS = int(os.environ.get("TOPOLOGY_LOAD_SECONDS", 180))
USERS = int(os.environ.get("TOPOLOGY_USERS", 12))
PROXY_ADDRESS = "127.0.0.2"  # nginx's proxy_bind: the only trusted proxy
DB_NAME = "pairing"
# The demo province, smaller than `make run`'s so that seeding fits CI's time.
SEED_ARGS = ["--enterprises", "3000", "--cadres", "600", "--tickets", "400", "--towns", "12"]
GRACE_SECONDS = 5  # a fault's window lasts until it is healed and this much longer
# A request refused by nginx (502/503/504) during a fault window is a clean refusal only if the
# refusals of that window last no longer than this.
BRIEF_REFUSAL_SECONDS = 10


def log(message: str) -> None:
    print(f"[topology {time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


# --------------------------------------------------------------------------------------------
# Processes: everything started is recorded by its pid and stopped by it.


class Processes:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.running: dict[str, subprocess.Popen] = {}
        self.clusters: dict[str, Path] = {}  # PostgreSQL data dirs (pg_ctl daemonises)

    def start(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        out = open(self.tmp / "logs" / f"{name}.log", "ab")  # noqa: SIM115 - lives with the process
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with all its children
        )
        self.running[name] = process
        return process

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        process = self.running.pop(name, None)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def pid(self, name: str) -> int:
        return self.running[name].pid

    def stop_all(self, timeout: float = 15) -> None:
        """SIGTERM to every process group at once, SIGKILL to any still there after `timeout`;
        then the PostgreSQL clusters (fast shutdown), by the pid in their postmaster.pid."""
        for process in reversed(list(self.running.values())):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for name, process in reversed(list(self.running.items())):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"{name} (pid {process.pid}) did not stop: SIGKILL")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.running.clear()
        for name in reversed(list(self.clusters)):
            stop_cluster(self.clusters.pop(name))


# --------------------------------------------------------------------------------------------
# PostgreSQL: a primary and a streaming replica, run as the postgres user when we are root.


def pg_bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        raise SystemExit(f"PostgreSQL's {name} not found under /usr/lib/postgresql/*/bin")
    return str(found[-1])


def as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def pg(command: list[str], **kwargs) -> None:
    subprocess.run(as_postgres(command), check=True, cwd="/", **kwargs)


def cluster_pid(data: Path) -> int | None:
    try:
        return int((data / "postmaster.pid").read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def stop_cluster(data: Path) -> None:
    pid = cluster_pid(data)
    if pid is None:
        return
    try:
        os.kill(pid, signal.SIGINT)  # PostgreSQL's fast shutdown
    except ProcessLookupError:
        return
    for _ in range(150):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


def start_cluster(data: Path, name: str) -> None:
    pg([pg_bin("pg_ctl"), "start", "-w", "-t", "60", "-D", str(data), "-l", f"{data}.log"])
    log(f"PostgreSQL {name} up (pid {cluster_pid(data)})")


def start_postgres(procs: Processes) -> None:
    pgdir = procs.tmp / "pg"
    pgdir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(pgdir, "postgres", "postgres")
    primary, replica = pgdir / "primary", pgdir / "replica"
    pg([pg_bin("initdb"), "-D", str(primary), "-U", "postgres", "-A", "trust", "--no-sync",
        "-E", "UTF8", "--locale", "C.UTF-8"], stdout=subprocess.DEVNULL)  # fmt: skip
    settings = {
        "listen_addresses": "'127.0.0.1'",
        "port": PORTS["primary"],
        "unix_socket_directories": f"'{pgdir}'",
        "wal_level": "replica",
        "max_wal_senders": 5,
        "hot_standby": "on",
        "shared_buffers": "64MB",
        "max_connections": 100,
    }
    with open(primary / "postgresql.auto.conf", "a") as conf:
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
    procs.clusters["primary"] = primary
    start_cluster(primary, "primary")
    pg([pg_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(PORTS["primary"]), "-U", "postgres",
        "-D", str(replica), "-R", "-X", "stream", "-c", "fast"])  # fmt: skip
    with open(replica / "postgresql.auto.conf", "a") as conf:
        conf.write(f"port = {PORTS['replica']}\n")
    procs.clusters["replica"] = replica
    start_cluster(replica, "replica")
    pg([pg_bin("psql"), "-h", "127.0.0.1", "-p", str(PORTS["primary"]), "-U", "postgres", "-q",
        "-c", f"CREATE DATABASE {DB_NAME}"])  # fmt: skip


def restart_replica(procs: Processes) -> None:
    replica = procs.clusters["replica"]
    pg([pg_bin("pg_ctl"), "restart", "-w", "-t", "60", "-m", "fast", "-D", str(replica),
        "-l", f"{replica}.log"], stdout=subprocess.DEVNULL)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Redis, the app's processes and nginx.


def redis_command(tmp: Path) -> list[str]:
    # Append-only with a sync each second, as production runs it: a restart keeps the queues.
    return ["redis-server", "--bind", "127.0.0.1", "--port", str(PORTS["redis"]),
            "--dir", str(tmp / "redis"), "--appendonly", "yes", "--appendfsync", "everysec",
            "--save", ""]  # fmt: skip


def app_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{PORTS['primary']}/{DB_NAME}",
        DATABASE_REPLICA_URL=f"postgres://postgres@127.0.0.1:{PORTS['replica']}/{DB_NAME}",
        REDIS_URL=f"redis://127.0.0.1:{PORTS['redis']}/0",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        TRUSTED_PROXIES=PROXY_ADDRESS,
        SCHEDULE_PROBE_MINUTES="1",
        MEDIA_DIR=str(tmp / "media"),
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="60",
    )
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def start_web(procs: Processes, env: dict, name: str, wait: bool = True) -> None:
    port = PORTS[name]
    procs.start(
        name,
        [str(VENV_BIN / "gunicorn"), "pairing.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "2", "--graceful-timeout", "10", "--timeout", "60",
         # Longer than nginx's upstream keepalive_timeout: nginx, not gunicorn, closes an idle
         # connection, or a POST sent on one gunicorn is closing gets a 502 (seen here).
         "--keep-alive", "15",
         # gunicorn 27's control socket has one default path: two masters would share it.
         "--no-control-socket"],
        env,
    )  # fmt: skip
    if wait:
        wait_web(name)


def wait_web(name: str) -> None:
    wait_http(f"http://127.0.0.1:{PORTS[name]}/healthz", accept=(200, 503), timeout=90)


def start_worker(procs: Processes, env: dict, name: str) -> None:
    procs.start(
        name,
        [PYTHON, "manage.py", "rqworker", "default", "imports", "reports", "--with-scheduler",
         "--name", f"{name}-{time.time_ns()}"],
        env,
    )  # fmt: skip


def start_nginx(procs: Processes) -> None:
    nginx_dir = procs.tmp / "nginx"
    nginx_dir.mkdir()
    for part in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (nginx_dir / part).mkdir()
        (nginx_dir / part).chmod(0o777)  # nginx's workers run as nobody
    conf = (HERE / "nginx.conf").read_text().replace("{tmp}", str(procs.tmp))
    for key in ("nginx", "web_a", "web_b"):
        conf = conf.replace("{" + key + "}", str(PORTS[key]))
    (nginx_dir / "nginx.conf").write_text(conf)
    procs.start("nginx", [shutil.which("nginx") or "/usr/sbin/nginx", "-c",
                          str(nginx_dir / "nginx.conf"), "-p", str(nginx_dir)])  # fmt: skip
    wait_http(f"http://127.0.0.1:{PORTS['nginx']}/healthz", accept=(200, 503), timeout=30)


def wait_http(url: str, accept=(200,), timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                if response.status in accept:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code in accept:
                return
            last = exc
        except OSError as exc:
            last = exc
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout}s: {last}")


def wait_port_free(port: int, timeout: float = 20) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return
        time.sleep(0.2)


def check_free_ports() -> None:
    import socket

    for name, port in PORTS.items():
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                raise SystemExit(
                    f"port {port} ({name}) is taken: is another topology check running?"
                )


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Fault:
    name: str
    start: float
    end: float = 0.0
    detail: str = ""


@dataclass
class Run:
    tmp: Path
    env: dict
    checks: list[Check] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def check(self, name: str, ok: bool, detail: str) -> None:
        self.checks.append(Check(name, bool(ok), detail))
        log(f"{'PASS' if ok else 'FAIL'} {name}: {detail}")


def print_table(title: str, header: list[str], rows: list[list]) -> None:
    cells = [header, *[[str(c) for c in row] for row in rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(header))]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    print(f"\n{title}\n{line}")
    for n, row in enumerate(cells):
        print(
            "| "
            + " | ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True))
            + " |"
        )
        if n == 0:
            print(line)
    print(line, flush=True)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# --------------------------------------------------------------------------------------------


def main() -> int:
    check_free_ports()
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="pairing-topology-"))
    tmp.chmod(0o755)  # PostgreSQL and nginx's workers reach their own directories under it
    for part in ("logs", "redis", "media", "imports"):
        (tmp / part).mkdir()
    procs = Processes(tmp)
    run = Run(tmp=tmp, env=app_env(tmp))
    # A CI job cancelled (SIGTERM) still runs the `finally` below that stops everything.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ok = False
    try:
        from deploy.topology import faults, scenario, verify

        step = time.monotonic()
        start_postgres(procs)
        procs.start("redis", redis_command(tmp))
        log(f"PostgreSQL primary and replica up in {time.monotonic() - step:.0f}s; migrating")
        manage(run.env, "migrate", "--noinput", "-v0")
        log(f"migrated at {time.monotonic() - step:.0f}s; seeding, and starting the app meanwhile")
        seeding = procs.start("seed_demo", [PYTHON, "manage.py", "seed_demo", *SEED_ARGS], run.env)
        for name in ("web_a", "web_b"):  # started together, waited for together
            start_web(procs, run.env, name, wait=False)
        for name in ("worker_a", "worker_b"):
            start_worker(procs, run.env, name)
        for name in ("scheduler_a", "scheduler_b"):
            procs.start(name, [PYTHON, "manage.py", "run_scheduler"], run.env)
        if seeding.wait(timeout=600) != 0:
            raise RuntimeError("seed_demo failed: see logs/seed_demo.log")
        procs.running.pop("seed_demo")
        log(f"seeded at {time.monotonic() - step:.0f}s")
        verify.setup_django(run.env)
        scenario.write_import_files(tmp / "imports", scenario.FILES, scenario.ROWS)
        for name in ("web_a", "web_b"):
            wait_web(name)
        start_nginx(procs)
        run.seconds["start"] = time.monotonic() - step
        log(f"topology up in {run.seconds['start']:.0f}s; logs in {tmp / 'logs'}")

        if os.environ.get("TOPOLOGY_HOLD"):  # for working on the load: keep it up, no checks
            log(f"holding the topology up until {tmp / 'release'} exists")
            while not (tmp / "release").exists():
                time.sleep(1)
            return 0
        run.reference_ms = verify.reference_ms(PORTS)
        verify.replica_reads(run, PORTS)
        # The address checks (their 20 slow failed logins) run beside the load, not before it.
        addresses = threading.Thread(
            target=verify.in_thread(verify.client_address), args=(run, PORTS, PROXY_ADDRESS)
        )
        addresses.start()
        run.events_before = verify.last_event_id()
        step = time.monotonic()
        events = faults.load_with_faults(run, procs, PORTS, LOAD_SECONDS, USERS)
        run.seconds["load"] = time.monotonic() - step
        addresses.join()
        verify.settle(run)
        verify.after_load(run, events, BRIEF_REFUSAL_SECONDS, GRACE_SECONDS)
        ok = all(c.ok for c in run.checks)
        if os.environ.get("TOPOLOGY_BENCH"):
            verify.record_bench(run, ROOT / ".bench" / "results.json")
    except Exception as exc:
        import traceback

        traceback.print_exc()
        run.check("topology check ran to its end", False, f"{type(exc).__name__}: {exc}")
    finally:
        step = time.monotonic()
        procs.stop_all()
        log(f"stopped everything in {time.monotonic() - step:.0f}s")
    print_table(
        "Topology check",
        ["check", "result", "detail"],
        [[c.name, "PASS" if c.ok else "FAIL", c.detail] for c in run.checks],
    )
    log(f"total {time.monotonic() - started:.0f}s; {'PASSED' if ok else 'FAILED'}")
    if ok and not os.environ.get("TOPOLOGY_KEEP"):
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        log(f"kept {tmp} for inspection")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
