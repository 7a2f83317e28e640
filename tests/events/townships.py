"""Townships come from a data migration, and a transactional test's flush deletes them.

The transactional tests here (the browser story, the concurrency test) put them back before
and after their module, so the transactional tests that run after them (pytest-django runs
all of those last) still find them.
"""

import importlib

import pytest
from django.apps import apps

_migration = importlib.import_module("members.migrations.0002_townships")


def reload_townships():
    _migration.load(apps, None)


@pytest.fixture(scope="module")
def townships_kept(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        reload_townships()
    yield
    with django_db_blocker.unblock():
        reload_townships()
