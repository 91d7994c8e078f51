"""Deal pages: the list (the managers' review queue), registration with a live conflict hint, the deal page
with its decisions and history. Every change goes through ``meute.deals.workflow``."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_countries.fields import Country

from meute.core.views import history_context
from meute.lib import access
from meute.lib.gates import GatedMixin
from meute.lib.throttling import ConflictCheckThrottle
from meute.lib.views import CreatePermissionMixin, FilteredListMixin, VisibleObjectMixin

from . import conflicts, evidence, review, training, workflow
from .choices import DealStage, MatchLevel
from .filters import DealFilter
from .forms import CheckForm, ExtendForm, ReasonForm, RegistrationForm
from .models import DealParty, DealRegistration, MatcherWeights


def _apply_validation_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class DealListView(FilteredListMixin, TemplateView):
    export_fields = (
        "title",
        "partnership",
        "amount",
        "currency",
        "expected_close_date",
        "stage",
        "submitted_at",
        "protection_end",
    )
    staff_export_fields = ("registered_by", "conflict_level", "conflict_score", "reviewer")
    export_name = "deals"
    model = DealRegistration
    filterset_class = DealFilter
    template_name = "deals/deal_list.html"
    partial_template_name = "deals/partials/deal_results.html"

    def get_base_queryset(self):
        return (
            self.get_visible_queryset()
            .select_related("partnership", "customer")
            .order_by("-submitted_at", "-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        kwargs["can_review"] = workflow.can_review(self.request.user)
        return super().get_context_data(**kwargs)


class DealCreateView(GatedMixin, CreatePermissionMixin, TemplateView):
    model = DealRegistration
    template_name = "deals/deal_form.html"

    def get(self, request, *args, **kwargs):
        # Choosing the partnership reloads the form (htmx) with what was typed, offering only what that
        # partnership allows; ``?partnership=`` alone does the same without JavaScript.
        initial = {}
        if request.GET.get("partnership"):
            initial = {name: request.GET.get(name) for name in request.GET if name != "product_lines"}
            initial["product_lines"] = request.GET.getlist("product_lines")
        form = RegistrationForm(user=request.user, initial=initial)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = RegistrationForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                deal, created = workflow.register(
                    request.user,
                    form.cleaned_data["partnership"],
                    form.to_data(),
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    # Registering answers the conflict check too: it spends the same budget.
                    withhold_hint=not ConflictCheckThrottle().allow_request(request, self),
                )
            except ValidationError as exc:
                _apply_validation_error(form, exc)
            except PermissionDenied as exc:
                form.add_error("partnership", str(exc))
            else:
                if created:
                    messages.success(
                        request,
                        _("Deal registered: %(stage)s.") % {"stage": deal.get_stage_display().lower()},
                    )
                    if deal.conflict_hint_withheld:
                        messages.warning(
                            request,
                            _(
                                "Too many conflict checks in a short time: this registration does not show "
                                "its conflict level and waits for a channel manager's review."
                            ),
                        )
                return redirect(deal)
        return self.render_to_response(self.get_context_data(form=form), status=422)


class DealCheckView(LoginRequiredMixin, TemplateView):
    """The live conflict hint of the registration form (htmx). Partners learn no one else's details."""

    template_name = "deals/partials/conflict_hint.html"

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        context = {"hint": None, "details": None}
        throttle = ConflictCheckThrottle()
        if not throttle.allow_request(request, self):
            # 200, not 429: htmx swaps only successful responses, and the partner must read why.
            context["throttled"] = max(1, round(throttle.wait() or 1))
            return self.render_to_response(context)
        form = CheckForm(request.POST, user=request.user)
        if form.is_valid():
            result = workflow.check_for(form.cleaned_data["partnership"], form.to_data())
            context["hint"] = conflicts.partner_hint(result)
            if request.user.is_staff_member:
                context["details"] = _readable(result.as_dict())
        elif "partnership" in form.errors and request.POST.get("partnership"):
            return self.render_to_response(context, status=404)
        return self.render_to_response(context)


def _readable(stored: dict) -> dict:
    """The stored evidence with each field's outcome, the match level and the claims' stages in words, in
    the reader's language."""
    if not stored:
        return stored
    levels, stages = dict(MatchLevel.choices), dict(DealStage.choices)
    candidates = []
    for candidate in stored.get("candidates", []):
        items = [
            {**item, "words": evidence.describe(item), "bits": item.get("weight")}
            for item in candidate.get("evidence", [])
        ]
        claims = [
            {**claim, "stage_label": stages.get(claim.get("stage"), "")}
            for claim in candidate.get("claims", [])
        ]
        candidates.append(
            {
                **candidate,
                "evidence": items,
                "claims": claims,
                "level_label": levels.get(candidate.get("level"), candidate.get("level")),
            }
        )
    issues = [
        issue.get("message", "") if isinstance(issue, dict) else issue
        for issue in stored.get("boundary_issues", [])
    ]
    return {**stored, "candidates": candidates, "boundary_issues": issues}


class DealDetailView(VisibleObjectMixin, TemplateView):
    model = DealRegistration
    template_name = "deals/deal_detail.html"

    def get_base_queryset(self):
        return self.get_visible_queryset().select_related(
            "partnership", "customer", "reviewer", "registered_by"
        )

    def get_context_data(self, **kwargs):
        deal = self.get_object()
        user = self.request.user
        reviewer = workflow.can_review(user)
        changeable = access.can_change(user, deal)
        customer = deal.registered_customer()
        kwargs.update(
            customer=customer,
            customer_country=Country(customer["country"]).name if customer["country"] else "",
            # Staff also see the shared record the registration was matched to, when it reads differently.
            shared_customer=deal.customer
            if user.is_staff_member and deal.customer.name != customer["name"]
            else None,
            product_lines=list(deal.product_lines.all()),
            parties=list(DealParty.objects.filter(deal=deal).select_related("organization")),
            history=history_context(deal),
            can_review=reviewer and deal.stage == DealStage.SUBMITTED,
            can_extend=reviewer and deal.stage == DealStage.APPROVED,
            can_request_extension=changeable
            and not user.is_staff_member
            and deal.stage == DealStage.APPROVED
            and deal.extension_requested_at is None
            and deal.extension_count < workflow.MAX_EXTENSIONS,
            can_close=changeable and deal.stage == DealStage.APPROVED,
            can_lose=changeable and deal.stage in (DealStage.SUBMITTED, DealStage.APPROVED),
            can_submit=changeable and deal.stage == DealStage.DRAFT,
            can_verify_margin=reviewer and deal.margin_declared,
            can_verify_won=reviewer and deal.won_declared,
            evidence=_readable(deal.conflict_evidence) if user.is_staff_member else None,
            claims=review.claims_on_customer(deal, user) if user.is_staff_member else [],
            hint_withheld=deal.conflict_hint_withheld and not user.is_staff_member,
            reason_form=kwargs.get("reason_form") or ReasonForm(),
            extend_form=ExtendForm(),
        )
        return super().get_context_data(**kwargs)


ACTIONS = {
    "approve": (
        lambda deal, user, form: workflow.approve(deal, user, form.cleaned_data["reason"]),
        ReasonForm,
    ),
    "reject": (lambda deal, user, form: workflow.reject(deal, user, form.cleaned_data["reason"]), ReasonForm),
    "extend": (
        lambda deal, user, form: workflow.extend(
            deal, user, form.cleaned_data["days"], form.cleaned_data["reason"]
        ),
        ExtendForm,
    ),
    "request-extension": (
        lambda deal, user, form: workflow.request_extension(deal, user, form.cleaned_data["reason"]),
        ReasonForm,
    ),
    "decline-extension": (
        lambda deal, user, form: workflow.decline_extension(deal, user, form.cleaned_data["reason"]),
        ReasonForm,
    ),
    "won": (lambda deal, user, form: workflow.mark_won(deal, user), ReasonForm),
    "lost": (
        lambda deal, user, form: workflow.mark_lost(deal, user, form.cleaned_data["reason"]),
        ReasonForm,
    ),
    "submit": (lambda deal, user, form: workflow.submit_deal(deal, user), ReasonForm),
    "verify-margin": (lambda deal, user, form: workflow.verify_margin(deal, user), ReasonForm),
    "verify-won": (lambda deal, user, form: workflow.verify_won(deal, user), ReasonForm),
}


class DealActionView(VisibleObjectMixin, View):
    """POST one decision on a visible deal (else 404); the workflow refuses what the user may not do (403)."""

    model = DealRegistration

    def post(self, request, *args, **kwargs):
        if kwargs["action"] not in ACTIONS:
            raise Http404
        deal = self.get_object()
        function, form_class = ACTIONS[kwargs["action"]]
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect(deal)
        try:
            deal = function(deal, request.user, form)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Registration %(stage)s.") % {"stage": deal.get_stage_display().lower()}
            )
        return redirect(deal)


class MatcherWeightsView(LoginRequiredMixin, TemplateView):
    """Staff: the weights the conflict check uses (version, per field and level), and earlier versions."""

    template_name = "deals/matcher_weights.html"

    def get_context_data(self, **kwargs):
        if not self.request.user.is_staff_member:
            raise PermissionDenied
        weights = training.weights_in_force()
        kwargs.update(
            weights=weights,
            rows=weights.rows(),
            versions=list(
                MatcherWeights.objects.visible_to(self.request.user).select_related("trained_by")[:20]
            ),
            same_threshold=evidence.SAME_THRESHOLD,
            possible_threshold=evidence.POSSIBLE_THRESHOLD,
        )
        return super().get_context_data(**kwargs)
