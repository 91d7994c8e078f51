from django.db.models import OuterRef, Subquery
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from meute.agreements.signing import AgreementAcceptedPermission
from meute.deals import conflicts, evidence, training, workflow
from meute.deals.filters import DealFilter
from meute.deals.models import Customer, DealParty, DealRegistration, MatcherWeights
from meute.lib.api import RolePermission
from meute.lib.api_errors import error_responses, workflow_caller
from meute.lib.api_views import SearchFilter, VisibleModelViewSet, crud_schema
from meute.lib.throttling import ConflictCheckThrottle

from . import serializers

STAGE_ERRORS = {
    "wrong_stage",
    "already_protected",
    "too_many_extensions",
    "already_registered",
    "already_decided",
}


_call = workflow_caller(STAGE_ERRORS)


@crud_schema(
    "deal registrations",
    "a deal registration",
    "Partner users see the registrations of their own partnerships; the conflict evidence is staff only.",
)
class DealViewSet(VisibleModelViewSet):
    model = DealRegistration
    # A partner whose programme agreement waits for acceptance reads but does not register.
    permission_classes = [RolePermission, AgreementAcceptedPermission]
    serializer_class = serializers.DealSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = DealFilter
    select_related = ("partnership", "customer", "reviewer")
    prefetch_related = ("product_lines",)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.RegistrationCreateSerializer
        return super().get_serializer_class()

    def _detail(self, deal, status_code=status.HTTP_200_OK):
        deal = self.get_queryset().get(pk=deal.pk)
        return Response(
            serializers.DealSerializer(deal, context=self.get_serializer_context()).data, status_code
        )

    @extend_schema(
        summary="Register a deal",
        description="Registers the end customer and the deal, and submits it (unless `submit` is false) "
        "with a "
        "live conflict check. A retried request with the same `idempotency_key` (or `Idempotency-Key` "
        "header) returns the first registration with status 200.",
        request=serializers.RegistrationCreateSerializer,
        responses={201: serializers.DealSerializer, 200: serializers.DealSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = serializers.RegistrationCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        partnership, data = serializer.to_data()
        key = serializer.validated_data["idempotency_key"] or request.headers.get("Idempotency-Key", "")
        deal, created = _call(
            workflow.register,
            request.user,
            partnership,
            data,
            submit=serializer.validated_data["submit"],
            idempotency_key=key,
            # Registering answers the conflict check too: it spends the same budget (no 429: the deal is
            # registered, only its conflict level is withheld).
            withhold_hint=not ConflictCheckThrottle().allow_request(request, self),
        )
        return self._detail(deal, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Check a customer before registering (dry run)",
        description="Nothing is written. A partner user learns only whether the customer is already claimed "
        "(by another partner, by the vendor's direct sales, or by themselves) and whether it is outside "
        "their boundaries — never by whom. Staff also get every candidate with its evidence.",
        request=serializers.RegistrationSerializer,
        responses=serializers.CheckResultSerializer,
    )
    @action(detail=False, methods=["post"], url_path="check", throttle_classes=[ConflictCheckThrottle])
    def check(self, request):
        serializer = serializers.RegistrationSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        partnership, data = serializer.to_data()
        result = workflow.check_for(partnership, data)
        body = conflicts.partner_hint(result)
        body["details"] = result.as_dict() if request.user.is_staff_member else None
        return Response(body)

    def _decide(self, request, function, serializer_class=serializers.ReasonSerializer, **extra):
        deal = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        with self._actor():
            deal = _call(function, deal, request.user, **serializer.validated_data, **extra)
        return self._detail(deal)

    @extend_schema(summary="Approve a registration", request=serializers.ReasonSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, uuid=None):
        return self._decide(request, workflow.approve)

    @extend_schema(summary="Reject a registration (reason required)", request=serializers.ReasonSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, uuid=None):
        return self._decide(request, workflow.reject)

    @extend_schema(summary="Extend the protection", request=serializers.ExtendSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, uuid=None):
        return self._decide(request, workflow.extend, serializers.ExtendSerializer)

    @extend_schema(
        summary="Ask for more protection time (partner)",
        description="Reviewers are notified; they extend the protection or decline the request.",
        request=serializers.ReasonSerializer,
    )
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request, uuid=None):
        return self._decide(request, workflow.request_extension)

    @extend_schema(
        summary="Decline an extension request (reason required)", request=serializers.ReasonSerializer
    )
    @action(detail=True, methods=["post"], url_path="decline-extension")
    def decline_extension(self, request, uuid=None):
        return self._decide(request, workflow.decline_extension)

    @extend_schema(summary="Mark as lost", request=serializers.ReasonSerializer)
    @action(detail=True, methods=["post"])
    def lost(self, request, uuid=None):
        return self._decide(request, workflow.mark_lost)

    @extend_schema(summary="Mark as won", request=None)
    @action(detail=True, methods=["post"])
    def won(self, request, uuid=None):
        deal = self.get_object()
        deal = _call(workflow.mark_won, deal, request.user)
        return self._detail(deal)

    @extend_schema(
        summary="Verify the margin a partner declared",
        description="From now on margin-based payouts use it. Staff editors only (403); 409 (code "
        "`already_decided`) when no declared margin waits.",
        request=None,
        responses={200: serializers.DealSerializer, **error_responses(r409="No declared margin waits.")},
    )
    @action(detail=True, methods=["post"], url_path="verify-margin")
    def verify_margin(self, request, uuid=None):
        deal = self.get_object()
        with self._actor():
            deal = _call(workflow.verify_margin, deal, request.user)
        return self._detail(deal)

    @extend_schema(
        summary="Verify the win a partner declared",
        description="From now on payouts count the deal. Staff editors only (403); 409 (code "
        "`already_decided`) when no declared win waits.",
        request=None,
        responses={200: serializers.DealSerializer, **error_responses(r409="No declared win waits.")},
    )
    @action(detail=True, methods=["post"], url_path="verify-won")
    def verify_won(self, request, uuid=None):
        deal = self.get_object()
        with self._actor():
            deal = _call(workflow.verify_won, deal, request.user)
        return self._detail(deal)

    @extend_schema(summary="Submit a draft registration", request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request, uuid=None):
        deal = self.get_object()
        deal = _call(workflow.submit_deal, deal, request.user)
        return self._detail(deal)


@crud_schema(
    "customers",
    "a customer",
    "End customers, including the vendor's direct-sales accounts. Partner users see only the customers of "
    "their own registrations.",
)
class CustomerViewSet(VisibleModelViewSet):
    model = Customer
    serializer_class = serializers.CustomerSerializer
    filter_backends = [SearchFilter]
    search_fields = ["name", "city", "siren"]
    select_related = ("sector", "account_owner")

    def get_queryset(self):
        queryset = super().get_queryset()
        user = self.request.user
        if user.is_staff_member:
            return queryset
        # A partner reads the customer as its own first registration gave it, not as others typed it.
        own = (
            DealRegistration.objects.for_organization(user.organization_id)
            .filter(customer_id=OuterRef("pk"))
            .order_by("created_at", "pk")
            .values("customer_as_registered")[:1]
        )
        return queryset.annotate(own_registration=Subquery(own))


@crud_schema("deal parties", "a deal party", "The partners sharing a deal, each with a role and share.")
class DealPartyViewSet(VisibleModelViewSet):
    model = DealParty
    serializer_class = serializers.DealPartySerializer
    select_related = ("deal", "organization")


def weights_in_force_body() -> dict:
    weights = training.weights_in_force()
    return {
        "version": weights.version,
        "base_size": weights.base_size,
        "same_threshold": evidence.SAME_THRESHOLD,
        "possible_threshold": evidence.POSSIBLE_THRESHOLD,
        "weights": weights.rows(),
    }


@crud_schema(
    "versions of the conflict matcher's weights",
    "a version of the weights",
    "Staff only. Each `meute deals retrain` stores a version; the one in force scores every check.",
)
class MatcherWeightsViewSet(VisibleModelViewSet):
    model = MatcherWeights
    serializer_class = serializers.MatcherWeightsSerializer
    select_related = ("trained_by",)
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        summary="The weights in force",
        description="Staff only: the version that scores checks (0 = built-in defaults), the thresholds, "
        "and per field and level m, u, the weight in bits and its meaning.",
        responses=serializers.WeightsInForceSerializer,
    )
    @action(detail=False, methods=["get"])
    def current(self, request):
        if not request.user.is_staff_member:
            raise PermissionDenied()
        return Response(weights_in_force_body())
