"""Payout pages: rules with their versions, payouts list with status actions, statements, export.

Rows come from ``visible_to`` only: a partner user sees the rules of its own partnerships and the payouts
of its own organisation, never its co-members'. Rules are edited by the operator's editors and by the
coordinator of a grouping; payouts are approved, paid or held by the operator's editors.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from meute.core.models import Organization
from meute.deals.models import DealRegistration
from meute.lib.pagination import CappedCountPaginator
from meute.partnerships.models import Partnership
from meute.remuneration import payouts, periods, rule_versions, statements
from meute.remuneration.forms import (
    RULE_ROWS,
    ComputeForm,
    DealRemunerationForm,
    PayoutFilterForm,
    RuleFormSet,
    StatusActionForm,
    VersionForm,
    rule_initial,
)
from meute.remuneration.models import DealStepAssignment, Payout, RemunerationVersion


def _visible_partnership(user, uuid):
    return get_object_or_404(Partnership.objects.visible_to(user), uuid=uuid)


def _filtered(request, data):
    """The payouts ``request.user`` may see, filtered by ``data``; the bound form and the period.

    No filters at all (the page as the menu opens it) means this quarter's payouts, not none.
    """
    form = PayoutFilterForm(data if data is not None else {})
    queryset = Payout.objects.visible_to(request.user)
    period = periods.current_period()
    if form.is_valid():
        period = form.cleaned_data["period"]
        if form.cleaned_data["partnership"]:
            queryset = queryset.filter(partnership__uuid=form.cleaned_data["partnership"])
        member = form.cleaned_data["member"].strip()
        if member:
            queryset = queryset.filter(
                Q(organization__name__icontains=member) | Q(organization__siren=member)
            )
        if form.cleaned_data["status"]:
            queryset = queryset.filter(status=form.cleaned_data["status"])
    else:
        queryset = queryset.none()
    queryset = queryset.filter(deal_date__gte=period.start, deal_date__lt=period.end)
    return form, queryset, period


class PayoutListView(LoginRequiredMixin, View):
    template_name = "remuneration/payouts/payout_list.html"
    paginate_by = 50

    def get(self, request):
        form, queryset, period = _filtered(request, request.GET or None)
        totals = list(
            queryset.order_by()
            .values("currency", "status")
            .annotate(count=Count("pk"), total=Sum("amount"))
            .order_by("currency", "status")
        )
        page = CappedCountPaginator(
            queryset.select_related("deal", "organization", "partnership", "version").order_by(
                "-deal_date", "pk"
            ),
            self.paginate_by,
        ).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "filter_form": form,
            "period": period,
            "page_obj": page,
            "paginator": page.paginator,
            "object_list": page.object_list,
            "totals": totals,
            "can_change_status": rule_versions.can_change_status(request.user),
            "query": query.urlencode(),
            "compute_form": ComputeForm(initial={"period": period.label}),
            "action_form": StatusActionForm(),
        }
        return render(request, self.template_name, context)

    def post(self, request):
        if not rule_versions.can_change_status(request.user):
            raise PermissionDenied
        query = request.GET.copy()
        form = StatusActionForm(request.POST)
        back = f"{reverse('groupings:payout-list')}?{query.urlencode()}"
        if not form.is_valid():
            for error in form.non_field_errors() or [_("Choose an action.")]:
                messages.error(request, error)
            return HttpResponseRedirect(back)
        _form, queryset, _period = _filtered(request, query or None)
        if not form.cleaned_data["all_matching"]:
            queryset = queryset.filter(uuid__in=_uuids(request.POST.getlist("selected")))
        status = payouts.ACTIONS[form.cleaned_data["action"]]
        try:
            count = payouts.change_status(
                list(queryset), status, user=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(count)s payout(s) changed.") % {"count": count})
        return HttpResponseRedirect(back)


def _uuids(values):
    import uuid

    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found


class PayoutComputeView(LoginRequiredMixin, View):
    """Compute (or recompute) the payouts of a period, for one partnership or all; editors only."""

    def post(self, request):
        if not rule_versions.can_change_status(request.user):
            raise PermissionDenied
        form = ComputeForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(reverse("groupings:payout-list"))
        partnership = None
        if form.cleaned_data["partnership"]:
            partnership = _visible_partnership(request.user, form.cleaned_data["partnership"])
        result = payouts.compute_payouts(
            form.cleaned_data["period"], partnership=partnership, user=request.user
        )
        messages.success(
            request,
            _("%(deals)s won deals: %(created)s new payouts, %(updated)s updated, %(kept)s kept as they are.")
            % {
                "deals": result.deals,
                "created": result.created,
                "updated": result.updated,
                "kept": result.kept,
            },
        )
        for line in result.warning_lines():
            messages.warning(request, line)
        query = {"period": form.cleaned_data["period"].label}
        if partnership is not None:
            query["partnership"] = str(partnership.uuid)
        return HttpResponseRedirect(f"{reverse('groupings:payout-list')}?{urlencode(query)}")


class PayoutExportView(LoginRequiredMixin, View):
    def get(self, request):
        file_format = request.GET.get("format", "csv")
        if file_format not in statements.EXPORT_FORMATS:
            raise Http404
        form, queryset, period = _filtered(request, request.GET or None)
        if not form.is_valid():
            return HttpResponse(" ".join(str(e) for errs in form.errors.values() for e in errs), status=400)
        filename = f"payouts-{period.label}.{file_format}"
        if file_format == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        if file_format == "csv":
            import io

            buffer = io.StringIO()
            statements.export_payouts(queryset, "csv", buffer)
            response.write(buffer.getvalue().encode("utf-8"))
        else:
            statements.export_payouts(queryset, "xlsx", response)
        return response


class PayoutDetailView(LoginRequiredMixin, View):
    def get(self, request, uuid):
        payout = get_object_or_404(
            Payout.objects.visible_to(request.user).select_related(
                "deal", "organization", "partnership", "version"
            ),
            uuid=uuid,
        )
        payouts.explain([payout])
        return render(
            request,
            "remuneration/payouts/payout_detail.html",
            {"object": payout, "can_change_status": rule_versions.can_change_status(request.user)},
        )


class StatementView(LoginRequiredMixin, View):
    """A member's statement: a partner user gets its own organisation's; staff choose the member."""

    def get(self, request):
        user = request.user
        try:
            period = (
                periods.parse_period(request.GET.get("period"))
                if request.GET.get("period")
                else periods.current_period()
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            period = periods.current_period()
        member = request.GET.get("member")
        if user.is_partner_user:
            organization = user.organization
            if member and member != str(organization.uuid):
                raise Http404
        elif member:
            try:
                organization = get_object_or_404(Organization, uuid=member)
            except ValidationError as exc:
                raise Http404 from exc
        else:
            organization = None
        statement = (
            statements.statement(organization, period, user=user) if organization is not None else None
        )
        return render(
            request,
            "remuneration/payouts/statement.html",
            {"statement": statement, "period": period, "organization": organization},
        )


class RulesView(LoginRequiredMixin, View):
    """A partnership's rule versions, newest first, with the one in force today."""

    def get(self, request, uuid):
        partnership = _visible_partnership(request.user, uuid)
        versions = list(
            RemunerationVersion.objects.filter(partnership=partnership)
            .prefetch_related("rules")
            .annotate(settled=Count("payouts", filter=~Q(payouts__status="computed")))
            .order_by("-valid_from")
        )
        in_force = rule_versions.rules_in_force(partnership)
        return render(
            request,
            "remuneration/payouts/rules.html",
            {
                "partnership": partnership,
                "versions": versions,
                "in_force": in_force,
                "can_manage": rule_versions.can_manage_rules(request.user, partnership),
                "can_change_status": rule_versions.can_change_status(request.user),
                "compute_form": ComputeForm(initial={"period": periods.current_period().label}),
            },
        )


class VersionEditView(LoginRequiredMixin, View):
    """Add a version (``uuid`` is the partnership's) or edit one (``version`` is the version's uuid)."""

    template_name = "remuneration/payouts/version_form.html"

    def setup_objects(self, request, uuid=None, version=None):
        if version is not None:
            self.version = get_object_or_404(
                RemunerationVersion.objects.visible_to(request.user).select_related("partnership"),
                uuid=version,
            )
            self.partnership = self.version.partnership
        else:
            self.version = None
            self.partnership = _visible_partnership(request.user, uuid)
        if not rule_versions.can_manage_rules(request.user, self.partnership):
            raise PermissionDenied
        self.members = list(
            Organization.objects.filter(party_seats__partnership=self.partnership).order_by("name")
        )

    def forms(self, data=None):
        source = self.version or rule_versions.rules_in_force(self.partnership)
        initial, rules = {}, []
        if source is not None:
            initial = {
                "referral_min_rate": source.referral_min_rate,
                "referral_max_rate": source.referral_max_rate,
                "notes": source.notes if self.version else "",
            }
            if self.version:
                initial["valid_from"] = self.version.valid_from
            rules = [rule_initial(rule) for rule in source.rules.all()]
        rules += [{}] * max(0, RULE_ROWS - len(rules))
        version_form = VersionForm(data, initial=initial)
        formset = RuleFormSet(data, initial=rules, prefix="rules", form_kwargs={"members": self.members})
        return version_form, formset

    def render(self, request, version_form, formset, errors=()):
        return render(
            request,
            self.template_name,
            {
                "partnership": self.partnership,
                "version": self.version,
                "form": version_form,
                "formset": formset,
                "errors": errors,
                "members": self.members,
            },
        )

    def get(self, request, uuid=None, version=None):
        self.setup_objects(request, uuid, version)
        return self.render(request, *self.forms())

    def post(self, request, uuid=None, version=None):
        self.setup_objects(request, uuid, version)
        version_form, formset = self.forms(request.POST)
        if not (version_form.is_valid() and formset.is_valid()):
            return self.render(request, version_form, formset)
        data = version_form.cleaned_data
        try:
            rule_versions.save_version(
                self.partnership,
                valid_from=data["valid_from"],
                rules=formset.rules(),
                user=request.user,
                version=self.version,
                referral_min_rate=data["referral_min_rate"],
                referral_max_rate=data["referral_max_rate"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            return self.render(request, version_form, formset, errors=exc.messages)
        messages.success(request, _("Remuneration rules saved."))
        return HttpResponseRedirect(reverse("groupings:payout-rules", kwargs={"uuid": self.partnership.uuid}))


class VersionDeleteView(LoginRequiredMixin, View):
    def post(self, request, version):
        item = get_object_or_404(
            RemunerationVersion.objects.visible_to(request.user).select_related("partnership"), uuid=version
        )
        try:
            rule_versions.delete_version(item, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Rule version deleted."))
        return HttpResponseRedirect(reverse("groupings:payout-rules", kwargs={"uuid": item.partnership.uuid}))


class DealRemunerationView(LoginRequiredMixin, View):
    """A deal's margin and sales-cycle steps, on which margin rules and role splits are computed.

    Editable by the operator's editors and the coordinator of the deal's grouping; read-only for the
    deal's other parties; 404 for everyone else.
    """

    template_name = "remuneration/payouts/deal_remuneration.html"

    def setup_objects(self, request, uuid):
        self.deal = get_object_or_404(
            DealRegistration.objects.visible_to(request.user).select_related("partnership", "customer"),
            uuid=uuid,
        )
        self.parties = list(self.deal.parties.select_related("organization").order_by("organization__name"))
        self.can_edit = rule_versions.can_manage_rules(request.user, self.deal.partnership)

    def render(self, request, form):
        return render(
            request,
            self.template_name,
            {"deal": self.deal, "form": form, "can_edit": self.can_edit, "parties": self.parties},
        )

    def form(self, data=None):
        assigned = DealStepAssignment.objects.filter(deal=self.deal).values_list("step", "organization__uuid")
        return DealRemunerationForm(
            data, initial={"margin": self.deal.margin}, parties=self.parties, assigned=list(assigned)
        )

    def get(self, request, uuid):
        self.setup_objects(request, uuid)
        return self.render(request, self.form())

    def post(self, request, uuid):
        self.setup_objects(request, uuid)
        if not self.can_edit:
            raise PermissionDenied
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(request, form)
        rule_versions.save_deal_remuneration(
            self.deal, margin=form.cleaned_data["margin"], assignments=form.assignments(), user=request.user
        )
        messages.success(
            request, _("The deal's remuneration data is saved; recompute its period to apply it.")
        )
        return HttpResponseRedirect(reverse("groupings:payout-deal", kwargs={"uuid": self.deal.uuid}))
