from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from meute.core.views import history_context
from meute.lib import access
from meute.lib.views import (
    VisibleObjectMixin,
    add_form_errors,
    request_actor,
)
from meute.partnerships.models import Partnership
from meute.programs import plans
from meute.programs.forms import (
    BusinessPlanForm,
    ObjectiveForm,
    VersionForm,
)
from meute.programs.models import BusinessPlan


class BusinessPlanDetailView(VisibleObjectMixin, TemplateView):
    model = BusinessPlan
    template_name = "programs/businessplan_detail.html"

    def get_base_queryset(self):
        return self.get_visible_queryset().select_related("partnership")

    def get_context_data(self, **kwargs):
        plan = self.get_object()
        versions = list(plan.versions.select_related("created_by").order_by("-number"))
        requested = self.request.GET.get("version")
        version = next((v for v in versions if str(v.number) == requested), versions[0] if versions else None)
        rows = plans.objective_rows(version) if version else []
        can_change = access.can_change(self.request.user, plan)
        is_current = bool(versions) and version == versions[0]
        kwargs.update(
            versions=versions,
            version=version,
            rows=rows,
            is_current=is_current,
            objective_form=ObjectiveForm(prefix="objective") if can_change and is_current else None,
            version_form=VersionForm(prefix="version") if can_change else None,
            history=history_context(plan),
        )
        return super().get_context_data(**kwargs)


class BusinessPlanFormView(LoginRequiredMixin, TemplateView):
    """Create a plan for a partnership (``?partnership=<uuid>``) or edit one."""

    template_name = "programs/businessplan_form.html"

    def get_objects(self):
        user = self.request.user
        if "uuid" in self.kwargs:
            plan = get_object_or_404(
                BusinessPlan.objects.visible_to(user).select_related("partnership"), uuid=self.kwargs["uuid"]
            )
            access.require(access.can_change(user, plan))
            return plan.partnership, plan
        access.require(access.can_create(user, BusinessPlan))
        try:
            partnership = get_object_or_404(
                Partnership.objects.visible_to(user), uuid=self.request.GET.get("partnership", "")
            )
        except ValidationError as exc:
            raise Http404 from exc
        existing = BusinessPlan.objects.filter(partnership=partnership).first()
        return partnership, existing

    def get(self, request, *args, **kwargs):
        partnership, plan = self.get_objects()
        if plan is not None and "uuid" not in kwargs:
            return redirect(plan)
        form = BusinessPlanForm(instance=plan)
        return self.render_to_response(self.get_context_data(partnership=partnership, object=plan, form=form))

    def post(self, request, *args, **kwargs):
        partnership, plan = self.get_objects()
        if plan is not None and "uuid" not in kwargs:
            return redirect(plan)
        form = BusinessPlanForm(request.POST, instance=plan or BusinessPlan(partnership=partnership))
        if form.is_valid():
            with request_actor(request):
                if plan is None:
                    plan = plans.create_plan(partnership, user=request.user, **form.cleaned_data)
                else:
                    plan = form.save()
            messages.success(request, _("Business plan saved."))
            return redirect(plan)
        context = self.get_context_data(partnership=partnership, object=plan, form=form)
        return self.render_to_response(context, status=422)


class ObjectiveAddView(VisibleObjectMixin, TemplateView):
    model = BusinessPlan
    http_method_names = ["post"]
    template_name = "programs/objective_form.html"

    def post(self, request, *args, **kwargs):
        plan = self.get_object()
        access.require(access.can_change(request.user, plan))
        version = plan.current_version
        form = ObjectiveForm(request.POST, prefix="objective")
        form.instance.version = version
        if form.is_valid():
            try:
                with request_actor(request):
                    plans.add_objective(version, **form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Objective added."))
                return redirect(plan)
        return self.render_to_response(self.get_context_data(form=form), status=422)


class VersionAddView(VisibleObjectMixin, TemplateView):
    model = BusinessPlan
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        plan = self.get_object()
        access.require(access.can_change(request.user, plan))
        form = VersionForm(request.POST, prefix="version")
        note = form.cleaned_data["note"] if form.is_valid() else ""
        with request_actor(request):
            version = plans.new_version(plan, note=note, user=request.user)
        messages.success(request, _("Version %(number)s created.") % {"number": version.number})
        return redirect(plan)
