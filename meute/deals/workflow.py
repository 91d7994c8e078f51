"""The life of a deal registration, one function per change of stage, each in one transaction.

draft → submitted → approved (protected) → won / lost / expired, or submitted → rejected. Every function
checks the user's right, refuses a wrong stage with a translated message, and writes nothing on error.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connections, router, transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meute.core import validators
from meute.lib import access, rights
from meute.lib.refusals import Refusal, declare, wrong_state
from meute.notifications import notify
from meute.notifications.messages import Message
from meute.partnerships.models import Partnership
from meute.programs.models import PartnerTier

from . import blocking, conflicts
from .choices import OPEN_STAGES, DealStage, MatchLevel
from .customers import save_customer
from .models import Customer, DealRegistration

WRONG_STAGE = declare(
    "wrong_stage",
    "The record is not at a stage that allows this action (`details.current`, `allowed` or `requested`).",
)
ALREADY_REGISTERED = declare(
    "already_registered", "Your partnership already registered this customer (`details.registration`)."
)
ALREADY_PROTECTED = declare("already_protected", "Another registration already protects this customer.")
TOO_MANY_EXTENSIONS = declare(
    "too_many_extensions", "The protection was already extended as often as allowed (`details.maximum`)."
)
ALREADY_DECIDED = declare("already_decided", "The decision was already taken.")

DEFAULT_PROTECTION_DAYS = 90
MAX_EXTENSIONS = 2
DEADLOCK_ATTEMPTS = 5

# Sent when a deal is won, with ``deal``: the revenue records of the programmes app listen to it.
deal_won = Signal()


def auto_approval_limit() -> Decimal:
    return Decimal(str(getattr(settings, "MEUTE_DEALS_AUTO_APPROVAL_LIMIT", "10000")))


def protection_days(partnership) -> int:
    """Days of protection of an approved registration or of an extension: the deal protection of the tier
    the partnership holds (``Tier.protection_days``, which ``programs.rule_versions.bring_into_force`` keeps
    to the rules in force; the most generous when it holds tiers in several programmes), else the default
    (90). A tier's 0 means "the default"."""
    days = (
        PartnerTier.objects.filter(partnership=partnership, tier__isnull=False)
        .aggregate(days=Max("tier__protection_days"))
        .get("days")
    )
    return int(days) if days else DEFAULT_PROTECTION_DAYS


def tier_margin(deal) -> Decimal | None:
    """The margin the partnership's tier grants on ``deal`` (``Tier.margin_percent`` of its amount, the most
    generous tier when it holds several), or None without a tier or a margin: partners who move up earn a
    higher margin, and margin-based payouts follow it."""
    percent = (
        PartnerTier.objects.filter(partnership_id=deal.partnership_id, tier__isnull=False)
        .aggregate(percent=Max("tier__margin_percent"))
        .get("percent")
    )
    if not percent or deal.amount is None:
        return None
    return (deal.amount * percent / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def can_review(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.can_edit_all)


def _today() -> datetime.date:
    return timezone.localdate()


def _actor(user):
    return set_actor(user) if user is not None else _NullContext()


class _NullContext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _locked(deal) -> DealRegistration:
    return DealRegistration.objects.select_for_update().select_related("partnership").get(pk=deal.pk)


def _require_stage(deal, *stages) -> None:
    if deal.stage not in stages:
        raise wrong_state(
            _("This registration is %(stage)s: this action is not possible.")
            % {"stage": deal.get_stage_display().lower()},
            deal.stage,
            stages,
            code=WRONG_STAGE,
        )


def _notify(deal, subject) -> None:
    """Tell the partner's users (and whoever registered the deal) what happened, in-app and by e-mail."""
    recipients = notify.partnership_partner_users([deal.partnership_id]).get(deal.partnership_id, [])
    if deal.registered_by is not None and not deal.registered_by.is_staff_member:
        recipients = [*recipients, deal.registered_by]
    body = [
        Message(
            gettext_noop("Registration “%(deal)s”: %(stage)s."),
            deal=str(deal),
            stage=DealStage(deal.stage).label,
        )
    ]
    if deal.stage == DealStage.APPROVED and deal.protection_end:
        body.append(Message(gettext_noop("Protected until %(date)s."), date=deal.protection_end))
    if deal.decision_reason:
        body.append(deal.decision_reason)
    notify.notify(recipients, subject, body, url=deal.get_absolute_url(), kind="deal")


def _notify_reviewers(deal) -> None:
    notify.notify(
        notify.staff_reviewers(),
        Message(gettext_noop("New deal registration to review")),
        Message(
            gettext_noop("“%(deal)s” (%(partnership)s), %(level)s."),
            deal=str(deal),
            partnership=deal.partnership.name,
            level=MatchLevel(deal.conflict_level).label,
        ),
        url=deal.get_absolute_url(),
        kind="deal_review",
    )


# --------------------------------------------------------------------------------------------------
# Registration
# --------------------------------------------------------------------------------------------------


@dataclass
class RegistrationData:
    customer_name: str
    amount: Decimal | str | None
    expected_close_date: datetime.date | None
    siren: str = ""
    siret: str = ""
    vat_number: str = ""
    website: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "FR"
    sector: object = None
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    contact_title: str = ""
    product_lines: list = field(default_factory=list)
    currency: str = "EUR"
    title: str = ""
    notes: str = ""

    def record(self) -> conflicts.Record:
        return conflicts.Record(
            name=self.customer_name,
            siren=self.siren,
            siret=self.siret,
            vat_number=self.vat_number,
            website=self.website,
            email=self.contact_email,
            address=self.address,
            postal_code=self.postal_code,
            city=self.city,
            country=str(self.country or ""),
            phone=self.contact_phone,
        )


def validate_registration(partnership, data: RegistrationData) -> dict:
    """Every problem of ``data`` as ``{field: [messages]}`` (empty when it can be registered)."""
    errors: dict[str, list] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    if not (data.customer_name or "").strip():
        add("customer_name", _("Give the customer's company name."))
    for name, normalize, validate in (
        ("siren", validators.normalize_siren, validators.validate_siren),
        ("siret", validators.normalize_siret, validators.validate_siret),
        ("vat_number", validators.normalize_vat, validators.validate_vat_number),
    ):
        value = normalize(getattr(data, name))
        setattr(data, name, value)
        if value:
            try:
                validate(value)
            except ValidationError as exc:
                add(name, exc.messages[0])
    if data.customer_name and not data.record().has_identity():
        add(
            "customer_name",
            _(
                "Meute cannot identify this customer: add its SIREN, VAT number, website, "
                "a company e-mail address of the contact, or its city."
            ),
        )
    try:
        amount = Decimal(str(data.amount)) if data.amount not in (None, "") else None
    except InvalidOperation:
        amount = None
        add("amount", _("Enter a number."))
    else:
        if amount is None:
            add("amount", _("Give the expected amount."))
        elif not amount.is_finite() or amount <= 0:
            add("amount", _("The amount must be greater than zero."))
        elif amount.as_tuple().exponent < -2 or amount >= Decimal("1e12"):
            add("amount", _("Enter an amount with at most 2 decimals and 12 digits."))
    data.amount = amount
    if data.expected_close_date is None:
        add("expected_close_date", _("Give the expected close date."))
    elif data.expected_close_date < _today():
        add("expected_close_date", _("The expected close date cannot be in the past."))
    if not data.product_lines:
        add("product_lines", _("Choose at least one product line."))
    # The check tells the partner the same thing before they register (conflicts.boundary_issues).
    for issue in conflicts.boundary_issues(partnership, data.record(), data.product_lines, data.sector):
        if issue.refused:
            add(issue.field, str(issue.message))
    return errors


def _lock_company(record: conflicts.Record) -> None:
    """Serialise every transaction that could resolve or protect the same company as ``record``.

    PostgreSQL: transaction-level advisory locks on the record's blocking keys, in one fixed order. Two
    records that can find each other share a blocking key (that is how candidates are found), so two
    registrations or approvals of one company, whatever its spelling, never run at the same time. SQLite
    serialises writing transactions already (they start IMMEDIATE).
    """
    connection = connections[router.db_for_write(Customer)]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(n)) "
            "FROM (SELECT unnest(%s::bigint[]) AS n ORDER BY 1) AS locks",
            [blocking.lock_numbers(record)],
        )


def _retrying(function):
    """Run ``function`` (a whole transaction) again when the database chose it as a deadlock victim.

    A registration that attaches to an existing customer locks that customer's keys after its own: two
    such registrations can wait on each other, and PostgreSQL then aborts one. It is simply run again.
    """

    def run(*args, **kwargs):
        connection = connections[router.db_for_write(DealRegistration)]
        attempts = 1 if connection.in_atomic_block else DEADLOCK_ATTEMPTS
        for attempt in range(attempts):
            try:
                return function(*args, **kwargs)
            except OperationalError as exc:
                deadlock = getattr(exc.__cause__, "sqlstate", None) == "40P01"
                if not deadlock or attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    return run


def _same(matches) -> list:
    return [m for m in matches if m.level == MatchLevel.SAME]


def customer_as_registered(data: RegistrationData) -> dict:
    """The customer fields exactly as this registration gave them, normalised like the shared record."""
    prepared = data.record().prepared()
    return {
        "name": data.customer_name.strip(),
        "siren": prepared["siren"],
        "vat_number": prepared["vat"],
        "website_domain": prepared["website"],
        "email_domain": prepared["email"],
        "address": data.address,
        "postal_code": data.postal_code,
        "city": data.city,
        "country": str(data.country or "FR"),
        "phone": data.contact_phone,
    }


def _already_registered(partnership, customer_ids) -> DealRegistration | None:
    return (
        DealRegistration.objects.filter(
            partnership=partnership, customer_id__in=customer_ids, stage__in=OPEN_STAGES
        )
        .order_by("created_at")
        .first()
    )


def resolve_customer(data: RegistrationData, partnership=None) -> Customer:
    """The existing customer ``data`` describes (same SIREN/VAT or a "same" match), else a new one.

    Matched under the company's locks, so a spelling registered a moment ago by someone else is seen.
    When several customers match, the one already protected wins, then the best score. A partnership
    that already has an open registration of the company is refused (the message names it).
    """
    record = data.record()
    _lock_company(record)
    same = _same(conflicts.match_customers(record))
    if partnership is not None:
        own = _already_registered(partnership, [m.values["id"] for m in same])
        if own is not None:
            raise Refusal(
                _("You already registered this customer: see your registration “%(deal)s” (%(uuid)s).")
                % {"deal": own, "uuid": own.uuid},
                code=ALREADY_REGISTERED,
                details={"registration": str(own.uuid)},
            )
    if same:
        protected = set(
            DealRegistration.objects.filter(
                customer_id__in=[m.values["id"] for m in same], stage=DealStage.APPROVED
            ).values_list("customer_id", flat=True)
        )
        best = min(same, key=lambda m: (m.values["id"] not in protected, -m.score, m.values["id"]))
        return Customer.objects.get(pk=best.values["id"])
    prepared = record.prepared()
    customer = Customer(
        name=data.customer_name.strip(),
        siren=prepared["siren"],
        vat_number=prepared["vat"],
        website_domain=prepared["website"],
        email_domain=prepared["email"],
        phone=data.contact_phone,
        address=data.address,
        postal_code=data.postal_code,
        city=data.city,
        country=data.country or "FR",
        sector=data.sector,
    )
    try:
        with transaction.atomic():
            customer.full_clean(validate_unique=False, validate_constraints=False)
            save_customer(customer)
    except IntegrityError:
        # Created by a concurrent registration a moment ago (same SIREN): use that one.
        return Customer.objects.get(siren=prepared["siren"])
    return customer


@_retrying
def register(
    user, partnership, data: RegistrationData, *, submit=True, idempotency_key: str = "", withhold_hint=False
):
    """Create a registration (and submit it). Returns ``(deal, created)``.

    A retried submission carrying the same ``idempotency_key`` returns the first registration with
    ``created`` False instead of registering twice. ``withhold_hint``: the partner has used up their
    conflict-check budget, so the registration does not tell them its conflict level (nor is it approved
    automatically, which would tell it too); a channel manager reviews it.
    """
    if not (
        access.can_create(user, DealRegistration)
        and Partnership.objects.visible_to(user).filter(pk=partnership.pk).exists()
    ):
        raise PermissionDenied(_("You cannot register deals for this partnership."))
    idempotency_key = (idempotency_key or "")[:64]
    if idempotency_key:
        existing = DealRegistration.objects.filter(
            partnership=partnership, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing, False
    errors = validate_registration(partnership, data)
    if errors:
        raise ValidationError(errors)
    try:
        with _actor(user), transaction.atomic():
            customer = resolve_customer(data, partnership)
            deal = DealRegistration(
                partnership=partnership,
                customer=customer,
                customer_as_registered=customer_as_registered(data),
                registered_by=user,
                title=data.title,
                contact_name=data.contact_name,
                contact_email=data.contact_email,
                contact_phone=data.contact_phone,
                contact_title=data.contact_title,
                amount=data.amount,
                currency=data.currency or "EUR",
                expected_close_date=data.expected_close_date,
                notes=data.notes,
                idempotency_key=idempotency_key,
                conflict_hint_withheld=bool(withhold_hint and not user.is_staff_member),
            )
            deal.full_clean(exclude={"customer", "partnership"}, validate_constraints=False)
            deal.save()
            deal.product_lines.set(data.product_lines)
            if submit:
                deal = submit_deal(deal, user)
    except IntegrityError:
        if idempotency_key:
            existing = DealRegistration.objects.filter(
                partnership=partnership, idempotency_key=idempotency_key
            ).first()
            if existing is not None:
                return existing, False
        raise
    return deal, True


def check_for(partnership, data: RegistrationData, exclude_deal=None) -> conflicts.CheckResult:
    """The dry run of a registration: what registration would find and do (nothing is written)."""
    return conflicts.check(
        partnership,
        data.record(),
        product_lines=data.product_lines,
        sector=data.sector,
        exclude_deal=exclude_deal,
    )


def customer_record(customer: Customer, contact_email: str = "", contact_phone: str = "") -> conflicts.Record:
    record = blocking.customer_record(customer)
    record.email_domain = customer.email_domain or conflicts.email_domain_of(contact_email)
    record.phone = customer.phone or contact_phone
    return record


def check_deal(deal) -> conflicts.CheckResult:
    return conflicts.check(
        deal.partnership,
        customer_record(deal.customer, deal.contact_email, deal.contact_phone),
        product_lines=list(deal.product_lines.all()),
        sector=deal.customer.sector,
        exclude_deal=deal,
    )


# --------------------------------------------------------------------------------------------------
# Changes of stage
# --------------------------------------------------------------------------------------------------


def auto_approval_applies(deal, result: conflicts.CheckResult) -> bool:
    """No conflict of any level, inside the boundaries, an amount below the limit, and a partner who still
    had conflict-check budget (an automatic approval would answer the check they may not make)."""
    return (
        not deal.conflict_hint_withheld
        and result.level == MatchLevel.DISTINCT
        and not result.conflicting
        and not result.boundary_issues
        and deal.amount < auto_approval_limit()
    )


def submit_deal(deal, user) -> DealRegistration:
    """draft → submitted, with a live conflict check; approved at once when the automatic rule applies."""
    access.require(access.can_change(user, deal))
    with _actor(user), transaction.atomic():
        deal = _locked(deal)
        _require_stage(deal, DealStage.DRAFT)
        result = check_deal(deal)
        deal.stage = DealStage.SUBMITTED
        deal.submitted_at = timezone.now()
        deal.conflict_level = result.level
        deal.conflict_score = conflicts.score_as_decimal(result.score)
        deal.conflict_evidence = result.as_dict()
        deal.save()
        if auto_approval_applies(deal, result):
            try:
                with transaction.atomic():
                    deal = _approve(
                        deal, None, _("Approved automatically: no conflict, amount below the limit.")
                    )
                    deal.auto_approved = True
                    deal.save(update_fields=["auto_approved", "updated_at"])
            except ValidationError:
                pass  # another registration won the customer meanwhile: it stays in the queue
        if deal.stage == DealStage.APPROVED:
            _notify(deal, Message(gettext_noop("Your deal registration is approved")))
        else:
            _notify_reviewers(deal)
    return deal


def _approve(deal, user, reason: str) -> DealRegistration:
    """Protect ``deal`` unless its company (its customer or any customer matching it as "same", whatever
    the spelling) is already protected. Under the company's locks, so concurrent approvals of different
    spellings of one company are decided one after the other."""
    record = customer_record(Customer.objects.get(pk=deal.customer_id))
    _lock_company(record)
    same = _same(conflicts.match_customers(record))
    # Lock the customer row too: a concurrent approval of another registration of it waits here.
    Customer.objects.select_for_update().filter(pk=deal.customer_id).first()
    deal = _locked(deal)
    _require_stage(deal, DealStage.SUBMITTED)
    company = {deal.customer_id, *(m.values["id"] for m in same)}
    other = (
        DealRegistration.objects.filter(customer_id__in=company, stage=DealStage.APPROVED)
        .exclude(pk=deal.pk)
        .exists()
    )
    if other:
        raise Refusal(
            _("This customer is already protected by another registration."), code=ALREADY_PROTECTED
        )
    today = _today()
    deal.stage = DealStage.APPROVED
    deal.protection_start = today
    deal.protection_end = today + datetime.timedelta(days=protection_days(deal.partnership))
    deal.reviewer = user
    deal.reviewed_at = timezone.now()
    deal.decision_reason = reason
    try:
        with transaction.atomic():
            deal.save()
    except IntegrityError as exc:
        raise Refusal(
            _("This customer is already protected by another registration."), code=ALREADY_PROTECTED
        ) from exc
    # The other claims on the company waiting for review now conflict with a protection: say so in the
    # queue (their evidence stays as found at submission).
    for waiting in DealRegistration.objects.filter(
        customer_id__in=company, stage=DealStage.SUBMITTED
    ).exclude(pk=deal.pk):
        if waiting.conflict_level != MatchLevel.SAME:
            waiting.conflict_level = MatchLevel.SAME
            waiting.save(update_fields=["conflict_level", "updated_at"])
    return deal


@_retrying
def approve(deal, user, reason: str = "") -> DealRegistration:
    """submitted → approved: the customer is protected for this partnership for the protection period."""
    if not can_review(user):
        raise PermissionDenied(_("Only channel managers review registrations."))
    with _actor(user), transaction.atomic():
        deal = _approve(deal, user, reason)
    _notify(deal, Message(gettext_noop("Your deal registration is approved")))
    return deal


def reject(deal, user, reason: str) -> DealRegistration:
    """submitted → rejected, with the reason the partner will read."""
    if not can_review(user):
        raise PermissionDenied(_("Only channel managers review registrations."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    with _actor(user), transaction.atomic():
        deal = _locked(deal)
        _require_stage(deal, DealStage.SUBMITTED)
        deal.stage = DealStage.REJECTED
        deal.reviewer = user
        deal.reviewed_at = timezone.now()
        deal.decision_reason = reason.strip()
        deal.save()
    _notify(deal, Message(gettext_noop("Your deal registration is rejected")))
    return deal


def extend(deal, user, days: int | None = None, reason: str = "") -> DealRegistration:
    """Extend the protection of an approved registration (at most MAX_EXTENSIONS times)."""
    if not can_review(user):
        raise PermissionDenied(_("Only channel managers extend protections."))
    with _actor(user), transaction.atomic():
        deal = _locked(deal)
        _require_stage(deal, DealStage.APPROVED)
        if deal.extension_count >= MAX_EXTENSIONS:
            raise Refusal(
                _("The protection was already extended %(count)s times.") % {"count": deal.extension_count},
                code=TOO_MANY_EXTENSIONS,
                details={"maximum": MAX_EXTENSIONS},
            )
        days = days or protection_days(deal.partnership)
        if days <= 0 or days > 365:
            raise ValidationError({"days": _("An extension lasts between 1 and 365 days.")})
        deal.protection_end = max(deal.protection_end, _today()) + datetime.timedelta(days=days)
        deal.extension_count += 1
        deal.extension_requested_at = None
        deal.extension_request_reason = ""
        if reason:
            deal.decision_reason = reason
        deal.save()
    _notify(deal, Message(gettext_noop("The protection of your deal registration is extended")))
    return deal


def request_extension(deal, user, reason: str) -> DealRegistration:
    """The partner asks for more time on an approved registration; reviewers decide (extend or decline)."""
    access.require(access.can_change(user, deal))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the protection should last longer.")})
    with _actor(user), transaction.atomic():
        deal = _locked(deal)
        _require_stage(deal, DealStage.APPROVED)
        if deal.extension_requested_at is not None:
            raise Refusal(_("An extension is already requested for this registration."), code=WRONG_STAGE)
        if deal.extension_count >= MAX_EXTENSIONS:
            raise Refusal(
                _("The protection was already extended %(count)s times.") % {"count": deal.extension_count},
                code=TOO_MANY_EXTENSIONS,
                details={"maximum": MAX_EXTENSIONS},
            )
        deal.extension_requested_at = timezone.now()
        deal.extension_request_reason = reason.strip()
        deal.save()
    notify.notify(
        notify.staff_reviewers(),
        Message(gettext_noop("Extension requested for “%(deal)s”"), deal=str(deal)),
        [
            Message(gettext_noop("Protected until %(date)s."), date=deal.protection_end),
            deal.extension_request_reason,
        ],
        url=deal.get_absolute_url(),
        kind="deal_extension_request",
    )
    return deal


def decline_extension(deal, user, reason: str) -> DealRegistration:
    """Refuse a partner's extension request (the protection keeps its end date)."""
    if not can_review(user):
        raise PermissionDenied(_("Only channel managers review registrations."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the refusal.")})
    with _actor(user), transaction.atomic():
        deal = _locked(deal)
        if deal.extension_requested_at is None:
            raise Refusal(_("No extension is requested for this registration."), code=WRONG_STAGE)
        deal.extension_requested_at = None
        deal.extension_request_reason = ""
        deal.decision_reason = reason.strip()
        deal.save()
    _notify(deal, Message(gettext_noop("Your extension request is declined")))
    return deal


def record_margin_author(deal, user) -> None:
    """Before a changed margin is saved: a partner's is declared (payouts wait for its verification); a
    staff editor's or a grouping coordinator's counts at once."""
    deal.margin_declared = deal.margin is not None and _declares(user, deal)


def _verify_declared(deal, user, flag: str, nothing_waits: str) -> DealRegistration:
    """A figure a partner declared (``flag`` set on the deal), checked by a channel manager: cleared, so
    payouts read it from now on."""
    if not can_review(user):
        raise PermissionDenied(_("Only channel managers verify declared figures."))
    with _actor(user), transaction.atomic():
        deal = _locked(deal)
        if not getattr(deal, flag):
            raise Refusal(nothing_waits, code=ALREADY_DECIDED)
        setattr(deal, flag, False)
        deal.save(update_fields=[flag, "updated_at"])
    return deal


def verify_margin(deal, user) -> DealRegistration:
    """A partner's declared margin checked by a channel manager: from now on payouts use it."""
    return _verify_declared(deal, user, "margin_declared", _("No declared margin waits for verification."))


def verify_won(deal, user) -> DealRegistration:
    """A win a partner declared, checked by a channel manager: from now on payouts count the deal."""
    return _verify_declared(deal, user, "won_declared", _("No declared win waits for verification."))


def mark_won(deal, user) -> DealRegistration:
    """approved → won; the revenue records of the programme hear of it through ``deal_won``."""
    access.require(access.can_change(user, deal))
    with _actor(user), transaction.atomic():
        deal = _locked(deal)
        _require_stage(deal, DealStage.APPROVED)
        deal.stage = DealStage.WON
        deal.closed_at = timezone.now()
        deal.won_declared = _declares(user, deal)
        if deal.margin is None:  # nobody stated it: the tier's margin, which nobody declared
            deal.margin = tier_margin(deal)
            deal.margin_declared = False
        deal.save()
        record_revenue(deal)
    return deal


def _declares(user, deal) -> bool:
    """A partner's statement waits for verification; a staff editor's or a grouping coordinator's counts."""
    partner = user is not None and user.is_partner_user
    return bool(partner and rights.COORDINATOR not in rights.roles_of(user, deal))


def record_revenue(deal) -> None:
    """The one place a won deal becomes revenue: receivers of ``deal_won`` write their records."""
    deal_won.send(sender=DealRegistration, deal=deal)


def mark_lost(deal, user, reason: str = "") -> DealRegistration:
    """submitted or approved → lost: the customer is free again."""
    access.require(access.can_change(user, deal))
    with _actor(user), transaction.atomic():
        deal = _locked(deal)
        _require_stage(deal, DealStage.SUBMITTED, DealStage.APPROVED)
        deal.stage = DealStage.LOST
        deal.closed_at = timezone.now()
        if reason:
            deal.decision_reason = reason
        deal.save()
    return deal


def expire_protections(today: datetime.date | None = None) -> int:
    """approved → expired for every protection that ended before ``today``; returns how many."""
    today = today or _today()
    count = 0
    due = DealRegistration.objects.filter(stage=DealStage.APPROVED, protection_end__lt=today)
    for pk in due.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            deal = (
                DealRegistration.objects.select_for_update().filter(pk=pk, stage=DealStage.APPROVED).first()
            )
            if deal is None or deal.protection_end >= today:
                continue
            deal.stage = DealStage.EXPIRED
            deal.save()
            _notify(deal, Message(gettext_noop("The protection of your deal registration has expired")))
            count += 1
    return count
