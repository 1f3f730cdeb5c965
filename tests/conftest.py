import pytest
from django.conf import settings
from django.utils import translation

from tests import factories


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
