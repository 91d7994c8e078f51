"""Governance of a partnership: meetings recorded at three levels, the cadence each level should keep and
the overdue alerts, and the timing of the executive sponsors' involvement (seed 002 rules 3 and 4)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from meute.core.models import Person

from .choices import CADENCE_DAYS, GovernanceLevel
from .models import GovernanceMeeting


def record_meeting(
    partnership, *, level, held_on, title, attendees=(), decisions="", actions=""
) -> GovernanceMeeting:
    """Record one meeting; its attendees must be people of the partnership's parties."""
    attendees = list(attendees)
    party_orgs = set(partnership.parties.values_list("organization_id", flat=True))
    strangers = [p for p in attendees if p.organization_id not in party_orgs]
    if strangers:
        raise ValidationError(
            {
                "attendees": _("Attendees must belong to a party of the partnership: %(names)s.")
                % {"names": ", ".join(p.full_name for p in strangers)}
            }
        )
    meeting = GovernanceMeeting(
        partnership=partnership,
        level=level,
        held_on=held_on,
        title=title,
        decisions=decisions,
        actions=actions,
    )
    with transaction.atomic():
        meeting.full_clean()
        meeting.save()
        meeting.attendees.set(attendees)
    return meeting


def eligible_attendees(partnership):
    return (
        Person.objects.filter(
            organization_id__in=partnership.parties.values("organization_id"), is_active=True
        )
        .select_related("organization")
        .order_by("organization__name", "last_name")
    )


def cadence(partnership, as_of: datetime.date) -> list[dict]:
    """Each level with its last meeting, its expected cadence, and whether it is overdue."""
    last = dict(
        GovernanceMeeting.objects.filter(partnership=partnership, held_on__lte=as_of)
        .values_list("level")
        .annotate(last=Max("held_on"))
        .values_list("level", "last")
    )
    rows = []
    for level in GovernanceLevel:
        held = last.get(level)
        due = held + datetime.timedelta(days=CADENCE_DAYS[level]) if held else None
        rows.append(
            {
                "level": level,
                "label": level.label,
                "last": held,
                "every": CADENCE_DAYS[level],
                "due": due,
                "overdue": held is None or due < as_of,
            }
        )
    return rows


def executive_timing_warning(partnership) -> str:
    """Seed 002 rule 3: executive sponsors involved before the project is framed discuss in generalities.
    Returns the warning when their first meeting came before the letter of intent, else ``""``."""
    first = (
        GovernanceMeeting.objects.filter(partnership=partnership, level=GovernanceLevel.EXECUTIVE)
        .order_by("held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    if first is None:
        return ""
    from meute.programs.models import BusinessPlan

    intent = (
        BusinessPlan.objects.filter(partnership=partnership)
        .values_list("letter_of_intent_date", flat=True)
        .first()
    )
    if intent is None or first < intent:
        return _(
            "The executive sponsors met before the letter of intent: "
            "involve them once the project is framed, "
            "with simple choices to make."
        )
    return ""


def overdue_count(partnerships, as_of: datetime.date) -> int:
    """How many of these partnerships have at least one governance level overdue (or never met)."""
    levels = len(GovernanceLevel)
    on_time = (
        GovernanceMeeting.objects.filter(partnership__in=partnerships, held_on__lte=as_of)
        .values_list("partnership_id", "level")
        .annotate(last=Max("held_on"))
    )
    fine: dict[int, int] = {}
    for pid, level, held in on_time:
        if (as_of - held).days <= CADENCE_DAYS[level]:
            fine[pid] = fine.get(pid, 0) + 1
    total = partnerships.count()
    return total - sum(1 for n in fine.values() if n == levels)
