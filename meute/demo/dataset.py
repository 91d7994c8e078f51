"""Demo data: a French software vendor's partner programme, generated deterministically.

``generate(size)`` fills an empty database; ``ensure_demo_logins`` creates (or resets) the demo logins.
"""

import secrets

from django.db import connection, transaction
from django.utils.translation import gettext as _

from meute.core.choices import UserRole
from meute.core.models import Organization, Person, User
from meute.demo.generator import DEMO_SEED, PUBLIC_SIZES, SIZES, DemoGenerator, DemoResult
from meute.partnerships.choices import PartnershipKind, PartnershipStatus, PartyRole

__all__ = [
    "DEMO_SEED",
    "PUBLIC_SIZES",
    "SIZES",
    "DemoLogin",
    "DemoResult",
    "demo_data_present",
    "ensure_demo_logins",
    "refresh_planner_statistics",
    "generate",
]


def demo_data_present() -> bool:
    """True when the database already holds organisations (demo data or real data)."""
    return Organization.objects.exists()


def generate(size: str = "small", *, seed: int = DEMO_SEED, progress: bool = False, audit=None) -> DemoResult:
    """Create the demo data set of ``size`` in an empty database (in one transaction)."""
    if size not in SIZES:
        raise ValueError(f"unknown demo size {size!r}")
    return DemoGenerator(size, seed=seed, progress=progress, audit=audit).run()


class DemoLogin:
    def __init__(self, username, password, description):
        self.username = username
        self.password = password
        self.description = description


def _demo_partner_organization():
    """The partner organisation the demo partner login belongs to: the first active channel partner."""
    return (
        Organization.objects.filter(
            is_operator=False,
            party_seats__role=PartyRole.PARTNER,
            party_seats__partnership__status=PartnershipStatus.ACTIVE,
        )
        .order_by("pk")
        .first()
    )


def _demo_member_organization():
    """The independent member the demo member login belongs to: the coordinator of the first grouping."""
    return (
        Organization.objects.filter(
            party_seats__role=PartyRole.COORDINATOR,
            party_seats__partnership__kind=PartnershipKind.GROUPING,
        )
        .order_by("party_seats__partnership__name", "pk")
        .first()
    )


@transaction.atomic
def ensure_demo_logins(password: str | None = None) -> list[DemoLogin]:
    """Create the demo logins (or reset their passwords) and return them with their passwords."""
    logins = []
    specs = [
        ("admin", UserRole.ADMIN, _("administrator (sees and edits everything)")),
        ("manager", UserRole.CHANNEL_MANAGER, _("channel manager")),
        ("partner", UserRole.PARTNER, _("partner user (sees only their own organisation)")),
        ("member", UserRole.PARTNER, _("independent member coordinating a grouping")),
    ]
    organizations = {"partner": _demo_partner_organization(), "member": _demo_member_organization()}
    for username, role, description in specs:
        partner_organization = organizations.get(username)
        if role == UserRole.PARTNER and partner_organization is None:
            continue
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role = role
        user.is_active = True
        user.is_staff = user.is_superuser = role == UserRole.ADMIN
        user.email = user.email or f"{username}@demo.meute.invalid"
        if role == UserRole.PARTNER:
            user.organization = partner_organization
            contact = partner_organization.people.order_by("pk").first()
            if contact:
                user.first_name, user.last_name = contact.first_name, contact.last_name
        secret = password or secrets.token_urlsafe(9)
        user.set_password(secret)
        user.save()
        if role == UserRole.PARTNER:
            contact = (
                Person.objects.filter(organization=partner_organization, user__isnull=True)
                .order_by("pk")
                .first()
            )
            if contact and not Person.objects.filter(user=user).exists():
                contact.user = user
                contact.save(update_fields=["user"])
            description = f"{description} — {partner_organization.name}"
        logins.append(DemoLogin(username, secret, description))
    return logins


def refresh_planner_statistics() -> None:
    """After a bulk load, let the database plan and count from fresh statistics.

    On PostgreSQL ``VACUUM (ANALYZE)`` also marks the new pages all-visible, so counting organisations or
    people is an index-only scan (4–19 ms at the large size instead of ~130 ms reading every row) before
    autovacuum would get there. It cannot run inside a transaction: skipped there (tests).
    """
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
