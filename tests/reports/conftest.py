"""Every test here reads the rankings straight from the database, unless it asks for the cache."""

import pytest


@pytest.fixture(autouse=True)
def _uncached_rankings(fresh_rankings):
    """tests/conftest.py's fresh_rankings, for every test of this folder."""
