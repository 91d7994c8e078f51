"""Scoring reuses the organisations' columns until they change: these receivers say when they do."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from meute.core.models import Organization, OrganizationPartnerType

from .models import AttributeDefinition, AttributeValue
from .profiles import data_changed


@receiver([post_save, post_delete], sender=Organization)
@receiver([post_save, post_delete], sender=OrganizationPartnerType)
@receiver([post_save, post_delete], sender=AttributeValue)
@receiver([post_save, post_delete], sender=AttributeDefinition)
def _row_changed(sender, **kwargs):
    data_changed()


for _field in ("markets", "geographies", "offerings", "tags"):
    m2m_changed.connect(_row_changed, sender=getattr(Organization, _field).through, weak=False)
