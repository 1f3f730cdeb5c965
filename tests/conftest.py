import pytest

from tests import factories


@pytest.fixture
def f():
    """The factories module, so tests read `f.make_ticket(...)`."""
    return factories
