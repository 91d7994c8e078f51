"""What the screen-size journeys share: log in at a width and in a language, check that the page does not
scroll sideways, save a screenshot (``MEUTE_SCREENSHOTS=1``: also in ``docs/screenshots/``)."""

import os

from tests.browser.test_journeys import SCREENSHOTS


def open_as(browser, live_server, username, width, language):
    """A logged-in page for ``username`` at ``width`` px in ``language``; returns (context, page, errors)."""
    from conftest import PASSWORD

    context = browser.new_context(viewport={"width": width, "height": 900}, locale=language)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.set_default_navigation_timeout(60_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    return context, page, errors


def assert_fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def shoot(page, folder, name):
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert (folder / f"{name}.png").stat().st_size > 0
    if os.environ.get("MEUTE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
