"""Partner metrics for the operator's staff: the filtered list, one metric's form, deletion, and the import
of a file (all rows or nothing). Partner users see their own metrics on their organisation's page only."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from meute.core.views import FileImportView, StaffEditorMixin
from meute.lib import access
from meute.lib.views import FilteredListMixin, request_actor
from meute.programs import figures
from meute.programs.filters import PartnerMetricFilter, RevenueFilter
from meute.programs.forms import (
    MetricImportForm,
    PartnerMetricForm,
    RevenueImportForm,
)
from meute.programs.importing import import_revenue
from meute.programs.metrics import import_metrics, known_codes
from meute.programs.models import PartnerMetric, RevenueRecord


class MetricListView(FilteredListMixin, TemplateView):
    export_fields = ("partnership", "metric", "period", "value")
    export_name = "metrics"
    model = PartnerMetric
    filterset_class = PartnerMetricFilter
    template_name = "programs/metric_list.html"
    partial_template_name = "programs/partials/metric_results.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff_member:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return self.get_visible_queryset().select_related("partnership").order_by("-period", "metric", "pk")

    def get_context_data(self, **kwargs):
        kwargs["can_edit"] = self.request.user.can_edit_all
        return super().get_context_data(**kwargs)


class MetricFormView(StaffEditorMixin, TemplateView):
    """Record a metric (no ``uuid``) or correct one."""

    template_name = "programs/metric_form.html"

    def get_metric(self):
        if "uuid" not in self.kwargs:
            return None
        return get_object_or_404(
            PartnerMetric.objects.visible_to(self.request.user).select_related("partnership"),
            uuid=self.kwargs["uuid"],
        )

    def render_form(self, form, metric, status=200):
        context = self.get_context_data(form=form, object=metric, codes=known_codes())
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        metric = self.get_metric()
        initial = {}
        if metric is None and request.GET.get("partnership"):
            initial["partnership"] = request.GET["partnership"]
        return self.render_form(
            PartnerMetricForm(instance=metric, user=request.user, initial=initial), metric
        )

    def post(self, request, *args, **kwargs):
        metric = self.get_metric()
        form = PartnerMetricForm(request.POST, instance=metric, user=request.user)
        if form.is_valid():
            with request_actor(request):
                saved = form.save()
            messages.success(
                request,
                _("Metric “%(metric)s” of %(partnership)s saved.")
                % {"metric": saved.metric, "partnership": saved.partnership},
            )
            return redirect("partnermetric-list")
        return self.render_form(form, metric, status=422)


class MetricDeleteView(StaffEditorMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, uuid):
        metric = get_object_or_404(PartnerMetric.objects.visible_to(request.user), uuid=uuid)
        with request_actor(request):
            metric.delete()
        messages.success(request, _("Metric removed: %(metric)s.") % {"metric": metric})
        return redirect("partnermetric-list")


class MetricImportView(FileImportView):
    template_name = "programs/metric_import.html"
    form_class = MetricImportForm
    success_url_name = "partnermetric-list"
    valid_message = gettext_lazy("The file is valid: %(count)s metrics would be imported (nothing written).")
    imported_message = gettext_lazy("Imported %(count)s partner metrics.")

    def run_import(self, upload, *, user, dry_run):
        return import_metrics(upload.read(), filename=upload.name, user=user, dry_run=dry_run)


class RevenueListView(FilteredListMixin, TemplateView):
    export_fields = (
        "partnership",
        "period",
        "product_line",
        "customer_name",
        "amount",
        "currency",
        "is_credit_note",
        "source",
        "reference",
    )
    export_name = "revenue"
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
            can_verify=figures.can_verify(self.request.user),
        )
        return context


class RevenueDecisionView(StaffEditorMixin, View):
    """Verify (or reject, with a reason) the declared records ticked on the list: all or none."""

    http_method_names = ["post"]

    def post(self, request):
        wanted = request.POST.getlist("records")
        try:
            records = list(RevenueRecord.objects.visible_to(request.user).filter(uuid__in=wanted))
        except ValidationError:
            records = []
        if not wanted or len(records) != len(set(wanted)):
            messages.error(request, _("Tick the declared records to decide."))
            return redirect("revenue-list")
        try:
            with request_actor(request):
                if request.POST.get("decision") == "reject":
                    count = figures.reject(records, request.user, request.POST.get("reason", ""))
                    message = _("%(count)s records rejected.")
                else:
                    count = figures.verify(records, request.user)
                    message = _("%(count)s records verified: they count from now on.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, message % {"count": count})
        return redirect(reverse("revenue-list") + "?status=declared")


class RevenueImportView(FileImportView):
    template_name = "programs/revenue_import.html"
    form_class = RevenueImportForm
    success_url_name = "revenue-list"
    valid_message = gettext_lazy("The file is valid: %(count)s records would be imported (nothing written).")
    imported_message = gettext_lazy("Imported %(count)s revenue records.")

    def run_import(self, upload, *, user, dry_run):
        return import_revenue(upload.read(), filename=upload.name, user=user, dry_run=dry_run)
