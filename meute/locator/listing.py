"""The public partner locator and its enquiries.

A partner organisation is listed when it opted in (``LocatorProfile.opt_in``) AND one of its active
partnerships holds, in an active programme, a tier whose benefits include ``locator_listing``. Entries show
public information only: name, city, website, partner types, listed tiers, public labels and the public
description — never revenue, people or deals.

A visitor's enquiry is stored as an ``Enquiry``, handed on by ``enquiry_to_lead`` (the single place where
an enquiry becomes a lead) and notified to the partner's users and to staff reviewers.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from meute.core.choices import PartnerType
from meute.core.models import Organization, OrganizationPartnerType, Sector
from meute.lib.throttling import EnquiryThrottle
from meute.locator.choices import EnquiryStatus
from meute.locator.labels import descendants, labels_by_organization
from meute.locator.models import Enquiry, LabelAward
from meute.notifications.messages import Message
from meute.notifications.notify import notify, organization_users, staff_reviewers
from meute.partnerships.choices import PartnershipStatus
from meute.partnerships.models import Partnership, PartnershipParty
from meute.programs.models import PartnerTier, Tier


def listing_seats():
    """Party seats whose partnership is active and holds a tier listed in the locator."""
    return PartnershipParty.objects.filter(
        partnership__status=PartnershipStatus.ACTIVE,
        partnership__program_tiers__tier__locator_listing=True,
        partnership__program_tiers__program__is_active=True,
    )


def listed_organizations():
    """Every organisation shown in the public locator (one query, no per-partner work)."""
    seats = listing_seats().filter(organization_id=OuterRef("pk"))
    return (
        Organization.objects.partners()
        .filter(locator_profile__opt_in=True)
        .filter(Exists(seats))
        .order_by("name")
    )


def is_listed(organization) -> bool:
    return listed_organizations().filter(pk=organization.pk).exists()


def listed_tiers():
    """Tiers that list their holders in the locator (the tier filter's choices)."""
    return Tier.objects.filter(locator_listing=True, program__is_active=True).select_related("program")


def search(params: dict):
    """Listed organisations filtered by ``q`` (name, city), ``partner_type``, ``tier`` (uuid),
    ``territory`` (code), ``sector`` (code) and ``label`` (code). Unknown values match nothing."""
    queryset = listed_organizations()
    text = (params.get("q") or "").strip()
    if text:
        queryset = queryset.search(text)
    if params.get("partner_type"):
        queryset = queryset.filter(partner_type_links__partner_type=params["partner_type"])
    if params.get("tier"):
        seats = listing_seats().filter(
            organization_id=OuterRef("pk"), partnership__program_tiers__tier__uuid=params["tier"]
        )
        queryset = queryset.filter(Exists(seats))
    if params.get("territory"):
        from meute.core.models import Territory

        root = Territory.objects.filter(code=params["territory"]).values_list("pk", flat=True).first()
        inside = descendants([root]) if root else set()
        partnerships = Partnership.objects.filter(territories__in=inside).values("pk")
        seats = PartnershipParty.objects.filter(
            organization_id=OuterRef("pk"), partnership_id__in=partnerships
        )
        queryset = queryset.filter(Q(region_id__in=inside) | Q(geographies__in=inside) | Exists(seats))
    if params.get("sector"):
        sector = Sector.objects.filter(code=params["sector"]).values_list("pk", flat=True).first()
        partnerships = Partnership.objects.filter(sectors=sector).values("pk")
        seats = PartnershipParty.objects.filter(
            organization_id=OuterRef("pk"), partnership_id__in=partnerships
        )
        queryset = queryset.filter(Q(markets=sector) | Exists(seats))
    if params.get("label"):
        today = timezone.localdate()
        awards = LabelAward.objects.filter(
            organization_id=OuterRef("pk"),
            label__code=params["label"],
            label__is_public=True,
            valid_from__lte=today,
        ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        queryset = queryset.filter(Exists(awards))
    return queryset.distinct()


def public_entries(organizations) -> list[dict]:
    """The public card of each organisation (a fixed number of queries for the whole page)."""
    organizations = list(organizations)
    ids = [org.pk for org in organizations]
    tiers: dict[int, list[str]] = {}
    rows = (
        PartnerTier.objects.filter(
            tier__locator_listing=True,
            program__is_active=True,
            partnership__status=PartnershipStatus.ACTIVE,
            partnership__parties__organization_id__in=ids,
        )
        .values_list("partnership__parties__organization_id", "tier__name", "program__name")
        .order_by("program__name", "-tier__rank")
        .distinct()
    )
    for org, tier, program in rows:
        tiers.setdefault(org, []).append(f"{tier} ({program})")
    labels = labels_by_organization(ids, public_only=True)
    type_names = dict(PartnerType.choices)
    types: dict[int, list[str]] = {}
    for org, partner_type in OrganizationPartnerType.objects.filter(organization_id__in=ids).values_list(
        "organization_id", "partner_type"
    ):
        types.setdefault(org, []).append(str(type_names.get(partner_type, partner_type)))
    descriptions = dict(
        Organization.objects.filter(pk__in=ids).values_list("pk", "locator_profile__public_description")
    )
    return [
        {
            "organization": org,
            "uuid": org.uuid,
            "name": org.name,
            "city": org.city,
            "website": org.website,
            "partner_types": sorted(types.get(org.pk, [])),
            "tiers": tiers.get(org.pk, []),
            "labels": [label.name for label in labels.get(org.pk, [])],
            "description": descriptions.get(org.pk) or "",
        }
        for org in organizations
    ]


def enquiry_allowed(request) -> bool:
    """Count this enquiry against the visitor's budget; False when the budget is spent."""
    return EnquiryThrottle().allow_request(request, None)


def create_enquiry(organization, *, name, email, message, company="", phone="", ip_address=None) -> Enquiry:
    """Store a visitor's enquiry for a listed partner, turn it into a lead and notify who must know."""
    with transaction.atomic():
        enquiry = Enquiry(
            organization=organization,
            name=name.strip(),
            company=(company or "").strip(),
            email=email.strip(),
            phone=(phone or "").strip(),
            message=message.strip(),
            ip_address=ip_address,
        )
        enquiry.full_clean()
        enquiry.save()
        enquiry_to_lead(enquiry)
    url = reverse("enquiry-detail", kwargs={"uuid": enquiry.uuid})
    title = Message(gettext_noop("New enquiry from the partner locator: %(name)s"), name=enquiry.name)
    body = Message(
        gettext_noop("%(name)s (%(company)s) wrote to %(partner)s: %(message)s"),
        name=enquiry.name,
        company=enquiry.company or "—",
        partner=organization.name,
        message=enquiry.message[:300],
    )
    recipients = [*organization_users([organization.pk]), *staff_reviewers()]
    notify(recipients, title, body, url=url, kind="locator_enquiry")
    return enquiry


def enquiry_to_lead(enquiry: Enquiry) -> Enquiry:
    """The single place where a locator enquiry becomes a lead offered to its partner.

    The lead (the visitor's company, contact and message) is offered first to the partner the visitor
    chose, through its active channel partnership; declined or timed out, it is routed by the rules.
    The enquiry itself stays readable by the partner and is marked forwarded.
    """
    from meute.leads import routing
    from meute.leads import workflow as leads
    from meute.leads.choices import LeadSource
    from meute.leads.models import Lead

    if enquiry.status == EnquiryStatus.NEW:
        partnership = (
            routing.channel_partnerships()
            .filter(parties__organization=enquiry.organization)
            .order_by("pk")
            .first()
        )
        if partnership is not None:
            lead = Lead.objects.create(
                company_name=(enquiry.company or enquiry.name)[:200],
                contact_name=enquiry.name[:150],
                contact_email=enquiry.email,
                contact_phone=enquiry.phone[:24],
                description=enquiry.message,
                source=LeadSource.WEBSITE,
            )
            leads.offer_enquiry(lead, partnership)
        enquiry.status = EnquiryStatus.FORWARDED
        enquiry.forwarded_at = timezone.now()
        enquiry.save(update_fields=["status", "forwarded_at", "updated_at"])
    return enquiry
