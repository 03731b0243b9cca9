"""Browser tests share the machine with the rest of the suite (pytest -n 2): give assertions
time to settle on a busy 2-core machine instead of failing on a slow render."""

import pytest

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(autouse=True, scope="session")
def _patient_expect():
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)


@pytest.fixture
def browser():
    """A headless Debian Chromium, closed after the test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
