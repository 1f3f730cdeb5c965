"""Fast settings for the test suite: the same app, a cheap password hasher."""

import os

# Production settings refuse to start without a key; the suite brings its own, and the workers and
# servers that tests start in subprocesses inherit it.
os.environ.setdefault("SECRET_KEY", "test-only-key-" + "x" * 50)

from pairing.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the finders; the suite never runs collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Uploaded files go to a throwaway folder, not the work tree.
MEDIA_ROOT = __import__("tempfile").mkdtemp(prefix="pairing-test-media-")
# The page cache on, as deployed (one process here, so the local-memory cache is shared).
PAGE_CACHE_SECONDS = 120
