"""The abstract base model every business table shares, and the access-aware queryset.

Row-level access lives here and only here: ``Model.objects.visible_to(user)`` returns what that user may see.
Staff users see everything; a partner user sees what belongs to their own organisation, as each model's
queryset defines in ``for_organization``. The UI, the API, exports, search and the CLI all go through it.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisibleQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff_member:
            return self
        if user.organization_id is None:
            return self.none()
        return self.for_organization(user.organization_id)

    def for_organization(self, organization_id):
        raise NotImplementedError(f"{self.model.__name__} must say which rows belong to an organisation")


class StaffOnlyQuerySet(VisibleQuerySet):
    """Operator-internal rows (programme costs, routing decisions…): partner users see none."""

    def for_organization(self, organization_id):
        return self.none()


class BusinessModel(models.Model):
    """Timestamps, a public UUID (integer keys never leave the server) and the access-aware manager."""

    uuid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = VisibleQuerySet.as_manager()

    # What a partner user may do on rows of their own organisation (staff rights come from their role).
    partner_can_change = False
    partner_can_create = False

    class Meta:
        abstract = True


class SharedQuerySet(VisibleQuerySet):
    """Programme design (programmes, tiers, partner types) is published to every signed-in user."""

    def for_organization(self, organization_id):
        return self


class OrganizationScopedQuerySet(VisibleQuerySet):
    """Rows that name their organisation directly: a partner user sees its own organisation's only."""

    organization_path = "organization_id"

    def for_organization(self, organization_id):
        return self.filter(**{self.organization_path: organization_id})
