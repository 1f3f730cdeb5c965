"""The load, and the faults injected while it runs: each fault is timed (its window: from the
moment it starts until it is healed) so that the checks can tell errors inside a window from
errors outside one."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# When each fault starts, as a fraction of the load's length (180 s: 15, 32, 90, 117, 135 s).
PLAN = [
    (0.08, "restart one gunicorn", "restart_web"),
    (0.18, "kill -9 a worker in the middle of an import", "kill_worker_mid_import"),
    (0.50, "restart Redis", "restart_redis"),
    (0.65, "kill one scheduler", "kill_scheduler"),
    (0.75, "restart the replica", "restart_replica"),
]


def load_with_faults(run, procs, ports: dict, seconds: int, users: int) -> Path:
    """Run locust for `seconds` against nginx while the PLAN's faults happen; the events file."""
    from deploy.topology_check import Fault, log

    events = run.tmp / "events.jsonl"
    env = dict(run.env, TOPOLOGY_EVENTS=str(events), TOPOLOGY_IMPORTS=str(run.tmp / "imports"))
    locust = str(Path(sys.executable).parent / "locust")
    command = [
        locust, "-f", str(HERE / "locustfile.py"), "--headless", "--users", str(users),
        "--spawn-rate", str(max(1, users // 3)), "--run-time", f"{seconds}s",
        "--host", f"http://127.0.0.1:{ports['nginx']}", "--stop-timeout", "20",
        "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    run.load_started = time.time()
    procs.start("locust", command, env)
    injector = Injector(run, procs, ports)
    for fraction, name, method in PLAN:
        at = run.load_started + fraction * seconds
        if time.time() < at:
            time.sleep(at - time.time())
        if time.time() > run.load_started + seconds - 10:
            run.check(f"fault: {name}", False, "no time left to inject it")
            continue
        fault = Fault(name, time.time())
        run.faults.append(fault)
        log(f"fault: {name}")
        try:
            fault.detail = getattr(injector, method)() or ""
        except Exception as exc:
            fault.detail = f"{type(exc).__name__}: {exc}"
            run.check(f"fault: {name}", False, fault.detail)
        fault.end = time.time()
        log(f"fault healed after {fault.end - fault.start:.1f}s: {fault.detail}")
    process = procs.running["locust"]
    try:
        process.wait(timeout=seconds + 90)
    finally:
        procs.stop("locust")
    run.load_ended = time.time()
    return events


class Injector:
    def __init__(self, run, procs, ports):
        self.run, self.procs, self.ports = run, procs, ports

    def restart_web(self) -> str:
        from deploy.topology_check import start_web, wait_port_free

        started = time.time()
        self.procs.stop("web_a")  # SIGTERM: gunicorn finishes the requests it has, then exits
        wait_port_free(self.ports["web_a"])
        start_web(self.procs, self.run.env, "web_a")
        return f"web_a stopped and started again in {time.time() - started:.1f}s"

    def kill_worker_mid_import(self) -> str:
        """Wait for an import job to be writing firms, then kill -9 the worker running it (and its
        work horse, which RQ forks into a session of its own), and start a replacement."""
        from deploy.topology_check import start_worker

        job, name = wait_for_import_writing(self.run.env["REDIS_URL"], timeout=90)
        if job is None:
            raise RuntimeError("no import reached its write within 90 s")
        pid = worker_pid(self.run.env["REDIS_URL"], job.worker_name)
        victim = next((n for n, p in self.procs.running.items() if p.pid == pid), None)
        if victim is None:
            raise RuntimeError(f"the import's worker (pid {pid}) is not one this check started")
        horses = children(pid)
        for child in horses:
            os.kill(child, signal.SIGKILL)
        self.procs.stop(victim, sig=signal.SIGKILL)
        stage = f"{job.meta.get('stage')} {job.meta.get('progress')}%"
        self.run.killed_import = job.args[0]  # import_jobs.write(record_id, user_id)
        start_worker(self.procs, self.run.env, f"{victim}_replacement")
        from deploy.topology.scenario import ROWS, firms_of
        from enterprises.models import RosterImport

        record = RosterImport.objects.get(pk=job.args[0])
        return (
            f"killed {victim} (pid {pid}, horse {horses}) with import {record.pk} at {stage}; "
            f"then {firms_of(record.filename)}/{ROWS} of its firms in the database, "
            f"import {record.status}"
        )

    def restart_redis(self) -> str:
        from deploy.topology_check import redis_command

        started = time.time()
        self.procs.stop("redis")  # SIGTERM: Redis writes its append-only file and exits
        self.procs.start("redis", redis_command(self.run.tmp))
        wait_redis(self.run.env["REDIS_URL"])
        return f"Redis down and up again in {time.time() - started:.1f}s"

    def kill_scheduler(self) -> str:
        pid = self.procs.pid("scheduler_a")
        self.procs.stop("scheduler_a", sig=signal.SIGKILL)
        return f"scheduler_a (pid {pid}) killed; scheduler_b goes on alone"

    def restart_replica(self) -> str:
        from deploy.topology_check import restart_replica

        started = time.time()
        restart_replica(self.procs)
        return f"replica restarted in {time.time() - started:.1f}s"


def wait_for_import_writing(redis_url: str, timeout: float):
    import redis
    from rq.job import Job
    from rq.registry import StartedJobRegistry

    connection = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        registry = StartedJobRegistry("imports", connection=connection)
        for job_id in registry.get_job_ids():
            try:
                job = Job.fetch(job_id, connection=connection)
            except Exception:
                continue
            writing = job.meta.get("stage") in ("create", "update")
            if job.func_name.endswith(".write") and writing:
                return job, job.worker_name
        time.sleep(0.05)
    return None, None


def worker_pid(redis_url: str, worker_name: str) -> int:
    import redis
    from rq import Worker

    connection = redis.Redis.from_url(redis_url)
    worker = Worker.find_by_key(f"rq:worker:{worker_name}", connection=connection)
    if worker is None:
        raise RuntimeError(f"worker {worker_name} not found")
    return int(worker.pid)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text().split() if (task / "children").exists() else []
        found += [int(n) for n in text]
    return found


def wait_redis(url: str, timeout: float = 30) -> None:
    import redis

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if redis.Redis.from_url(url, socket_connect_timeout=1).ping():
                return
        except redis.RedisError:
            time.sleep(0.2)
    raise RuntimeError("Redis did not come back")
