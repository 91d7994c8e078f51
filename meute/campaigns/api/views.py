import contextlib

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from meute.core.models import Organization, Person
from meute.funds.api.views import ReadOnlyVisible, schema
from meute.lib.api_serializers import drf_validation_error
from meute.lib.views import request_actor

from .. import events, planning
from ..models import Campaign, CampaignAction, CampaignParticipant, EventRegistration, MarketingCooperation
from . import serializers as s


def _run(request, function, *args, **kwargs):
    try:
        with request_actor(request):
            return function(*args, **kwargs)
    except DjangoValidationError as exc:
        raise drf_validation_error(exc) from exc


@schema("joint campaigns", "a joint campaign", create=True)
class CampaignViewSet(mixins.CreateModelMixin, ReadOnlyVisible):
    """Joint campaigns and events: a partner sees those it takes part in, with every participant's part of
    the budget and results. Staff editors create them with their participants (the split is checked)."""

    model = Campaign
    serializer_class = s.CampaignSerializer
    select_related = ("coordinator",)
    filterset_fields = ["kind", "status"]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related("participants__organization", "actions", "tasks__owner", "budget_lines")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["split"] = {}
        return context

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    def _answer(self, campaign):
        context = self.get_serializer_context()
        with contextlib.suppress(DjangoValidationError):  # an incomplete split shows no parts
            context["split"] = {p.pk: amount for p, amount in planning.campaign_split(campaign)}
        return Response(self.get_serializer_class()(campaign, context=context).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        participants = data.pop("participants")
        serializer.instance = _run(
            self.request, planning.save_campaign, Campaign(**data), self.request.user, participants
        )

    def _add(self, request, uuid, input_serializer, function, may=planning.may_plan):
        # Visible first (another partner gets a 404), then who may write (403) before the payload is read.
        campaign = get_object_or_404(self.get_queryset(), uuid=uuid)
        if not may(request.user, campaign):
            raise PermissionDenied
        serializer = input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _run(request, function, campaign, request.user, **serializer.validated_data)
        response = self._answer(Campaign.objects.get(pk=campaign.pk))
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        summary="Add an action to the campaign's calendar (staff editors and the coordinator)",
        request=s.ActionSerializer,
        responses={201: s.CampaignSerializer},
    )
    @action(detail=True, methods=["post"], url_path="actions")
    def add_action(self, request, uuid=None):
        return self._add(request, uuid, s.ActionSerializer, planning.add_action)

    @extend_schema(
        summary="Add a task with its owning participant (staff editors and the coordinator)",
        request=s.TaskInputSerializer,
        responses={201: s.CampaignSerializer},
    )
    @action(detail=True, methods=["post"], url_path="tasks")
    def add_task(self, request, uuid=None):
        return self._add(request, uuid, s.TaskInputSerializer, planning.add_task)

    @extend_schema(
        summary="Add a budget line, converted into the campaign's currency (staff editors)",
        request=s.BudgetLineInputSerializer,
        responses={201: s.CampaignSerializer},
    )
    @action(detail=True, methods=["post"], url_path="budget-lines")
    def add_budget_line(self, request, uuid=None):
        def add(campaign, user, *, label, amount, currency):
            return planning.add_budget_line(campaign, user, label, amount, currency.upper())

        return self._add(
            request, uuid, s.BudgetLineInputSerializer, add, may=lambda user, _c: planning._editor(user)
        )

    @extend_schema(summary="Report your organisation's results", request=s.ResultsSerializer)
    @action(detail=True, methods=["post"])
    def results(self, request, uuid=None):
        # Any participant reports its own results: the campaign itself is not theirs to change.
        campaign = get_object_or_404(self.get_queryset(), uuid=uuid)
        serializer = s.ResultsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        seat = CampaignParticipant.objects.filter(
            campaign=campaign, organization_id=request.user.organization_id
        ).first()
        if seat is None:
            raise PermissionDenied
        _run(request, planning.report_results, seat, request.user, **serializer.validated_data)
        return self._answer(campaign)


@schema("marketing cooperations", "a marketing cooperation", create=True)
class CooperationViewSet(mixins.CreateModelMixin, ReadOnlyVisible):
    """12-month marketing cooperations with their five sub-plans."""

    model = MarketingCooperation
    serializer_class = s.CooperationSerializer
    select_related = ("coordinator",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("members", "sub_plans__actions")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        members = data.pop("members")
        cooperation = _run(
            request, planning.save_cooperation, MarketingCooperation(**data), request.user, members
        )
        return Response(self.get_serializer(cooperation).data, status=status.HTTP_201_CREATED)


def _visible_one(queryset, uuid, field: str, message: str):
    found = queryset.filter(uuid=uuid).first()
    if found is None:
        raise ValidationError({field: [message]})
    return found


@schema("event registrations", "an event registration", create=True)
class RegistrationViewSet(mixins.CreateModelMixin, ReadOnlyVisible):
    """Invitations to the events of joint campaigns, their answers and attendance. A partner sees and
    manages the guests its own organisation invited (or who registered through its link), never those of
    the other participants; staff and the coordinator's users manage every guest of the event.
    ``POST`` invites a contact or a prospect for an organisation taking part in the campaign."""

    model = EventRegistration
    serializer_class = s.RegistrationSerializer
    select_related = ("action", "invited_by", "person")
    filterset_fields = ["status", "is_lead"]

    def get_queryset(self):
        queryset = super().get_queryset().order_by("action__start_date", "name", "pk")
        event = self.request.query_params.get("event")
        if event:
            try:
                queryset = queryset.filter(action__uuid=event)
            except DjangoValidationError:
                queryset = queryset.none()
        return queryset

    @extend_schema(request=s.InvitationSerializer, responses={201: s.RegistrationSerializer})
    def create(self, request, *args, **kwargs):
        serializer = s.InvitationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user
        event = _visible_one(
            CampaignAction.objects.visible_to(user),
            data["event"],
            "event",
            _("No event with this identifier."),
        )
        if "organization" in data:
            organization = _visible_one(
                Organization.objects.all(),
                data["organization"],
                "organization",
                _("No organisation with this identifier."),
            )
        elif user.is_partner_user and user.organization_id:
            organization = user.organization
        else:
            raise ValidationError({"organization": [_("Say which participant invites.")]})
        person = None
        if "person" in data:
            person = _visible_one(
                Person.objects.visible_to(user),
                data["person"],
                "person",
                _("Choose one of your own contacts."),
            )
        registration = _run(
            request,
            events.invite,
            event,
            user,
            organization=organization,
            person=person,
            name=data["name"],
            email=data["email"],
            company=data["company"],
        )
        return Response(s.RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record an answer (invited, registered, declined) or attendance (attended, did not come)",
        request=s.RegistrationStatusSerializer,
        responses=s.RegistrationSerializer,
    )
    @action(detail=True, methods=["post"], url_path="status")
    def answer(self, request, uuid=None):
        registration = self.get_object()
        serializer = s.RegistrationStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = _run(
            request, events.set_status, registration, request.user, serializer.validated_data["status"]
        )
        return Response(s.RegistrationSerializer(registration).data)

    @extend_schema(
        summary="Mark an attendee as a lead, or no longer",
        request=s.RegistrationLeadSerializer,
        responses=s.RegistrationSerializer,
    )
    @action(detail=True, methods=["post"])
    def lead(self, request, uuid=None):
        registration = self.get_object()
        serializer = s.RegistrationLeadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = _run(
            request, events.set_lead, registration, request.user, serializer.validated_data["is_lead"]
        )
        return Response(s.RegistrationSerializer(registration).data)
