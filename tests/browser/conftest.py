"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Every test in this folder is marked `browser`, so `pytest -m "not browser"` leaves them out and
`pytest -m browser` runs only them. Chromium is launched once for the folder; each test gets a fresh
context (no cookies carried over). The live server uses a transactional database, so users are
created inside the test, after the `page` fixture (which requests `live_server`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from frontdoor.policy.clocks import LONDON
from tests.accounts.factories import PASSWORD

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = REPO / "node_modules/axe-core/axe.min.js"
# WCAG 2.2 AA, as the Public Sector Bodies Accessibility Regulations expect of a council service.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Short, so that a missing element fails in seconds rather than Playwright's default 30.
TIMEOUT_MS = 5_000


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: the mark must be on the items before pytest's own -m selection runs. The hook sees
    # the whole session's items, so only those in this folder are marked.
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Chromium, launched once for all the browser tests (headless, nothing fetched from Google)."""
    if not os.access(CHROMIUM, os.X_OK):
        message = f"The browser tests need Chromium at {CHROMIUM}"
        if os.environ.get("CI"):
            pytest.fail(
                f"{message}, and CI (the CI variable is set) must run them, not skip them: "
                "install it with `apt-get install chromium chromium-driver` (see .ci/run).",
                pytrace=False,
            )
        pytest.skip(f"{message}: install it with `sudo apt-get install chromium chromium-driver`.")
    # Playwright's sync API runs an asyncio event loop in this (the test) thread and leaves it
    # marked as running between calls. Django then takes every ORM call made here (creating users,
    # flushing the database after each test) for a call from async code and refuses it with
    # SynchronousOnlyOperation. They are ordinary blocking calls, made one at a time from this
    # thread, so the check is switched off, but only while Playwright runs. The browser is
    # package-scoped rather than session-scoped for the same reason: the loop, and this setting,
    # end with the last browser test instead of leaking into the rest of a full test run.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()


def _page(browser: Browser, live_server, *, java_script_enabled: bool) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=java_script_enabled)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    # axe-core is JavaScript: a page without it is checked again in a JavaScript context.
    page.frontdoor_javascript = java_script_enabled
    # A stylesheet or script that fails to load would leave axe judging an unstyled page (its
    # colour contrast checks would mean nothing), so every static file must arrive.
    broken: list[str] = []
    failed: list[str] = []
    downloads: set[str] = set()  # a link that downloads ends its navigation: not a failure
    page.on("download", lambda download: downloads.add(download.url))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on(
        "response",
        lambda response: (
            broken.append(f"{response.url} ({response.status})")
            if "/static/" in response.url and response.status >= 400
            else None
        ),
    )
    yield page
    context.close()
    broken += [f"{url} (failed)" for url in failed if url not in downloads]
    if broken:
        pytest.fail("These files did not load:\n" + "\n".join(broken), pytrace=False)


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A page in a fresh browser context, with JavaScript on, pointed at the live server."""
    yield from _page(browser, live_server, java_script_enabled=True)


@pytest.fixture
def page_without_js(browser: Browser, live_server) -> Iterator[Page]:
    """A page in a fresh browser context with JavaScript turned off (progressive enhancement)."""
    yield from _page(browser, live_server, java_script_enabled=False)


def sign_in(page: Page, live_server, user, *, password: str = PASSWORD) -> None:
    """Sign in through the real form, as a member of staff would, and wait for the next page."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()


def assert_no_axe_violations(page: Page) -> None:
    """Run axe-core's WCAG 2.2 A and AA rules on the page; fail listing each rule broken."""
    if not AXE_SCRIPT.exists():
        pytest.fail(
            f"axe-core is missing ({AXE_SCRIPT}): run `python3 dev.py setup` to install it.",
            pytrace=False,
        )
    if not getattr(page, "frontdoor_javascript", True):
        # With JavaScript off nothing can run axe (evaluating waits for ever): load the same
        # address, with the same session, in a context where it can. A GET shows the same page.
        checker = page.context.browser.new_context(java_script_enabled=True)
        checker.add_cookies(page.context.cookies())
        try:
            checked = checker.new_page()
            checked.goto(page.url)
            assert_no_axe_violations(checked)
        finally:
            checker.close()
        return
    # Evaluated through the browser's debugging protocol, not as a <script> tag, so the page's
    # Content Security Policy (no inline scripts) stays on while axe runs.
    page.evaluate(AXE_SCRIPT.read_text())
    violations = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return results.violations.map((violation) => ({
                id: violation.id,
                impact: violation.impact,
                help: violation.help,
                helpUrl: violation.helpUrl,
                targets: violation.nodes.map((node) => node.target.join(' ')),
            }));
        }""",
        AXE_TAGS,
    )
    if not violations:
        return
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {page.url}:"]
    for violation in violations:
        targets = violation["targets"]
        shown = ", ".join(targets[:3]) + (
            f" and {len(targets) - 3} more" if len(targets) > 3 else ""
        )
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"    on {shown}\n"
            f"    {violation['helpUrl']}"
        )
    pytest.fail("\n".join(lines), pytrace=False)


def record_police_told(page: Page) -> None:
    """From the link on the screening page: the police were told five minutes ago (R24)."""
    page.get_by_role("link", name="Record telling the police").click()
    told = dt.datetime.now(tz=LONDON) - dt.timedelta(minutes=5)
    page.get_by_label("Day").fill(str(told.day))
    page.get_by_label("Month").fill(str(told.month))
    page.get_by_label("Year").fill(str(told.year))
    page.get_by_label("Time the police were told").fill(f"{told:%H:%M}")
    page.get_by_label("Whom you told").fill("DC Jones, Public Protection Unit")
    page.get_by_label("The police's reference").fill("PPU-2026-77")
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Record that the police were told").click()
