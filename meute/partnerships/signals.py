"""Keep each organisation's partnership summary current whatever changes a partnership or a party."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Partnership, PartnershipParty
from .summary import refresh_partnership_summary


@receiver(post_save, sender=Partnership)
def partnership_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_partnership_summary(instance.parties.values_list("organization_id", flat=True))


@receiver(post_save, sender=PartnershipParty)
@receiver(post_delete, sender=PartnershipParty)
def party_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_partnership_summary([instance.organization_id])
