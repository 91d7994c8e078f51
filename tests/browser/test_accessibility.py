"""Accessibility basics in headless Chromium: axe-core on the main pages, focus after a refused submit.

axe-core is vendored for the tests only (``tests/browser/vendor/axe.min.js``, MPL-2.0, from the npm
registry). A page fails on any violation axe rates serious or critical, against WCAG 2 A and AA.
"""

import json
import os
import re
from pathlib import Path

import pytest

from tests.browser.test_journeys import CHROMIUM, browser, log_in  # noqa: F401  (fixtures)

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SEVERE = {"serious", "critical"}
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]


def severe_violations(page) -> list:
    # The app's Content-Security-Policy (script-src 'self') refuses an inline <script>: serve the vendored
    # axe from the page's own origin (answered by the browser, never by the app) and load it by URL, so the
    # page keeps running under its real policy.
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    url = f"{origin}/__test-tools__/axe.min.js"
    page.unroute(url)
    page.route(url, lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    page.add_script_tag(url=url)
    result = page.evaluate(
        "async () => JSON.stringify(await axe.run(document, "
        "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}))"
    )
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in json.loads(result)["violations"]
        if v["impact"] in SEVERE
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_main_pages_have_no_serious_violation(live_server, world, browser, language):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=language)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, live_server, "manager", None)
        # (Each role's home: test_homes_have_no_serious_violation.)
        pages = [
            "/organizations/",
            f"/organizations/{world.org_a.uuid}/",
            "/organizations/new/",
            "/organizations/import/",
            "/people/",
            "/partnerships/",
            f"/partnerships/{world.partnership_a.uuid}/",
            "/deals/",
            "/leads/",
            "/programs/",
            "/notifications/",
        ]
        problems = {}
        for path in pages:
            page.goto(f"{live_server.url}{path}")
            found = severe_violations(page)
            if found:
                problems[path] = found
        assert not problems, problems
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_homes_have_no_serious_violation(live_server, world, program, browser, language):  # noqa: F811
    """Each role's home (the administrator's overview, the channel manager's queue, the partner's space
    with its deals and tier progress) and the partner 360 page, on a laptop and on a phone."""
    from tests.browser.test_homes_journey import _story

    _story(world, program)
    problems = {}
    for username in ("admin", "manager", "alice"):
        for width in (1280, 390):
            context = browser.new_context(viewport={"width": width, "height": 900}, locale=language)
            context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            page = context.new_page()
            page.set_default_timeout(10_000)
            try:
                log_in(page, live_server, username, None)
                for path in ("/", f"/partners/{world.org_a.uuid}/"):
                    page.goto(f"{live_server.url}{path}")
                    assert page.locator("html").get_attribute("lang") == language
                    found = severe_violations(page)
                    if found:
                        problems[f"{username} {width} {path}"] = found
            finally:
                context.close()
    assert not problems, problems


@pytest.mark.django_db(transaction=True)
def test_a_refused_submit_takes_the_reader_to_the_errors(live_server, world, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, live_server, "manager", None)
        page.goto(f"{live_server.url}/organizations/new/")
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_selector("#error-summary")
        assert page.evaluate("document.activeElement.id") == "error-summary"
        summary = page.locator("#error-summary")
        assert summary.locator("a[href='#id_name']").count() == 1
        assert severe_violations(page) == []
    finally:
        context.close()
