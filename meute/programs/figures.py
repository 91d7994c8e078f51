"""Figures a partner declares, and their verification by the operator's staff.

A revenue record reported by a partner user (API, import) is *declared*, with who and when; it counts toward
tiers, labels and business plans only once *verified*, by a staff editor (one by one or in bulk) or by the
operator's automatic rule ``MEUTE_REVENUE_AUTO_VERIFY_BELOW`` (declared records whose absolute amount is
under that figure are verified at once; empty: every declaration waits). Staff entries, imports by staff and
revenue of won deals are verified from the start. Every verification is in the audit trail.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from meute.lib.refusals import Refusal, declare

from .choices import FigureStatus
from .models import RevenueRecord

ALREADY_DECIDED = declare("already_decided", "The decision was already taken.")

CENT = Decimal("0.01")


def auto_verify_below() -> Decimal | None:
    raw = str(getattr(settings, "MEUTE_REVENUE_AUTO_VERIFY_BELOW", "") or "").strip()
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def can_verify(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.can_edit_all)


def stamp_declaration(record: RevenueRecord, user) -> RevenueRecord:
    """Before its first save: a partner's record is declared (or verified by the automatic rule); a staff
    editor's is verified."""
    now = timezone.now()
    if user is not None and user.is_authenticated and user.is_partner_user:
        record.declared_by, record.declared_at = user, now
        limit = auto_verify_below()
        if limit is not None and record.amount is not None and abs(record.amount) < limit:
            record.status = FigureStatus.VERIFIED
            record.verified_at = now
            record.verification_note = _("Verified automatically: under %(limit)s.") % {"limit": limit}
        else:
            record.status = FigureStatus.DECLARED
    else:
        record.status = FigureStatus.VERIFIED
        if user is not None and user.is_authenticated:
            record.verified_by, record.verified_at = user, now
    return record


def _decide(records, user, status: str, note: str = "") -> int:
    if not can_verify(user):
        raise PermissionDenied(_("Only channel managers verify declared figures."))
    ids = [record.pk for record in records]
    with set_actor(user), transaction.atomic():
        locked = list(RevenueRecord.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        wrong = [r for r in locked if r.status != FigureStatus.DECLARED]
        if wrong:
            raise Refusal(
                _("Only declared records wait for a decision: %(count)s already decided.")
                % {"count": len(wrong)},
                code=ALREADY_DECIDED,
                details={"decided": [{"record": str(r.uuid), "current": str(r.status)} for r in wrong]},
            )
        now = timezone.now()
        for record in locked:
            record.status = status
            record.verified_by, record.verified_at = user, now
            record.verification_note = note
            record.save(
                update_fields=["status", "verified_by", "verified_at", "verification_note", "updated_at"]
            )
    return len(locked)


def verify(records, user) -> int:
    """Declared → verified, for every record of ``records`` (all or none); returns how many."""
    return _decide(records, user, FigureStatus.VERIFIED)


def reject(records, user, reason: str) -> int:
    """Declared → rejected, with the reason the partner reads (all or none)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the figure is rejected.")})
    return _decide(records, user, FigureStatus.REJECTED, reason)


@dataclass(frozen=True)
class Waiting:
    records: int
    totals: dict  # currency → declared amount


def waiting_for_many(partnership_ids, start, end) -> dict[int, Waiting]:
    """``waiting_for`` of several partnerships over one window, in one query (absent: nothing waits)."""
    rows = (
        RevenueRecord.objects.waiting()
        .filter(partnership_id__in=list(partnership_ids), period__gte=start, period__lte=end)
        .order_by()
        .values("partnership_id", "currency")
        .annotate(total=Sum("amount"), count=Count("pk"))
    )
    counts, totals = {}, {}
    for row in rows:
        pk = row["partnership_id"]
        counts[pk] = counts.get(pk, 0) + row["count"]
        totals.setdefault(pk, {})[row["currency"]] = Decimal(row["total"] or 0).quantize(CENT)
    return {pk: Waiting(records=counts[pk], totals=dict(sorted(totals[pk].items()))) for pk in counts}


def waiting_for(partnership_id, start=None, end=None) -> Waiting:
    """Declared records of a partnership (in the window, when given) that do not count yet."""
    records = RevenueRecord.objects.waiting().filter(partnership_id=partnership_id)
    if start is not None:
        records = records.filter(period__gte=start, period__lte=end)
    rows = records.order_by().values("currency").annotate(total=Sum("amount"), count=Count("pk"))
    totals = {row["currency"]: Decimal(row["total"] or 0).quantize(CENT) for row in rows}
    return Waiting(records=sum(row["count"] for row in rows), totals=dict(sorted(totals.items())))
