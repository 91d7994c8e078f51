"""The checklist of a partnership: 4 pillars and 5 mandatory points, stored as rows per grouping.

A partnership stands on four pillars (shared desire, common project, balance, contract) and is an active
association only when five points hold (autonomous parties, pooled effort, a common objective tied to a
clearly identified need, own missions for each, an interest and a responsibility for each). Every grouping
gets one ``PillarItem`` per item; ``checklist(partnership)`` returns them in order — the partnership health
score reads them from there.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meute.groupings.checklist import ITEMS, ITEMS_BY_KEY, PILLAR_KEYS, POINT_KEYS
from meute.groupings.choices import PillarKind, PillarStatus
from meute.partnerships.choices import PartnershipKind

from .models import PillarItem


def ensure_checklist(partnership) -> None:
    """Create the missing checklist rows of a grouping (idempotent; nothing for channel partnerships)."""
    if partnership.kind != PartnershipKind.GROUPING:
        return
    existing = set(PillarItem.objects.filter(partnership=partnership).values_list("key", flat=True))
    missing = [
        PillarItem(partnership=partnership, key=item.key, kind=item.kind, position=position)
        for position, item in enumerate(ITEMS)
        if item.key not in existing
    ]
    if missing:
        PillarItem.objects.bulk_create(missing, ignore_conflicts=True)


def ensure_checklists(partnership_ids) -> int:
    """Checklist rows for many groupings at once (demo data, bulk imports). Returns the rows created."""
    partnership_ids = list(partnership_ids)
    existing = set(
        PillarItem.objects.filter(partnership_id__in=partnership_ids).values_list("partnership_id", "key")
    )
    rows = [
        PillarItem(partnership_id=pid, key=item.key, kind=item.kind, position=position)
        for pid in partnership_ids
        for position, item in enumerate(ITEMS)
        if (pid, item.key) not in existing
    ]
    PillarItem.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def prefetched(instance, name):
    """The rows of ``instance.<name>`` loaded by ``prefetch_related(name)``, or None when not prefetched."""
    rows = (getattr(instance, "_prefetched_objects_cache", None) or {}).get(name)
    return list(rows) if rows is not None else None


def checklist(partnership) -> list[PillarItem]:
    """The grouping's 9 checklist rows, pillars first then mandatory points, created if missing.

    Lists prefetch ``pillar_items``: a complete prefetched checklist is used as it is, without a query.
    """
    rows = prefetched(partnership, "pillar_items")
    if rows is not None and {row.key for row in rows} >= set(ITEMS_BY_KEY):
        return sorted(rows, key=lambda row: row.position)
    ensure_checklist(partnership)
    return list(PillarItem.objects.filter(partnership=partnership).order_by("position"))


@dataclass
class ChecklistSummary:
    met: int
    total: int
    pillars_met: int
    pillars_total: int
    points_met: int
    points_total: int

    @property
    def all_pillars_met(self) -> bool:
        return self.pillars_met == self.pillars_total

    @property
    def all_points_met(self) -> bool:
        return self.points_met == self.points_total

    @property
    def text(self) -> str:
        return _("%(met)s of %(total)s met") % {"met": self.met, "total": self.total}


def summarize(items: list[PillarItem]) -> ChecklistSummary:
    pillars = [item for item in items if item.kind == PillarKind.PILLAR]
    points = [item for item in items if item.kind == PillarKind.POINT]

    def met(rows):
        return sum(1 for row in rows if row.status == PillarStatus.MET)

    return ChecklistSummary(
        met=met(items),
        total=len(items),
        pillars_met=met(pillars),
        pillars_total=len(PILLAR_KEYS),
        points_met=met(points),
        points_total=len(POINT_KEYS),
    )


@transaction.atomic
def assess(item: PillarItem, user, status: str, evidence: str) -> PillarItem:
    """Record the status of one checklist item with its evidence, and who assessed it when."""
    if status not in PillarStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")}, code="invalid_status")
    evidence = (evidence or "").strip()
    if status == PillarStatus.MET and not evidence:
        raise ValidationError(
            {"evidence": _("Say what shows that this item is met.")}, code="evidence_required"
        )
    item.status = status
    item.evidence = evidence
    item.assessed_by = user if getattr(user, "pk", None) else None
    item.assessed_at = timezone.now()
    item.save(update_fields=["status", "evidence", "assessed_by", "assessed_at", "updated_at"])
    return item
