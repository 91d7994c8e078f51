"""What enablement follows in the apps below it: a partnership becoming active starts its onboarding
journey (or joining a programme, when it was active already); a deal registered or an agreement signed
ticks the journey steps they prove."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from meute.agreements.models import AgreementAcceptance
from meute.deals.models import DealRegistration
from meute.partnerships.models import Partnership
from meute.programs.models import PartnerTier

from . import journeys


@receiver(post_save, sender=Partnership, dispatch_uid="enablement-journey-on-activation")
def start_journey_on_activation(sender, instance, raw=False, **kwargs):
    if not raw:
        journeys.start_if_due(instance)


@receiver(post_save, sender=PartnerTier, dispatch_uid="enablement-journey-on-membership")
def start_journey_on_membership(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        journeys.start_if_due(instance.partnership)


@receiver(post_save, sender=DealRegistration, dispatch_uid="enablement-journey-deal")
def tick_deal_steps(sender, instance, raw=False, **kwargs):
    if not raw and instance.submitted_at is not None:
        journeys.sync_partnership(instance.partnership_id)


@receiver(post_save, sender=AgreementAcceptance, dispatch_uid="enablement-journey-agreement")
def tick_agreement_steps(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        journeys.sync_organization(instance.organization_id)
