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
