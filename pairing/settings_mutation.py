"""Settings for `make mutate`: the test settings with the test database kept in a file, so the
thousands of short pytest runs a mutation run makes reuse it (--reuse-db) instead of migrating a
new one each time (13 s each on a loaded machine). SQLite only: `make mutate` runs without
DATABASE_URL. tests/conftest.py leaves transactional tests out of these runs."""

from pairing.settings_test import *  # noqa: F403
from pairing.settings_test import BASE_DIR, DATABASES

DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "mutation-tests.sqlite3")}
KEEP_TEST_DATABASE = True
