"""Fixtures shared by the ranking, month-close and report tests."""
from tests.rankings.helpers import fresh_rankings  # noqa: F401
