"""Read-only staff change nothing: every writing URL and every API endpoint, walked, refused, nothing written.

The routes are not listed by hand: every URL pattern of the site (the admin aside: a read-only user is no
admin user) and every route of the API router is walked as a read-only staff member, with POST on the pages
and POST, PUT, PATCH and DELETE on the API, on the demo data set (so that the objects the routes name exist).
Each answer must be 403 (or 405 where the route takes no such method), and the database must be row for row
what it was before. A new route is walked without anyone having to add it here.
"""

import hashlib
import re

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from meute.core.choices import UserRole
from meute.core.factories import UserFactory
from meute.demo.dataset import generate

# Routes a read-only member of staff may POST to, each for its reason: they write nothing of the business.
ALLOWED = {
    "set_language": "switches the language of the reader's own session",
    "login": "signs in",
    "logout": "signs out",
    "password_change": "changes the reader's own password",
    "password_reset": "sends a reset e-mail",
    "password_reset_confirm": "sets a new password through a reset link",
    "api:token": "hands the reader their own API token",
    "api:apitoken-list": "creates an API token of the reader's own",
    "api:logout": "revokes the reader's own API token",
    "api:logout-all": "revokes every API token of the reader's own",
    "logout-everywhere": "signs the reader out of every session",
    "token-list": "the reader's own API tokens",
    "api:notification-read-all": "marks the reader's own notifications read",
    "notification-read-all": "marks the reader's own notifications read",
    "notification-open": "marks one of the reader's own notifications read",
    "notification-preferences": "chooses which notifications the reader gets by e-mail",
    "two-factor": "enrols or removes the reader's own second factor",
    "login-code": "the second step of signing in",
}
# Routes that read: a POST on them is a query, never a change (the dry run of a registration, filters).
READING_POSTS = {
    "deal-check": "the conflict check's dry run: writes nothing",
    "api:deal-check": "the conflict check's dry run: writes nothing",
    "api:tier-simulate": "a simulation: writes nothing",
    "api:tierruleversion-simulate": "a simulation: writes nothing",
    "healthz": "the health check: writes nothing",
}
# The value of the action segment of the routes that take one.
ACTIONS = {
    "deal-action": [
        "approve",
        "reject",
        "extend",
        "request-extension",
        "decline-extension",
        "won",
        "lost",
        "submit",
    ],
    "lead-offer-answer": ["accept", "decline"],
    "groupings:proposal-action": ["accept", "decline", "withdraw"],
}
# A payload that makes the forms of the actions valid, so that the refusal comes from the right, not the form.
PAYLOAD = {
    "reason": "Relu seulement",
    "days": "30",
    "name": "Essai",
    "comment": "Essai",
    "rating": "5",
    "amount": "1000",
    "expected_close_date": "2099-01-31",
}
REFUSED = {403, 405}
# Routes that answer a reader otherwise than 403, each for its reason (nothing is written all the same: the
# database is compared after each route). The rule functions behind them refuse a reader themselves:
# ``test_read_only_functions.py`` calls them directly.
OTHER_REFUSALS = {
    "lead-convert": (302, "the demo's first lead is not accepted: its stage is refused before the right"),
    "lead-portal": (302, "a partner's page (no POST handler): staff are sent to the lead list"),
    "locator-profile": (404, "a partner's own locator profile: staff have none"),
    "enablement:course-enrol": (302, "a reader is no learner: refused with a message"),
    "enablement:module-complete": (302, "a reader is no learner: refused with a message"),
    "enablement:session-register": (302, "a reader is no learner: refused with a message"),
    "enablement:step-update": (302, "the step's form is prefixed by its id: refused as an invalid form"),
    # The API checks the payload's shape before the rule function checks the user's right.
    "api:matchproposal-list": (400, "groupings.propose refuses a reader"),
    "api:grouping-list": (400, "groupings.form_pack refuses a reader"),
    "api:remuneration-version-list": (400, "rule_versions.can_manage_rules refuses a reader"),
    "api:remuneration-version-detail": (400, "rule_versions.can_manage_rules refuses a reader"),
    "api:playbookitem-documents": (400, "playbooks.add_document refuses a reader"),
    "api:quizattempt-start": (400, "a reader is no learner"),
    "api:groupingadvice-assessment": (400, "assessments.answerable_organizations gives a reader none"),
    "recruitment:apply": (422, "the public application form of prospective partners: the payload is invalid"),
    "api:claim-pay": (400, "funds.workflow.mark_paid refuses a reader"),
    "api:campaign-results": (400, "only a participant's seat reports results: a reader has none"),
}
# Downloads (GET only, their file name is not a UUID route), and the survey answer form, reached by the
# respondent's secret token rather than a record's UUID.
SKIP_NAMES = {
    "groupings:termsheet",
    "recruitment:scoring-export",
    "insights:network-export",
    "insights:survey-answer",
    # Signed-token page reached from an e-mail, not from a signed-in session: its own tests cover it.
    "notification-unsubscribe",
}


def _routes(patterns=None, prefix="", namespace=""):
    """(route text, full name, pattern) for every pattern, recursively."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield prefix + str(entry.pattern), name, entry


def _snapshot() -> dict:
    """A fingerprint of every table: row count and a hash of all values, ordered by primary key."""
    state = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed or model._meta.db_table == "django_session":
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        state[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


def _changed(before: dict, after: dict) -> list:
    return sorted(label for label in before if before[label] != after.get(label))


def _uuid_pool() -> list:
    """Up to two real UUIDs of every model that has one: candidates for a route's ``<uuid:…>`` segments."""
    pool = []
    for model in apps.get_models():
        if model._meta.proxy or "uuid" not in {f.name for f in model._meta.concrete_fields}:
            continue
        rows = model._base_manager.values_list("uuid", flat=True)
        pool.extend(dict.fromkeys(str(u) for u in [*rows.order_by("pk")[:2], *rows.order_by("-pk")[:2]]))
    return pool


def _hinted(pattern, pool: list) -> list:
    """The rows of the model the route's view declares (the whole pool for views without one)."""
    view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
    model = getattr(view, "model", None) or getattr(getattr(view, "queryset", None), "model", None)
    if model is None or "uuid" not in {f.name for f in model._meta.concrete_fields}:
        return pool
    rows = model._base_manager.values_list("uuid", flat=True)
    own = list(dict.fromkeys(str(u) for u in [*rows.order_by("pk")[:2], *rows.order_by("-pk")[:2]]))
    return own or pool


def _fill(route: str, kwargs: dict) -> str:
    path = route
    for name, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{name}>", value, path)
    return "/" + path


def _multi_uuid_candidates(name: str) -> list:
    """Kwargs of the routes naming two or three related objects (a tier of its programme…)."""
    from meute.collaboration.models import PlaybookDocument, PlaybookItem
    from meute.groupings.models import PillarItem
    from meute.partnerships.models import PartnershipParty
    from meute.programs.models import TierRuleVersion

    found = []
    if name in {"partnership-party-remove", "groupings:grouping-member-remove"}:
        key = "party_uuid" if name == "partnership-party-remove" else "seat"
        for party in PartnershipParty.objects.select_related("partnership").order_by("pk")[:3]:
            found.append({"uuid": str(party.partnership.uuid), key: str(party.uuid)})
    elif name in {"program-tier-update", "program-tier-detail", "program-tier-version-create"}:
        for version in TierRuleVersion.objects.select_related("tier__program").order_by("pk")[:2]:
            found.append({"uuid": str(version.tier.program.uuid), "tier_uuid": str(version.tier.uuid)})
    elif name in {"program-tier-version-update", "program-tier-version-delete"}:
        for version in TierRuleVersion.objects.select_related("tier__program").order_by("-pk")[:3]:
            found.append(
                {
                    "uuid": str(version.tier.program.uuid),
                    "tier_uuid": str(version.tier.uuid),
                    "version_uuid": str(version.uuid),
                }
            )
    elif name == "groupings:grouping-pillar":
        for item in PillarItem.objects.select_related("partnership").order_by("pk")[:2]:
            found.append({"uuid": str(item.partnership.uuid), "item": str(item.uuid)})
    elif name in {"groupings:playbook-item", "groupings:playbook-document"}:
        for item in PlaybookItem.objects.select_related("partnership").order_by("pk")[:2]:
            found.append({"uuid": str(item.partnership.uuid), "item": str(item.uuid)})
    elif name == "groupings:playbook-document-download":
        for document in PlaybookDocument.objects.select_related("item__partnership").order_by("pk")[:2]:
            found.append({"uuid": str(document.item.partnership.uuid), "document": str(document.uuid)})
    return found


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        generate("tiny")
        reader = UserFactory(username="lecteur", role=UserRole.READ_ONLY)
        yield reader
        transaction.set_rollback(True)


def _page_attempts():
    """(name, url) of every page route, with real objects for its segments; one name may give several urls."""
    pool = _uuid_pool()
    for route, name, pattern in _routes():
        if route.startswith(("admin/", "api/")) or name in SKIP_NAMES:
            continue
        converters = pattern.pattern.converters
        segments = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        if not segments:
            yield name, [_fill(route, {})]
            continue
        uuid_names = [seg for conv, seg in segments if conv == "uuid"]
        others = [seg for conv, seg in segments if conv != "uuid"]
        del converters
        if name == "password_reset_confirm":
            yield name, [_fill(route, {"uidb64": "MQ", "token": "set-password"})]
            continue
        if len(uuid_names) > 1:
            urls = [_fill(route, kwargs) for kwargs in _multi_uuid_candidates(name)]
            yield name, urls
            continue
        values = ACTIONS.get(name, [None])
        urls = []
        for action in values:
            for candidate in _hinted(pattern, pool):
                kwargs = {uuid_names[0]: candidate}
                if others:
                    kwargs[others[0]] = action
                urls.append(_fill(route, kwargs))
        yield name, urls


@pytest.mark.django_db
def test_read_only_staff_post_nothing_on_any_page(demo_world):
    client = Client()
    client.force_login(demo_world)
    before = _snapshot()
    failures, unreached, checked = [], [], 0
    for name, urls in _page_attempts():
        if name in ALLOWED:
            continue
        statuses = set()
        for url in urls:
            response = client.post(url, PAYLOAD)
            if response.status_code == 404 and len(urls) > 1:
                continue  # not an object of this route: the next candidate
            statuses.add(response.status_code)
            if name in READING_POSTS and response.status_code == 200:
                continue
            if response.status_code not in REFUSED | {OTHER_REFUSALS.get(name, [0])[0]}:
                failures.append((name, url, response.status_code))
            if name not in ACTIONS:
                break
        if not statuses:
            unreached.append(name)
        checked += 1
    after = _snapshot()
    if after != before:
        failures.append(("written", _changed(before, after)))
    assert not failures, "\n".join(map(str, failures))
    # The tiny demo data set has no row for a few routes (no label, no quiz attempt…): they are walked, but
    # only reach the 404 of a missing object. The rest must be reached.
    assert len(unreached) <= 25, unreached
    assert checked - len(unreached) > 140


def _api_attempts():
    """(name, method, url) for every API route and every writing method, with real objects for its segment."""
    pool = _uuid_pool()
    for route, name, pattern in _routes():
        if not route.startswith("api/") or "(?P<format>" in route or name in ALLOWED:
            continue
        if name in {"api:not-found"} or "<drf_format_suffix" in route:
            continue
        actions = getattr(pattern.callback, "actions", {}) or {}
        methods = [m for m in ("post", "put", "patch", "delete") if m in actions]
        view_class = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
        if not getattr(pattern.callback, "actions", None):
            methods = [m for m in ("post", "put", "patch", "delete") if hasattr(view_class, m)] or ["post"]
        path = "/" + route.replace("^", "").replace("$", "")
        if "(?P<uuid>" in path:
            urls = [re.sub(r"\(\?P<uuid>[^)]*\)", candidate, path) for candidate in _hinted(pattern, pool)]
        else:
            urls = [path]
        yield name, methods, urls


@pytest.mark.django_db
def test_read_only_staff_write_nothing_through_the_api(demo_world):
    api = APIClient()
    api.force_authenticate(demo_world)
    before = _snapshot()
    failures, unreached, checked = [], [], 0
    for name, methods, urls in _api_attempts():
        for method in methods:
            reached = False
            for url in urls:
                response = getattr(api, method)(url, PAYLOAD, format="json")
                if response.status_code == 404 and len(urls) > 1:
                    continue
                reached = True
                if name in READING_POSTS and response.status_code in (200, 400):
                    break
                if response.status_code not in REFUSED | {OTHER_REFUSALS.get(name, [0])[0]}:
                    failures.append((name, method, url, response.status_code))
                break
            if not reached:
                unreached.append((name, method))
            checked += 1
    after = _snapshot()
    if after != before:
        failures.append(("written", _changed(before, after)))
    assert not failures, "\n".join(map(str, failures))
    # The demo data set differs a little between SQLite and PostgreSQL (row order): a few more routes then
    # find no row of their model.
    assert len(unreached) <= 30, unreached
    assert checked - len(unreached) > 180
