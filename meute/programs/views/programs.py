"""Programme pages: programmes and tiers, evaluation with proposals, revenue, business plans. Thin: the
rules live in ``tiering``, ``plans``, ``importing`` and the models."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from meute.core.views import history_context
from meute.lib import access
from meute.lib.deletion import ReferencedRecordError, delete_record
from meute.lib.gates import GatedMixin
from meute.lib.views import (
    VisibleObjectMixin,
    VisibleQuerysetMixin,
    request_actor,
    require_staff,
)
from meute.programs import rule_versions
from meute.programs.choices import ChangeStatus
from meute.programs.evaluation import (
    approve_change,
    benefit_warnings,
    explain_change,
    explain_evidence,
    program_tier_rules,
    reject_change,
    run_evaluation,
    simulate,
)
from meute.programs.forms import (
    CostFormSet,
    DecisionForm,
    EnrolForm,
    PartnerTypeFormSet,
    ProgramForm,
    TierForm,
)
from meute.programs.models import PartnerTier, Program, ProgramCost, TierChange

MEMBERS_PER_PAGE = 25  # a programme of 8,000 partners lists its members a page at a time


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
            benefit_warnings=[w.message for w in benefit_warnings(program, tiers=tiers)],
            partner_types=list(program.partner_types.all()),
            cost_years=sorted(cost_years.items()),
            members_page=Paginator(members, MEMBERS_PER_PAGE).get_page(self.request.GET.get("members")),
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
            for warning in benefit_warnings(program, tier):
                messages.warning(request, warning)
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
        proposals = list(changes.filter(status=ChangeStatus.PROPOSED).select_related(*related))
        for change in proposals:
            # The stored text is in the language of whoever ran the evaluation; the evidence is data.
            change.reason = explain_change(change.evidence) or change.explanation
        kwargs.update(
            proposals=proposals,
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
