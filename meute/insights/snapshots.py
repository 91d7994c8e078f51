"""Health now and over time: one partnership's score, the periodic snapshot of every partnership, the trend.

``take_snapshots`` is what ``meute insights snapshot`` and the weekly task run: partnerships are read by
chunks of primary keys, their facts in a fixed number of queries per chunk (``evidence.facts_for``), and
the scores written column by column with one COPY per chunk (``lib.bulk``: no per-row ORM work); running it
twice on a day replaces that day's rows, in one transaction.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from meute.partnerships.choices import PartnershipStatus
from meute.partnerships.models import Partnership

from .evidence import facts_for
from .health import HealthResult, score
from .models import HealthSnapshot

CHUNK = 5000
DROP_POINTS = 15  # a fall of this many points since the previous snapshot is an alert


def weights() -> dict:
    """The configured weights (``MEUTE_HEALTH_WEIGHTS``), as numbers; the startup check validated them."""
    return {
        key: float(value) for key, value in (getattr(settings, "MEUTE_HEALTH_WEIGHTS", None) or {}).items()
    }


def partnership_health(partnership, as_of: datetime.date | None = None) -> HealthResult:
    as_of = as_of or timezone.localdate()
    facts = facts_for(Partnership.objects.filter(pk=partnership.pk), as_of)[partnership.pk]
    return score(facts, weights())


def take_snapshots(as_of: datetime.date | None = None, progress=None) -> tuple[int, list]:
    """Score every partnership that is not ended; returns (rows written, [(partnership_id, before, after)]
    for those that fell by ``DROP_POINTS`` or more since their previous snapshot)."""
    as_of = as_of or timezone.localdate()
    current = weights()
    base = Partnership.objects.exclude(status=PartnershipStatus.ENDED).order_by("pk")
    written, drops, last_pk = 0, [], 0
    with transaction.atomic():
        HealthSnapshot.objects.filter(taken_on=as_of).delete()
        while True:
            chunk_ids = list(base.filter(pk__gt=last_pk).values_list("pk", flat=True)[:CHUNK])
            if not chunk_ids:
                break
            last_pk = chunk_ids[-1]
            chunk = Partnership.objects.filter(pk__gte=chunk_ids[0], pk__lte=last_pk).exclude(
                status=PartnershipStatus.ENDED
            )
            previous = _previous_scores(chunk, as_of)
            ids, scores, components = [], [], []
            for pid, facts in facts_for(chunk, as_of).items():
                result = score(facts, current, explain=False)
                ids.append(pid)
                scores.append(result.score)
                components.append(result.as_json())
                before = previous.get(pid)
                if before is not None and before - result.score >= DROP_POINTS:
                    drops.append((pid, before, result.score))
            _write(as_of, ids, scores, components)
            written += len(ids)
            if progress:
                progress(len(ids))
    from .rollups import analyze

    analyze(HealthSnapshot)
    return written, drops


def _write(as_of, ids, scores, components) -> None:
    from .rollups import insert_new

    count = len(ids)
    insert_new(
        HealthSnapshot,
        count,
        {"partnership_id": ids, "taken_on": [as_of] * count, "score": scores, "components": components},
    )


def _previous_scores(partnerships, as_of) -> dict:
    """The score of each partnership's latest snapshot before ``as_of``."""
    from django.db.models import Max

    latest = dict(
        HealthSnapshot.objects.filter(partnership__in=partnerships, taken_on__lt=as_of)
        .values_list("partnership_id")
        .annotate(day=Max("taken_on"))
        .values_list("partnership_id", "day")
    )
    if not latest:
        return {}
    days = set(latest.values())
    rows = HealthSnapshot.objects.filter(partnership__in=partnerships, taken_on__in=days).values_list(
        "partnership_id", "taken_on", "score"
    )
    return {pid: value for pid, day, value in rows if latest.get(pid) == day}


def trend(partnership, limit: int = 12) -> list[tuple[datetime.date, int]]:
    """The last ``limit`` snapshots, oldest first."""
    rows = list(
        HealthSnapshot.objects.filter(partnership=partnership)
        .order_by("-taken_on")
        .values_list("taken_on", "score")[:limit]
    )
    return rows[::-1]


def latest_day() -> datetime.date | None:
    return HealthSnapshot.objects.order_by("-taken_on").values_list("taken_on", flat=True).first()
