"""The extended-enterprise integration index (seed 001, section 6): for each partner, which departments —
sales, marketing, management, administration, training, technical — have two-way contact with the vendor.

A department has two-way contact when, within the last year, exchanges with it were started from both
sides (the partner reached the vendor, and the vendor reached the partner). The index is the share of the
six departments with two-way contact, 0 to 100.
"""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .choices import DEPARTMENT_OF_PERSON, IntegrationDepartment, Side
from .models import Interaction

WINDOW_DAYS = 365


def record_interaction(
    partnership, *, occurred_on, kind, initiated_by, partner_contact, vendor_contact, summary=""
):
    """Log one exchange; the department is the partner contact's (pre-sales counts as sales)."""
    parties = dict(partnership.parties.values_list("organization_id", "role"))
    errors = {}
    if (
        partner_contact.organization_id not in parties
        or parties[partner_contact.organization_id] == "operator"
    ):
        errors["partner_contact"] = _(
            "The partner contact must be a person of a partner of this partnership."
        )
    if vendor_contact.organization_id not in parties or parties[vendor_contact.organization_id] != "operator":
        errors["vendor_contact"] = _("The vendor contact must be a person of the vendor.")
    department = DEPARTMENT_OF_PERSON.get(partner_contact.department)
    if department is None and "partner_contact" not in errors:
        errors["partner_contact"] = _(
            "Give this contact a department first: it decides what the exchange counts for."
        )
    if errors:
        raise ValidationError(errors)
    interaction = Interaction(
        partnership=partnership,
        occurred_on=occurred_on,
        kind=kind,
        initiated_by=initiated_by,
        department=department,
        partner_contact=partner_contact,
        vendor_contact=vendor_contact,
        summary=summary,
    )
    with transaction.atomic():
        interaction.full_clean()
        interaction.save()
    return interaction


def index_for(partnerships, as_of: datetime.date) -> dict[int, dict]:
    """``{partnership_id: {"departments": {dept: {"partner": n, "operator": n, "two_way": bool}},
    "index": int}}`` in one GROUP BY for all the partnerships."""
    since = as_of - datetime.timedelta(days=WINDOW_DAYS)
    counts: dict = defaultdict(
        lambda: {d: {Side.PARTNER: 0, Side.OPERATOR: 0} for d in IntegrationDepartment}
    )
    from django.db.models import Count

    rows = (
        Interaction.objects.filter(
            partnership__in=partnerships, occurred_on__gt=since, occurred_on__lte=as_of
        )
        .values_list("partnership_id", "department", "initiated_by")
        .annotate(n=Count("pk"))
    )
    for pid, department, side, n in rows:
        counts[pid][department][side] = n
    result = {}
    for pid in partnerships.values_list("pk", flat=True):
        departments = {}
        for department in IntegrationDepartment:
            sides = counts[pid][department] if pid in counts else {Side.PARTNER: 0, Side.OPERATOR: 0}
            departments[department] = {
                "label": department.label,
                "partner": sides[Side.PARTNER],
                "operator": sides[Side.OPERATOR],
                "two_way": bool(sides[Side.PARTNER] and sides[Side.OPERATOR]),
            }
        two_way = sum(1 for d in departments.values() if d["two_way"])
        result[pid] = {"departments": departments, "index": round(100 * two_way / len(IntegrationDepartment))}
    return result
