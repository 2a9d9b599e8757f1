"""Signing in through a real browser: password plus authenticator code, then the Korean dashboard.

Drives Debian's Chromium (/usr/bin/chromium, installed by `make test`) through Playwright's sync
API against pytest-django's live server. Playwright runs an event loop in this thread, so Django's
ORM refuses to run while the browser is open (SynchronousOnlyOperation): every database object is
created before the browser starts and read back only after it has stopped.
"""

import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect, sync_playwright

from modules.accounts.models import LoginLog
from tests.conftest import PASSWORD, totp_now

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
TIMEOUT_MS = 15_000
LOGIN_PATH = "/admin/login/"
# Wide enough for Wagtail's "lg" layout, where the dashboard shows the account summary.
VIEWPORT = {"width": 1280, "height": 900}


@contextmanager
def chromium_page(name: str):
    """A fresh page in headless Chromium; fails (never skips) when the browser is not installed.

    When the block raises, a screenshot of the page is left in var/test-artifacts/<name>-failure.png.
    """
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium "
            "(`make test` installs it; or: apt-get install chromium)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT)
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            try:
                yield page
            except BaseException:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"{name}-failure.png"), full_page=True)
                raise
        finally:
            browser.close()


def submit_login(page, base_url: str, username: str, code_for) -> None:
    """Fill and submit the login form; ``code_for()`` runs at the last moment (codes expire)."""
    page.goto(f"{base_url}{LOGIN_PATH}")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.fill('input[name="otp_token"]', code_for())
    with page.expect_navigation():
        page.click('form.login-form button[type="submit"]')


def wagtail_korean(msgid: str) -> str:
    """Wagtail's own Korean for ``msgid`` (our msgids may not be translated yet; Wagtail's are)."""
    with translation.override("ko"):
        text = translation.gettext(msgid)
    assert HANGUL.search(text), f"no Korean translation of {msgid!r} is installed"
    return text


def test_login_with_code_lands_on_korean_dashboard(live_server, transactional_db, make_user):
    user = make_user("browser", rights={"orders": {"view"}}, totp=True)
    device = user.totp_device
    account_label, logout_label = wagtail_korean("Account"), wagtail_korean("Log out")

    with chromium_page("dashboard") as page:
        submit_login(page, live_server.url, "browser", lambda: totp_now(device))

        expect(page).to_have_url(f"{live_server.url}/admin/")
        expect(page.locator("html")).to_have_attribute("lang", "ko")
        # Our site name is Korean whether or not our own .po files exist.
        expect(page.locator("h1")).to_have_text(settings.WAGTAIL_SITE_NAME)
        assert HANGUL.search(settings.WAGTAIL_SITE_NAME)

        health = page.locator('section[data-panel="system-health"]')
        expect(health).to_be_visible()
        expect(health.locator("tr[data-check]")).to_have_count(4)
        for key in ("database", "worker", "queue", "cache"):
            expect(health.locator(f'tr[data-check="{key}"]')).to_be_visible()
        expect(health.locator('tr[data-check="database"]')).to_have_attribute("data-ok", "true")

        # For humans: the dashboard as it first shows (before the account menu is opened).
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

        # Wagtail's Korean UI: the account link beside the title, and the sidebar's account
        # menu (rendered by the sidebar's JavaScript, so this also shows the admin JS loaded).
        expect(page.locator("main a[href='/admin/account/']")).to_have_text(account_label)
        page.locator(".sidebar-footer__account").click()
        expect(page.locator("#wagtail-sidebar").get_by_role("button", name=logout_label)).to_be_visible()
        # The admin stylesheet applied: Wagtail's sidebar has its dark background, not none.
        sidebar_bg = page.eval_on_selector(".sidebar", "el => getComputedStyle(el).backgroundColor")
        assert sidebar_bg not in ("", "rgba(0, 0, 0, 0)", "transparent"), "admin CSS did not load"

    # The browser has stopped: the ORM may run again.
    log = LoginLog.objects.get(username="browser")
    assert (log.success, log.reason) == (True, LoginLog.Reason.OK)


def test_wrong_code_keeps_the_login_page_with_an_error(live_server, transactional_db, make_user):
    user = make_user("browser-wrong", rights={"orders": {"view"}}, totp=True)
    device = user.totp_device

    def wrong_code():
        return f"{(int(totp_now(device)) + 1) % 10**device.digits:0{device.digits}d}"

    with chromium_page("login-wrong-code") as page:
        submit_login(page, live_server.url, "browser-wrong", wrong_code)

        expect(page).to_have_url(f"{live_server.url}{LOGIN_PATH}")
        expect(page.locator("form.login-form")).to_be_visible()
        error = page.locator(".messages li.error")
        expect(error).to_have_count(1)
        expect(error).to_be_visible()
        expect(error).not_to_have_text(re.compile(r"^\s*$"))
        # The refused code is not put back into the field.
        expect(page.locator('input[name="otp_token"]')).to_have_value("")

        # Not signed in: the dashboard sends the browser back to the login page.
        page.goto(f"{live_server.url}/admin/")
        expect(page).to_have_url(re.compile(re.escape(f"{live_server.url}{LOGIN_PATH}")))
        expect(page.locator('section[data-panel="system-health"]')).to_have_count(0)

    log = LoginLog.objects.get(username="browser-wrong")
    assert (log.success, log.reason) == (False, LoginLog.Reason.OTP_WRONG)
