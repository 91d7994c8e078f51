"""Onboarding journeys: templates (editors), a partnership's journey and its steps."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from meute.core.views import StaffEditorMixin
from meute.lib.views import request_actor
from meute.partnerships.models import Partnership

from .. import journeys
from ..forms import StartJourneyForm, StepForm, TemplateForm, TemplateStepForm
from ..models import Journey, JourneyStep, JourneyTemplate, TemplateStep
from .common import form_errors_text, refused


class TemplateListView(StaffEditorMixin, TemplateView):
    template_name = "enablement/template_list.html"

    def get_context_data(self, **kwargs):
        templates = JourneyTemplate.objects.select_related("program", "tier").prefetch_related("steps")
        return super().get_context_data(templates=templates.order_by("name"), **kwargs)


class TemplateFormView(StaffEditorMixin, TemplateView):
    """A template and its steps: edit the template, add or remove steps."""

    template_name = "enablement/template_form.html"

    def get_object(self):
        return get_object_or_404(JourneyTemplate, uuid=self.kwargs["uuid"]) if "uuid" in self.kwargs else None

    def get_context_data(self, **kwargs):
        template = self.get_object()
        kwargs.setdefault("form", TemplateForm(instance=template))
        kwargs.setdefault(
            "step_form", TemplateStepForm(initial={"position": template.steps.count() + 1 if template else 1})
        )
        steps = (
            template.steps.select_related("course", "certification").order_by("position") if template else []
        )
        return super().get_context_data(template=template, steps=steps, **kwargs)

    def post(self, request, *args, **kwargs):
        template = self.get_object()
        action = request.POST.get("action", "template")
        with request_actor(request):
            if action == "template":
                form = TemplateForm(request.POST, instance=template)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(form=form), status=422)
                template = form.save()
                messages.success(request, _("Template saved."))
            elif template is None:
                return redirect("enablement:template-list")
            elif action == "step":
                form = TemplateStepForm(request.POST, instance=TemplateStep(template=template))
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(step_form=form), status=422)
                form.save()
                messages.success(request, _("Step added."))
            elif action == "delete-step":
                TemplateStep.objects.filter(template=template, uuid=request.POST.get("step")).delete()
        return redirect(template.get_absolute_url())


class JourneyDetailView(LoginRequiredMixin, TemplateView):
    template_name = "enablement/journey_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        journey = get_object_or_404(
            Journey.objects.visible_to(user).select_related("partnership", "template"), uuid=kwargs["uuid"]
        )
        steps = list(journey.steps.select_related("owner", "completed_by", "course", "certification"))
        for step in steps:
            step.can_update = journeys.can_update_step(user, step) and journey.status == "active"
            step.form = StepForm(initial={"status": step.status}, prefix=str(step.uuid))
        return super().get_context_data(
            journey=journey,
            steps=steps,
            progress=journeys.progress_of(steps),
            can_edit=user.can_edit_all,
            **kwargs,
        )


class StepUpdateView(LoginRequiredMixin, View):
    def post(self, request, uuid):
        step = get_object_or_404(
            JourneyStep.objects.visible_to(request.user).select_related("journey"), uuid=uuid
        )
        url = step.journey.get_absolute_url() + f"#step-{step.uuid}"
        form = StepForm(request.POST, prefix=str(step.uuid))
        if not form.is_valid():
            messages.error(request, form_errors_text(form))
            return redirect(url)
        try:
            with request_actor(request):
                journeys.update_step(
                    request.user,
                    step,
                    status=form.cleaned_data["status"],
                    evidence=form.cleaned_data["evidence"],
                )
        except ValidationError as exc:
            return refused(request, exc, url)
        messages.success(request, _("Step updated."))
        return redirect(url)


class JourneyStartView(StaffEditorMixin, View):
    def post(self, request, uuid):
        partnership = get_object_or_404(Partnership.objects.visible_to(request.user), uuid=uuid)
        form = StartJourneyForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors_text(form))
            return redirect(partnership.get_absolute_url())
        try:
            with request_actor(request):
                journey = journeys.start_journey(partnership, form.cleaned_data["template"])
        except ValidationError as exc:
            return refused(request, exc, partnership.get_absolute_url())
        messages.success(request, _("Onboarding journey started."))
        return redirect(journey.get_absolute_url())


class JourneyCancelView(StaffEditorMixin, View):
    def post(self, request, uuid):
        journey = get_object_or_404(Journey, uuid=uuid)
        if journey.status != "active":
            raise PermissionDenied
        with request_actor(request):
            journey.status = "cancelled"
            journey.save(update_fields=["status", "updated_at"])
        return redirect(reverse("partnership-detail", kwargs={"uuid": journey.partnership.uuid}))
