"""The field-level rights table (``meute.lib.rights``): it names real fields, CONTRIBUTING.md shows it as
it is, and for every protected field a partner user's write is refused where staff's is accepted."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

from meute.lib import rights

ROOT = Path(__file__).resolve().parent.parent
PROTECTED = [(key, name) for key, fields in rights.FIELD_RIGHTS.items() for name in fields]
# Computed attributes the serializers and forms expose under the table's name.
COMPUTED = {("core.Organization", "partner_types")}


def test_contributing_shows_the_table_as_it_is():
    with translation.override("en"):
        table = rights.markdown_table()
    text = (ROOT / "CONTRIBUTING.md").read_text()
    shown = text.split("<!-- rights-table:start -->\n", 1)[1].split("\n<!-- rights-table:end -->", 1)[0]
    assert shown == table


@pytest.mark.parametrize(("key", "name"), PROTECTED)
def test_every_entry_names_a_real_field(key, name):
    model = apps.get_model(key)
    names = {field.name for field in model._meta.get_fields()}
    assert name in names or (key, name) in COMPUTED


@pytest.mark.parametrize(("key", "name"), PROTECTED)
def test_partner_and_read_only_staff_are_refused_editors_accepted(world, key, name):
    model = apps.get_model(key)
    rule = rights.rule_for(model, name)
    # A record past every state in which a partner may state the field (a won deal).
    record = model(pk=1, **({"stage": "won"} if key == "deals.DealRegistration" else {}))
    assert not rights.may_write(world.partner_a_user, model, name, record)
    assert not rights.may_write(world.reader, model, name, record)
    assert rights.may_write(world.manager, model, name, record) == (rights.CHANNEL_MANAGER in rule.writers)
    assert rights.may_write(world.admin, model, name, record) == (rights.ADMINISTRATOR in rule.writers)


def test_unchanged_value_is_not_a_refused_write(world):
    from meute.deals.models import DealRegistration

    deal = DealRegistration(pk=1, stage="won", margin=Decimal("10.00"))
    user = world.partner_a_user
    assert rights.refused_fields(user, DealRegistration, deal, {"margin": Decimal("10.00")}) == []
    assert rights.refused_fields(user, DealRegistration, deal, {"margin": Decimal("11.00")}) == ["margin"]
    open_deal = DealRegistration(pk=2, stage="submitted", margin=None)
    assert rights.refused_fields(user, DealRegistration, open_deal, {"margin": Decimal("11.00")}) == []


def test_a_new_record_refuses_any_value_of_a_protected_field(world):
    from meute.programs.models import RevenueRecord

    user = world.partner_a_user
    assert rights.refused_fields(user, RevenueRecord, None, {"status": "verified"}) == ["status"]
    assert rights.refused_fields(user, RevenueRecord, None, {"amount": Decimal("5")}) == []


class TestRecordsPartnersCannotChangeAtAll:
    """Models whose protected fields partners never reach: the whole record is refused, nothing changes."""

    def test_partner_tier(self, world, program, api):
        from meute.programs.models import PartnerTier

        member = PartnerTier.objects.get(partnership=world.partnership_a)
        platinum = program.tiers.get(name="Platinum")
        response = api(world.partner_a_user).patch(
            f"/api/partner-tiers/{member.uuid}/",
            {"tier": str(platinum.uuid), "partner_type": "var"},
            format="json",
        )
        assert response.status_code in (403, 405)
        member.refresh_from_db()
        assert member.tier_id is None and member.partner_type == ""

    def test_partner_metrics(self, world, api):
        response = api(world.partner_a_user).post(
            "/api/partner-metrics/",
            {
                "partnership": str(world.partnership_a.uuid),
                "metric": "won_deals",
                "period": "2026-01-31",
                "value": "99",
            },
            format="json",
        )
        assert response.status_code == 403
        from meute.programs.models import PartnerMetric

        assert not PartnerMetric.objects.exists()

    def test_partnership_status(self, world, api):
        response = api(world.partner_a_user).patch(
            f"/api/partnerships/{world.partnership_a.uuid}/",
            {"status": "active", "stage": "extended_enterprise"},
            format="json",
        )
        assert response.status_code == 403
        world.partnership_a.refresh_from_db()
        assert world.partnership_a.stage == "onboarding"

    def test_label_awards_and_certified_people(self, world, api):
        client = api(world.partner_a_user)
        for url in ("/api/label-awards/", "/api/certified-people/"):
            assert client.post(url, {}, format="json").status_code in (403, 405), url
