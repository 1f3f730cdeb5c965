"""`make run`'s server: runserver_embedded serves pages on a fresh SQLite database, jobs inline."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

COMMAND = "runserver_embedded"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_it_serves_the_login_page(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DEBUG="1",
        DJANGO_SETTINGS_MODULE="pairing.settings",
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=120)
    port = free_port()
    server = subprocess.Popen(
        [*manage, COMMAND, f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "the server did not answer"
        assert "干部联企服务平台" in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/app.css", timeout=2) as r:
            assert r.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
