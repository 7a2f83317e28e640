"""Known data for the dashboard and report tests; English labels in assertions."""

import pytest

from tests.petitions.conftest import file_for  # noqa: F401  (a fixture, shared)


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English source strings."""
