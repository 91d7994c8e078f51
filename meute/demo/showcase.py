"""Demo data for agreements, ambassadors, labels and the public partner locator.

``populate_demo()`` runs after the core demo data set (organisations, channel partnerships) and the demo
logins. It uses the first active programme, or creates a small one (Silver, and Gold which lists its
holders in the locator) with the active channel partnerships as members. Deterministic for a seed;
running it again adds nothing twice.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from meute.agreements import signing as agreements
from meute.agreements.models import AgreementAcceptance, AgreementSetting
from meute.core.choices import UserRole
from meute.core.models import Organization, Territory
from meute.locator import labels
from meute.locator.choices import LabelKind
from meute.locator.listing import enquiry_to_lead
from meute.locator.models import Enquiry, Label, LabelAward, LocatorProfile
from meute.partnerships.choices import PartnershipKind, PartnershipStatus
from meute.partnerships.models import Partnership, PartnershipParty
from meute.programs.models import Ambassador, PartnerTier, Program, Tier

AGREEMENT_TEXT = """1. Purpose. This agreement sets the rules of the partner programme between the vendor and
the partner.
2. Commitments. The partner promotes the vendor's products in its territories, keeps the certifications its
tier requires and reports the revenue it makes with the products every quarter.
3. Benefits. The vendor grants the margin, marketing funds and deal protection of the partner's tier.
4. Confidentiality. Each party keeps the other's business information confidential.
5. Term. One year, renewed by tacit agreement; either party may end it with three months' notice."""

ENQUIRIES = [
    (
        "Camille Martin",
        "Boulangeries Réunies",
        "camille.martin@example.com",
        "We are looking for a partner to deploy the software in our 12 shops before spring.",
    ),
    (
        "Hugo Lefèvre",
        "Clinique du Parc",
        "hugo.lefevre@example.com",
        "Could you present your offer for a 200-user hospital? We would like a demonstration next month.",
    ),
]


def _program(rng, members: int):
    program = Program.objects.filter(is_active=True).order_by("name").first()
    if program is None:
        program = Program.objects.create(
            name="Meute Partner Programme",
            code="demo-partners",
            value_proposition="Grow with our products: margins, marketing support and qualified leads.",
        )
    if not program.tiers.exists():
        Tier.objects.create(program=program, name="Silver", rank=1, margin_percent=10)
        Tier.objects.create(
            program=program,
            name="Gold",
            rank=2,
            margin_percent=20,
            locator_listing=True,
            labels=["Gold partner"],
        )
    if not program.members.exists():
        tiers = list(program.tiers.order_by("rank"))
        channel = (
            Partnership.objects.filter(kind=PartnershipKind.CHANNEL, status=PartnershipStatus.ACTIVE)
            .order_by("pk")
            .values_list("pk", flat=True)[:members]
        )
        PartnerTier.objects.bulk_create(
            PartnerTier(partnership_id=pk, program=program, tier=tiers[-1] if i % 3 == 0 else tiers[0])
            for i, pk in enumerate(channel)
        )
    listed = list(program.tiers.filter(locator_listing=True))
    if not listed:
        top = program.tiers.order_by("-rank").first()
        top.locator_listing = True
        top.save()
    return program


def _member_orgs(program) -> list[Organization]:
    seats = PartnerTier.objects.filter(program=program).values("partnership_id")
    ids = (
        PartnershipParty.objects.filter(partnership_id__in=seats, organization__is_operator=False)
        .values_list("organization_id", flat=True)
        .distinct()
    )
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


def _staff_user(username, first, last):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=first, last_name=last, role=UserRole.CHANNEL_MANAGER)
        user.email = f"{username}@demo.meute.invalid"
        user.set_unusable_password()
        user.save()
    return user


def _signer(organization, index):
    """A partner user of the organisation to sign with (the demo's own, or a signer without a password)."""
    User = get_user_model()
    user = (
        User.objects.filter(organization=organization, role=UserRole.PARTNER, is_active=True)
        .order_by("pk")
        .first()
    )
    if user is None:
        user = User(username=f"signer-{index}", role=UserRole.PARTNER, organization=organization)
        contact = organization.people.order_by("pk").first()
        if contact:
            user.first_name, user.last_name = contact.first_name, contact.last_name
        user.set_unusable_password()
        user.save()
    return user


@transaction.atomic
def populate_demo(*, seed: int = 2024, members: int = 60, today: datetime.date | None = None) -> dict:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    program = _program(rng, members)
    orgs = _member_orgs(program)
    counts = {"acceptances": 0, "ambassadors": 0, "labels": 0, "awards": 0, "listed": 0, "enquiries": 0}

    # Agreement v1, accepted by about two partners in three; the programme gates its portal.
    agreement = agreements.current_versions(program).get("") or agreements.publish(
        program, "", "Partner programme agreement", AGREEMENT_TEXT
    )
    AgreementSetting.objects.get_or_create(program=program, defaults={"gate_features": False})
    now = timezone.now()
    for index, org in enumerate(orgs[:30]):
        if (
            index % 3 == 2
            or AgreementAcceptance.objects.filter(agreement=agreement, organization=org).exists()
        ):
            continue
        user = _signer(org, index)
        AgreementAcceptance.objects.create(
            agreement=agreement,
            organization=org,
            user=user,
            signer_name=user.get_full_name() or user.username,
            signer_title=rng.choice(["CEO", "Sales director", "Managing partner", "Alliance manager"]),
            accepted_at=now - datetime.timedelta(days=rng.randint(1, 90), minutes=rng.randint(0, 600)),
            ip_address=f"192.0.2.{rng.randint(1, 254)}",
            version=agreement.version,
            text_sha256=agreement.text_sha256,
        )
        counts["acceptances"] += 1

    # Ambassadors for the regions where most partners are.
    regions = list(
        Territory.objects.filter(pk__in=Organization.objects.partners().values("region_id"))
        .order_by("name")
        .values_list("pk", flat=True)[:4]
    )
    staff = [
        _staff_user("ambassador-1", "Claire", "Dumas"),
        _staff_user("ambassador-2", "Mehdi", "Benali"),
    ]
    for index, territory_id in enumerate(regions):
        _obj, created = Ambassador.objects.get_or_create(
            user=staff[index % 2],
            territory_id=territory_id,
            program=program if index % 2 else None,
            defaults={"message": "Your contact for this region: call me for any deal or event."},
        )
        counts["ambassadors"] += created

    # Labels: two rules and one by hand.
    gold = program.tiers.order_by("-rank").first()
    rule_labels = [
        Label.objects.get_or_create(
            code="top-tier",
            defaults={
                "name": f"{gold.name} partner",
                "program": program,
                "min_tier": gold,
                "description": "Holds the programme's highest tier.",
            },
        )[0],
        Label.objects.get_or_create(
            code="certified-expert",
            defaults={
                "name": "Certified expert",
                "min_certified": 2,
                "description": "At least two people with a valid certification.",
            },
        )[0],
    ]
    hand, _created = Label.objects.get_or_create(
        code="partner-of-the-year",
        defaults={
            "name": "Partner of the year",
            "kind": LabelKind.MANUAL,
            "description": "Chosen by the channel team.",
        },
    )
    counts["labels"] = Label.objects.count()
    for label in rule_labels:
        labels.evaluate_label(label, today)
    if orgs and not LabelAward.objects.filter(label=hand).exists():
        LabelAward.objects.create(
            label=hand,
            organization=orgs[0],
            source=LabelKind.MANUAL,
            reason="Best customer satisfaction of the year.",
            valid_from=today,
            valid_until=today + datetime.timedelta(days=hand.validity_days),
        )
    counts["awards"] = LabelAward.objects.count()

    # Locator: three partners in four opt in.
    for index, org in enumerate(orgs):
        LocatorProfile.objects.get_or_create(
            organization=org,
            defaults={
                "opt_in": index % 4 != 3,
                "public_description": f"{org.name}: sales, integration and support.",
            },
        )
    from meute.locator.listing import listed_organizations

    listed = list(listed_organizations()[:2])
    counts["listed"] = listed_organizations().count()
    for org, (name, company, email, message) in zip(listed, ENQUIRIES, strict=False):
        if Enquiry.objects.filter(organization=org, email=email).exists():
            continue
        enquiry = Enquiry.objects.create(
            organization=org, name=name, company=company, email=email, message=message
        )
        enquiry_to_lead(enquiry)
        counts["enquiries"] += 1
    return counts
