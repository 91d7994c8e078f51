from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from meute.lib.api_serializers import drf_validation_error
from meute.lib.api_views import VisibleModelViewSet
from meute.lib.views import request_actor

from .. import allocation as allocating
from .. import roi, workflow
from ..ledger import balances
from ..models import ActivityDeal, Claim, FundAllocation, FundEntry, FundRequest
from . import serializers as s


def _run(request, function, *args, **kwargs):
    try:
        with request_actor(request):
            return function(*args, **kwargs)
    except DjangoValidationError as exc:
        raise drf_validation_error(exc) from exc


def schema(plural: str, singular: str, *, create: bool = False, update: bool = False):
    """Summaries of the operations a viewset has (list and read, and create or update where it has them)."""
    operations = {
        "list": extend_schema(summary=f"List {plural}"),
        "retrieve": extend_schema(summary=f"Read {singular}"),
    }
    if create:
        operations["create"] = extend_schema(summary=f"Create {singular}")
    if update:
        operations["partial_update"] = extend_schema(summary=f"Update {singular}")
    return extend_schema_view(**operations)


class ReadOnlyVisible(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    model = None
    lookup_field = "uuid"
    lookup_value_regex = VisibleModelViewSet.lookup_value_regex
    select_related: tuple = ()

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user).select_related(*self.select_related)


@schema("fund allocations", "a fund allocation")
class AllocationViewSet(ReadOnlyVisible):
    """MDF allocations with their balance (sums of the ledger). Partners read their own; finance and
    channel managers set them (``POST``: by hand with ``amount``, else by the tier rule)."""

    model = FundAllocation
    serializer_class = s.AllocationSerializer
    select_related = ("partnership", "program")
    filterset_fields = ["period", "method"]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "_page_ids", None) is not None:
            context["balances"] = balances(self._page_ids)
        return context

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        self._page_ids = [a.pk for a in page]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self._page_ids = [instance.pk]
        return Response(self.get_serializer(instance).data)

    @extend_schema(request=s.AllocateSerializer, responses=s.AllocationSerializer)
    def create(self, request, *args, **kwargs):
        serializer = s.AllocateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        allocation = _run(
            request,
            allocating.allocate,
            data["partnership"],
            data["program"],
            data["period"],
            user=request.user,
            amount=data.get("amount"),
            expires_on=data.get("expires_on"),
            note=data.get("note", ""),
        )
        self._page_ids = [allocation.pk]
        return Response(self.get_serializer(allocation).data, status=status.HTTP_201_CREATED)


@schema("fund ledger entries", "a fund ledger entry")
class EntryViewSet(ReadOnlyVisible):
    """The ledger, read-only: every movement on the allocations the user may see."""

    model = FundEntry
    serializer_class = s.EntrySerializer
    select_related = ("allocation", "request")
    filterset_fields = ["kind"]


@schema("fund requests", "a fund request", create=True, update=True)
class FundRequestViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyVisible):
    model = FundRequest
    serializer_class = s.FundRequestSerializer
    select_related = ("allocation",)
    filterset_fields = ["status", "activity_type"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = _run(
            self.request, workflow.save_request, FundRequest(**serializer.validated_data), self.request.user
        )

    def perform_update(self, serializer):
        instance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        serializer.instance = _run(self.request, workflow.save_request, instance, self.request.user)

    def _answer(self, fund_request):
        fund_request.refresh_from_db()
        return Response(self.get_serializer(fund_request).data)

    @extend_schema(summary="Send a draft for approval", request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request, uuid=None):
        return self._answer(_run(request, workflow.submit_request, self.get_object(), request.user))

    @extend_schema(summary="Cancel a request", request=None)
    @action(detail=True, methods=["post"])
    def cancel(self, request, uuid=None):
        return self._answer(_run(request, workflow.cancel_request, self.get_object(), request.user))

    def _decide(self, request, function, kwargs):
        serializer = s.FundDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(
            _run(request, function, self.get_object(), request.user, **kwargs(serializer.validated_data))
        )

    @extend_schema(
        summary="Approve (channel manager): commits the amount on the fund", request=s.FundDecisionSerializer
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, uuid=None):
        return self._decide(
            request, workflow.approve_request, kwargs=lambda d: {"amount": d.get("amount"), "note": d["note"]}
        )

    @extend_schema(summary="Ask for changes (note required)", request=s.FundDecisionSerializer)
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, uuid=None):
        return self._decide(request, workflow.request_changes, kwargs=lambda d: {"note": d["note"]})

    @extend_schema(summary="Reject (note required)", request=s.FundDecisionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, uuid=None):
        return self._decide(request, workflow.reject_request, kwargs=lambda d: {"note": d["note"]})


@schema("claims", "a claim")
class ClaimViewSet(ReadOnlyVisible):
    model = Claim
    serializer_class = s.ClaimSerializer
    select_related = ("request",)
    filterset_fields = ["status"]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("proofs")

    @extend_schema(
        summary="Claim reimbursement with proof (multipart)",
        request=s.ClaimCreateSerializer,
        responses=s.ClaimSerializer,
    )
    def create(self, request, *args, **kwargs):
        serializer = s.ClaimCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        claim = _run(
            request,
            workflow.submit_claim,
            data["request"],
            request.user,
            amount=data["amount"],
            currency=data["currency"].upper(),
            proofs=serializer.proofs(),
            leads=data["leads"],
            opportunities=data["opportunities"],
            note=data["note"],
        )
        return Response(self.get_serializer(claim).data, status=status.HTTP_201_CREATED)

    def _answer(self, claim):
        claim.refresh_from_db()
        return Response(self.get_serializer(claim).data)

    @extend_schema(summary="Approve all or part of a claim", request=s.ClaimDecisionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, uuid=None):
        serializer = s.ClaimDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        return self._answer(
            _run(
                request,
                workflow.approve_claim,
                self.get_object(),
                request.user,
                d.get("approved_amount"),
                override_reason=d["override_reason"],
                note=d["note"],
            )
        )

    @extend_schema(summary="Reject a claim (note required)", request=s.ClaimDecisionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, uuid=None):
        serializer = s.ClaimDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(
            _run(
                request,
                workflow.reject_claim,
                self.get_object(),
                request.user,
                serializer.validated_data["note"],
            )
        )

    @extend_schema(summary="Mark an approved claim paid", request=s.PaymentSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, uuid=None):
        serializer = s.PaymentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(
            _run(
                request,
                workflow.mark_paid,
                self.get_object(),
                request.user,
                serializer.validated_data["payment_reference"],
            )
        )


@schema("deals attributed to activities", "a deal attribution", create=True)
class AttributionViewSet(mixins.CreateModelMixin, ReadOnlyVisible):
    model = ActivityDeal
    serializer_class = s.AttributionSerializer
    select_related = ("request", "deal")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = _run(
            self.request, roi.attribute_deal, data["request"], data["deal"], self.request.user
        )
