"""The deal workflow's refusals in words, who is recorded as the author, expiry in bulk, and the retry of a
transaction chosen as a deadlock victim.

Each expected value is written out (the words, 2 extensions, 5 attempts), never read from the module.
"""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, transaction

from meute.deals import workflow
from meute.deals.choices import DealStage
from meute.deals.models import DealRegistration
from meute.deals.tests.conftest import FROZEN
from meute.lib.refusals import Refusal
from meute.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(frozen, deals_world, make_data):
    deal, _ = workflow.register(
        deals_world.partner_a_user, deals_world.partnership_a, make_data(amount="900000")
    )
    return workflow.approve(deal, deals_world.manager)


def _state(deal) -> tuple:
    deal.refresh_from_db()
    return (
        deal.stage,
        deal.protection_end,
        deal.extension_count,
        deal.extension_requested_at,
        deal.extension_request_reason,
        deal.decision_reason,
        deal.closed_at,
    )


def _last_actor(deal):
    entry = LogEntry.objects.get_for_object(deal).order_by("-timestamp", "-pk").first()
    return entry.actor


def _refused(deal, error, action):
    """Runs ``action``, which must raise ``error`` and leave ``deal`` as it was; returns the error."""
    before = _state(deal)
    with pytest.raises(error) as refused:
        action()
    assert _state(deal) == before
    return refused.value


def _messages(exc) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}


# --- Asking for more time ------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_an_extension_request_needs_a_reason(deals_world, approved, reason):
    error = _refused(
        approved,
        ValidationError,
        lambda: workflow.request_extension(approved, deals_world.partner_a_user, reason),
    )
    assert _messages(error) == {"reason": ["Say why the protection should last longer."]}


def test_an_extension_request_is_recorded_with_its_author_and_tells_the_reviewers(deals_world, approved):
    deal = workflow.request_extension(approved, deals_world.partner_a_user, "  Board meets in March  ")
    assert deal.extension_request_reason == "Board meets in March"
    assert deal.extension_requested_at == FROZEN
    assert _last_actor(deal) == deals_world.partner_a_user
    note = Notification.objects.get(recipient=deals_world.manager, title__startswith="Extension requested")
    assert note.title == f"Extension requested for “{deal}”"


def test_a_second_request_is_refused_in_words(deals_world, approved):
    deal = workflow.request_extension(approved, deals_world.partner_a_user, "Board meets in March")
    before = _state(deal)
    with pytest.raises(Refusal) as refused:
        workflow.request_extension(deal, deals_world.partner_a_user, "Again")
    assert refused.value.code == "wrong_stage"
    assert refused.value.messages == ["An extension is already requested for this registration."]
    assert _state(deal) == before


def test_a_request_after_two_extensions_is_refused_in_words(deals_world, approved):
    deal = workflow.extend(approved, deals_world.manager, days=10)
    deal = workflow.extend(deal, deals_world.manager, days=10)
    before = _state(deal)
    with pytest.raises(Refusal) as refused:
        workflow.request_extension(deal, deals_world.partner_a_user, "Once more")
    assert refused.value.code == "too_many_extensions"
    assert refused.value.messages == ["The protection was already extended 2 times."]
    assert refused.value.details == {"maximum": 2}
    assert _state(deal) == before
    with pytest.raises(Refusal) as by_staff:
        workflow.extend(deal, deals_world.manager, days=10)
    assert by_staff.value.messages == ["The protection was already extended 2 times."]
    assert by_staff.value.details == {"maximum": 2}
    assert _state(deal) == before


# --- Declining a request -------------------------------------------------------------------------------


def test_only_editors_decline_in_words(deals_world, approved):
    deal = workflow.request_extension(approved, deals_world.partner_a_user, "Board meets in March")
    for user in (deals_world.partner_a_user, deals_world.reader):
        error = _refused(
            deal, PermissionDenied, lambda user=user: workflow.decline_extension(deal, user, "No")
        )
        assert str(error) == "Only channel managers review registrations."


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_a_decline_needs_a_reason(deals_world, approved, reason):
    deal = workflow.request_extension(approved, deals_world.partner_a_user, "Board meets in March")
    error = _refused(
        deal, ValidationError, lambda: workflow.decline_extension(deal, deals_world.manager, reason)
    )
    assert _messages(error) == {"reason": ["Give the reason for the refusal."]}


def test_nothing_to_decline_without_a_request(deals_world, approved):
    before = _state(approved)
    with pytest.raises(Refusal) as refused:
        workflow.decline_extension(approved, deals_world.manager, "No")
    assert refused.value.code == "wrong_stage"
    assert refused.value.messages == ["No extension is requested for this registration."]
    assert _state(approved) == before


def test_a_decline_keeps_the_end_and_records_the_reviewer(deals_world, approved):
    deal = workflow.request_extension(approved, deals_world.partner_a_user, "Board meets in March")
    end = deal.protection_end
    deal = workflow.decline_extension(deal, deals_world.manager, "  Long enough  ")
    assert _state(deal) == (DealStage.APPROVED, end, 0, None, "", "Long enough", None)
    assert _last_actor(deal) == deals_world.manager
    assert (
        deals_world.partner_a_user.notifications.filter(title="Your extension request is declined").count()
        == 1
    )


# --- Lost -----------------------------------------------------------------------------------------------


def test_lost_from_submitted_and_from_approved_with_its_author(deals_world, make_data, approved, frozen):
    submitted, _ = workflow.register(
        deals_world.partner_a_user,
        deals_world.partnership_a,
        make_data(customer_name="Martin Menuiserie", website="https://martin-menuiserie.fr", amount="50000"),
    )
    assert submitted.stage == DealStage.SUBMITTED
    lost = workflow.mark_lost(submitted, deals_world.partner_a_user, "Budget cut")
    assert (lost.stage, lost.closed_at, lost.decision_reason) == (DealStage.LOST, FROZEN, "Budget cut")
    assert _last_actor(lost) == deals_world.partner_a_user
    lost = workflow.mark_lost(approved, deals_world.partner_a_user)
    assert (lost.stage, lost.closed_at) == (DealStage.LOST, FROZEN)
    assert lost.decision_reason == ""  # no reason given: the approval's note stays empty
    before = _state(lost)
    with pytest.raises(Refusal) as refused:
        workflow.mark_lost(lost, deals_world.partner_a_user)
    assert refused.value.details["current"] == DealStage.LOST
    assert refused.value.details["allowed"] == [DealStage.SUBMITTED, DealStage.APPROVED]
    assert _state(lost) == before


# --- Expiry ---------------------------------------------------------------------------------------------


def test_expiry_in_bulk_counts_each_deal_and_leaves_the_others(deals_world, make_data, frozen):
    w = deals_world

    def approved_until(name, end):
        deal, _ = workflow.register(
            w.partner_a_user,
            w.partnership_a,
            make_data(
                customer_name=name, website=f"https://{name.lower().replace(' ', '-')}.fr", amount="90000"
            ),
        )
        deal = workflow.approve(deal, w.manager)
        DealRegistration.objects.filter(pk=deal.pk).update(protection_end=end)
        return deal

    # The one still protected is created first: the expiry must read each due deal, not the first approved.
    kept = approved_until("Kappa Menuiserie", datetime.date(2026, 6, 1))
    first = approved_until("Lambda Plomberie", datetime.date(2026, 5, 30))
    second = approved_until("Mu Electricite", datetime.date(2026, 5, 31))
    assert workflow.expire_protections(datetime.date(2026, 6, 1)) == 2
    for deal in (first, second):
        deal.refresh_from_db()
        assert deal.stage == DealStage.EXPIRED
    kept.refresh_from_db()
    assert kept.stage == DealStage.APPROVED
    titles = list(
        w.partner_a_user.notifications.filter(title__contains="expired").values_list("title", flat=True)
    )
    assert titles == ["The protection of your deal registration has expired"] * 2
    assert workflow.expire_protections(datetime.date(2026, 6, 1)) == 0


# --- A deadlock victim is run again ---------------------------------------------------------------------


class _Deadlock(Exception):
    sqlstate = "40P01"


class _Other(Exception):
    sqlstate = "40001"


def _failing(times: int, cause: type[Exception]):
    calls = []

    def function(*args, **kwargs):
        calls.append((args, kwargs))
        if len(calls) <= times:
            try:
                raise cause()
            except cause as exc:
                raise OperationalError("database said no") from exc
        return ("done", args, kwargs)

    return function, calls


@pytest.mark.django_db(transaction=True)
def test_a_deadlock_victim_is_run_again_with_the_same_arguments():
    function, calls = _failing(4, _Deadlock)
    assert workflow._retrying(function)(1, 2, key="value") == ("done", (1, 2), {"key": "value"})
    assert calls == [((1, 2), {"key": "value"})] * 5


@pytest.mark.django_db(transaction=True)
def test_five_deadlocks_in_a_row_are_given_up():
    function, calls = _failing(5, _Deadlock)
    with pytest.raises(OperationalError, match="database said no"):
        workflow._retrying(function)("x")
    assert len(calls) == 5


@pytest.mark.django_db(transaction=True)
def test_other_database_errors_are_not_run_again():
    function, calls = _failing(1, _Other)
    with pytest.raises(OperationalError):
        workflow._retrying(function)()
    assert len(calls) == 1
    bare_calls = []

    def bare():
        bare_calls.append(1)
        raise OperationalError("no cause")

    with pytest.raises(OperationalError, match="no cause"):
        workflow._retrying(bare)()
    assert len(bare_calls) == 1


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_a_deadlock_is_left_to_the_caller():
    function, calls = _failing(1, _Deadlock)
    with transaction.atomic(), pytest.raises(OperationalError):
        workflow._retrying(function)()
    assert len(calls) == 1
    function, calls = _failing(2, _Deadlock)
    assert workflow._retrying(function)() == ("done", (), {})
    assert len(calls) == 3


# --- Rejection and verification, in words -------------------------------------------------------------


@pytest.fixture
def submitted(frozen, deals_world, make_data):
    deal, _ = workflow.register(
        deals_world.partner_a_user, deals_world.partnership_a, make_data(amount="900000")
    )
    assert deal.stage == DealStage.SUBMITTED
    return deal


def test_only_editors_reject_in_words(deals_world, submitted):
    for user in (deals_world.partner_a_user, deals_world.reader):
        error = _refused(
            submitted, PermissionDenied, lambda user=user: workflow.reject(submitted, user, "No")
        )
        assert str(error) == "Only channel managers review registrations."


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_a_rejection_needs_a_reason(deals_world, submitted, reason):
    error = _refused(
        submitted, ValidationError, lambda: workflow.reject(submitted, deals_world.manager, reason)
    )
    assert _messages(error) == {"reason": ["Give the reason for the rejection."]}


def test_a_rejection_records_the_reviewer_and_tells_the_partner(deals_world, submitted):
    deal = workflow.reject(submitted, deals_world.manager, "  Outside our market  ")
    assert (deal.stage, deal.reviewer, deal.reviewed_at, deal.decision_reason) == (
        DealStage.REJECTED,
        deals_world.manager,
        FROZEN,
        "Outside our market",
    )
    assert _last_actor(deal) == deals_world.manager
    assert (
        deals_world.partner_a_user.notifications.filter(title="Your deal registration is rejected").count()
        == 1
    )


@pytest.mark.parametrize(
    ("function", "flag", "words"),
    [
        (workflow.verify_margin, "margin_declared", "No declared margin waits for verification."),
        (workflow.verify_won, "won_declared", "No declared win waits for verification."),
    ],
)
def test_verifying_what_nobody_declared_is_refused_in_words(deals_world, submitted, function, flag, words):
    with pytest.raises(PermissionDenied) as refused:
        function(submitted, deals_world.reader)
    assert str(refused.value) == "Only channel managers verify declared figures."
    with pytest.raises(Refusal) as refused:
        function(submitted, deals_world.manager)
    assert refused.value.code == "already_decided"
    assert refused.value.messages == [words]
    DealRegistration.objects.filter(pk=submitted.pk).update(**{flag: True})
    verified = function(submitted, deals_world.manager)
    assert getattr(verified, flag) is False
    assert DealRegistration.objects.filter(pk=submitted.pk, **{flag: False}).exists()
    assert _last_actor(verified) == deals_world.manager


# --- Extending ------------------------------------------------------------------------------------------


def test_only_editors_extend_in_words(deals_world, approved):
    for user in (deals_world.partner_a_user, deals_world.reader):
        error = _refused(
            approved, PermissionDenied, lambda user=user: workflow.extend(approved, user, days=10)
        )
        assert str(error) == "Only channel managers extend protections."


@pytest.mark.parametrize("days", [-1, 366])
def test_an_extension_outside_1_to_365_days_is_refused_in_words(deals_world, approved, days):
    before = _state(approved)
    with pytest.raises(ValidationError) as refused:
        workflow.extend(approved, deals_world.manager, days=days)
    assert _messages(refused.value) == {"days": ["An extension lasts between 1 and 365 days."]}
    assert _state(approved) == before


def test_an_extension_answers_the_request_and_records_the_reviewer(deals_world, approved):
    deal = workflow.request_extension(approved, deals_world.partner_a_user, "Board meets in March")
    end = deal.protection_end
    deal = workflow.extend(deal, deals_world.manager, days=15, reason="Board in March")
    assert _state(deal) == (
        DealStage.APPROVED,
        end + datetime.timedelta(days=15),
        1,
        None,
        "",
        "Board in March",
        None,
    )
    assert _last_actor(deal) == deals_world.manager
    titles = deals_world.partner_a_user.notifications.values_list("title", flat=True)
    assert "The protection of your deal registration is extended" in list(titles)


# --- Won, with the tier's margin; the dry run -----------------------------------------------------------


def test_won_by_the_partner_is_declared_with_the_tier_margin_rounded_half_up(deals_world, make_data, frozen):
    from decimal import Decimal

    from meute.programs.models import PartnerTier, Program, Tier

    w = deals_world
    program = Program.objects.create(name="Programme", code="main")
    gold = Tier.objects.create(program=program, name="Gold", rank=2, margin_percent=Decimal("12.5"))
    PartnerTier.objects.create(partnership=w.partnership_a, program=program, tier=gold)
    received = []

    def receiver(sender, deal, **kwargs):
        received.append(deal.pk)

    workflow.deal_won.connect(receiver, sender=DealRegistration)
    try:
        deal, _ = workflow.register(w.partner_a_user, w.partnership_a, make_data(amount="100.04"))
        assert deal.stage == DealStage.APPROVED  # below the auto-approval limit
        won = workflow.mark_won(deal, w.partner_a_user)
    finally:
        workflow.deal_won.disconnect(receiver, sender=DealRegistration)
    assert received == [won.pk]
    assert (won.stage, won.closed_at, won.won_declared) == (DealStage.WON, FROZEN, True)
    assert won.margin == Decimal("12.51")  # 12.505: half up, not to the even cent
    assert won.margin_declared is False
    assert _last_actor(won) == w.partner_a_user
    other, _ = workflow.register(
        w.partner_a_user,
        w.partnership_a,
        make_data(customer_name="Martin Menuiserie", website="https://martin-menuiserie.fr", amount="1000"),
    )
    assert other.stage == DealStage.APPROVED
    by_staff = workflow.mark_won(other, w.manager)
    assert by_staff.won_declared is False and by_staff.margin == Decimal("125.00")
    assert _last_actor(by_staff) == w.manager


def test_the_dry_run_reads_products_sector_and_leaves_out_the_deal_checked(deals_world, make_data, frozen):
    from meute.core.factories import SectorFactory

    w = deals_world
    retail, health = SectorFactory(code="retail", name="Retail"), SectorFactory(code="health", name="Health")
    w.partnership_a.sectors.set([retail])
    data = make_data(product_lines=[w.crm, w.other_line], sector=health)
    result = workflow.check_for(w.partnership_a, data)
    assert [(i.field, i.refused) for i in result.boundary_issues] == [
        ("product_lines", True),
        ("sector", False),
    ]
    assert workflow.check_for(w.partnership_a, make_data(sector=retail)).boundary_issues == []
    deal, _ = workflow.register(w.partner_a_user, w.partnership_a, make_data(amount="900000"))
    again = make_data(amount="900000")
    assert [c.customer_id for c in workflow.check_for(w.partnership_a, again).conflicting] == [
        deal.customer_id
    ]
    assert workflow.check_for(w.partnership_a, make_data(), exclude_deal=deal).conflicting == []


def test_without_an_actor_errors_still_propagate():
    with pytest.raises(ValueError, match="kept"), workflow._actor(None) as context:
        assert isinstance(context, workflow._NullContext)
        raise ValueError("kept")
