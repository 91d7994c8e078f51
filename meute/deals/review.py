"""What a reviewer reads before deciding: every claim on the same customer, in the order they came."""

from django.db.models import F, Q

from .choices import MatchLevel
from .models import DealRegistration


def claims_on_customer(deal, user) -> list[DealRegistration]:
    """``deal`` and every other registration of its customer — the same customer record, or one the
    conflict check found to be the same company (or possibly so) — oldest submission first, each with its
    current stage. ``first`` marks the one registered first."""
    other_deals = {
        claim.get("deal_uuid")
        for candidate in (deal.conflict_evidence or {}).get("candidates", [])
        if candidate.get("level") in (MatchLevel.SAME, MatchLevel.POSSIBLE)
        for claim in candidate.get("claims", [])
        if claim.get("deal_uuid")
    }
    claims = list(
        DealRegistration.objects.visible_to(user)
        .filter(Q(customer_id=deal.customer_id) | Q(uuid__in=other_deals) | Q(pk=deal.pk))
        .select_related("partnership", "customer", "registered_by")
        .order_by(F("submitted_at").asc(nulls_last=True), "created_at", "pk")[:50]
    )
    for index, claim in enumerate(claims):
        claim.first = index == 0 and claim.submitted_at is not None
        claim.is_this = claim.pk == deal.pk
    return claims
