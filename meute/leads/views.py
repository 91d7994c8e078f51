"""Lead pages: the staff list and lead page (with the routing explanation), the partner's portal
("Leads offered to you"), answers, closing, conversion into a deal, and the import. Every change goes
through ``meute.leads.workflow``; rows come from ``visible_to``."""

import uuid

from auditlog.context import set_actor
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from meute.core.importing import ImportFileError, ImportValidationError
from meute.core.views import history_context
from meute.lib.views import (
    ChangePermissionMixin,
    CreatePermissionMixin,
    FilteredListMixin,
    VisibleObjectMixin,
)

from . import routing, workflow
from .choices import LeadStatus, OfferStatus
from .filters import LeadFilter
from .forms import CloseForm, ConvertForm, DeclineForm, ImportForm, LeadForm
from .importing import import_leads
from .models import Lead, LeadOffer


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class LeadListView(FilteredListMixin, TemplateView):
    """The staff queue of leads; partner users go to their portal."""

    export_fields = (
        "company_name",
        "postal_code",
        "city",
        "territory",
        "sector",
        "amount",
        "currency",
        "created_at",
    )
    staff_export_fields = ("status", "partnership", "source")
    export_name = "leads"

    model = Lead
    filterset_class = LeadFilter
    template_name = "leads/lead_list.html"
    partial_template_name = "leads/partials/lead_results.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_partner_user:
            return redirect("lead-portal")
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return (
            self.get_visible_queryset()
            .select_related("territory", "partnership")
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        leads = list(context["object_list"])
        open_offers = {
            offer.lead_id: offer
            for offer in LeadOffer.objects.filter(lead__in=leads, status=OfferStatus.PENDING).select_related(
                "partnership"
            )
        }
        for lead in leads:
            lead.open_offer = open_offers.get(lead.pk)
        context.update(object_list=leads, can_manage=workflow.can_manage(self.request.user))
        return context


class LeadPortalView(LoginRequiredMixin, TemplateView):
    """A partner's leads: offers awaiting an answer, the leads it accepted, and its past answers."""

    template_name = "leads/portal.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_staff_member:
            return redirect("lead-list")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        offers = LeadOffer.objects.visible_to(user).select_related("lead", "lead__territory")
        kwargs.update(
            pending=list(offers.filter(status=OfferStatus.PENDING).order_by("deadline", "pk")),
            accepted=list(
                offers.filter(status=OfferStatus.ACCEPTED, lead__status__in=[LeadStatus.ACCEPTED]).order_by(
                    "-responded_at", "-pk"
                )
            ),
            past=list(
                offers.exclude(status=OfferStatus.PENDING)
                .exclude(status=OfferStatus.ACCEPTED, lead__status=LeadStatus.ACCEPTED)
                .order_by("-offered_at", "-pk")[:50]
            ),
            decline_form=DeclineForm(),
        )
        return super().get_context_data(**kwargs)


class LeadCreateView(CreatePermissionMixin, TemplateView):
    model = Lead
    template_name = "leads/lead_form.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=LeadForm(initial={"route_now": True})))

    def post(self, request, *args, **kwargs):
        form = LeadForm(request.POST)
        if form.is_valid():
            with set_actor(request.user), transaction.atomic():
                lead = form.save(commit=False)
                lead.created_by = request.user
                lead.save()
                form.save_m2m()
            messages.success(request, _("Lead created."))
            if form.cleaned_data.get("route_now"):
                _route(request, lead)
            return redirect(lead)
        return self.render_to_response(self.get_context_data(form=form), status=422)


class LeadUpdateView(ChangePermissionMixin, TemplateView):
    model = Lead
    template_name = "leads/lead_form.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=LeadForm(instance=self.get_object())))

    def post(self, request, *args, **kwargs):
        form = LeadForm(request.POST, instance=self.get_object())
        if form.is_valid():
            with set_actor(request.user), transaction.atomic():
                lead = form.save()
            messages.success(request, _("Lead saved."))
            return redirect(lead)
        return self.render_to_response(self.get_context_data(form=form), status=422)


def _explanation(decision) -> dict:
    explanation = decision.explanation or {}
    counts = explanation.get("skipped_counts") or {}
    return {
        "decision": decision,
        "considered": explanation.get("considered"),
        "eligible": explanation.get("eligible"),
        "counts": [
            (routing.describe_reason(code), count)
            for code, count in sorted(counts.items(), key=lambda i: -i[1])
        ],
        "ranked": [
            {**entry, "why": routing.describe_ranked(entry)} for entry in explanation.get("ranked", [])
        ],
        "skipped": [
            {**entry, "why": routing.describe_skip(entry["code"], entry.get("params") or {})}
            for entry in explanation.get("skipped", [])
        ],
    }


class LeadDetailView(VisibleObjectMixin, TemplateView):
    model = Lead
    template_name = "leads/lead_detail.html"

    def get_base_queryset(self):
        return self.get_visible_queryset().select_related("territory", "sector", "partnership", "deal")

    def get_context_data(self, **kwargs):
        lead = self.get_object()
        user = self.request.user
        staff = user.is_staff_member
        offers = (
            LeadOffer.objects.visible_to(user)
            .filter(lead=lead)
            .select_related("partnership", "responded_by")
            .order_by("-offered_at", "-pk")
        )
        open_offer = next((o for o in offers if o.status == OfferStatus.PENDING), None)
        decisions, unassigned_reason = [], lead.unassigned_reason
        if staff:
            routed = list(lead.routing_decisions.select_related("chosen", "actor")[:10])
            decisions = [_explanation(d) for d in routed]
            if lead.status == LeadStatus.UNASSIGNED and routed and routed[0].chosen_id is None:
                # Written again from the decision, in the reader's language (the stored text is the router's).
                unassigned_reason = workflow.unassigned_summary(routed[0].explanation or {})
        own_accepted = lead.status == LeadStatus.ACCEPTED and (
            staff or workflow.is_partner_of(user, lead.partnership_id)
        )
        kwargs.update(
            staff=staff,
            product_lines=list(lead.product_lines.all()),
            offers=list(offers),
            open_offer=open_offer,
            can_answer=open_offer is not None
            and open_offer.deadline > timezone.now()
            and workflow.is_partner_of(user, open_offer.partnership_id),
            can_route=workflow.can_manage(user)
            and lead.status in (LeadStatus.NEW, LeadStatus.UNASSIGNED, LeadStatus.OFFERED),
            can_close=workflow.can_close(user, lead),
            can_convert=own_accepted and lead.deal_id is None and (workflow.can_manage(user) or not staff),
            show_assignment=own_accepted or staff,
            decisions=decisions,
            unassigned_reason=unassigned_reason,
            channel_partnerships=list(routing.channel_partnerships().order_by("name").only("uuid", "name"))
            if workflow.can_manage(user)
            else [],
            history=history_context(lead) if staff else [],
            decline_form=DeclineForm(),
            close_form=CloseForm(),
            convert_form=kwargs.get("convert_form") or ConvertForm(),
        )
        return super().get_context_data(**kwargs)


def _route(request, lead):
    try:
        offer = workflow.route(lead, request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return
    if offer is None:
        messages.warning(request, _("No eligible partner: the lead is unassigned."))
    else:
        messages.success(request, _("Lead offered to %(partnership)s.") % {"partnership": offer.partnership})


class LeadRouteView(VisibleObjectMixin, View):
    model = Lead

    def post(self, request, *args, **kwargs):
        lead = self.get_object()
        if not workflow.can_manage(request.user):
            raise PermissionDenied
        chosen = request.POST.get("partnership")
        if not chosen:
            _route(request, lead)
            return redirect(lead)
        partnership = routing.channel_partnerships().filter(uuid=chosen).first() if _is_uuid(chosen) else None
        if partnership is None:
            messages.error(request, _("Choose an active channel partnership."))
            return redirect(lead)
        try:
            workflow.offer_to(lead, partnership, request.user)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Lead offered to %(partnership)s.") % {"partnership": partnership})
        return redirect(lead)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class LeadCloseView(VisibleObjectMixin, View):
    model = Lead

    def post(self, request, *args, **kwargs):
        lead = self.get_object()
        form = CloseForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect(lead)
        try:
            workflow.close(lead, request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Lead closed."))
        return redirect(lead)


class LeadConvertView(VisibleObjectMixin, View):
    model = Lead

    def post(self, request, *args, **kwargs):
        lead = self.get_object()
        form = ConvertForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect(lead)
        try:
            deal = workflow.convert_to_deal(
                lead, request.user, form.cleaned_data["expected_close_date"], form.cleaned_data["amount"]
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return redirect(lead)
        messages.success(request, _("Lead registered as a deal."))
        return redirect(deal)


class OfferAnswerView(VisibleObjectMixin, View):
    """POST accept or decline on an offer the user may see (else 404); the workflow checks the rest."""

    model = LeadOffer

    def post(self, request, *args, **kwargs):
        offer = self.get_object()
        action = kwargs["action"]
        target = reverse("lead-portal") if request.user.is_partner_user else offer.lead.get_absolute_url()
        if action == "accept":
            try:
                workflow.accept(offer, request.user)
            except ValidationError as exc:
                messages.error(request, _errors(exc))
                return redirect(target)
            messages.success(request, _("Lead accepted: it is yours."))
            return redirect(offer.lead)
        if action != "decline":
            raise Http404
        form = DeclineForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say why you decline this lead."))
            return redirect(target)
        try:
            workflow.decline(offer, request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Lead declined."))
        return redirect(target)


class LeadImportView(CreatePermissionMixin, TemplateView):
    model = Lead
    template_name = "leads/lead_import.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=reverse("lead-list"), **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=ImportForm()))

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES)
        errors = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_leads(upload, filename=upload.name, user=request.user)
            except ImportValidationError as exc:
                form.add_error(None, str(exc))
                errors = [str(error) for error in exc.errors[:200]]
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(request, _("%(count)s lead(s) imported.") % {"count": result.created})
                if form.cleaned_data["route_now"]:
                    offered = 0
                    for lead in result.leads:
                        try:
                            offered += workflow.route(lead, request.user) is not None
                        except ValidationError:
                            continue  # routed meanwhile by someone else
                    messages.info(request, _("%(count)s lead(s) offered to partners.") % {"count": offered})
                return redirect("lead-list")
        return self.render_to_response(self.get_context_data(form=form, errors=errors), status=422)
