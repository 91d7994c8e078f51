"""Fund pages: the balances (partner: its own; staff: everyone's, with the allocation forms), one fund with
its ledger, requests with their decision and claim, proof downloads, and the ROI per activity type and
partner. Every state change goes through ``workflow``, ``allocation`` or ``roi``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from meute.enablement.uploads import private_response
from meute.lib import access, exports
from meute.lib.charts import bar_chart
from meute.lib.views import VisibleObjectMixin, VisibleQuerysetMixin, add_form_errors, request_actor

from . import allocation as allocating
from . import roi, use, workflow
from .choices import EDITABLE_REQUEST_STATES, ActivityType, ClaimStatus, RequestStatus
from .forms import (
    AllocatePeriodForm,
    AllocationForm,
    AttributeDealForm,
    ClaimDecisionForm,
    ClaimForm,
    DecisionForm,
    FundRequestForm,
    PaidForm,
)
from .ledger import Balance, balance_of, balances
from .models import Claim, FundAllocation, FundEntry, FundRequest, ProofFile


def _with_balances(allocations):
    allocations = list(allocations)
    found = balances([a.pk for a in allocations])
    for item in allocations:
        item.balance = found.get(item.pk, Balance())
        total = (item.balance.allocated + max(item.balance.carried_over, 0)) or 1
        item.shares = {
            name: round(100 * float(getattr(item.balance, name)) / float(total))
            for name in ("committed", "claimed", "paid", "expired")
        }
    return allocations


def _export_links(request):
    query = request.GET.copy()
    links = []
    for file_format in exports.FORMATS:
        query["export"] = file_format
        links.append((file_format.upper(), f"{request.path}?{query.urlencode()}"))
    return links


class FundsOverviewView(VisibleQuerysetMixin, TemplateView):
    """Partner: its funds and requests. Staff: every fund's balance, the review queue, the allocation
    forms."""

    model = FundAllocation
    template_name = "funds/overview.html"

    def _period_funds(self):
        allocations = self.get_visible_queryset()
        period = self.request.GET.get("period", "")
        return (allocations.filter(period=int(period)) if period.isdigit() else allocations), period

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("export")
        if file_format in exports.FORMATS:
            # Fund use per partner and period, as the chart shows it, for the reader's own funds only.
            rows = use.fund_use(self._period_funds()[0])
            return exports.table_response(
                file_format, "fund-use", use.export_headers(), use.export_rows(rows)
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        funds, period = self._period_funds()
        allocations = funds.select_related("partnership", "program")
        allocations = _with_balances(allocations.order_by("-period", "partnership__name")[:300])
        requests = FundRequest.objects.visible_to(user).select_related("allocation__partnership")
        if user.is_staff_member:
            requests = requests.filter(status=RequestStatus.SUBMITTED)
            claims = Claim.objects.visible_to(user).filter(
                status__in=[ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.PARTIALLY_APPROVED]
            )
        else:
            claims = Claim.objects.visible_to(user)
        may_allocate = allocating.may_allocate(user)
        kwargs.setdefault("allocation_form", AllocationForm(user=user) if may_allocate else None)
        kwargs.setdefault("period_form", AllocatePeriodForm() if may_allocate else None)
        kwargs.update(
            allocations=allocations,
            requests=list(requests.order_by("-created_at")[:100]),
            claims=list(
                claims.select_related("request__allocation__partnership").order_by("-created_at")[:100]
            ),
            can_request=access.can_create(user, FundRequest),
            selected_period=period,
            use_chart=use.use_chart(use.fund_use(funds)),
            export_links=_export_links(self.request),
            periods=sorted(set(self.get_visible_queryset().values_list("period", flat=True)), reverse=True),
        )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        user = request.user
        access.require(allocating.may_allocate(user))
        if request.POST.get("action") == "period":
            form = AllocatePeriodForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(period_form=form), status=400)
            with request_actor(request):
                run = allocating.allocate_period(
                    form.cleaned_data["period"], user=user, program=form.cleaned_data["program"]
                )
            messages.success(
                request,
                _("%(done)s allocations set by tier rule, %(skipped)s left out.")
                % {"done": len(run.allocated), "skipped": len(run.skipped)},
            )
            return redirect("funds:fund-overview")
        form = AllocationForm(request.POST, user=user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with request_actor(request):
                    fund = allocating.allocate(
                        data["partnership"],
                        data["program"],
                        data["period"],
                        user=user,
                        amount=data["amount"] if data["method"] == "manual" else None,
                        expires_on=data["expires_on"],
                        note=data["note"],
                    )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Allocation saved."))
                return redirect(fund.get_absolute_url())
        return self.render_to_response(self.get_context_data(allocation_form=form), status=400)


class AllocationDetailView(VisibleObjectMixin, TemplateView):
    model = FundAllocation
    template_name = "funds/allocation_detail.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("partnership", "program")

    def get_context_data(self, **kwargs):
        fund = self.get_object()
        kwargs.update(
            balance=balance_of(fund),
            entries=list(FundEntry.objects.filter(allocation=fund).select_related("request", "created_by")),
            requests=list(fund.requests.order_by("-created_at")),
            can_request=access.can_create(self.request.user, FundRequest),
        )
        return super().get_context_data(**kwargs)


class RequestFormView(VisibleQuerysetMixin, TemplateView):
    """Propose an activity (``uuid`` absent) or change one still a draft or sent back for changes."""

    model = FundRequest
    template_name = "funds/request_form.html"

    def get_instance(self):
        if "uuid" not in self.kwargs:
            access.require(access.can_create(self.request.user, FundRequest))
            return FundRequest()
        fund_request = get_object_or_404(self.get_visible_queryset(), uuid=self.kwargs["uuid"])
        access.require(access.can_change(self.request.user, fund_request))
        return fund_request

    def get(self, request, *args, **kwargs):
        instance = self.get_instance()
        initial = {}
        fund = (
            FundAllocation.objects.visible_to(request.user)
            .filter(uuid=request.GET.get("fund") or None)
            .first()
        )
        if fund is not None:
            initial = {"allocation": fund, "currency": fund.currency}
        form = FundRequestForm(instance=instance, initial=initial, user=request.user)
        return self.render_to_response(self.get_context_data(form=form, object=instance))

    def post(self, request, *args, **kwargs):
        instance = self.get_instance()
        form = FundRequestForm(request.POST, instance=instance, user=request.user)
        if form.is_valid():
            try:
                with request_actor(request):
                    fund_request = workflow.save_request(form.instance, request.user)
                    if request.POST.get("submit"):
                        workflow.submit_request(fund_request, request.user)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Request saved."))
                return redirect(fund_request.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, object=instance), status=400)


class RequestDetailView(VisibleObjectMixin, TemplateView):
    model = FundRequest
    template_name = "funds/request_detail.html"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("allocation__partnership", "allocation__program", "territory")
        )

    def get_context_data(self, **kwargs):
        fund_request = self.get_object()
        user = self.request.user
        decider = workflow.may_decide(user)
        claims = list(fund_request.claims.prefetch_related("proofs").order_by("-created_at"))
        live = next((c for c in claims if c.status != ClaimStatus.REJECTED), None)
        if fund_request.status == RequestStatus.SUBMITTED and decider:
            kwargs.setdefault("decision_form", DecisionForm())
        if fund_request.status == RequestStatus.APPROVED and live is None and access.can_create(user, Claim):
            kwargs.setdefault("claim_form", ClaimForm(initial={"currency": fund_request.allocation.currency}))
        if live is not None and decider:
            if live.status == ClaimStatus.SUBMITTED:
                kwargs.setdefault("claim_decision_form", ClaimDecisionForm())
            elif live.status in (ClaimStatus.APPROVED, ClaimStatus.PARTIALLY_APPROVED):
                kwargs.setdefault("paid_form", PaidForm())
        if fund_request.status == RequestStatus.APPROVED and (decider or user.is_partner_user):
            kwargs.setdefault("attribute_form", AttributeDealForm(user=user, fund_request=fund_request))
        kwargs.update(
            claims=claims,
            live_claim=live,
            editable=fund_request.status in EDITABLE_REQUEST_STATES and access.can_change(user, fund_request),
            cancellable=fund_request.status not in (RequestStatus.REJECTED, RequestStatus.CANCELLED)
            and live is None
            and access.can_change(user, fund_request),
            roi=roi.roi_of(FundRequest.objects.filter(pk=fund_request.pk)).get(fund_request.pk),
            attributions=list(fund_request.attributions.select_related("deal__customer")),
            balance=balance_of(fund_request.allocation),
        )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        fund_request = self.get_object()
        user = request.user
        action = request.POST.get("action", "")
        live = fund_request.claims.exclude(status=ClaimStatus.REJECTED).first()
        forms_by_action = {
            "approve": ("decision_form", DecisionForm),
            "changes": ("decision_form", DecisionForm),
            "reject": ("decision_form", DecisionForm),
            "claim": ("claim_form", ClaimForm),
            "approve_claim": ("claim_decision_form", ClaimDecisionForm),
            "reject_claim": ("claim_decision_form", ClaimDecisionForm),
            "paid": ("paid_form", PaidForm),
            "attribute": ("attribute_form", AttributeDealForm),
        }
        done = {
            "submit": _("Request sent for approval."),
            "cancel": _("Request cancelled."),
            "approve": _("Request approved: the amount is committed on the fund."),
            "changes": _("Request sent back for changes."),
            "reject": _("Request rejected."),
            "claim": _("Claim sent."),
            "approve_claim": _("Claim approved."),
            "reject_claim": _("Claim rejected."),
            "paid": _("Claim marked paid."),
            "attribute": _("Deal attributed to this activity."),
        }
        if action not in done:
            raise PermissionDenied
        form = None
        if action in forms_by_action:
            name, form_class = forms_by_action[action]
            extra = {"user": user, "fund_request": fund_request} if form_class is AttributeDealForm else {}
            form = (
                form_class(request.POST, request.FILES, **extra)
                if action == "claim"
                else form_class(request.POST, **extra)
            )
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(**{name: form}), status=400)
            data = form.cleaned_data
        try:
            with request_actor(request):
                if action == "submit":
                    workflow.submit_request(fund_request, user)
                elif action == "cancel":
                    workflow.cancel_request(fund_request, user)
                elif action == "approve":
                    workflow.approve_request(fund_request, user, data["amount"], data["note"])
                elif action == "changes":
                    workflow.request_changes(fund_request, user, data["note"])
                elif action == "reject":
                    workflow.reject_request(fund_request, user, data["note"])
                elif action == "claim":
                    workflow.submit_claim(
                        fund_request,
                        user,
                        amount=data["amount"],
                        currency=data["currency"].upper(),
                        proofs=form.proofs(),
                        leads=data["leads"],
                        opportunities=data["opportunities"],
                        note=data["note"],
                    )
                elif action == "attribute":
                    roi.attribute_deal(fund_request, data["deal"], user)
                elif live is None:
                    raise ValidationError(_("This request has no claim to decide."))
                elif action == "approve_claim":
                    workflow.approve_claim(
                        live,
                        user,
                        data["approved_amount"],
                        override_reason=data["override_reason"],
                        note=data["note"],
                    )
                elif action == "reject_claim":
                    workflow.reject_claim(live, user, data["note"])
                elif action == "paid":
                    workflow.mark_paid(live, user, data["payment_reference"])
        except ValidationError as exc:
            if form is None:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect(fund_request.get_absolute_url())
            add_form_errors(form, exc)
            return self.render_to_response(
                self.get_context_data(**{forms_by_action[action][0]: form}), status=400
            )
        messages.success(request, done[action])
        return redirect(fund_request.get_absolute_url())


class ProofDownloadView(VisibleObjectMixin, TemplateView):
    model = ProofFile

    def get(self, request, *args, **kwargs):
        proof = self.get_object()
        return private_response(proof.file, filename=proof.name, content_type=proof.content_type)


class RoiView(VisibleQuerysetMixin, TemplateView):
    """ROI per activity type and per partner (a partner sees its own activities only)."""

    model = FundRequest
    template_name = "funds/roi.html"

    def _requests(self):
        requests = self.get_visible_queryset()
        period = self.request.GET.get("period", "")
        return (requests.filter(allocation__period=int(period)) if period.isdigit() else requests), period

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("export")
        if file_format in exports.FORMATS:
            labels = dict(ActivityType.choices)
            by_type = roi.roi_by(self._requests()[0], lambda r: r.activity_type)
            headers = [
                _("Activity type"),
                _("Cost"),
                _("Deals registered"),
                _("Deals won"),
                _("Revenue won"),
                _("Cost per lead"),
                _("Revenue per euro spent"),
            ]
            rows = [
                [labels.get(key, key), v.cost, v.leads, v.won, v.revenue, v.cost_per_lead, v.revenue_per_euro]
                for key, v in sorted(by_type.items())
            ]
            return exports.table_response(file_format, "roi-per-activity-type", headers, rows)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        requests, period = self._requests()
        labels = dict(ActivityType.choices)
        by_type = roi.roi_by(requests, lambda r: r.activity_type)
        by_partner = roi.roi_by(requests, lambda r: r.allocation.partnership.name)
        per_activity = roi.roi_of(requests)
        activities = list(requests.filter(pk__in=per_activity).select_related("allocation__partnership"))
        for activity in activities:
            activity.roi = per_activity[activity.pk]
        by_type = [(labels.get(key, key), value) for key, value in sorted(by_type.items())]
        kwargs.update(
            by_type=by_type,
            roi_chart=bar_chart(
                [(label, value.revenue_per_euro or 0) for label, value in by_type],
                title=_("Revenue per euro spent, per activity type"),
                value_label=_("Revenue per euro spent"),
                places=2,
                horizontal=True,
            ),
            export_links=_export_links(self.request),
            by_partner=sorted(by_partner.items()),
            activities=activities,
            selected_period=period,
            request_count=requests.aggregate(n=Count("pk"))["n"],
        )
        return super().get_context_data(**kwargs)
