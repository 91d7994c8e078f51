"""Playbooks: the catalogue covers every model, items are owned, tracked, validated and summarised."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from meute.collaboration import playbooks
from meute.collaboration.catalogue import CATALOGUE, entries_for
from meute.collaboration.choices import PlaybookItemStatus
from meute.collaboration.models import PlaybookDocument, PlaybookItem
from meute.collaboration.tests.advice_helpers import advice_world_fixture  # noqa: F401
from meute.core.factories import PersonFactory
from meute.partnerships.choices import CollaborationModel as M
from meute.remuneration import rule_versions


def test_catalogue_has_the_items_of_every_model():
    assert set(CATALOGUE) == {m for m in M.values if m != M.CHANNEL_AGREEMENT}
    keys = {model: [e.key for e in entries] for model, entries in CATALOGUE.items()}
    assert {"oem_transfer_prices", "oem_market_price_range", "oem_ip", "oem_maintenance"} <= set(keys[M.OEM])
    assert "imposed prices are not allowed" in str(CATALOGUE[M.OEM][1].guidance)
    assert any("L251-1" in str(e.guidance) for e in CATALOGUE[M.GIE])
    assert any("2137/85" in str(e.guidance) for e in CATALOGUE[M.GIE])
    assert len([k for k in keys[M.MARKETING_COOPERATION] if k.endswith("_plan")]) == 5
    assert {"sales_handover", "sales_price_decision", "sales_commission_pool"} <= set(
        keys[M.PARTIAL_SALES_INTEGRATION]
    )
    all_keys = [key for model_keys in keys.values() for key in model_keys]
    assert len(all_keys) == len(set(all_keys))


def test_instantiate_is_idempotent(advice_world):
    w = advice_world
    playbooks.instantiate(w.grouping, M.REFERRAL)
    playbooks.instantiate(w.grouping, M.REFERRAL)
    assert PlaybookItem.objects.filter(partnership=w.grouping).count() == len(entries_for(M.REFERRAL))


@pytest.fixture
def oem_items(advice_world):
    w = advice_world
    w.grouping.collaboration_model = M.OEM
    w.grouping.save()
    return {item.key: item for item in playbooks.instantiate(w.grouping, M.OEM)}


def test_owner_status_notes_and_progress(advice_world, oem_items):
    w = advice_world
    item = playbooks.update_item(
        w.partner_a_user,
        oem_items["oem_transfer_prices"],
        owner_organization=w.org_b,
        status=PlaybookItemStatus.DONE,
        notes="Prix de cession : 70 % du prix public, 1 200 € minimum",
    )
    assert item.owner_label == w.org_b.name
    # The owner (Bêta, not the coordinator) may now change its item, not the others.
    playbooks.update_item(w.partner_b_user, item, status=PlaybookItemStatus.IN_PROGRESS)
    with pytest.raises(PermissionDenied):
        playbooks.update_item(w.partner_b_user, oem_items["oem_ip"], status=PlaybookItemStatus.DONE)
    with pytest.raises(PermissionDenied):
        playbooks.update_item(w.partner_c_user, oem_items["oem_ip"], status=PlaybookItemStatus.DONE)
    playbooks.update_item(
        w.manager,
        oem_items["oem_contract"],
        status=PlaybookItemStatus.NOT_APPLICABLE,
        not_applicable_reason="Déjà signé",
    )
    summary = playbooks.progress(playbooks.items_for(w.grouping))
    assert (summary.total, summary.closed, summary.in_progress, summary.required_open) == (6, 1, 1, 5)
    assert summary.percent == 17


def test_bad_item_changes_are_refused_and_nothing_changes(advice_world, oem_items):
    w = advice_world
    item = oem_items["oem_ip"]
    with pytest.raises(ValidationError) as caught:
        playbooks.update_item(w.partner_a_user, item, status=PlaybookItemStatus.NOT_APPLICABLE)
    assert "not_applicable_reason" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        playbooks.update_item(w.partner_a_user, item, owner_organization=w.org_c)
    assert "owner_organization" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        playbooks.update_item(w.partner_a_user, item, owner_person=PersonFactory(organization=w.org_c))
    assert "owner_person" in caught.value.message_dict
    with pytest.raises(ValidationError):
        playbooks.update_item(w.partner_a_user, item, rate_percent=Decimal("10"))
    item.refresh_from_db()
    assert item.status == PlaybookItemStatus.TODO and item.owner_organization is None


@pytest.mark.parametrize(
    ("rate", "ok"),
    [("4.99", False), ("5", True), ("12.5", True), ("20", True), ("20.01", False)],
)
def test_referral_rate_between_5_and_20_percent(advice_world, rate, ok):
    w = advice_world
    item = {i.key: i for i in playbooks.instantiate(w.grouping, M.REFERRAL)}["referral_rate"]
    if ok:
        saved = playbooks.update_item(w.partner_a_user, item, rate_percent=Decimal(rate), status="done")
        assert saved.rate_percent == Decimal(rate)
    else:
        with pytest.raises(ValidationError) as caught:
            playbooks.update_item(w.partner_a_user, item, rate_percent=Decimal(rate))
        assert "between 5 % and 20 %" in caught.value.message_dict["rate_percent"][0]


def test_referral_rate_follows_the_range_of_the_remuneration_rules(advice_world):
    """Once the grouping's rules narrow the referral range, the playbook checks the same range."""
    w = advice_world
    item = {i.key: i for i in playbooks.instantiate(w.grouping, M.REFERRAL)}["referral_rate"]
    today = timezone.localdate()
    fee = [{"kind": "referral_fee", "rate": "8"}]
    # Only a future version: its range already applies to the terms being written.
    rule_versions.save_version(
        w.grouping, valid_from=today + datetime.timedelta(days=30), rules=fee, user=w.admin,
        referral_min_rate="3", referral_max_rate="12",
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        playbooks.update_item(w.partner_a_user, item, rate_percent=Decimal("15"))
    assert "between 3 % and 12 %" in caught.value.message_dict["rate_percent"][0]
    # A version in force today wins over the future one.
    rule_versions.save_version(
        w.grouping, valid_from=today - datetime.timedelta(days=30), rules=fee, user=w.admin,
        referral_min_rate="2", referral_max_rate="10",
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        playbooks.update_item(w.partner_a_user, item, rate_percent=Decimal("11"))
    assert "between 2 % and 10 %" in caught.value.message_dict["rate_percent"][0]
    item.refresh_from_db()
    assert item.rate_percent is None
    saved = playbooks.update_item(w.partner_a_user, item, rate_percent=Decimal("2.5"), status="done")
    assert saved.rate_percent == Decimal("2.5")


def test_referral_rate_needed_before_done(advice_world):
    w = advice_world
    item = {i.key: i for i in playbooks.instantiate(w.grouping, M.REFERRAL)}["referral_rate"]
    with pytest.raises(ValidationError):
        playbooks.update_item(w.partner_a_user, item, status=PlaybookItemStatus.DONE)


def test_documents_by_link(advice_world, oem_items):
    w = advice_world
    item = oem_items["oem_maintenance"]
    playbooks.add_document(w.partner_a_user, item, "Projet de SLA", "https://docs.example.org/sla.pdf")
    with pytest.raises(ValidationError):
        playbooks.add_document(w.partner_a_user, item, "Mauvais lien", "not a link")
    with pytest.raises(PermissionDenied):
        playbooks.add_document(w.partner_c_user, item, "Intrus", "https://example.org/x")
    assert list(PlaybookDocument.objects.values_list("title", flat=True)) == ["Projet de SLA"]
    assert PlaybookDocument.objects.visible_to(w.partner_b_user).count() == 1
    assert PlaybookDocument.objects.visible_to(w.partner_c_user).count() == 0


def test_item_changes_are_audited_with_their_actor(advice_world, oem_items):
    from auditlog.models import LogEntry

    import meute.collaboration.audit  # noqa: F401  (imported from the app's ready() once wired)

    w = advice_world
    item = playbooks.update_item(w.partner_a_user, oem_items["oem_ip"], status=PlaybookItemStatus.DONE)
    entry = LogEntry.objects.get_for_object(item).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == w.partner_a_user and entry.changes_dict["status"] == ["todo", "done"]
