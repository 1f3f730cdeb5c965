"""The settings refuse to start a deployed app (DEBUG off) on the public development key. Each case
imports the real settings in a fresh interpreter, with the environment that case names."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

IMPORT_SETTINGS = "import pairing.settings as s; print(len(s.SECRET_KEY))"


def start(**env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "HTTPS")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", IMPORT_SETTINGS],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("debug", [{"DEBUG": "0"}, {}], ids=["DEBUG=0", "DEBUG unset"])
def test_without_debug_and_without_a_key_the_app_refuses_to_start(debug):
    result = start(**debug)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_a_deployed_app_with_its_own_key_starts():
    result = start(DEBUG="0", SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "50"


def test_a_development_server_may_use_the_development_key():
    result = start(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 50
