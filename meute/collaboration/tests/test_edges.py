"""The playbook page reads a fixed number of queries whatever its size: measured at n and 3n items of the
same model's playbook (3 and 9 items of the marketing cooperation one), with 1 and 3 documents each."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meute.collaboration import assessments as workflow
from meute.collaboration import playbooks
from meute.collaboration.models import PlaybookItem
from meute.collaboration.tests.advice_helpers import advice_world_fixture  # noqa: F401
from meute.partnerships.choices import CollaborationModel as M

pytestmark = pytest.mark.django_db


def _queries(client, grouping) -> int:
    url = reverse("groupings:playbook", kwargs={"uuid": grouping.uuid})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _with_documents(manager, grouping, model, per_item, keep) -> int:
    workflow.adopt_model(manager, grouping, model)
    items = list(PlaybookItem.objects.filter(partnership=grouping).order_by("position", "pk"))
    PlaybookItem.objects.filter(pk__in=[item.pk for item in items[keep:]]).delete()
    items = items[:keep]
    for item in items:
        for n in range(per_item):
            playbooks.add_document(manager, item, f"Document {n}", url=f"https://example.org/{item.pk}/{n}")
    return len(items)


def test_playbook_queries_are_the_same_at_n_and_3n_items(advice_world, client_for):
    w = advice_world
    small = _with_documents(w.manager, w.grouping, M.MARKETING_COOPERATION, per_item=1, keep=3)
    large = _with_documents(w.manager, w.other_grouping, M.MARKETING_COOPERATION, per_item=3, keep=9)
    assert (small, large) == (3, 9)
    client = client_for(w.manager)
    _queries(client, w.grouping)  # warm the caches (translations, content types) of the first request
    assert _queries(client, w.grouping) == _queries(client, w.other_grouping)
