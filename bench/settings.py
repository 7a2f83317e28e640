"""Settings for the benchmark: the project's own settings, production-like, on a bench database.

`bench/directory.py` starts gunicorn with DJANGO_SETTINGS_MODULE=bench.settings. The only
differences from production are what a loopback benchmark needs: its own database (never the
one in DATABASE_URL), plain static-file storage (no collectstatic run), cookies without the
Secure flag, and a URLconf that adds a bare view to compare against.
"""

import os
from pathlib import Path

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ylqgsl_bench"

# Forced, not defaulted: the benchmark empties tables, so it never follows DATABASE_URL.
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
os.environ["DEBUG"] = "false"
os.environ["SECURE_COOKIES"] = "false"
os.environ["STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/7")
os.environ.setdefault("LOG_LEVEL", "WARNING")
_data = Path(os.environ.setdefault("DATA_DIR", "/tmp/ylqgsl-bench"))  # noqa: S108
os.environ.setdefault("STATIC_ROOT", str(_data / "static"))

from ylqgsl.settings import *  # noqa: E402, F403

ROOT_URLCONF = "bench.urls"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 — WhiteNoise warns when missing
