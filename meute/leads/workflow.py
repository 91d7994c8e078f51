"""The life of a lead, one function per event, each in one transaction that locks the lead row first.

new → offered (to one partner, with a deadline) → accepted, or → declined / timed out → offered to the next
eligible partner … → unassigned (back to the staff queue, with the reason) when nobody is left.
Accepted and unassigned leads can be closed. Every routing stores its explanation (staff only).
"""

import datetime

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meute.lib.refusals import Refusal, declare, wrong_state
from meute.notifications import notify
from meute.notifications.messages import Message, Rendered

from . import routing
from .choices import LeadStatus, OfferStatus, RoutingTrigger
from .models import Lead, LeadOffer, RoutingDecision

OFFER_CLOSED = declare("offer_closed", "The lead offer is no longer open, or its deadline has passed.")
WRONG_STATUS = "wrong_status"


class _NullContext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _actor(user):
    return set_actor(user) if user is not None else _NullContext()


def can_manage(user) -> bool:
    """Administrators and channel managers create, route and close leads."""
    return bool(user and user.is_authenticated and user.is_active and user.can_edit_all)


def _now(now=None) -> datetime.datetime:
    return now or timezone.now()


def _locked(lead_pk) -> Lead:
    return Lead.objects.select_for_update().get(pk=lead_pk)


def _require_status(lead, *statuses) -> None:
    if lead.status not in statuses:
        raise wrong_state(
            _("This lead is %(status)s: this action is not possible.")
            % {"status": lead.get_status_display().lower()},
            lead.status,
            statuses,
        )


def is_partner_of(user, partnership_id) -> bool:
    """A partner user of the (non-operator) organisation of this partnership."""
    from meute.partnerships.models import PartnershipParty

    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.is_partner_user
        and PartnershipParty.objects.filter(
            partnership_id=partnership_id,
            organization_id=user.organization_id,
            organization__is_operator=False,
        ).exists()
    )


# --------------------------------------------------------------------------------------------------
# Notifications
# --------------------------------------------------------------------------------------------------


def _notify_offer(offer) -> None:
    users = notify.partnership_partner_users([offer.partnership_id]).get(offer.partnership_id, [])
    notify.notify(
        users,
        Message(gettext_noop("New lead offered to you")),
        Message(
            gettext_noop("“%(lead)s”: accept or decline before %(deadline)s."),
            lead=str(offer.lead),
            deadline=offer.deadline,
        ),
        url=offer.lead.get_absolute_url(),
        kind="lead_offer",
    )


def _notify_staff(lead, title, body) -> None:
    notify.notify(notify.staff_reviewers(), title, body, url=lead.get_absolute_url(), kind="lead")


# --------------------------------------------------------------------------------------------------
# Routing
# --------------------------------------------------------------------------------------------------


UNASSIGNED_RENDERER = "leads.unassigned"


def unassigned_args(explanation: dict) -> dict:
    """What ``unassigned_summary`` needs of a routing explanation, to write it again in another language."""
    return {
        "skipped": (explanation.get("skipped") or [])[:11],
        "skipped_counts": explanation.get("skipped_counts") or {},
    }


def unassigned_summary(explanation: dict) -> str:
    """Why nobody received the lead: each partnership by name when few, else the count per reason."""
    skipped = explanation.get("skipped") or []
    if not skipped:
        return _("No active channel partnership can receive leads.")
    counts = explanation.get("skipped_counts") or {}
    if sum(counts.values()) <= 10:
        reasons = "; ".join(
            f"{entry['name']}: {routing.describe_skip(entry['code'], entry.get('params') or {})}"
            for entry in skipped
        )
    else:
        reasons = "; ".join(
            f"{count} {routing.describe_reason(code)}"
            for code, count in sorted(counts.items(), key=lambda item: -item[1])
        )
    return _("No eligible partner left. %(reasons)s.") % {"reasons": reasons}


def _serialise_routing() -> None:
    """Routing decisions are taken one at a time, so two leads routed at the same moment both see the
    other's offer in the partners' loads (capacity and round-robin stay exact).

    PostgreSQL: a transaction-level advisory lock. SQLite already serialises writing transactions.
    """
    connection = connections[router.db_for_write(LeadOffer)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["meute.leads.routing"])


def _route_locked(lead, trigger, actor, now) -> LeadOffer | None:
    """Offer the (locked) lead to the best eligible partnership, or leave it unassigned."""
    _serialise_routing()
    ranking = routing.rank_lead(lead, today=timezone.localdate(now))
    best = ranking.best
    explanation = ranking.as_dict()
    RoutingDecision.objects.create(
        lead=lead,
        trigger=trigger,
        actor=actor,
        chosen_id=best.partnership_id if best else None,
        explanation=explanation,
    )
    if best is None:
        lead.status = LeadStatus.UNASSIGNED
        lead.unassigned_reason = unassigned_summary(explanation)
        lead.save()
        _notify_staff(
            lead,
            Message(gettext_noop("Lead left unassigned")),
            Message(
                gettext_noop("“%(lead)s”: %(reason)s"),
                lead=str(lead),
                reason=Rendered(UNASSIGNED_RENDERER, unassigned_args(explanation)),
            ),
        )
        return None
    return _offer_locked(lead, best.partnership_id, now)


def _offer_locked(lead, partnership_id, now) -> LeadOffer:
    try:
        with transaction.atomic():
            offer = LeadOffer.objects.create(
                lead=lead,
                partnership_id=partnership_id,
                offered_at=now,
                deadline=now + datetime.timedelta(hours=routing.response_hours()),
            )
    except IntegrityError as exc:  # another open offer appeared: the lock makes this impossible
        raise Refusal(_("This lead is already offered to a partner."), code=WRONG_STATUS) from exc
    lead.status = LeadStatus.OFFERED
    lead.unassigned_reason = ""
    lead.save()
    _notify_offer(offer)
    return offer


def _withdraw_open_offer(lead, user, now) -> None:
    open_offer = LeadOffer.objects.select_for_update().filter(lead=lead, status=OfferStatus.PENDING).first()
    if open_offer is not None:
        open_offer.status = OfferStatus.WITHDRAWN
        open_offer.responded_at = now
        open_offer.responded_by = user
        open_offer.save()


def offer_to(lead, partnership, user, now=None) -> LeadOffer:
    """Staff choose the partner themselves (any active channel partnership), past the routing rules.

    The decision still records how the rules ranked every partnership, and that staff chose.
    """
    if not can_manage(user):
        raise PermissionDenied(_("Only channel managers route leads."))
    with _actor(user):
        return _offer_to(lead, partnership, user, _now(now))


def offer_enquiry(lead, partnership, now=None) -> LeadOffer:
    """A visitor chose this partner in the public locator: the lead goes to it first, past the rules.

    If the partner declines or lets the offer time out, the lead is routed by the rules like any other.
    """
    now = _now(now)
    with transaction.atomic():
        lead = _locked(lead.pk)
        _require_status(lead, LeadStatus.NEW)
        _serialise_routing()
        explanation = routing.rank_lead(lead, today=timezone.localdate(now)).as_dict()
        explanation["locator_enquiry"] = True
        RoutingDecision.objects.create(
            lead=lead, trigger=RoutingTrigger.NEW, actor=None, chosen=partnership, explanation=explanation
        )
        return _offer_locked(lead, partnership.pk, now)


def _offer_to(lead, partnership, user, now) -> LeadOffer:
    if not routing.channel_partnerships().filter(pk=partnership.pk).exists():
        raise ValidationError({"partnership": _("Choose an active channel partnership.")})
    with transaction.atomic():
        lead = _locked(lead.pk)
        _require_status(lead, LeadStatus.NEW, LeadStatus.UNASSIGNED, LeadStatus.OFFERED)
        _withdraw_open_offer(lead, user, now)
        _serialise_routing()
        explanation = routing.rank_lead(lead, today=timezone.localdate(now)).as_dict()
        explanation["manual"] = True
        RoutingDecision.objects.create(
            lead=lead, trigger=RoutingTrigger.MANUAL, actor=user, chosen=partnership, explanation=explanation
        )
        return _offer_locked(lead, partnership.pk, now)


def route(lead, user=None, *, trigger=RoutingTrigger.MANUAL, now=None) -> LeadOffer | None:
    """Offer a new or unassigned lead to the best eligible partner; staff may re-route an offered lead
    (the open offer is withdrawn and that partner skipped). Returns the offer, or None (unassigned)."""
    if user is not None and not can_manage(user):
        raise PermissionDenied(_("Only channel managers route leads."))
    now = _now(now)
    with _actor(user), transaction.atomic():
        lead = _locked(lead.pk)
        _require_status(lead, LeadStatus.NEW, LeadStatus.UNASSIGNED, LeadStatus.OFFERED)
        _withdraw_open_offer(lead, user, now)
        return _route_locked(lead, trigger, user, now)


def route_new(now=None) -> tuple[int, int]:
    """Route every new lead; returns ``(offered, unassigned)``."""
    offered = unassigned = 0
    for pk in (
        Lead.objects.filter(status=LeadStatus.NEW).order_by("created_at", "pk").values_list("pk", flat=True)
    ):
        lead = Lead.objects.filter(pk=pk, status=LeadStatus.NEW).first()
        if lead is None:
            continue
        try:
            offer = route(lead, None, trigger=RoutingTrigger.NEW, now=now)
        except ValidationError:
            continue  # routed meanwhile by someone else
        if offer is None:
            unassigned += 1
        else:
            offered += 1
    return offered, unassigned


# --------------------------------------------------------------------------------------------------
# The partner's answer, and timeouts
# --------------------------------------------------------------------------------------------------


def _lock_open_offer(offer, now) -> tuple[Lead, LeadOffer]:
    lead = _locked(offer.lead_id)
    offer = LeadOffer.objects.select_for_update().select_related("partnership").get(pk=offer.pk)
    if offer.status != OfferStatus.PENDING:
        raise Refusal(
            _("This offer is no longer open (%(status)s).") % {"status": offer.get_status_display().lower()},
            code=OFFER_CLOSED,
            details={"current": str(offer.status)},
        )
    if offer.deadline <= now:
        raise Refusal(
            _("The deadline to answer this offer has passed."),
            code=OFFER_CLOSED,
            details={"deadline": offer.deadline.isoformat()},
        )
    return lead, offer


def accept(offer, user, now=None) -> LeadOffer:
    """The partner takes the lead: it becomes theirs (and stops counting as offered to anyone else)."""
    if not is_partner_of(user, offer.partnership_id):
        raise PermissionDenied(_("Only the partner this lead is offered to can answer."))
    with _actor(user):
        return _accept(offer, user, _now(now))


def _accept(offer, user, now) -> LeadOffer:
    with transaction.atomic():
        lead, offer = _lock_open_offer(offer, now)
        offer.status = OfferStatus.ACCEPTED
        offer.responded_at = now
        offer.responded_by = user
        offer.save()
        lead.status = LeadStatus.ACCEPTED
        lead.partnership_id = offer.partnership_id
        lead.accepted_at = now
        lead.save()
        _notify_staff(
            lead,
            Message(gettext_noop("Lead accepted")),
            Message(
                gettext_noop("“%(lead)s” was accepted by %(partnership)s."),
                lead=str(lead),
                partnership=str(offer.partnership),
            ),
        )
    return offer


def decline(offer, user, reason: str, now=None) -> LeadOffer:
    """The partner declines (reason required): the lead goes to the next eligible partner, if any."""
    if not is_partner_of(user, offer.partnership_id):
        raise PermissionDenied(_("Only the partner this lead is offered to can answer."))
    with _actor(user):
        return _decline(offer, user, reason, _now(now))


def _decline(offer, user, reason, now) -> LeadOffer:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you decline this lead.")})
    with transaction.atomic():
        lead, offer = _lock_open_offer(offer, now)
        offer.status = OfferStatus.DECLINED
        offer.responded_at = now
        offer.responded_by = user
        offer.decline_reason = reason
        offer.save()
        _notify_staff(
            lead,
            Message(gettext_noop("Lead declined")),
            Message(
                gettext_noop("“%(lead)s” was declined by %(partnership)s: %(reason)s"),
                lead=str(lead),
                partnership=str(offer.partnership),
                reason=reason,
            ),
        )
        _route_locked(lead, RoutingTrigger.DECLINE, None, now)
    return offer


def expire_offers(now=None) -> int:
    """Offers past their deadline time out and their leads go to the next partner; returns how many."""
    now = _now(now)
    count = 0
    due = LeadOffer.objects.filter(status=OfferStatus.PENDING, deadline__lte=now).order_by("deadline", "pk")
    for offer_pk, lead_pk in list(due.values_list("pk", "lead_id")):
        with transaction.atomic():
            lead = _locked(lead_pk)
            offer = (
                LeadOffer.objects.select_for_update().filter(pk=offer_pk, status=OfferStatus.PENDING).first()
            )
            if offer is None or offer.deadline > now:
                continue  # answered (or re-routed) meanwhile
            offer.status = OfferStatus.EXPIRED
            offer.responded_at = now
            offer.save()
            _route_locked(lead, RoutingTrigger.TIMEOUT, None, now)
            count += 1
    return count


# --------------------------------------------------------------------------------------------------
# After acceptance
# --------------------------------------------------------------------------------------------------


def can_close(user, lead) -> bool:
    if can_manage(user):
        return lead.status != LeadStatus.CLOSED
    return lead.status == LeadStatus.ACCEPTED and is_partner_of(user, lead.partnership_id)


def close(lead, user, reason: str = "", now=None) -> Lead:
    """Close a lead (staff: any open lead; the partner: its accepted lead), freeing the partner's capacity."""
    now = _now(now)
    with _actor(user), transaction.atomic():
        lead = _locked(lead.pk)
        if not (can_manage(user) or is_partner_of(user, lead.partnership_id)):
            raise PermissionDenied(_("You cannot close this lead."))
        if not can_close(user, lead):
            raise Refusal(
                _("This lead is %(status)s: this action is not possible.")
                % {"status": lead.get_status_display().lower()},
                code=WRONG_STATUS,
                details={"current": str(lead.status)},
            )
        return _close(lead, user, reason, now)


def _close(lead, user, reason, now) -> Lead:
    with transaction.atomic():
        lead = _locked(lead.pk)
        _require_status(lead, LeadStatus.NEW, LeadStatus.OFFERED, LeadStatus.UNASSIGNED, LeadStatus.ACCEPTED)
        _withdraw_open_offer(lead, user, now)
        lead.status = LeadStatus.CLOSED
        lead.closed_at = now
        lead.close_reason = (reason or "").strip()
        lead.save()
    return lead


def registration_data(lead, expected_close_date, amount=None):
    from meute.deals.workflow import RegistrationData

    return RegistrationData(
        customer_name=lead.company_name,
        amount=amount if amount not in (None, "") else lead.amount,
        expected_close_date=expected_close_date,
        siren=lead.siren,
        vat_number=lead.vat_number,
        website=lead.website,
        address=lead.address,
        postal_code=lead.postal_code,
        city=lead.city,
        country=str(lead.country or "FR"),
        sector=lead.sector,
        contact_name=lead.contact_name,
        contact_email=lead.contact_email,
        contact_phone=lead.contact_phone,
        product_lines=list(lead.product_lines.all()),
        currency=lead.currency,
        notes=lead.description,
    )


def convert_to_deal(lead, user, expected_close_date, amount=None):
    """Register the accepted lead as a deal of its partnership (submitted with the conflict check)."""
    from meute.deals import workflow as deals

    with transaction.atomic():
        lead = _locked(lead.pk)
        _require_status(lead, LeadStatus.ACCEPTED)
        if not (can_manage(user) or is_partner_of(user, lead.partnership_id)):
            raise PermissionDenied(_("You cannot register this lead as a deal."))
        if lead.deal_id:
            raise Refusal(_("This lead is already registered as a deal."), code=WRONG_STATUS)
        deal, _created = deals.register(
            user,
            lead.partnership,
            registration_data(lead, expected_close_date, amount),
            idempotency_key=f"lead-{lead.uuid}",
        )
        lead.deal = deal
        with _actor(user):
            lead.save()
    return deal
