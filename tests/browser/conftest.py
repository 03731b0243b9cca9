"""Browser tests share the machine with the rest of the suite (pytest -n 2): give assertions
time to settle on a busy 2-core machine instead of failing on a slow render."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _patient_expect():
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
