"""The allowed referral-fee range (5–20 % by default) belongs to each rule version.

A version's referral fee is checked against that version's own range: changing the range in a newer
version neither invalidates nor locks the older ones, and a refusal names the range that applies.
"""

import datetime
import re
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meute.remuneration import rule_versions
from meute.remuneration.models import RemunerationVersion

pytestmark = pytest.mark.django_db


def names_range(messages, rate, low, high):
    """One refusal naming the fee and the range (figures as typed, or with two decimals)."""
    pattern = rf"Referral fee of {rate}(\.00)? % is outside the allowed range {low}(\.00)?–{high}(\.00)? %\."
    return len(messages) == 1 and re.fullmatch(pattern, messages[0]) is not None


JAN = datetime.date(2027, 1, 1)
JUL = datetime.date(2027, 7, 1)


def fee(rate):
    return [{"kind": "referral_fee", "rate": str(rate)}]


@pytest.fixture
def two_ranges(pay_world):
    """The pack pays a 15 % referral fee from January (default range 5–20 %), then moves to a 2–10 %
    range with an 8 % fee from July."""
    w = pay_world
    w.january = rule_versions.save_version(w.pack, valid_from=JAN, rules=fee(15), user=w.admin)
    w.july = rule_versions.save_version(
        w.pack, valid_from=JUL, rules=fee(8), user=w.admin, referral_min_rate="2", referral_max_rate="10"
    )
    return w


def test_each_version_is_checked_against_its_own_range(two_ranges):
    w = two_ranges
    # The older version stays valid and editable under its own 5–20 % range after July narrowed it.
    rule_versions.save_version(w.pack, valid_from=JAN, rules=fee(18), user=w.admin, version=w.january)
    w.january.refresh_from_db()
    assert (w.january.referral_min_rate, w.january.referral_max_rate) == (D("5.00"), D("20.00"))
    assert w.january.rules.get().rate == D("18.00")
    # Out of its range, each is refused with the range that applies to it, and nothing changes.
    with pytest.raises(ValidationError) as error:
        rule_versions.save_version(w.pack, valid_from=JAN, rules=fee(25), user=w.admin, version=w.january)
    assert names_range(error.value.messages, 25, 5, 20)
    with pytest.raises(ValidationError) as error:
        rule_versions.save_version(
            w.pack,
            valid_from=JUL,
            rules=fee(15),
            user=w.admin,
            version=w.july,
            referral_min_rate="2",
            referral_max_rate="10",
        )
    assert names_range(error.value.messages, 15, 2, 10)
    assert w.january.rules.get().rate == D("18.00") and w.july.rules.get().rate == D("8.00")
    # Widening the July range lets July pay more, without touching January.
    rule_versions.save_version(
        w.pack,
        valid_from=JUL,
        rules=fee(25),
        user=w.admin,
        version=w.july,
        referral_min_rate="2",
        referral_max_rate="30",
    )
    assert w.july.rules.get().rate == D("25.00")
    assert RemunerationVersion.objects.get(pk=w.january.pk).referral_max_rate == D("20.00")


def test_rules_page_and_edit_form_show_each_version_s_range(two_ranges, client_for):
    w = two_ranges
    client = client_for(w.admin)
    page = client.get(reverse("groupings:payout-rules", kwargs={"uuid": w.pack.uuid})).content.decode()
    assert "Referral fees allowed from 5.00 % to 20.00 %." in page
    assert "Referral fees allowed from 2.00 % to 10.00 %." in page
    edit = reverse("groupings:payout-version-edit", kwargs={"version": w.january.uuid})
    form = client.get(edit).content.decode()
    assert 'name="referral_max_rate" value="20.00"' in form  # its own range, not July's
    data = {
        "valid_from": "2027-01-01",
        "referral_min_rate": "5",
        "referral_max_rate": "20",
        "notes": "",
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-0-kind": "referral_fee",
        "rules-0-basis": "amount",
        "rules-0-rate": "22",
        "rules-0-weight_source": "involvement",
    }
    refused = client.post(edit, data)
    assert refused.status_code == 200
    assert re.search(
        r"Referral fee of 22(\.00)? % is outside the allowed range 5(\.00)?–20(\.00)? %",
        refused.content.decode(),
    )
    data["rules-0-rate"] = "19"
    assert client.post(edit, data).status_code == 302
    assert w.january.rules.get().rate == D("19.00")


def test_api_replacing_rules_keeps_the_version_s_own_range(two_ranges, api):
    w = two_ranges
    url = f"/api/remuneration-versions/{w.july.uuid}/"
    payload = {"partnership": str(w.pack.uuid), "valid_from": "2027-07-01", "rules": fee(9), "notes": "v2"}
    response = api(w.admin).put(url, payload, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["referral_min_rate"], body["referral_max_rate"]) == ("2.00", "10.00")
    refused = api(w.admin).put(url, dict(payload, rules=fee(12)), format="json")
    assert refused.status_code == 400
    assert names_range(refused.json()["error"]["fields"]["non_field_errors"], 12, 2, 10)
    # A new version without a range gets the default one.
    created = api(w.admin).post(
        "/api/remuneration-versions/",
        {"partnership": str(w.pack.uuid), "valid_from": "2028-01-01", "rules": fee(20)},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["referral_min_rate"], created.json()["referral_max_rate"]) == ("5.00", "20.00")
