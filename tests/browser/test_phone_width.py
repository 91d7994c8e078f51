"""No page of the demo is wider than a phone: each demo login walks the pages it is shown, in French (its
longer words are the harder case), on a 390 px screen, and a page fails when the document scrolls sideways.
Wide tables scroll inside their own frame; the page itself never does. Run with ``pytest -m browser``."""

import os
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.urls import resolve
from django.urls.exceptions import Resolver404
from playwright.sync_api import Error as PlaywrightError

from tests.browser.test_journeys import CHROMIUM, browser  # noqa: F401  (fixtures)
from tests.test_page_language import SKIP, _static_routes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = 390
PER_ROUTE = 1  # a route's pages share their template
LIMIT = 120
# What sticks out when the page is too wide: the outermost elements past the screen's right edge.
WIDEST = """() => {
  const edge = window.innerWidth + 1;
  const out = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > edge);
  const outer = out.filter(e => !out.includes(e.parentElement));
  return outer.slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
    + ' ' + Math.round(e.getBoundingClientRect().right) + 'px');
}"""
LINKS = "() => [...document.querySelectorAll('a[href^=\"/\"]')].map(a => a.getAttribute('href'))"


def _walk(page, base: str) -> tuple[set, dict]:
    queue = ["/", *sorted(set(_static_routes()))]
    seen, per_route, too_wide = set(), Counter(), {}
    while queue and len(seen) < LIMIT:
        url = queue.pop(0).split("#")[0]
        path = urlsplit(url).path
        if url in seen or SKIP.search(path) or "page=" in url:
            continue
        seen.add(url)
        try:
            route = resolve(path).view_name
        except Resolver404:
            continue
        if per_route[route] >= PER_ROUTE:
            continue
        try:
            response = page.goto(base + url)
        except PlaywrightError:  # an empty answer (405 to a GET on a form's target): not a page
            continue
        if response is None or response.status != 200:
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        per_route[route] += 1
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            too_wide[url] = page.evaluate(WIDEST)
        queue.extend(link for link in page.evaluate(LINKS) if link not in seen)
    return seen, too_wide


@pytest.mark.django_db(transaction=True)
def test_no_demo_page_is_wider_than_a_phone(live_server, browser):  # noqa: F811
    from meute.demo.dataset import ensure_demo_logins, generate

    generate("small")
    password = "demo-phone-1"  # noqa: S105
    ensure_demo_logins(password)
    problems, opened = {}, Counter()
    for username in ("admin", "manager", "partner", "member"):
        context = browser.new_context(viewport={"width": PHONE, "height": 844}, locale="fr-FR")
        context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.set_default_navigation_timeout(60_000)
        try:
            page.goto(f"{live_server.url}/accounts/login/")
            page.locator("input[name=username]").fill(username)
            page.locator("input[name=password]").fill(password)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(f"{live_server.url}/")
            seen, too_wide = _walk(page, live_server.url)
            opened[username] = len(seen)
            problems.update({f"{username} {url}": found for url, found in too_wide.items()})
        finally:
            context.close()
    assert all(count > 30 for count in opened.values()), opened
    report = "\n".join(f"{where}: {found}" for where, found in sorted(problems.items()))
    assert not problems, f"{len(problems)} pages wider than {PHONE} px:\n{report}"


def test_the_check_sees_a_page_wider_than_the_screen(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": PHONE, "height": 844})
    page = context.new_page()
    try:
        page.set_content('<div id="wide" style="width: 487px">wide</div>')
        assert page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert re.match(r"div#wide \d+px", page.evaluate(WIDEST)[0])
    finally:
        context.close()
