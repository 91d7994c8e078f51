"""Partner agreements: versioned texts per programme and partner type, signed by partner users.

The rules, in one place:

- the agreement that applies to a programme member is the latest version written for its partner type in
  that programme, else the latest version written for every type (blank partner type);
- an organisation accepts one version once; a new version needs a new acceptance;
- an acceptance records who signed (typed full name and job title), when, from which IP address and the
  SHA-256 of the exact text shown; it is never changed afterwards;
- a programme may gate its portal (``AgreementSetting.gate_features``): ``pending_for(user)`` lists the
  current versions the user's organisation has still to accept, and ``AgreementGateMixin`` /
  ``agreement_required`` turn them into an "accept the agreement first" page.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from meute.agreements.models import Agreement, AgreementAcceptance, AgreementSetting
from meute.lib.refusals import Refusal, declare
from meute.partnerships.models import PartnershipParty
from meute.programs.models import PartnerTier, Program

NOT_CURRENT_VERSION = declare(
    "not_current_version", "A newer version of the agreement is in force (`details.current_version`)."
)
NOT_APPLICABLE = declare("agreement_not_applicable", "This agreement does not apply to your organisation.")
ALREADY_ACCEPTED = declare("already_accepted", "Your organisation has already accepted this version.")


def current_versions(program) -> dict[str, Agreement]:
    """Partner type ("" for every type) → latest agreement version of the programme."""
    latest = {}
    for agreement in Agreement.objects.filter(program=program).order_by("partner_type", "version"):
        latest[agreement.partner_type] = agreement
    return latest


def next_version(program, partner_type: str) -> int:
    top = Agreement.objects.filter(program=program, partner_type=partner_type).aggregate(v=Max("version"))[
        "v"
    ]
    return (top or 0) + 1


def publish(program, partner_type: str, title: str, text: str, user=None) -> Agreement:
    """Write the next version of the programme's agreement for ``partner_type``."""
    if not (text or "").strip():
        raise ValidationError({"text": _("The agreement text cannot be empty.")})
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the agreement a title.")})
    with transaction.atomic():
        # Lock the programme so two simultaneous publications do not get the same number.
        Program.objects.select_for_update().filter(pk=program.pk).first()
        agreement = Agreement(
            program=program,
            partner_type=partner_type or "",
            version=next_version(program, partner_type or ""),
            title=title.strip(),
            text=text,
            created_by=user,
        )
        agreement.full_clean()
        agreement.save()
    return agreement


def _memberships(organization_id):
    """(programme id, partner type) of every programme membership of the organisation."""
    seats = PartnershipParty.objects.filter(organization_id=organization_id).values("partnership_id")
    return set(PartnerTier.objects.filter(partnership_id__in=seats).values_list("program_id", "partner_type"))


@dataclass(frozen=True)
class Applicable:
    agreement: Agreement
    accepted: AgreementAcceptance | None
    gated: bool


def applicable_for_organization(organization_id, program=None) -> list[Applicable]:
    """The current agreement versions that apply to the organisation, with its acceptance of each."""
    memberships = _memberships(organization_id)
    if program is not None:
        memberships = {(p, t) for p, t in memberships if p == program.pk}
    if not memberships:
        return []
    program_ids = {p for p, _t in memberships}
    by_program: dict[int, dict[str, Agreement]] = {}
    for agreement in (
        Agreement.objects.filter(program_id__in=program_ids)
        .select_related("program")
        .order_by("program_id", "partner_type", "version")
    ):
        by_program.setdefault(agreement.program_id, {})[agreement.partner_type] = agreement
    chosen = {}
    for program_id, partner_type in memberships:
        versions = by_program.get(program_id, {})
        agreement = versions.get(partner_type) or versions.get("")
        if agreement is not None:
            chosen[agreement.pk] = agreement
    if not chosen:
        return []
    accepted = {
        a.agreement_id: a
        for a in AgreementAcceptance.objects.filter(organization_id=organization_id, agreement_id__in=chosen)
    }
    gating = set(
        AgreementSetting.objects.filter(program_id__in=program_ids, gate_features=True).values_list(
            "program_id", flat=True
        )
    )
    result = [
        Applicable(agreement=a, accepted=accepted.get(a.pk), gated=a.program_id in gating)
        for a in chosen.values()
    ]
    return sorted(result, key=lambda item: (item.agreement.program.name, item.agreement.partner_type))


def pending_for(user, program=None, *, gated_only=True) -> list[Agreement]:
    """Current agreement versions ``user``'s organisation has still to accept before using the portal.

    Staff users never have any. With ``gated_only`` (default) only programmes that gate their features
    count; with ``program`` only that programme.
    """
    if user is None or not user.is_authenticated or user.is_staff_member or not user.organization_id:
        return []
    return [
        item.agreement
        for item in applicable_for_organization(user.organization_id, program)
        if item.accepted is None and (item.gated or not gated_only)
    ]


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def accept(
    agreement, user, *, signer_name: str, signer_title: str, version, ip_address=None, organization=None
):
    """Record ``user``'s signature of ``agreement`` for its own organisation; refuse anything else."""
    errors = {}
    if user is None or not user.is_authenticated or user.is_staff_member or not user.organization_id:
        raise PermissionDenied(_("Only a partner user signs the agreement, for their own organisation."))
    if organization is not None and organization.pk != user.organization_id:
        raise PermissionDenied(_("You can only accept the agreement for your own organisation."))
    if not (signer_name or "").strip():
        errors["signer_name"] = _("Type your full name to sign.")
    if not (signer_title or "").strip():
        errors["signer_title"] = _("Type your job title.")
    if errors:
        raise ValidationError(errors)
    try:
        version = int(version)
    except (TypeError, ValueError):
        version = None
    current = current_versions(agreement.program).get(agreement.partner_type)
    if version != agreement.version or current is None or current.pk != agreement.pk:
        latest = current.version if current else agreement.version
        raise Refusal(
            {
                "version": _(
                    "This is not the current version of the agreement (version %(version)s): "
                    "read it again and sign it."
                )
                % {"version": latest}
            },
            code=NOT_CURRENT_VERSION,
            details={"current_version": latest},
        )
    if agreement.pk not in {
        item.agreement.pk for item in applicable_for_organization(user.organization_id, agreement.program)
    }:
        raise Refusal(
            {"agreement": _("This agreement does not apply to your organisation.")}, code=NOT_APPLICABLE
        )
    try:
        with transaction.atomic():
            return AgreementAcceptance.objects.create(
                agreement=agreement,
                organization_id=user.organization_id,
                user=user,
                signer_name=signer_name.strip(),
                signer_title=signer_title.strip(),
                accepted_at=timezone.now(),
                ip_address=ip_address,
                version=agreement.version,
                text_sha256=agreement.text_sha256,
            )
    except IntegrityError as exc:
        raise Refusal(
            _("Your organisation has already accepted this version."), code=ALREADY_ACCEPTED
        ) from exc


def agreement_gate(request, program=None):
    """The gate of ``meute.lib.gates``: a partner whose organisation has an agreement to accept is held
    back on the page that lists what to sign."""
    pending = pending_for(request.user, program)
    if pending:
        return render(request, "agreements/gate.html", {"pending": pending}, status=403)
    return None


class AgreementAcceptedPermission:
    """The same gate for API writes: add it to a viewset's ``permission_classes`` (after the role check).

    Reads stay open; a partner user whose organisation has a gated agreement to accept gets 403 with the
    message below on POST, PUT, PATCH and DELETE.
    """

    message = None

    def __init__(self):
        self.message = _("Accept the programme agreement first.")

    def has_permission(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return not pending_for(request.user)

    def has_object_permission(self, request, view, obj):
        return True
