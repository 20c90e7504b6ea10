"""Ledger test settings: every warning is an error, wherever the suite is run from."""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("filterwarnings", "error")
