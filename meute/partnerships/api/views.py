import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters

from meute.lib.api_errors import Conflict
from meute.lib.api_views import VisibleModelViewSet, crud_schema
from meute.partnerships.choices import InvolvementLevel, PartyRole
from meute.partnerships.filters import PartnershipFilter
from meute.partnerships.models import Partnership, PartnershipParty
from meute.partnerships.parties import remove_party

from . import serializers


@crud_schema(
    "partnerships",
    "a partnership",
    "Partner users see the partnerships their organisation is a party to.",
)
class PartnershipViewSet(VisibleModelViewSet):
    model = Partnership
    serializer_class = serializers.PartnershipSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PartnershipFilter
    prefetch_related = ("territories", "product_lines", "sectors")

    def get_prefetch_related(self):
        parties = PartnershipParty.objects.visible_to(self.request.user).select_related(
            "organization", "alliance_manager"
        )
        return (*self.prefetch_related, Prefetch("parties", queryset=parties))


class PartnershipPartyFilter(django_filters.FilterSet):
    partnership = django_filters.UUIDFilter(label=_("Partnership"), field_name="partnership__uuid")
    organization = django_filters.UUIDFilter(label=_("Organisation"), field_name="organization__uuid")
    role = django_filters.ChoiceFilter(label=_("Role"), choices=PartyRole.choices)
    involvement = django_filters.ChoiceFilter(label=_("Involvement level"), choices=InvolvementLevel.choices)

    class Meta:
        model = PartnershipParty
        fields = ["partnership", "organization", "role", "involvement"]


@extend_schema_view(
    destroy=extend_schema(
        summary="Remove a party",
        description="Refused with 409 (code `too_few_parties`) when the partnership would keep fewer "
        "than two parties.",
    ),
)
@crud_schema("partnership parties", "a partnership party")
class PartnershipPartyViewSet(VisibleModelViewSet):
    model = PartnershipParty
    serializer_class = serializers.PartnershipPartySerializer
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = PartnershipPartyFilter
    ordering_fields = ["role", "involvement", "created_at"]
    select_related = ("partnership", "organization", "alliance_manager")

    def perform_destroy(self, instance):
        with self._actor():
            try:
                remove_party(instance)
            except DjangoValidationError as exc:
                raise Conflict(" ".join(exc.messages), code=exc.code or "conflict") from exc
