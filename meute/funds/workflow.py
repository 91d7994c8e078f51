"""Fund requests and claims, each state change in one function inside one transaction.

Money moves only here, as ledger entries, with the allocation's row locked (``SELECT … FOR UPDATE``) while
its balance is read and the entry written: two approvals or two claims at the same time are serialised by
the database and cannot take more than what is available. On SQLite, write transactions start IMMEDIATE and
are serialised the same way.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meute.enablement.uploads import check_upload, clean_name
from meute.lib import access
from meute.lib.refusals import Refusal, declare, wrong_state
from meute.money.exchange import convert

from .choices import EDITABLE_REQUEST_STATES, ClaimStatus, EntryKind, RequestStatus
from .ledger import balance_of, request_commitment
from .models import Claim, FundAllocation, FundEntry, FundRequest, ProofFile

FUND_EXPIRED = declare("fund_expired", "The fund expired (`details.expires_on`).")
INSUFFICIENT_FUNDS = declare(
    "insufficient_funds", "The fund's available balance is too low (`details.available`, `currency`)."
)
ABOVE_APPROVAL_LIMIT = declare(
    "above_approval_limit", "The amount is above your approval limit: an administrator approves it."
)
ALREADY_CLAIMED = declare("already_claimed", "The fund request already has a claim.")


def may_decide(user) -> bool:
    """Channel managers and administrators decide requests and claims; nobody else."""
    return bool(user and user.is_authenticated and user.is_active and user.can_edit_all)


def approval_limit(user) -> Decimal | None:
    """The largest amount (in the fund's currency) ``user`` may approve alone; ``None``: no limit."""
    if user.is_administrator:
        return None
    return Decimal(settings.MEUTE_FUNDS_MANAGER_APPROVAL_LIMIT)


def _require_decider(user):
    if not may_decide(user):
        raise PermissionDenied


def _lock_allocation(allocation_id) -> FundAllocation:
    return FundAllocation.objects.select_for_update().get(pk=allocation_id)


def _lock_request(request: FundRequest) -> FundRequest:
    return FundRequest.objects.select_for_update().select_related("allocation").get(pk=request.pk)


def in_fund_currency(amount: Decimal, currency: str, allocation: FundAllocation, day, field: str) -> Decimal:
    """``amount`` in the fund's currency at the rate in force on ``day``; refused without a rate."""
    value = convert(amount, currency, allocation.currency, day)
    if value is None:
        raise ValidationError(
            {
                field: _(
                    "No exchange rate from %(from)s to %(to)s on %(day)s: enter the amount in %(to)s "
                    "or ask finance to add the rate."
                )
                % {"from": currency, "to": allocation.currency, "day": day.isoformat()}
            }
        )
    return value


def _entry(allocation, kind, amount, user, *, request=None, claim=None, note=""):
    if amount:
        FundEntry.objects.create(
            allocation=allocation,
            kind=kind,
            amount=amount,
            request=request,
            claim=claim,
            created_by=user,
            note=note,
        )


# --- requests -------------------------------------------------------------------------------------------


@transaction.atomic
def save_request(fund_request: FundRequest, user) -> FundRequest:
    """Create or change a request while it is a draft or sent back for changes."""
    if fund_request.pk is None:
        access.require(access.can_create(user, FundRequest))
        if not FundAllocation.objects.visible_to(user).filter(pk=fund_request.allocation_id).exists():
            raise PermissionDenied
        fund_request.submitted_by = user
    else:
        current = _lock_request(fund_request)
        access.require(access.can_change(user, current))
        if current.status not in EDITABLE_REQUEST_STATES:
            raise wrong_state(
                _("Only a draft or a request sent back for changes can be edited."),
                current.status,
                EDITABLE_REQUEST_STATES,
            )
        fund_request.status = current.status
    fund_request.full_clean()
    fund_request.budget_in_fund_currency = in_fund_currency(
        fund_request.budget,
        fund_request.currency,
        fund_request.allocation,
        fund_request.start_date,
        "currency",
    )
    fund_request.save()
    return fund_request


@transaction.atomic
def submit_request(fund_request: FundRequest, user) -> FundRequest:
    fund_request = _lock_request(fund_request)
    access.require(access.can_change(user, fund_request))
    if fund_request.status not in EDITABLE_REQUEST_STATES:
        raise wrong_state(_("This request was already sent."), fund_request.status, EDITABLE_REQUEST_STATES)
    allocation = fund_request.allocation
    if allocation.expires_on < timezone.localdate():
        raise Refusal(
            _("This fund expired on %(date)s.") % {"date": allocation.expires_on.isoformat()},
            code=FUND_EXPIRED,
            details={"expires_on": allocation.expires_on.isoformat()},
        )
    available = balance_of(allocation).available
    if fund_request.budget_in_fund_currency > available:
        raise Refusal(
            {
                "budget": _(
                    "The budget (%(budget)s %(currency)s) is above the fund's available balance "
                    "(%(available)s %(currency)s)."
                )
                % {
                    "budget": fund_request.budget_in_fund_currency,
                    "available": available,
                    "currency": allocation.currency,
                }
            },
            code=INSUFFICIENT_FUNDS,
            details={"available": str(available), "currency": allocation.currency},
        )
    fund_request.status = RequestStatus.SUBMITTED
    fund_request.submitted_by = user
    fund_request.submitted_at = timezone.now()
    fund_request.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    return fund_request


@transaction.atomic
def approve_request(
    fund_request: FundRequest, user, amount: Decimal | None = None, note: str = ""
) -> FundRequest:
    """Approve (possibly less than asked) and commit the amount on the fund, within what is available."""
    _require_decider(user)
    fund_request = _lock_request(fund_request)
    if fund_request.status != RequestStatus.SUBMITTED:
        raise wrong_state(
            _("Only a submitted request can be approved."), fund_request.status, RequestStatus.SUBMITTED
        )
    asked = fund_request.budget_in_fund_currency
    amount = asked if amount is None else Decimal(amount)
    currency = fund_request.allocation.currency
    if amount <= 0:
        raise ValidationError({"amount": _("The approved amount must be greater than zero.")})
    if amount > asked:
        raise ValidationError(
            {
                "amount": _("You cannot approve more than was asked (%(asked)s %(currency)s).")
                % {"asked": asked, "currency": currency}
            }
        )
    limit = approval_limit(user)
    if limit is not None and amount > limit:
        raise Refusal(
            {
                "amount": _(
                    "%(amount)s %(currency)s is above your approval limit (%(limit)s %(currency)s): "
                    "an administrator must approve it."
                )
                % {"amount": amount, "limit": limit, "currency": currency}
            },
            code=ABOVE_APPROVAL_LIMIT,
            details={"limit": str(limit), "currency": currency},
        )
    allocation = _lock_allocation(fund_request.allocation_id)
    available = balance_of(allocation).available
    if amount > available:
        raise Refusal(
            {
                "amount": _("Only %(available)s %(currency)s are available on this fund.")
                % {"available": available, "currency": currency}
            },
            code=INSUFFICIENT_FUNDS,
            details={"available": str(available), "currency": currency},
        )
    _entry(
        allocation,
        EntryKind.COMMITMENT,
        amount,
        user,
        request=fund_request,
        note=gettext_noop("Request approved"),
    )
    fund_request.status = RequestStatus.APPROVED
    fund_request.approved_amount = amount
    fund_request.decided_by, fund_request.decided_at, fund_request.decision_note = user, timezone.now(), note
    fund_request.save()
    return fund_request


def _send_back(fund_request, user, note, status, allowed, message):
    _require_decider(user)
    fund_request = _lock_request(fund_request)
    if fund_request.status not in allowed:
        raise wrong_state(message, fund_request.status, allowed)
    if not note.strip():
        raise ValidationError({"note": _("Say why, so that the partner knows what to do.")})
    fund_request.status = status
    fund_request.decided_by, fund_request.decided_at, fund_request.decision_note = user, timezone.now(), note
    fund_request.save()
    return fund_request


@transaction.atomic
def request_changes(fund_request: FundRequest, user, note: str) -> FundRequest:
    return _send_back(
        fund_request,
        user,
        note,
        RequestStatus.CHANGES_REQUESTED,
        (RequestStatus.SUBMITTED,),
        _("Only a submitted request can be sent back for changes."),
    )


@transaction.atomic
def reject_request(fund_request: FundRequest, user, note: str) -> FundRequest:
    return _send_back(
        fund_request,
        user,
        note,
        RequestStatus.REJECTED,
        (RequestStatus.SUBMITTED, RequestStatus.CHANGES_REQUESTED),
        _("Only a request waiting for a decision can be rejected."),
    )


@transaction.atomic
def cancel_request(fund_request: FundRequest, user) -> FundRequest:
    """The partner (or staff) withdraws a request; an approved one without a claim gives back its
    commitment."""
    fund_request = _lock_request(fund_request)
    access.require(access.can_change(user, fund_request))
    if fund_request.status in (RequestStatus.REJECTED, RequestStatus.CANCELLED):
        raise wrong_state(
            _("This request is already closed."),
            fund_request.status,
            [s for s in RequestStatus if s not in (RequestStatus.REJECTED, RequestStatus.CANCELLED)],
        )
    if fund_request.claims.exclude(status=ClaimStatus.REJECTED).exists():
        raise Refusal(_("A request with a claim cannot be cancelled."), code=ALREADY_CLAIMED)
    if fund_request.status == RequestStatus.APPROVED:
        allocation = _lock_allocation(fund_request.allocation_id)
        held = request_commitment(fund_request)
        _entry(
            allocation,
            EntryKind.COMMITMENT,
            -held,
            user,
            request=fund_request,
            note=gettext_noop("Request cancelled"),
        )
    fund_request.status = RequestStatus.CANCELLED
    fund_request.save(update_fields=["status", "updated_at"])
    return fund_request


# --- claims ---------------------------------------------------------------------------------------------


@transaction.atomic
def submit_claim(
    fund_request: FundRequest,
    user,
    *,
    amount,
    currency: str,
    proofs,
    leads: int = 0,
    opportunities: int = 0,
    note="",
) -> Claim:
    """Claim reimbursement of an approved request with proof of performance (files of accepted kinds) and
    the results. The claim cannot exceed the approved amount."""
    if not FundRequest.objects.visible_to(user).filter(pk=fund_request.pk).exists():
        raise PermissionDenied
    access.require(access.can_create(user, Claim))
    fund_request = _lock_request(fund_request)
    if fund_request.status != RequestStatus.APPROVED:
        raise wrong_state(
            _("Only an approved request can be claimed."), fund_request.status, RequestStatus.APPROVED
        )
    if fund_request.claims.exclude(status=ClaimStatus.REJECTED).exists():
        raise Refusal(_("This request already has a claim."), code=ALREADY_CLAIMED)
    proofs = [(upload, kind) for upload, kind in proofs if upload]
    if not proofs:
        raise ValidationError(
            {"files": _("Attach proof of performance: invoices, photos or attendee lists.")}
        )
    errors = []
    checked = []
    for upload, kind in proofs:
        try:
            checked.append((upload, kind, check_upload(upload)))
        except ValidationError as exc:
            errors.append(f"{clean_name(upload.name)}: {' '.join(exc.messages)}")
    if errors:
        raise ValidationError({"files": errors})
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The amount claimed must be greater than zero.")})
    converted = in_fund_currency(amount, currency, fund_request.allocation, fund_request.end_date, "currency")
    if converted > fund_request.approved_amount:
        raise ValidationError(
            {
                "amount": _(
                    "The claim (%(claimed)s %(currency)s) is above the approved amount "
                    "(%(approved)s %(currency)s)."
                )
                % {
                    "claimed": converted,
                    "approved": fund_request.approved_amount,
                    "currency": fund_request.allocation.currency,
                }
            }
        )
    claim = Claim(
        request=fund_request,
        amount=amount,
        currency=currency,
        amount_in_fund_currency=converted,
        leads=leads,
        opportunities=opportunities,
        note=note,
        submitted_by=user,
    )
    claim.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError as exc:
        raise Refusal(_("This request already has a claim."), code=ALREADY_CLAIMED) from exc
    for upload, kind, content_type in checked:
        ProofFile.objects.create(
            claim=claim,
            kind=kind,
            file=upload,
            name=clean_name(upload.name),
            content_type=content_type,
            size=upload.size,
        )
    return claim


def _lock_claim(claim: Claim) -> Claim:
    return Claim.objects.select_for_update().select_related("request__allocation").get(pk=claim.pk)


@transaction.atomic
def approve_claim(
    claim: Claim, user, approved_amount=None, *, override_reason: str = "", note: str = ""
) -> Claim:
    """Approve all or part of a claim: the request's commitment is released and the approved amount held as
    claimed until paid. Above the approved request only with a reason, and only within what is available."""
    _require_decider(user)
    claim = _lock_claim(claim)
    if claim.status != ClaimStatus.SUBMITTED:
        raise wrong_state(_("Only a submitted claim can be approved."), claim.status, ClaimStatus.SUBMITTED)
    fund_request = claim.request
    currency = fund_request.allocation.currency
    approved = claim.amount_in_fund_currency if approved_amount is None else Decimal(approved_amount)
    if approved <= 0:
        raise ValidationError({"approved_amount": _("Approve more than zero, or reject the claim.")})
    if approved > claim.amount_in_fund_currency:
        raise ValidationError(
            {
                "approved_amount": _("You cannot approve more than was claimed (%(claimed)s %(currency)s).")
                % {"claimed": claim.amount_in_fund_currency, "currency": currency}
            }
        )
    if approved > fund_request.approved_amount and not override_reason.strip():
        raise ValidationError(
            {
                "override_reason": _(
                    "This is above the approved request (%(approved)s %(currency)s): "
                    "give the reason for the exception."
                )
                % {"approved": fund_request.approved_amount, "currency": currency}
            }
        )
    allocation = _lock_allocation(fund_request.allocation_id)
    held = request_commitment(fund_request)
    extra = approved - held
    if extra > 0:
        available = balance_of(allocation).available
        if extra > available:
            raise Refusal(
                {
                    "approved_amount": _("Only %(available)s %(currency)s more are available on this fund.")
                    % {"available": available, "currency": currency}
                },
                code=INSUFFICIENT_FUNDS,
                details={"available": str(available), "currency": currency},
            )
    _entry(
        allocation,
        EntryKind.COMMITMENT,
        -held,
        user,
        request=fund_request,
        claim=claim,
        note=gettext_noop("Settled by its claim"),
    )
    _entry(
        allocation,
        EntryKind.CLAIM,
        approved,
        user,
        request=fund_request,
        claim=claim,
        note=gettext_noop("Claim approved"),
    )
    claim.approved_amount = approved
    claim.override_reason = override_reason.strip() if approved > fund_request.approved_amount else ""
    claim.status = (
        ClaimStatus.APPROVED if approved == claim.amount_in_fund_currency else ClaimStatus.PARTIALLY_APPROVED
    )
    claim.decided_by, claim.decided_at, claim.decision_note = user, timezone.now(), note
    claim.save()
    return claim


@transaction.atomic
def reject_claim(claim: Claim, user, note: str) -> Claim:
    """Reject a claim (the request keeps its commitment: the partner may claim again with better proof)."""
    _require_decider(user)
    claim = _lock_claim(claim)
    if claim.status != ClaimStatus.SUBMITTED:
        raise wrong_state(_("Only a submitted claim can be rejected."), claim.status, ClaimStatus.SUBMITTED)
    if not note.strip():
        raise ValidationError({"note": _("Say why, so that the partner knows what to do.")})
    claim.status = ClaimStatus.REJECTED
    claim.decided_by, claim.decided_at, claim.decision_note = user, timezone.now(), note
    claim.save()
    return claim


@transaction.atomic
def mark_paid(claim: Claim, user, reference: str) -> Claim:
    _require_decider(user)
    claim = _lock_claim(claim)
    if claim.status not in (ClaimStatus.APPROVED, ClaimStatus.PARTIALLY_APPROVED):
        raise wrong_state(
            _("Only an approved claim can be marked paid."),
            claim.status,
            (ClaimStatus.APPROVED, ClaimStatus.PARTIALLY_APPROVED),
        )
    if not reference.strip():
        raise ValidationError({"payment_reference": _("Enter the payment reference.")})
    allocation = _lock_allocation(claim.request.allocation_id)
    _entry(
        allocation,
        EntryKind.CLAIM,
        -claim.approved_amount,
        user,
        request=claim.request,
        claim=claim,
        note=gettext_noop("Paid"),
    )
    _entry(
        allocation,
        EntryKind.PAYMENT,
        claim.approved_amount,
        user,
        request=claim.request,
        claim=claim,
        note=reference.strip(),
    )
    claim.status = ClaimStatus.PAID
    claim.payment_reference = reference.strip()
    claim.paid_at = timezone.now()
    claim.save()
    return claim
