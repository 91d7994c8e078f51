from auditlog.context import set_actor
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from meute.core.models import Organization
from meute.lib import access
from meute.lib.api_errors import Conflict
from meute.lib.api_serializers import (
    drf_validation_error,
)
from meute.lib.api_views import VisibleModelViewSet, crud_schema
from meute.locator import labels
from meute.locator.api.serializers import (
    EnquirySerializer,
    LabelAwardSerializer,
    LabelRunSerializer,
    LabelSerializer,
    LocatorProfileSerializer,
)
from meute.locator.models import Enquiry, Label, LabelAward, LocatorProfile


@crud_schema("labels", "a label", "The labels catalogue is published to every signed-in user.")
class LabelViewSet(VisibleModelViewSet):
    model = Label
    serializer_class = LabelSerializer
    select_related = ("program", "min_tier")
    prefetch_related = ("regions",)
    filterset_fields = ["kind", "is_public", "code"]

    @extend_schema(
        summary="Evaluate a rule label over every partner",
        description="Awards the label to every partner meeting its criteria (with the reason), renews it "
        "for holders, removes it from the others. Refused with 409 for a hand label.",
        request=None,
        responses=LabelRunSerializer,
    )
    @action(detail=True, methods=["post"])
    def evaluate(self, request, uuid=None):
        label = self.get_object()
        if not (request.user.is_staff_member and access.can_change(request.user, label)):
            raise PermissionDenied
        try:
            with set_actor(request.user):
                run = labels.evaluate_label(label)
        except DjangoValidationError as exc:
            raise Conflict(" ".join(exc.messages), code="not_evaluable") from exc
        return Response(
            {"holders": run.holders, "awarded": run.awarded, "renewed": run.renewed, "removed": run.removed}
        )


class LabelAwardViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Labels held by partners, with the reason. Partner users see their own organisation's awards only;
    staff award hand labels (create) and remove awards (delete)."""

    serializer_class = LabelAwardSerializer
    lookup_field = "uuid"
    lookup_value_regex = VisibleModelViewSet.lookup_value_regex
    filterset_fields = ["source"]

    def get_queryset(self):
        return LabelAward.objects.visible_to(self.request.user).select_related(
            "label", "organization", "awarded_by"
        )

    def create(self, request, *args, **kwargs):
        if not (request.user.is_staff_member and request.user.can_edit_all):
            raise PermissionDenied
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        organization = Organization.objects.filter(uuid=data["organization"]["uuid"]).first()
        if organization is None:
            raise serializers.ValidationError({"organization": [_("Unknown organisation.")]})
        try:
            with set_actor(request.user), transaction.atomic():
                award = labels.award_by_hand(
                    data["label"],
                    organization,
                    request.user,
                    reason=data.get("reason", ""),
                    valid_until=data.get("valid_until"),
                )
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(self.get_serializer(award).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        if not (self.request.user.is_staff_member and self.request.user.can_edit_all):
            raise PermissionDenied
        with set_actor(self.request.user):
            instance.delete()


class LocatorProfileViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Opt-in to the public partner locator. A partner user reads and changes its organisation's profile
    (``/mine/`` creates it on first use); staff read all."""

    serializer_class = LocatorProfileSerializer
    lookup_field = "uuid"
    lookup_value_regex = VisibleModelViewSet.lookup_value_regex

    def get_queryset(self):
        return LocatorProfile.objects.visible_to(self.request.user).select_related("organization")

    @extend_schema(
        summary="Read or change your organisation's locator profile", request=LocatorProfileSerializer
    )
    @action(detail=False, methods=["get", "patch"])
    def mine(self, request):
        if not request.user.is_partner_user:
            raise PermissionDenied(_("Only partner users have an own locator profile."))
        profile, _created = LocatorProfile.objects.get_or_create(organization_id=request.user.organization_id)
        if request.method == "GET":
            return Response(self.get_serializer(profile).data)
        payload = self.get_serializer(profile, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        with set_actor(request.user):
            payload.save()
        return Response(payload.data)


class EnquiryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Enquiries from the public locator. A partner user sees its organisation's only and may change their
    status; staff see all. Visitors send them from the public locator page."""

    serializer_class = EnquirySerializer
    lookup_field = "uuid"
    lookup_value_regex = VisibleModelViewSet.lookup_value_regex
    filterset_fields = ["status"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return Enquiry.objects.visible_to(self.request.user).select_related("organization")
