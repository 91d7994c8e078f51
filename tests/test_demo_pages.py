"""Every page linked from the main pages opens for each demo login on the demo data set.

The demo data reaches states the unit tests' hand-made fixtures may not (an assessment recorded by the
system, a lead that timed out, a paid payout…): this walks the links each user is shown and fails on
any error page.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse

from meute.demo.dataset import ensure_demo_logins, generate

START = [
    "/",
    "/organizations/",
    "/people/",
    "/partnerships/",
    "/deals/",
    "/leads/",
    "/leads/portal/",
    "/programs/",
    "/groupings/",
    "/groupings/profile/",
    "/groupings/suggestions/",
    "/groupings/proposals/",
    "/groupings/payouts/",
    "/notifications/",
    "/programs/locator/",
]
# Pages for the operator's staff only, walked first by staff logins (partner logins must be refused them).
STAFF_START = ["/programs/metrics/", "/programs/metrics/new/", "/programs/metrics/import/"]
# Downloads, the API and anything that is not a page of the application.
SKIP = re.compile(
    r"^/(api|admin|static|i18n|accounts/logout)|term-sheet|/export|/documents/|\.(csv|xlsx|pdf|docx|md)$"
)
HREF = re.compile(r'href="(/[^"#]*)"')
LIMIT = 160


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # One demo data set for the module, in a transaction rolled back at the end (the tests' own
    # transactions nest inside it), so that later tests start from an empty database.
    with django_db_blocker.unblock(), transaction.atomic():
        generate("small")
        logins = ensure_demo_logins("demo-pages-1")
        yield [login.username for login in logins]
        transaction.set_rollback(True)


def staff_start() -> list:
    """The staff-only pages, and the demo tiers' pages (their rule versions, one of them scheduled)."""
    from meute.programs.models import Tier

    tiers = Tier.objects.select_related("program").order_by("program__name", "rank")[:4]
    return STAFF_START + [
        reverse("program-tier-detail", kwargs={"uuid": t.program.uuid, "tier_uuid": t.uuid}) for t in tiers
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["admin", "manager", "partner", "member"])
def test_every_linked_page_opens(demo, username):
    assert username in demo
    client = Client()
    # The login-protection backend needs the request: log in through the login page, as a person does.
    response = client.post(reverse("login"), {"username": username, "password": "demo-pages-1"})
    assert response.status_code == 302, response.status_code
    staff_pages = staff_start()
    if get_user_model().objects.get(username=username).is_staff_member:
        queue = staff_pages + list(START)
    else:
        queue = list(START)
        assert [client.get(url).status_code for url in staff_pages] == [403] * len(staff_pages)
    seen, failures = set(), []
    while queue and len(seen) < LIMIT:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or SKIP.search(path):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code not in (200, 302):
            failures.append((url, response.status_code))
            continue
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            for link in HREF.findall(response.content.decode()):
                link = link.replace("&amp;", "&")
                if link not in seen and "page=" not in link:
                    queue.append(link)
    assert not failures, failures
    assert len(seen) > 20
