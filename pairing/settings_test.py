"""Fast settings for the test suite: the same app, a cheap password hasher."""

from pairing.settings import *  # noqa: F403

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
