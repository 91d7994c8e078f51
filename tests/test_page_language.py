"""Every page of the demo speaks one language: the reader's.

Each demo page is rendered in French and in English, as each demo login (the administrator, the channel
manager, the partner and the grouping's member), from the small demo data set, the home page included. The
walk starts from every URL pattern without parameters and follows the links it is shown, opening at most
two addresses per route (a route's pages share their template). A page fails on a text of the other
language (built from the catalogue, see ``tests/page_language.py``) or on a number or date printed raw.
"""

import os
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from meute.demo.dataset import ensure_demo_logins, generate

from .page_language import foreign_words, unformatted

SKIP = re.compile(
    r"^/(api|admin|static|i18n|accounts/logout|accounts/password)|term-sheet|/export|/documents/|/download"
    r"|\.(csv|xlsx|pdf|docx|md|svg|ics)$"
)
HREF = re.compile(r'href="(/[^"#]*)"')
PER_ROUTE = 2
LIMIT = 220


def _static_routes(resolver=None, prefix=""):
    """The addresses of every route without parameters."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if "<" in route or "(?P" in route or "\\" in route.replace("\\.", ""):
            continue
        route = route.lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            yield from _static_routes(pattern, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield "/" + prefix + route


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        generate("small")
        ensure_demo_logins("demo-language-1")
        yield
        transaction.set_rollback(True)


def typed_texts() -> frozenset:
    """What people typed into records of the demo (a programme's benefits, job titles, skills, a
    member's pitch, module and course titles): in the language their author chose, not the interface's.
    Named from the demo's own lists; the interface's words, choices, reasons and messages are all checked."""
    from meute.demo import enablement, groupings, insights, programs, recruitment, reference
    from meute.programs.models import Program

    texts = set(programs.BENEFITS)
    texts |= {title for _department, titles in reference.JOB_TITLES.values() for title in titles}
    texts |= {word for words in groupings.DOMAINS.values() for word in words}
    texts |= {text for text in groupings.AMBITION_TEXTS if isinstance(text, str)}
    texts |= {text for pair in programs.PARTNER_TYPES.values() for text in pair}
    texts |= {"Évaluation", "Quiz", "Fait (données de démonstration)."}
    texts |= {insights.SURVEY_TITLE, recruitment.TYPOLOGY_LABEL}
    texts |= {str(c) for c in Program.objects.values_list("code", flat=True)}
    del enablement
    return frozenset(t.casefold() for t in texts)


def country_names(language) -> frozenset:
    """The countries as the reader's language names them: "Réunion" is English too, not the French of
    "Meeting"."""
    from django.utils import translation
    from django_countries import countries

    with translation.override(language):
        return frozenset(str(name).casefold() for _code, name in countries)


def walk(client, language):
    """Open the demo's pages in ``language``; returns the problems found, by address."""
    allowed = typed_texts() | country_names(language)
    queue = ["/", *sorted(set(_static_routes()))]
    seen, per_route, problems = set(), Counter(), {}
    while queue and len(seen) < LIMIT:
        url = queue.pop(0)
        if url in seen or SKIP.search(urlsplit(url).path):
            continue
        seen.add(url)
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            continue
        route = match.view_name
        if per_route[route] >= PER_ROUTE:
            continue
        per_route[route] += 1
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        found = foreign_words(html, language, allowed) + unformatted(html, language)
        if found:
            problems[url] = found
        for link in HREF.findall(html):
            link = link.replace("&amp;", "&")
            if link not in seen and "page=" not in link:
                queue.append(link)
    return seen, problems


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("username", ["admin", "manager", "partner", "member"])
def test_every_demo_page_speaks_the_readers_language(demo, username, language):
    client = Client()
    assert client.login(username=username, password="demo-language-1")
    seen, problems = walk(client, language)
    assert len(seen) > 30
    report = "\n".join(f"{url}: {found[:6]}" for url, found in sorted(problems.items()))
    if os.environ.get("MEUTE_LANGUAGE_REPORT"):
        with open(os.environ["MEUTE_LANGUAGE_REPORT"], "a") as out:
            for url, found in sorted(problems.items()):
                out.write(f"{username} {language} {url}\n" + "".join(f"    {f}\n" for f in found))
    assert not problems, f"{len(problems)} pages in the wrong language or with raw numbers:\n{report}"
