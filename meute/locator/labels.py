"""Labels and segments (award the most deserving partners): by a rule over data, or by hand.

A rule label states criteria as data on ``Label`` (minimum tier in a programme, certified people, revenue
over the last 12 months, partner types, regions); every criterion set must hold. ``evaluate_label`` checks
every partner organisation at once (one grouped query per criterion, never one per partner), stores the
reason next to each award and removes the label from partners that no longer qualify. Hand labels are
awarded and revoked by staff with a note. An award is valid until a date (``Label.validity_days``).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from meute.core.choices import PartnerType
from meute.core.models import Organization, OrganizationPartnerType, Territory
from meute.locator.choices import LabelKind
from meute.locator.models import Label, LabelAward
from meute.money.exchange import converted_totals
from meute.programs import certifications
from meute.programs.models import PartnerTier, RevenueRecord, add_months
from meute.programs.tiering import format_money

PARTY_ORG = "partnership__parties__organization_id"


def descendants(territory_ids) -> set[int]:
    """The territories and every territory inside them (one query per level)."""
    found = set(territory_ids)
    frontier = set(found)
    while frontier:
        children = set(Territory.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = children - found
        found |= frontier
    return found


@dataclass
class LabelRun:
    label: Label
    awarded: int = 0
    renewed: int = 0
    removed: int = 0

    @property
    def holders(self) -> int:
        return self.awarded + self.renewed


def _partner_orgs(extra: Q | None = None) -> set[int]:
    queryset = Organization.objects.partners()
    if extra is not None:
        queryset = queryset.filter(extra)
    return set(queryset.values_list("pk", flat=True))


def qualifying(label: Label, today: datetime.date) -> dict[int, list[str]]:
    """Organisation id → the reasons (one per criterion) of every partner meeting all the label's criteria."""
    if not label.has_criteria():
        raise ValidationError(_("This label has no criterion: set at least one, or award it by hand."))
    reasons: dict[int, list[str]] | None = None

    def narrow(found: dict[int, str]):
        nonlocal reasons
        if reasons is None:
            reasons = {org: [text] for org, text in found.items()}
        else:
            reasons = {org: [*texts, found[org]] for org, texts in reasons.items() if org in found}

    partners = _partner_orgs()
    if label.min_tier_id:
        tier = label.min_tier
        names = dict(label.program.tiers.values_list("rank", "name"))
        rows = (
            PartnerTier.objects.filter(program_id=label.program_id, tier__rank__gte=tier.rank)
            .filter(partnership__parties__organization__is_operator=False)
            .values(PARTY_ORG)
            .annotate(rank=Max("tier__rank"))
            .values_list(PARTY_ORG, "rank")
        )
        narrow(
            {
                org: _("Tier %(tier)s ≥ %(minimum)s ✓")
                % {"tier": names.get(rank, rank), "minimum": tier.name}
                for org, rank in rows
                if org in partners
            }
        )
    if label.min_certified is not None:
        counts = certifications.count_people(Organization.objects.partners().values("pk"), today)
        rows = [(org, n) for org, n in counts.items() if n >= label.min_certified]
        narrow(
            {
                org: _("Certified people %(count)s ≥ %(minimum)s ✓")
                % {"count": n, "minimum": label.min_certified}
                for org, n in rows
                if org in partners
            }
        )
    if label.min_revenue is not None:
        currency = label.program.currency if label.program_id else "EUR"
        start = add_months(today, -12) + datetime.timedelta(days=1)
        # Records in other currencies count converted with the rate in force on their period.
        records = (
            RevenueRecord.objects.counted()
            .filter(period__gte=start, period__lte=today)
            .filter(partnership__parties__organization__is_operator=False)
        )
        by_organization, _report = converted_totals(records, PARTY_ORG, currency)
        rows = [
            (org, total)
            for org, totals in by_organization.items()
            if (total := totals.rounded) >= label.min_revenue
        ]
        narrow(
            {
                org: _("Revenue over 12 months %(revenue)s ≥ %(minimum)s ✓")
                % {
                    "revenue": format_money(total, currency),
                    "minimum": format_money(label.min_revenue, currency),
                }
                for org, total in rows
                if org in partners
            }
        )
    if label.partner_types:
        labels = dict(PartnerType.choices)
        found: dict[int, list[str]] = {}
        for org, partner_type in OrganizationPartnerType.objects.filter(
            partner_type__in=label.partner_types
        ).values_list("organization_id", "partner_type"):
            found.setdefault(org, []).append(str(labels[partner_type]))
        narrow(
            {
                org: _("Partner type %(types)s ✓") % {"types": ", ".join(sorted(types))}
                for org, types in found.items()
                if org in partners
            }
        )
    region_ids = list(label.regions.values_list("pk", flat=True)) if label.pk else []
    if region_ids:
        inside = descendants(region_ids)
        names = dict(Territory.objects.filter(pk__in=inside).values_list("pk", "name"))
        found = {}
        for org, region in (
            Organization.objects.partners().filter(region_id__in=inside).values_list("pk", "region_id")
        ):
            found.setdefault(org, set()).add(names[region])
        for org, territory in Organization.geographies.through.objects.filter(
            territory_id__in=inside, organization__is_operator=False
        ).values_list("organization_id", "territory_id"):
            found.setdefault(org, set()).add(names[territory])
        narrow(
            {org: _("Region %(regions)s ✓") % {"regions": ", ".join(sorted(n))} for org, n in found.items()}
        )
    return reasons or {}


def evaluate_label(label: Label, today: datetime.date | None = None, *, actor=None) -> LabelRun:
    """Award a rule label to every partner that meets it, renew it for holders, remove it from the others."""
    if label.kind != LabelKind.RULE:
        raise ValidationError(_("This label is awarded by hand, not by rule."))
    today = today or timezone.localdate()
    found = qualifying(label, today)
    run = LabelRun(label=label)
    valid_until = today + datetime.timedelta(days=label.validity_days)
    with transaction.atomic():
        existing = {award.organization_id: award for award in LabelAward.objects.filter(label=label)}
        new, changed, unchanged = [], [], []
        for org, reasons in found.items():
            reason = "; ".join(reasons)
            award = existing.get(org)
            if award is None:
                new.append(
                    LabelAward(
                        label=label,
                        organization_id=org,
                        source=LabelKind.RULE,
                        reason=reason,
                        evidence={"reasons": reasons},
                        valid_from=today,
                        valid_until=valid_until,
                    )
                )
            elif award.reason == reason and award.source == LabelKind.RULE:
                unchanged.append(award.pk)
            else:
                award.reason, award.valid_until, award.source = reason, valid_until, LabelKind.RULE
                award.evidence = {"reasons": reasons}
                changed.append(award)
        LabelAward.objects.bulk_create(new, batch_size=1000)
        # Holders whose reason did not change: their validity is extended in one statement.
        for start in range(0, len(unchanged), 5000):
            LabelAward.objects.filter(pk__in=unchanged[start : start + 5000]).update(
                valid_until=valid_until, updated_at=timezone.now()
            )
        LabelAward.objects.bulk_update(
            changed, ["reason", "evidence", "valid_until", "source", "updated_at"], batch_size=1000
        )
        lost = [award.pk for org, award in existing.items() if org not in found]
        LabelAward.objects.filter(pk__in=lost).delete()
        label.last_evaluated = timezone.now()
        label.save(update_fields=["last_evaluated", "updated_at"])
    run.awarded, run.renewed, run.removed = len(new), len(changed) + len(unchanged), len(lost)
    return run


def evaluate_all(today: datetime.date | None = None) -> list[LabelRun]:
    return [
        evaluate_label(label, today) for label in Label.objects.filter(kind=LabelKind.RULE).order_by("name")
    ]


def award_by_hand(label: Label, organization, user, *, reason: str, valid_until=None) -> LabelAward:
    """Staff award a hand label, with the reason; the award is valid for the label's validity by default."""
    if user is None or not user.is_staff_member or not user.can_edit_all:
        raise ValidationError(_("Only administrators and channel managers award labels."))
    if label.kind != LabelKind.MANUAL:
        raise ValidationError(_("This label is awarded by its rule, not by hand."))
    if organization.is_operator:
        raise ValidationError({"organization": _("Labels are awarded to partners.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the partner receives this label.")})
    today = timezone.localdate()
    valid_until = valid_until or today + datetime.timedelta(days=label.validity_days)
    if valid_until < today:
        raise ValidationError({"valid_until": _("The end of validity cannot be in the past.")})
    if LabelAward.objects.filter(label=label, organization=organization).exists():
        raise ValidationError({"organization": _("This partner already holds this label.")})
    return LabelAward.objects.create(
        label=label,
        organization=organization,
        source=LabelKind.MANUAL,
        reason=reason.strip(),
        evidence={"awarded_by": user.username},
        valid_from=today,
        valid_until=valid_until,
        awarded_by=user,
    )


def current_awards(organization_ids=None, *, public_only=False, today=None):
    """Awards valid today (of these organisations), label loaded."""
    today = today or timezone.localdate()
    queryset = LabelAward.objects.filter(valid_from__lte=today).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    if organization_ids is not None:
        queryset = queryset.filter(organization_id__in=list(organization_ids))
    if public_only:
        queryset = queryset.filter(label__is_public=True)
    return queryset.select_related("label").order_by("label__name")


def labels_by_organization(organization_ids, *, public_only=False) -> dict[int, list[Label]]:
    result: dict[int, list[Label]] = {}
    for award in current_awards(organization_ids, public_only=public_only):
        result.setdefault(award.organization_id, []).append(award.label)
    return result
