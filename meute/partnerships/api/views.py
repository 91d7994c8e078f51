import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters

from meute.lib.api_errors import Conflict, error_responses
from meute.lib.api_views import VisibleModelViewSet, crud_schema
from meute.partnerships.choices import InvolvementLevel, PartyRole
from meute.partnerships.filters import PartnershipFilter
from meute.partnerships.models import Partnership, PartnershipParty
from meute.partnerships.parties import GROUPING_DOOR, remove_party, require_generic_door

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


_GROUPING_DOOR_TEXT = (
    "Refused with 409 (code `grouping_membership`) on a grouping: members join a grouping through "
    "`POST /api/groupings/` (a pack of accepted contacts) and `POST /api/groupings/{uuid}/members/`."
)


@extend_schema_view(
    create=extend_schema(
        summary="Add a party",
        description=_GROUPING_DOOR_TEXT,
        responses={201: serializers.PartnershipPartySerializer, **error_responses(r409="A grouping.")},
    ),
    partial_update=extend_schema(summary="Update a party", description=_GROUPING_DOOR_TEXT),
    update=extend_schema(summary="Replace a party", description=_GROUPING_DOOR_TEXT),
    destroy=extend_schema(
        summary="Remove a party",
        description="Refused with 409 (code `too_few_parties`) when the partnership would keep fewer "
        "than two parties. " + _GROUPING_DOOR_TEXT,
    ),
)
@crud_schema(
    "partnership parties",
    "a partnership party",
    "Channel partnerships' parties. Groupings are not changed here: " + _GROUPING_DOOR_TEXT,
)
class PartnershipPartyViewSet(VisibleModelViewSet):
    model = PartnershipParty
    serializer_class = serializers.PartnershipPartySerializer
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = PartnershipPartyFilter
    ordering_fields = ["role", "involvement", "created_at"]
    select_related = ("partnership", "organization", "alliance_manager")

    def _generic_door(self, partnership):
        try:
            require_generic_door(partnership.kind)
        except DjangoValidationError as exc:
            raise Conflict(" ".join(exc.messages), code=GROUPING_DOOR) from exc

    def perform_create(self, serializer):
        self._generic_door(serializer.validated_data["partnership"])
        super().perform_create(serializer)

    def perform_update(self, serializer):
        self._generic_door(serializer.instance.partnership)
        super().perform_update(serializer)

    def perform_destroy(self, instance):
        self._generic_door(instance.partnership)
        with self._actor():
            try:
                remove_party(instance)
            except DjangoValidationError as exc:
                raise Conflict(" ".join(exc.messages), code=exc.code or "conflict") from exc
