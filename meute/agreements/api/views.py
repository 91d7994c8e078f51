from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from meute.agreements import signing as agreements
from meute.agreements.api.serializers import (
    AcceptanceSerializer,
    AgreementSerializer,
    AgreementSettingSerializer,
)
from meute.agreements.models import Agreement, AgreementAcceptance, AgreementSetting
from meute.core.models import Organization
from meute.lib import access
from meute.lib.api_serializers import (
    drf_validation_error,
)
from meute.lib.api_views import VisibleModelViewSet, crud_schema


class AgreementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Agreement versions. Creating one publishes the next version for its programme and partner type;
    versions are never edited (partners accept each version)."""

    serializer_class = AgreementSerializer
    lookup_field = "uuid"
    lookup_value_regex = VisibleModelViewSet.lookup_value_regex
    filterset_fields = ["partner_type", "version"]

    def get_queryset(self):
        queryset = Agreement.objects.visible_to(self.request.user).select_related("program")
        program = self.request.query_params.get("program")
        if program:
            try:
                queryset = queryset.filter(program__uuid=program)
            except DjangoValidationError:
                queryset = queryset.none()
        return queryset

    @extend_schema(summary="Publish the next version of a programme's agreement")
    def create(self, request, *args, **kwargs):
        if not access.can_create(request.user, Agreement) or not request.user.is_staff_member:
            raise PermissionDenied
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            with set_actor(request.user):
                agreement = agreements.publish(
                    data["program"], data.get("partner_type", ""), data["title"], data["text"], request.user
                )
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(self.get_serializer(agreement).data, status=status.HTTP_201_CREATED)


class AcceptanceViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Signatures of agreement versions (immutable). A partner user signs for its own organisation only;
    partner users see their organisation's acceptances, staff see all."""

    serializer_class = AcceptanceSerializer
    lookup_field = "uuid"
    lookup_value_regex = VisibleModelViewSet.lookup_value_regex
    filterset_fields = ["version"]

    def get_queryset(self):
        return AgreementAcceptance.objects.visible_to(self.request.user).select_related(
            "agreement__program", "organization", "user"
        )

    @extend_schema(summary="Accept an agreement version (typed signature)")
    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        agreement = Agreement.objects.visible_to(request.user).filter(uuid=data["agreement"]["uuid"]).first()
        if agreement is None:
            raise serializers.ValidationError({"agreement": [_("Unknown agreement.")]})
        organization = None
        if data.get("organization"):
            organization = Organization.objects.filter(uuid=data["organization"]["uuid"]).first()
            if organization is None or organization.pk != request.user.organization_id:
                raise PermissionDenied(_("You can only accept the agreement for your own organisation."))
        try:
            with set_actor(request.user):
                acceptance = agreements.accept(
                    agreement,
                    request.user,
                    signer_name=data.get("signer_name", ""),
                    signer_title=data.get("signer_title", ""),
                    version=data["version"],
                    ip_address=agreements.client_ip(request),
                    organization=organization,
                )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(self.get_serializer(acceptance).data, status=status.HTTP_201_CREATED)


@crud_schema(
    "agreement settings",
    "an agreement setting",
    "Whether a programme's partners must accept its current agreement before using the programme.",
)
class AgreementSettingViewSet(VisibleModelViewSet):
    model = AgreementSetting
    serializer_class = AgreementSettingSerializer
    select_related = ("program",)
    filterset_fields = ["gate_features"]
