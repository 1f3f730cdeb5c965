import os
import sqlite3
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests import factories
from tests.mutation.selection import select_for_mutant


@pytest.fixture
def f():
    """The factories module, so tests read `f.make_ticket(...)`."""
    return factories


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language and leaves it so: the language middleware
    activates a request's language for the rest of the thread, which would otherwise reach the
    tests that run after an English page."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def pytest_collection_modifyitems(config, items):
    """Under `make mutate` the test database is kept between runs (pairing/settings_mutation.py).
    A transactional test empties its tables when it ends, reference data included, which would
    fail every run after it: those tests are left out of mutation runs (and only of those)."""
    if not getattr(settings, "KEEP_TEST_DATABASE", False):
        return
    kept, left_out = [], []
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = marker is not None and marker.kwargs.get("transaction")
        uses = set(getattr(item, "fixturenames", ()))
        if transactional or uses & {"transactional_db", "live_server"}:
            left_out.append(item)
        else:
            kept.append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if "__mutmut_" in mutant:
        select_for_mutant(config, items, mutant)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Under `make mutate`, a mutant's run (mutmut names it in MUTANT_UNDER_TEST) works on its own
    copy of the kept test database, so that two runs side by side (--max-children 2) never share
    one SQLite file. The copy is made of the file the unmutated runs keep (migrated, reference
    data in place) and removed when the run ends; each test still rolls back its own changes."""
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if not getattr(settings, "KEEP_TEST_DATABASE", False) or "__mutmut_" not in mutant:
        yield
        return
    test = settings.DATABASES["default"]["TEST"]
    template = Path(test["NAME"])
    copy = template.with_name(f"{template.stem}-{os.getpid()}{template.suffix}")
    # SQLite's backup API, not a file copy: the template is in WAL mode, and its last writes may
    # still be in its -wal file (a pytest run ends with os._exit under mutmut).
    copy.unlink(missing_ok=True)
    source, target = sqlite3.connect(template), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    test["NAME"] = str(copy)
    try:
        yield
    finally:
        for leftover in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
            leftover.unlink(missing_ok=True)
