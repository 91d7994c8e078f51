"""The public partner application form: a visitor asks to become a partner and lands in the pipeline.

Nothing about the directory is ever revealed: whether the company is already known (same SIREN) or not,
the visitor gets the same answer. A known organisation gets the application as an activity on its open
candidacy (or a new one); an unknown one is created as a prospect. Robots (the hidden field filled) are
answered as if accepted and nothing is written; a visitor over the budget is refused.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from meute.core.models import Organization
from meute.lib.throttling import SettingRateThrottle

from .choices import ActivityKind, Stage
from .models import Activity, Candidate


class ApplicationThrottle(SettingRateThrottle):
    scope = "partner-application"
    rate_setting = "MEUTE_APPLICATION_RATE"

    def get_rate(self):
        return getattr(settings, self.rate_setting, "5/hour") or None


def application_allowed(request) -> bool:
    return ApplicationThrottle().allow_request(request, None)


@transaction.atomic
def apply(*, company, siren, website, city, contact, email, phone, message) -> Candidate:
    organization = Organization.objects.filter(siren=siren, is_operator=False).first() if siren else None
    if organization is None:
        organization = Organization(name=company, siren=siren or "", website=website or "", city=city or "")
        organization.full_clean()
        organization.save()
    candidate = (
        Candidate.objects.filter(organization=organization)
        .exclude(stage__in=[Stage.LOST, Stage.EXITED])
        .first()
    )
    if candidate is None:
        candidate = Candidate.objects.create(organization=organization, next_step="Répondre à la candidature")
    Activity.objects.create(
        candidate=candidate,
        kind=ActivityKind.NOTE,
        happened_on=timezone.localdate(),
        summary=f"Candidature en ligne — {contact} <{email}> {phone}\n{company}\n\n{message}".strip(),
    )
    return candidate
