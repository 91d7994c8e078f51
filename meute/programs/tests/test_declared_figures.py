"""A partner's declared revenue counts toward tiers only once staff verify it (issue: 9,999,999 € declared
through the API met the Platinum revenue requirement at once)."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from meute.programs.choices import FigureStatus, RevenueSource
from meute.programs.evaluation import partner_progress
from meute.programs.importing import import_revenue
from meute.programs.models import PartnerTier, RevenueRecord


def _platinum_revenue_met(world, program) -> bool:
    member = PartnerTier.objects.get(partnership=world.partnership_a, program=program)
    evaluation = partner_progress(member)
    platinum = next(c for c in evaluation.checks if c.tier.name == "Platinum")
    return next(r for r in platinum.results if r.code == "revenue").met


def _declare(api, world, amount="9999999.00", **extra):
    body = {
        "partnership": str(world.partnership_a.uuid),
        "period": timezone.localdate().isoformat(),
        "amount": amount,
        **extra,
    }
    return api(world.partner_a_user).post("/api/revenue-records/", body, format="json")


def test_declared_revenue_waits_then_counts_once_verified(world, program, api):
    response = _declare(api, world)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "declared"
    assert data["declared_by"] == "alice" and data["declared_at"]
    assert data["source"] == RevenueSource.PARTNER_REPORT
    assert not _platinum_revenue_met(world, program)

    member = PartnerTier.objects.get(partnership=world.partnership_a, program=program)
    standing = api(world.partner_a_user).get(f"/api/partner-tiers/{member.uuid}/standing/").json()
    assert standing["waiting_for_verification"] == {"records": 1, "totals": {"EUR": "9999999.00"}}

    verified = api(world.manager).post(
        "/api/revenue-records/verify/", {"records": [data["uuid"]]}, format="json"
    )
    assert verified.status_code == 200, verified.json()
    assert verified.json() == {"decided": 1, "status": "verified"}
    record = RevenueRecord.objects.get(uuid=data["uuid"])
    assert record.status == FigureStatus.VERIFIED and record.verified_by == world.manager
    assert record.verified_at is not None
    assert _platinum_revenue_met(world, program)
    standing = api(world.partner_a_user).get(f"/api/partner-tiers/{member.uuid}/standing/").json()
    assert standing["waiting_for_verification"] == {"records": 0, "totals": {}}
    entry = LogEntry.objects.get_for_object(record).order_by("-timestamp").first()
    assert entry.actor == world.manager and "status" in entry.changes_dict


def test_partner_cannot_declare_its_revenue_verified(world, program, api):
    response = _declare(api, world, status="verified")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "field_not_writable"
    assert list(response.json()["error"]["fields"]) == ["status"]
    assert not RevenueRecord.objects.exists()


def test_partner_cannot_choose_the_source(world, program, api):
    response = _declare(api, world, source="import")
    assert response.status_code == 403
    assert list(response.json()["error"]["fields"]) == ["source"]
    assert not RevenueRecord.objects.exists()


def test_partner_cannot_verify(world, program, api):
    uuid = _declare(api, world).json()["uuid"]
    for action in ("verify", "reject"):
        response = api(world.partner_a_user).post(
            f"/api/revenue-records/{action}/", {"records": [uuid], "reason": "x"}, format="json"
        )
        assert response.status_code == 403
    response = api(world.reader).post("/api/revenue-records/verify/", {"records": [uuid]}, format="json")
    assert response.status_code == 403
    assert RevenueRecord.objects.get(uuid=uuid).status == FigureStatus.DECLARED


def test_partner_cannot_change_the_status_afterwards(world, program, api):
    uuid = _declare(api, world).json()["uuid"]
    response = api(world.partner_a_user).patch(
        f"/api/revenue-records/{uuid}/", {"status": "verified"}, format="json"
    )
    assert response.status_code == 403
    assert RevenueRecord.objects.get(uuid=uuid).status == FigureStatus.DECLARED


def test_staff_entry_is_verified_at_once(world, program, api):
    body = {"partnership": str(world.partnership_a.uuid), "period": "2026-06-01", "amount": "1000.00"}
    response = api(world.manager).post("/api/revenue-records/", body, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "verified" and response.json()["verified_by"] == "manager"


def test_bulk_verification_is_all_or_none(world, program, api):
    first = _declare(api, world, amount="10.00").json()["uuid"]
    second = _declare(api, world, amount="20.00").json()["uuid"]
    api(world.manager).post("/api/revenue-records/verify/", {"records": [second]}, format="json")
    response = api(world.manager).post(
        "/api/revenue-records/verify/", {"records": [first, second]}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_decided"
    assert RevenueRecord.objects.get(uuid=first).status == FigureStatus.DECLARED


def test_rejection_needs_a_reason_and_the_partner_reads_it(world, program, api):
    uuid = _declare(api, world).json()["uuid"]
    refused = api(world.manager).post("/api/revenue-records/reject/", {"records": [uuid]}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["error"]["fields"]
    assert RevenueRecord.objects.get(uuid=uuid).status == FigureStatus.DECLARED
    done = api(world.manager).post(
        "/api/revenue-records/reject/", {"records": [uuid], "reason": "No invoice"}, format="json"
    )
    assert done.status_code == 200
    seen = api(world.partner_a_user).get(f"/api/revenue-records/{uuid}/").json()
    assert seen["status"] == "rejected" and seen["verification_note"] == "No invoice"
    assert not _platinum_revenue_met(world, program)


def test_another_partner_cannot_verify_or_see(world, program, api):
    uuid = _declare(api, world).json()["uuid"]
    assert api(world.partner_b_user).get(f"/api/revenue-records/{uuid}/").status_code == 404


def test_automatic_rule_verifies_small_declarations(world, program, api, settings):
    settings.MEUTE_REVENUE_AUTO_VERIFY_BELOW = "10000"
    small = _declare(api, world, amount="9999.99").json()
    large = _declare(api, world, amount="10000.00").json()
    assert small["status"] == "verified" and small["verified_by"] is None
    assert "10000" in small["verification_note"]
    assert large["status"] == "declared"


def test_partner_import_is_declared(world, program):
    content = f"partner,period,amount\n{world.partnership_a.uuid},2026-06-01,5000000\n".encode()
    import_revenue(content, filename="revenue.csv", user=world.partner_a_user)
    record = RevenueRecord.objects.get()
    assert record.status == FigureStatus.DECLARED and record.declared_by == world.partner_a_user
    assert not _platinum_revenue_met(world, program)


class TestPage:
    def test_manager_verifies_on_the_list_and_the_partner_sees_the_status(
        self, world, program, api, client_for
    ):
        uuid = _declare(api, world, amount="1200000.00").json()["uuid"]
        client = client_for(world.manager)
        page = client.get(reverse("revenue-list") + "?status=declared")
        assert f'value="{uuid}"' in page.content.decode()
        response = client.post(reverse("revenue-decide"), {"records": [uuid], "decision": "verify"})
        assert response.status_code == 302
        assert RevenueRecord.objects.get(uuid=uuid).status == FigureStatus.VERIFIED
        assert _platinum_revenue_met(world, program)
        client.logout()
        page = client_for(world.partner_a_user).get(reverse("revenue-list")).content.decode()
        assert "Verified" in page and f'value="{uuid}"' not in page

    def test_partner_cannot_post_a_decision(self, world, program, api, client_for):
        uuid = _declare(api, world).json()["uuid"]
        response = client_for(world.partner_a_user).post(
            reverse("revenue-decide"), {"records": [uuid], "decision": "verify"}
        )
        assert response.status_code == 403
        assert RevenueRecord.objects.get(uuid=uuid).status == FigureStatus.DECLARED

    def test_reject_without_reason_changes_nothing(self, world, program, api, client_for):
        uuid = _declare(api, world).json()["uuid"]
        client_for(world.manager).post(reverse("revenue-decide"), {"records": [uuid], "decision": "reject"})
        assert RevenueRecord.objects.get(uuid=uuid).status == FigureStatus.DECLARED

    def test_partner_page_says_what_waits(self, world, program, api, client_for):
        _declare(api, world, amount="500.00")
        page = client_for(world.partner_a_user).get(
            reverse("organization-detail", kwargs={"uuid": world.org_a.uuid})
        )
        assert (
            "1 declared revenue record is not counted until the operator verifies it" in page.content.decode()
        )


@pytest.mark.parametrize("amount", [Decimal("9999999")])
def test_declared_figure_never_reaches_labels(world, program, amount):
    from meute.programs.figures import stamp_declaration

    record = RevenueRecord(partnership=world.partnership_a, period=timezone.localdate(), amount=amount)
    stamp_declaration(record, world.partner_a_user).save()
    assert RevenueRecord.objects.counted().count() == 0
    assert RevenueRecord.objects.waiting().count() == 1
