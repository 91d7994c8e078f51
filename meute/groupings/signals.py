"""What follows a save in the groupings app (connected from the app's ``ready()``): a member profile's match
index and blocking keys, and a new grouping's checklist."""

from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from meute.partnerships.choices import PartnershipKind
from meute.partnerships.models import Partnership

from .matching import build_index, reindex
from .models import MemberProfile
from .pillars import ensure_checklist


@receiver(pre_save, sender=MemberProfile)
def _index_profile(sender, instance, raw=False, **kwargs):
    if not raw:
        instance.match_index = build_index(instance)


@receiver(post_save, sender=MemberProfile)
def _key_profile(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex(instance)


@receiver(m2m_changed, sender=MemberProfile.sectors.through)
@receiver(m2m_changed, sender=MemberProfile.territories.through)
def _reindex_on_targets_changed(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, MemberProfile):
        reindex(instance)


@receiver(post_save, sender=Partnership)
def _grouping_checklist(sender, instance, created, raw=False, **kwargs):
    """Every grouping gets its pillars checklist as soon as it exists."""
    if raw or instance.kind != PartnershipKind.GROUPING:
        return
    ensure_checklist(instance)
