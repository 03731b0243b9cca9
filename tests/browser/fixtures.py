"""Browser fixtures for every test that drives Chromium, in tests/browser and in the apps'
tests alike (loaded by the root conftest.py): one Chromium per test, a phone page, a login.

Browser tests share the machine with the rest of the suite (pytest -n 2): assertions get time
to settle on a busy 2-core machine instead of failing on a slow render."""

import pytest
from django.urls import reverse

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS

PHONE = {"viewport": {"width": 375, "height": 800}, "is_mobile": True}


@pytest.fixture
def browser():
    """A headless Debian Chromium, closed after the test."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A page 375 px wide that accepts confirmation dialogs."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


def login(page, base_url: str, username: str, password: str) -> None:
    """Sign in through the login page, as a user does."""
    page.goto(base_url + reverse("iam:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button.btn-primary").first.click()
    page.wait_for_load_state()
