"""Events of a joint campaign (seed 002, rule 15: joint customer events): who is invited, who registered,
who came, and which attendees became leads.

- Only actions that people attend (event, seminar, trade show, webinar) take invitations.
- A participant invites for its own organisation: its users invite its contacts (people of the directory
  they can see) or prospects (name, e-mail, company); staff editors and the coordinator's users may invite
  for any participant. Nobody is invited once the event is over.
- An invitation becomes registered or declined until the event ends; attendance (came, did not come) is
  marked once the event has started; only an attendee can become a lead.
- The coordinator may open a public registration page: a visitor registers by name, e-mail and company,
  through a participant's link (the guest is that participant's) or the plain one (the coordinator's). The
  visitor gets the same answer whether the address was already invited or registered, or not: the page
  reveals nobody's presence. An invited address that registers is marked registered.
- The campaign's results count them per participant (``figures``), and its cost per attendee and per lead
  divide the campaign's budget by them.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from meute.core.models import Person
from meute.lib.refusals import Refusal, declare, wrong_state
from meute.lib.throttling import SettingRateThrottle

from .choices import EVENT_KINDS, RegistrationStatus
from .models import CampaignAction, CampaignParticipant, EventRegistration
from .planning import _editor, _member_of, may_plan

ANSWERS = {RegistrationStatus.INVITED, RegistrationStatus.REGISTERED, RegistrationStatus.DECLINED}
ATTENDANCE = {RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW}
CENT = Decimal("0.01")

NOT_AN_EVENT = declare(
    "not_an_event", "Only events, seminars, trade shows and webinars take invitations (`details.kind`)."
)
EVENT_OVER = declare("event_over", "The event is over (`details.end_date`): only attendance can be marked.")
NOT_STARTED = declare(
    "event_not_started", "Attendance is marked once the event started (`details.start_date`)."
)
NOT_PARTICIPANT = declare("not_participant", "The organisation does not take part in the campaign.")
ALREADY_INVITED = declare("already_invited", "The person is already invited to this event.")
DECLINED = declare("invitation_declined", "The person declined the invitation: no attendance to mark.")
NOT_ATTENDEE = declare("not_attendee", "Only an attendee becomes a lead (`details.current`, `allowed`).")
REGISTRATION_CLOSED = declare("registration_closed", "The event's public registration is closed.")


def _not_an_event(action) -> Refusal:
    return Refusal(
        _("Only events, seminars, trade shows and webinars take invitations."),
        code=NOT_AN_EVENT,
        details={"kind": action.kind},
    )


def _over(message, action) -> Refusal:
    return Refusal(message, code=EVENT_OVER, details={"end_date": action.end_date.isoformat()})


def is_event(action: CampaignAction) -> bool:
    return action.kind in EVENT_KINDS


def may_invite_for(user, action: CampaignAction, organization_id) -> bool:
    return may_plan(user, action.campaign) or _member_of(user, organization_id)


def may_manage(user, registration: EventRegistration) -> bool:
    return may_invite_for(user, registration.action, registration.invited_by_id)


@transaction.atomic
def invite(
    action: CampaignAction,
    user,
    *,
    organization,
    person: Person | None = None,
    name: str = "",
    email: str = "",
    company: str = "",
    today: datetime.date | None = None,
) -> EventRegistration:
    today = today or timezone.localdate()
    if not may_invite_for(user, action, organization.pk):
        raise PermissionDenied
    if not is_event(action):
        raise _not_an_event(action)
    if today > action.end_date:
        raise _over(_("This event is over: nobody can be invited any more."), action)
    seats = CampaignParticipant.objects.filter(campaign_id=action.campaign_id, organization=organization)
    if not seats.exists():
        raise Refusal(
            {"organization": _("Only a participant of the campaign can invite.")}, code=NOT_PARTICIPANT
        )
    name, email, company = name.strip(), email.strip().lower(), company.strip()
    if person is not None:
        # A partner invites the contacts it can see (its own people), never another partner's.
        if not _editor(user) and not Person.objects.visible_to(user).filter(pk=person.pk).exists():
            raise ValidationError({"person": _("Choose one of your own contacts.")})
        name = name or f"{person.first_name} {person.last_name}".strip()
        email = email or person.email.lower()
        company = company or person.organization.name
    elif not name or not email:
        raise ValidationError(_("Choose a contact, or give the prospect's name and e-mail."))
    registration = EventRegistration(
        action=action, invited_by=organization, person=person, name=name, email=email, company=company
    )
    registration.full_clean(exclude=["action", "invited_by", "person"])
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:
        # Two invitations of the same person sent at once: the unique index decides.
        raise Refusal(_("This person is already invited to this event."), code=ALREADY_INVITED) from exc
    return registration


@transaction.atomic
def set_status(
    registration: EventRegistration, user, status: str, today: datetime.date | None = None
) -> EventRegistration:
    today = today or timezone.localdate()
    registration = (
        EventRegistration.objects.select_for_update()
        .select_related("action__campaign")
        .get(pk=registration.pk)
    )
    action = registration.action
    if not may_manage(user, registration):
        raise PermissionDenied
    if status in ANSWERS:
        if today > action.end_date:
            raise _over(_("This event is over: only attendance can be marked."), action)
    elif status in ATTENDANCE:
        if today < action.start_date:
            raise Refusal(
                _("Attendance can be marked once the event has started."),
                code=NOT_STARTED,
                details={"start_date": action.start_date.isoformat()},
            )
        if registration.status == RegistrationStatus.DECLINED:
            raise Refusal(_("This person declined the invitation."), code=DECLINED)
    else:
        raise ValidationError(_("Unknown status."))
    registration.status = status
    if status != RegistrationStatus.ATTENDED:
        registration.is_lead = False
    registration.save(update_fields=["status", "is_lead", "updated_at"])
    return registration


@transaction.atomic
def set_lead(registration: EventRegistration, user, is_lead: bool) -> EventRegistration:
    registration = (
        EventRegistration.objects.select_for_update()
        .select_related("action__campaign")
        .get(pk=registration.pk)
    )
    if not may_manage(user, registration):
        raise PermissionDenied
    if is_lead and registration.status != RegistrationStatus.ATTENDED:
        raise wrong_state(
            _("Only an attendee can become a lead."),
            registration.status,
            RegistrationStatus.ATTENDED,
            code=NOT_ATTENDEE,
        )
    registration.is_lead = is_lead
    registration.save(update_fields=["is_lead", "updated_at"])
    return registration


@transaction.atomic
def set_public(action: CampaignAction, user, is_open: bool) -> CampaignAction:
    if not may_plan(user, action.campaign):
        raise PermissionDenied
    if is_open and not is_event(action):
        raise _not_an_event(action)
    action.public_registration = is_open
    action.save(update_fields=["public_registration", "updated_at"])
    return action


def registration_open(action: CampaignAction, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return action.public_registration and is_event(action) and today <= action.end_date


class RegistrationThrottle(SettingRateThrottle):
    scope = "event-registration"
    rate_setting = "MEUTE_EVENT_REGISTRATION_RATE"

    def get_rate(self):
        return getattr(settings, self.rate_setting, "10/hour") or None


def registration_allowed(request) -> bool:
    return RegistrationThrottle().allow_request(request, None)


@transaction.atomic
def register_public(
    action: CampaignAction,
    *,
    via,
    name: str,
    email: str,
    company: str = "",
    today: datetime.date | None = None,
) -> None:
    """A visitor's registration: ``via`` is the participant whose link was used (None: the coordinator)."""
    if not registration_open(action, today):
        raise Refusal(_("Registration for this event is closed."), code=REGISTRATION_CLOSED)
    name, email, company = name.strip(), email.strip().lower(), company.strip()
    if not name or not email:
        raise ValidationError(_("Give your name and e-mail."))
    known = EventRegistration.objects.select_for_update().filter(action=action, email=email).first()
    if known is not None:
        if known.status in (RegistrationStatus.INVITED, RegistrationStatus.DECLINED):
            known.status = RegistrationStatus.REGISTERED
            known.save(update_fields=["status", "updated_at"])
        return
    seats = CampaignParticipant.objects.filter(campaign_id=action.campaign_id)
    organization_id = via.pk if via is not None and seats.filter(organization=via).exists() else None
    registration = EventRegistration(
        action=action,
        invited_by_id=organization_id or action.campaign.coordinator_id,
        name=name,
        email=email,
        company=company,
        status=RegistrationStatus.REGISTERED,
    )
    registration.full_clean(exclude=["action", "invited_by", "person"])
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        # The same address sent twice at once: the first one counts, the answer is the same.
        pass


@dataclass(frozen=True)
class Figures:
    invited: int = 0
    registered: int = 0
    attended: int = 0
    leads: int = 0

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(
            self.invited + other.invited,
            self.registered + other.registered,
            self.attended + other.attended,
            self.leads + other.leads,
        )


def figures(campaign, action=None) -> dict[int, Figures]:
    """``{organisation id: Figures}`` over the campaign's events (or one of them), in one query: everyone
    invited, those who registered or came, those who came, the leads. Counts only: no attendee's name."""
    rows = EventRegistration.objects.filter(action__campaign=campaign)
    if action is not None:
        rows = rows.filter(action=action)
    came = Q(status=RegistrationStatus.ATTENDED)
    rows = (
        rows.order_by()
        .values("invited_by_id")
        .annotate(
            invited=Count("pk"),
            registered=Count(
                "pk",
                filter=Q(status__in=[RegistrationStatus.REGISTERED, *ATTENDANCE]),
            ),
            attended=Count("pk", filter=came),
            leads=Count("pk", filter=came & Q(is_lead=True)),
        )
    )
    return {
        row["invited_by_id"]: Figures(row["invited"], row["registered"], row["attended"], row["leads"])
        for row in rows
    }


def cost_per(total: Decimal, count: int) -> Decimal | None:
    """The budget divided by a count (cost per attendee, per lead), to the cent; None without any."""
    if not count:
        return None
    return (Decimal(total) / count).quantize(CENT)
