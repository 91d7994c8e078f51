"""Joint campaign and marketing cooperation pages, and the marketing calendar with its iCalendar export.
Every change goes through ``planning``."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from meute.core.models import Organization, Person
from meute.lib.views import VisibleObjectMixin, VisibleQuerysetMixin, add_form_errors, request_actor

from . import agenda, events, planning
from .choices import SUB_PLAN_HINTS, RegistrationStatus
from .forms import (
    ActionForm,
    BudgetLineForm,
    CalendarFilterForm,
    CampaignForm,
    CooperationForm,
    InviteForm,
    ParticipantFormSet,
    PlanActionForm,
    PublicRegistrationForm,
    ResultsForm,
    SubPlanForm,
    TaskForm,
)
from .models import (
    Campaign,
    CampaignAction,
    CampaignParticipant,
    CampaignTask,
    EventRegistration,
    MarketingCooperation,
    MarketingSubPlan,
)


def _editor(user):
    return user.is_authenticated and user.can_edit_all


class CampaignListView(VisibleQuerysetMixin, TemplateView):
    model = Campaign
    template_name = "campaigns/campaign_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        kwargs.update(
            campaigns=list(self.get_visible_queryset().select_related("coordinator")),
            cooperations=list(MarketingCooperation.objects.visible_to(user).select_related("coordinator")),
            can_create=_editor(user),
        )
        return super().get_context_data(**kwargs)


class CampaignFormView(VisibleQuerysetMixin, TemplateView):
    model = Campaign
    template_name = "campaigns/campaign_form.html"

    def get_instance(self):
        if not _editor(self.request.user):
            raise PermissionDenied
        if "uuid" in self.kwargs:
            return get_object_or_404(self.get_visible_queryset(), uuid=self.kwargs["uuid"])
        return Campaign()

    def get(self, request, *args, **kwargs):
        campaign = self.get_instance()
        initial = [
            {"organization": p.organization, "share_percent": p.share_percent, "headcount": p.headcount}
            for p in (campaign.participants.all() if campaign.pk else [])
        ]
        formset = ParticipantFormSet(prefix="p", initial=initial or None)
        if not initial:
            formset.extra = 3
        return self.render_to_response(
            self.get_context_data(form=CampaignForm(instance=campaign), formset=formset, object=campaign)
        )

    def post(self, request, *args, **kwargs):
        campaign = self.get_instance()
        form = CampaignForm(request.POST, instance=campaign)
        formset = ParticipantFormSet(request.POST, prefix="p")
        if form.is_valid() and formset.is_valid():
            participants = [f.cleaned_data for f in formset if f.cleaned_data.get("organization")]
            try:
                with request_actor(request):
                    campaign = planning.save_campaign(form.instance, request.user, participants)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Campaign saved."))
                return redirect(campaign.get_absolute_url())
        return self.render_to_response(
            self.get_context_data(form=form, formset=formset, object=campaign), status=400
        )


class CampaignDetailView(VisibleObjectMixin, TemplateView):
    """The campaign's shared page: coordinator, participants and their part of the budget, calendar of
    actions, tasks, budget lines and the results of every participant."""

    model = Campaign
    template_name = "campaigns/campaign_detail.html"

    def get_context_data(self, **kwargs):
        campaign = self.get_object()
        user = self.request.user
        planner = planning.may_plan(user, campaign)
        try:
            split = planning.campaign_split(campaign)
        except ValidationError as exc:
            split, kwargs["split_error"] = [], " ".join(exc.messages)
        own = next(
            (p for p, _amount in split if user.is_partner_user and p.organization_id == user.organization_id),
            None,
        )
        if own is None and user.is_partner_user:
            own = campaign.participants.filter(organization_id=user.organization_id).first()
        if _editor(user):
            kwargs.setdefault("budget_form", BudgetLineForm(initial={"currency": campaign.currency}))
        if planner:
            kwargs.setdefault("action_form", ActionForm())
            kwargs.setdefault("task_form", TaskForm(campaign=campaign))
        if own is not None:
            kwargs.setdefault(
                "results_form",
                ResultsForm(
                    initial={"leads": own.leads, "opportunities": own.opportunities, "revenue": own.revenue}
                ),
            )
        participants = [p for p, _a in split] or list(campaign.participants.select_related("organization"))
        tasks = list(campaign.tasks.select_related("owner"))
        actions = list(campaign.actions.all())
        for item in actions:
            item.is_event = events.is_event(item)
        for task in tasks:
            task.can_tick = planner or (user.is_partner_user and task.owner_id == user.organization_id)
        found = events.figures(campaign)
        for participant in participants:
            participant.event = found.get(participant.organization_id, events.Figures())
        attendance = sum(found.values(), events.Figures())
        total = planning.budget_total(campaign)
        kwargs.update(
            split=split,
            total=total,
            attendance=attendance,
            cost_per_attendee=events.cost_per(total, attendance.attended),
            cost_per_event_lead=events.cost_per(total, attendance.leads),
            has_events=any(events.is_event(a) for a in actions),
            lines=list(campaign.budget_lines.all()),
            actions=actions,
            tasks=tasks,
            participants=participants,
            totals={
                "leads": sum(p.leads for p in participants),
                "opportunities": sum(p.opportunities for p in participants),
                "revenue": sum((p.revenue for p in participants), 0),
            },
            can_edit=_editor(user),
        )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        campaign = self.get_object()
        user = request.user
        action = request.POST.get("action")
        forms = {
            "budget": ("budget_form", lambda: BudgetLineForm(request.POST)),
            "action": ("action_form", lambda: ActionForm(request.POST)),
            "task": ("task_form", lambda: TaskForm(request.POST, campaign=campaign)),
            "results": ("results_form", lambda: ResultsForm(request.POST)),
        }
        if action == "task_done":
            task = get_object_or_404(
                CampaignTask.objects.visible_to(user), campaign=campaign, uuid=request.POST.get("task")
            )
            with request_actor(request):
                planning.set_task_done(task, user, request.POST.get("done") == "1")
            return redirect(campaign.get_absolute_url() + "#tasks")
        if action not in forms:
            raise PermissionDenied
        name, build = forms[action]
        form = build()
        if form.is_valid():
            data = form.cleaned_data
            try:
                with request_actor(request):
                    if action == "budget":
                        planning.add_budget_line(
                            campaign, user, data["label"], data["amount"], data["currency"].upper()
                        )
                    elif action == "action":
                        planning.add_action(campaign, user, **data)
                    elif action == "task":
                        planning.add_task(campaign, user, **data)
                    else:
                        seat = CampaignParticipant.objects.filter(
                            campaign=campaign, organization_id=user.organization_id
                        ).first()
                        if seat is None:
                            raise PermissionDenied
                        planning.report_results(seat, user, **data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(campaign.get_absolute_url())
        return self.render_to_response(self.get_context_data(**{name: form}), status=400)


class CooperationFormView(VisibleQuerysetMixin, TemplateView):
    model = MarketingCooperation
    template_name = "campaigns/cooperation_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _editor(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        form = CooperationForm(
            initial={
                "start_date": today,
                "end_date": planning.add_months(today, 12) - datetime.timedelta(days=1),
            }
        )
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = CooperationForm(request.POST)
        if form.is_valid():
            try:
                with request_actor(request):
                    cooperation = planning.save_cooperation(
                        form.instance, request.user, form.cleaned_data["members"]
                    )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Marketing cooperation created with its five plans."))
                return redirect(cooperation.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CooperationDetailView(VisibleObjectMixin, TemplateView):
    model = MarketingCooperation
    template_name = "campaigns/cooperation_detail.html"

    def get_context_data(self, **kwargs):
        cooperation = self.get_object()
        user = self.request.user
        planner = planning.may_plan_cooperation(user, cooperation)
        plans = list(cooperation.sub_plans.prefetch_related("actions"))
        for plan in plans:
            plan.hint = SUB_PLAN_HINTS.get(plan.kind, "")
            if planner:
                plan.form = SubPlanForm(
                    prefix=plan.kind, initial={"objectives": plan.objectives, "targets": plan.targets}
                )
                plan.action_form = PlanActionForm(prefix=f"a-{plan.kind}")
        kwargs.update(plans=plans, members=list(cooperation.members.order_by("name")), planner=planner)
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        cooperation = self.get_object()
        if not planning.may_plan_cooperation(request.user, cooperation):
            raise PermissionDenied
        plan = get_object_or_404(MarketingSubPlan, cooperation=cooperation, kind=request.POST.get("plan"))
        if request.POST.get("action") == "plan":
            form = SubPlanForm(request.POST, prefix=plan.kind)
        else:
            form = PlanActionForm(request.POST, prefix=f"a-{plan.kind}")
        if form.is_valid():
            try:
                with request_actor(request):
                    if request.POST.get("action") == "plan":
                        planning.update_sub_plan(plan, request.user, **form.cleaned_data)
                    else:
                        planning.add_plan_action(plan, request.user, **form.cleaned_data)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Saved."))
        else:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        return redirect(cooperation.get_absolute_url() + f"#plan-{plan.kind}")


def _calendar_window(form):
    today = timezone.localdate()
    data = form.cleaned_data if form.is_valid() else {}
    start = data.get("start") or today.replace(day=1)
    end = data.get("end") or planning.add_months(start, 3)
    return start, end, data


class CalendarView(VisibleQuerysetMixin, TemplateView):
    model = Campaign
    template_name = "campaigns/calendar.html"

    def get_context_data(self, **kwargs):
        form = CalendarFilterForm(
            self.request.GET or None, user=self.request.user, sources=list(agenda.SOURCES.items())
        )
        start, end, data = _calendar_window(form)
        items = agenda.items_for(
            self.request.user,
            start,
            end,
            source=data.get("source") or "",
            organization=data.get("partner"),
            territory=data.get("territory"),
        )
        kwargs.update(filter_form=form, items=items, start=start, end=end, query=self.request.GET.urlencode())
        return super().get_context_data(**kwargs)


class CalendarExportView(VisibleQuerysetMixin, View):
    model = Campaign

    def get(self, request, *args, **kwargs):
        form = CalendarFilterForm(
            request.GET or None, user=request.user, sources=list(agenda.SOURCES.items())
        )
        start, end, data = _calendar_window(form)
        items = agenda.items_for(
            request.user,
            start,
            end,
            source=data.get("source") or "",
            organization=data.get("partner"),
            territory=data.get("territory"),
        )
        body = agenda.to_ical(items, request.build_absolute_uri("/").rstrip("/"), _("Marketing calendar"))
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="meute-marketing.ics"'
        return response


class EventView(VisibleObjectMixin, TemplateView):
    """An event of a campaign: the invitations the reader may see (a partner: its own organisation's), the
    answers and attendance, the leads, and the counts of every participant."""

    model = CampaignAction
    template_name = "campaigns/event_detail.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("campaign")

    def _invite_form(self, action, data=None):
        user = self.request.user
        seats = CampaignParticipant.objects.filter(campaign=action.campaign).values("organization_id")
        organizations = Organization.objects.filter(pk__in=seats).order_by("name")
        if not planning.may_plan(user, action.campaign):
            organizations = organizations.filter(pk=user.organization_id if user.is_partner_user else None)
        if not organizations.exists():
            return None
        people = Person.objects.visible_to(user).filter(is_active=True).select_related("organization")
        if user.is_staff_member:
            people = people.filter(organization__in=organizations)
        people = people.order_by("last_name", "first_name")
        return InviteForm(data, organizations=organizations, people=people)

    def get_context_data(self, **kwargs):
        action = self.get_object()
        user = self.request.user
        if not events.is_event(action):
            raise Http404
        registrations = list(
            EventRegistration.objects.visible_to(user)
            .filter(action=action)
            .select_related("invited_by", "person")
            .order_by("invited_by__name", "name")
        )
        for registration in registrations:
            registration.can_manage = events.may_manage(user, registration)
        today = timezone.localdate()
        found = events.figures(action.campaign, action)
        seats = list(action.campaign.participants.select_related("organization"))
        rows = [(seat.organization, found.get(seat.organization_id, events.Figures())) for seat in seats]
        total = sum((f for _o, f in rows), events.Figures())
        if today <= action.end_date:
            kwargs.setdefault("invite_form", self._invite_form(action))
        public_url = self.request.build_absolute_uri(
            reverse("campaigns:event-register", kwargs={"uuid": action.uuid})
        )
        if user.is_partner_user:
            # A partner shares its own link: who registers through it counts as its guest.
            public_url += f"?via={user.organization.uuid}"
        kwargs.update(
            action=action,
            campaign=action.campaign,
            can_publish=planning.may_plan(user, action.campaign),
            registration_open=events.registration_open(action, today),
            public_url=public_url,
            registrations=registrations,
            rows=rows,
            total=total,
            answers_open=today <= action.end_date,
            attendance_open=today >= action.start_date,
            statuses=RegistrationStatus,
        )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        action = self.get_object()
        user = request.user
        if not events.is_event(action):
            raise Http404
        what = request.POST.get("action")
        if what == "invite":
            form = self._invite_form(action, request.POST)
            if form is None:
                raise PermissionDenied
            if form.is_valid():
                data = form.cleaned_data
                try:
                    with request_actor(request):
                        events.invite(
                            action,
                            user,
                            organization=data["organization"],
                            person=data["person"],
                            name=data["name"],
                            email=data["email"],
                            company=data["company"],
                        )
                except ValidationError as exc:
                    add_form_errors(form, exc)
                else:
                    messages.success(request, _("Invitation saved."))
                    return redirect(request.path)
            return self.render_to_response(self.get_context_data(invite_form=form), status=400)
        if what == "public":
            try:
                with request_actor(request):
                    events.set_public(action, user, request.POST.get("open") == "1")
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect(request.path)
        if what not in ("status", "lead"):
            raise PermissionDenied
        registration = get_object_or_404(
            EventRegistration.objects.visible_to(user), action=action, uuid=request.POST.get("registration")
        )
        try:
            with request_actor(request):
                if what == "status":
                    events.set_status(registration, user, request.POST.get("status", ""))
                else:
                    events.set_lead(registration, user, request.POST.get("lead") == "1")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.render_to_response(self.get_context_data(), status=400)
        messages.success(request, _("Saved."))
        return redirect(request.path + "#registrations")


class PublicRegistrationView(TemplateView):
    """An event's public registration page (no sign-in): closed, unknown or not an event, it is a 404."""

    template_name = "campaigns/event_register.html"

    def get_action(self):
        action = get_object_or_404(
            CampaignAction.objects.select_related("campaign"), uuid=self.kwargs["uuid"]
        )
        if not events.registration_open(action):
            raise Http404
        return action

    def get_via(self):
        via = self.request.GET.get("via", "")
        try:
            return Organization.objects.filter(uuid=via).first() if via else None
        except ValidationError:
            return None

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", PublicRegistrationForm())
        kwargs.setdefault("action", self.get_action())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        action = self.get_action()
        form = PublicRegistrationForm(request.POST)
        if form.is_robot:
            return self.render_to_response(self.get_context_data(action=action, sent=True))
        if not events.registration_allowed(request):
            form.add_error(None, _("Too many registrations from your address: please try again later."))
            return self.render_to_response(self.get_context_data(action=action, form=form), status=429)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(action=action, form=form), status=422)
        data = form.cleaned_data
        try:
            with request_actor(request):
                events.register_public(
                    action,
                    via=self.get_via(),
                    name=data["name"],
                    email=data["email"],
                    company=data["company"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(action=action, form=form), status=422)
        return self.render_to_response(self.get_context_data(action=action, sent=True))
