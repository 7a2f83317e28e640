"""Settings for the test suite: the project's settings with test-only defaults.

DATABASE_URL, CELERY_BROKER_URL and CACHE_URL are honoured when set (CI points them at
PostgreSQL and Redis); otherwise the embedded defaults apply.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault(
    "STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="ylqgsl-test-"))

from ylqgsl.settings import *  # noqa: F403

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in the calling thread unless a test starts a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
AXES_ENABLED = True
# Each test sees the figures of its own data (tests/dashboard check the cache on its own).
DASHBOARD_CACHE_SECONDS = 0
# The page cache (PAGE_CACHE_SECONDS) is left as production has it: on wherever the cache is
# shared, as in CI (CACHE_URL=redis://...). tests/conftest.py empties it around every test;
# tests/core/test_page_cache.py and the browser stories turn it on even without Redis
# (tests/conftest.py: page_cache).
