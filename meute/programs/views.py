"""Programme pages: programmes and tiers, evaluation with proposals, revenue, business plans. Thin: the
rules live in ``tiering``, ``plans``, ``importing`` and the models."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from meute.core.views import FileImportView, history_context
from meute.lib import access
from meute.lib.deletion import ReferencedRecordError, delete_record
from meute.lib.gates import GatedMixin
from meute.lib.views import (
    FilteredListMixin,
    VisibleObjectMixin,
    VisibleQuerysetMixin,
    add_form_errors,
    request_actor,
    require_staff,
)
from meute.partnerships.models import Partnership

from . import plans, rule_versions
from .choices import ChangeStatus
from .filters import RevenueFilter
from .forms import (
    BusinessPlanForm,
    CostFormSet,
    DecisionForm,
    EnrolForm,
    ObjectiveForm,
    PartnerTypeFormSet,
    ProgramForm,
    RevenueImportForm,
    TierForm,
    VersionForm,
)
from .importing import import_revenue
from .models import BusinessPlan, PartnerTier, Program, ProgramCost, RevenueRecord, TierChange
from .tiering import (
    approve_change,
    explain_evidence,
    program_tier_rules,
    reject_change,
    run_evaluation,
    simulate,
)


class ProgramListView(GatedMixin, VisibleQuerysetMixin, TemplateView):
    model = Program
    template_name = "programs/program_list.html"

    def get_context_data(self, **kwargs):
        programs = self.get_visible_queryset().annotate(tier_count=Count("tiers", distinct=True))
        kwargs.update(programs=programs, can_create=access.can_create(self.request.user, Program))
        return super().get_context_data(**kwargs)


class ProgramDetailView(GatedMixin, VisibleObjectMixin, TemplateView):
    model = Program
    template_name = "programs/program_detail.html"

    def gate_program(self):
        return Program.objects.filter(uuid=self.kwargs["uuid"]).first()

    def get_context_data(self, **kwargs):
        program = self.get_object()
        user = self.request.user
        costs = list(ProgramCost.objects.visible_to(user).filter(program=program))
        cost_years = defaultdict(lambda: {"rows": [], "total": 0})
        for cost in costs:
            cost_years[cost.year]["rows"].append(cost)
            cost_years[cost.year]["total"] += cost.amount
        members = (
            PartnerTier.objects.visible_to(user)
            .filter(program=program)
            .select_related("partnership", "tier")
            .order_by("partnership__name")
        )
        tiers = rule_versions.with_rules_in_force(program.tiers.all())
        counts = dict(
            PartnerTier.objects.visible_to(user)
            .filter(program=program)
            .order_by()
            .values_list("tier_id")
            .annotate(n=Count("pk"))
        )
        for tier in tiers:
            tier.member_count = counts.get(tier.pk, 0)
        can_change = access.can_change(user, program)
        kwargs.update(
            tiers=tiers,
            partner_types=list(program.partner_types.all()),
            cost_years=sorted(cost_years.items()),
            members=list(members[:200]),
            member_total=members.count(),
            enrol_form=EnrolForm(program=program, user=user, prefix="enrol") if can_change else None,
            can_change=can_change,
            history=history_context(program),
        )
        return super().get_context_data(**kwargs)


class ProgramFormView(LoginRequiredMixin, TemplateView):
    """Create (no ``uuid``) or edit a programme with its admitted partner types and yearly costs."""

    template_name = "programs/program_form.html"

    def get_program(self):
        if "uuid" not in self.kwargs:
            access.require(access.can_create(self.request.user, Program))
            return None
        program = get_object_or_404(Program.objects.visible_to(self.request.user), uuid=self.kwargs["uuid"])
        access.require(access.can_change(self.request.user, program))
        return program

    def build(self, program):
        data = self.request.POST if self.request.method == "POST" else None
        instance = program or Program()
        return (
            ProgramForm(data, instance=program),
            PartnerTypeFormSet(data, instance=instance, prefix="types"),
            CostFormSet(data, instance=instance, prefix="costs"),
        )

    def get(self, request, *args, **kwargs):
        program = self.get_program()
        form, types, costs = self.build(program)
        return self.render_to_response(
            self.get_context_data(object=program, form=form, types=types, costs=costs)
        )

    def post(self, request, *args, **kwargs):
        program = self.get_program()
        form, types, costs = self.build(program)
        if form.is_valid() and types.is_valid() and costs.is_valid():
            with request_actor(request), transaction.atomic():
                program = form.save()
                types.instance = costs.instance = program
                types.save()
                costs.save()
            messages.success(request, _("Programme “%(name)s” saved.") % {"name": program})
            return redirect(program)
        context = self.get_context_data(object=program, form=form, types=types, costs=costs)
        return self.render_to_response(context, status=422)


class TierFormView(LoginRequiredMixin, TemplateView):
    template_name = "programs/tier_form.html"

    def get_objects(self):
        program = get_object_or_404(Program.objects.visible_to(self.request.user), uuid=self.kwargs["uuid"])
        access.require(access.can_change(self.request.user, program))
        tier = None
        if "tier_uuid" in self.kwargs:
            tier = get_object_or_404(program.tiers.all(), uuid=self.kwargs["tier_uuid"])
            rule_versions.load_rules_in_force(tier)
        return program, tier

    def get_context_data(self, **kwargs):
        tier = kwargs.get("tier")
        kwargs["scheduled"] = rule_versions.next_scheduled(tier) if tier is not None else None
        return super().get_context_data(**kwargs)

    def get(self, request, *args, **kwargs):
        program, tier = self.get_objects()
        form = TierForm(instance=tier, program=program)
        return self.render_to_response(self.get_context_data(program=program, tier=tier, form=form))

    def post(self, request, *args, **kwargs):
        program, tier = self.get_objects()
        if tier is not None and ("delete" in request.POST or "simulate_removal" in request.POST):
            return self.remove(request, program, tier)
        form = TierForm(request.POST, instance=tier, program=program)
        if "simulate" in request.POST:
            # What-if: the same engine over the changed rules, nothing saved.
            simulation = None
            if form.is_valid():
                simulation = simulate(program, program_tier_rules(program, replacing=form.instance))
            context = self.get_context_data(program=program, tier=tier, form=form, simulation=simulation)
            return self.render_to_response(context, status=200 if simulation else 422)
        if form.is_valid():
            with request_actor(request), transaction.atomic():
                tier = form.save()
            messages.success(request, _("Tier “%(name)s” saved.") % {"name": tier})
            return redirect(program)
        return self.render_to_response(
            self.get_context_data(program=program, tier=tier, form=form), status=422
        )

    def remove(self, request, program, tier):
        """Simulate the removal (who would move, at what cost), or delete a tier nobody holds or held."""
        access.require(access.can_delete(request.user, tier))
        form = TierForm(instance=tier, program=program)
        if "simulate_removal" in request.POST:
            simulation = simulate(program, program_tier_rules(program, removing=tier))
            return self.render_to_response(
                self.get_context_data(program=program, tier=tier, form=form, simulation=simulation)
            )
        try:
            with request_actor(request), transaction.atomic():
                delete_record(tier)
        except ReferencedRecordError as exc:
            context = self.get_context_data(program=program, tier=tier, form=form, delete_error=str(exc))
            return self.render_to_response(context, status=409)
        messages.success(request, _("Tier “%(name)s” deleted.") % {"name": tier.name})
        return redirect(program)


class EnrolView(VisibleObjectMixin, TemplateView):
    model = Program
    http_method_names = ["post"]
    template_name = "programs/enrol_form.html"

    def post(self, request, *args, **kwargs):
        program = self.get_object()
        access.require(access.can_change(request.user, program))
        form = EnrolForm(request.POST, program=program, user=request.user, prefix="enrol")
        if form.is_valid():
            with request_actor(request):
                member = form.save()
            messages.success(
                request, _("%(partnership)s joined the programme.") % {"partnership": member.partnership}
            )
            return redirect(program)
        return self.render_to_response(self.get_context_data(form=form), status=422)


class EvaluationView(VisibleObjectMixin, TemplateView):
    """Run the evaluation of a programme and decide the proposals it made (staff only)."""

    model = Program
    template_name = "programs/evaluation.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_staff(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        program = self.get_object()
        changes = TierChange.objects.visible_to(self.request.user).filter(program=program)
        related = ("partnership", "from_tier", "to_tier", "decided_by")
        kwargs.update(
            proposals=list(changes.filter(status=ChangeStatus.PROPOSED).select_related(*related)),
            decided=list(changes.exclude(status=ChangeStatus.PROPOSED).select_related(*related)[:50]),
            grace=list(
                PartnerTier.objects.visible_to(self.request.user)
                .filter(program=program, grace_until__isnull=False)
                .select_related("partnership", "tier")
            ),
            can_decide=access.can_change(self.request.user, program),
            has_tiers=program.tiers.exists(),
        )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        program = self.get_object()
        access.require(access.can_change(request.user, program))
        try:
            with request_actor(request):
                summary = run_evaluation(program, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("program-evaluation", uuid=program.uuid)
        values = {
            "count": len(summary.outcomes),
            "promote": summary.count("promote"),
            "demote": summary.count("demote"),
            "grace": summary.count("grace_started"),
        }
        messages.success(
            request,
            _(
                "%(count)s partners evaluated: %(promote)s promotions, %(demote)s demotions, "
                "%(grace)s new grace periods."
            )
            % values,
        )
        conversion = summary.conversion
        for line in conversion.lines() if conversion else []:
            if conversion.missing:
                messages.warning(request, line)
            else:
                messages.info(request, line)
        return redirect("program-evaluation", uuid=program.uuid)


class ChangeDetailView(VisibleObjectMixin, TemplateView):
    """A tier change with its evidence: visible to staff and to the partner concerned only."""

    model = TierChange
    template_name = "programs/change_detail.html"

    def get_base_queryset(self):
        return self.get_visible_queryset().select_related("program", "partnership", "from_tier", "to_tier")

    def get_context_data(self, **kwargs):
        kwargs["decision_form"] = DecisionForm()
        kwargs["checks"] = explain_evidence(self.get_object().evidence)
        kwargs["can_decide"] = self.get_object().status == ChangeStatus.PROPOSED and access.can_change(
            self.request.user, self.get_object()
        )
        return super().get_context_data(**kwargs)


class ChangeDecisionView(VisibleObjectMixin, TemplateView):
    model = TierChange
    http_method_names = ["post"]
    approve = True

    def post(self, request, *args, **kwargs):
        change = self.get_object()
        access.require(access.can_change(request.user, change))
        form = DecisionForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        decide = approve_change if self.approve else reject_change
        try:
            with request_actor(request):
                decide(change, request.user, note)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if self.approve:
                messages.success(request, _("Tier change approved and applied."))
            else:
                messages.success(request, _("Tier change rejected."))
        return redirect("program-evaluation", uuid=change.program.uuid)


class RevenueListView(FilteredListMixin, TemplateView):
    model = RevenueRecord
    filterset_class = RevenueFilter
    template_name = "programs/revenue_list.html"
    partial_template_name = "programs/partials/revenue_results.html"

    def get_base_queryset(self):
        return self.get_visible_queryset().select_related("partnership", "product_line")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        totals = context["filterset"].qs.order_by().values("currency").annotate(total=Sum("amount"))
        context.update(
            totals=list(totals.order_by("currency")),
            can_import=access.can_create(self.request.user, RevenueRecord) and self.request.user.can_edit_all,
            import_form=RevenueImportForm(),
        )
        return context


class RevenueImportView(FileImportView):
    template_name = "programs/revenue_import.html"
    form_class = RevenueImportForm
    success_url_name = "revenue-list"
    valid_message = gettext_lazy("The file is valid: %(count)s records would be imported (nothing written).")
    imported_message = gettext_lazy("Imported %(count)s revenue records.")

    def run_import(self, upload, *, user, dry_run):
        return import_revenue(upload.read(), filename=upload.name, user=user, dry_run=dry_run)


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
