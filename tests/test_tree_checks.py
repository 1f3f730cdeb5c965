"""Checks that keep the tree honest: every management command of ours is exercised by a test, and
the environment helpers refuse bad values."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from pairing.env import env_bool, env_int, env_list

APPS = ["accounts", "enterprises", "pairing", "issues", "reports"]


def test_every_management_command_is_named_in_a_test():
    base = Path(settings.BASE_DIR)
    commands = [
        path.stem
        for app in APPS
        for path in (base / app / "management" / "commands").glob("*.py")
        if path.stem != "__init__"
    ]
    assert "seed_demo" in commands
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (base / "tests").rglob("test_*.py"))
    untested = [name for name in commands if f'"{name}"' not in tests]
    assert untested == []


@pytest.mark.parametrize("raw", ["maybe", "2"])
def test_env_bool_refuses_what_is_not_a_boolean(monkeypatch, raw):
    monkeypatch.setenv("PAIRING_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="PAIRING_FLAG"):
        env_bool("PAIRING_FLAG")


def test_env_helpers_read_good_values(monkeypatch):
    monkeypatch.setenv("PAIRING_FLAG", "yes")
    monkeypatch.setenv("PAIRING_N", "42")
    monkeypatch.setenv("PAIRING_HOSTS", "a.example, b.example,")
    assert env_bool("PAIRING_FLAG") is True
    assert env_int("PAIRING_N", 1) == 42
    assert env_list("PAIRING_HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("PAIRING_N", "forty")
    with pytest.raises(ImproperlyConfigured):
        env_int("PAIRING_N", 1)
