"""Exchange rates: staff list them; editors add, change, delete and import them. Partner users are refused."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from meute.core.views import FileImportView
from meute.lib import access
from meute.lib.views import FilteredListMixin, VisibleQuerysetMixin, request_actor, require_staff
from meute.money.filters import ExchangeRateFilter
from meute.money.forms import ExchangeRateForm, RateImportForm
from meute.money.importing import import_rates
from meute.money.models import ExchangeRate


class StaffOnlyMixin:
    """Operator staff only: a partner user gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_staff(request.user)
        return super().dispatch(request, *args, **kwargs)


class ExchangeRateListView(StaffOnlyMixin, FilteredListMixin, TemplateView):
    export_fields = ("from_currency", "to_currency", "rate", "valid_from")
    export_name = "exchange-rates"
    model = ExchangeRate
    filterset_class = ExchangeRateFilter
    template_name = "money/rate_list.html"
    partial_template_name = "money/rate_results.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = access.can_create(self.request.user, ExchangeRate)
        context["pivot"] = settings.MEUTE_EXCHANGE_PIVOT
        return context


class ExchangeRateFormView(StaffOnlyMixin, VisibleQuerysetMixin, TemplateView):
    """Add a rate (no ``uuid``) or change one."""

    model = ExchangeRate
    template_name = "money/rate_form.html"

    def get_rate(self):
        if "uuid" not in self.kwargs:
            access.require(access.can_create(self.request.user, ExchangeRate))
            return None
        rate = get_object_or_404(self.get_visible_queryset(), uuid=self.kwargs["uuid"])
        access.require(access.can_change(self.request.user, rate))
        return rate

    def get(self, request, *args, **kwargs):
        rate = self.get_rate()
        return self.render_to_response(
            self.get_context_data(form=ExchangeRateForm(instance=rate), object=rate)
        )

    def post(self, request, *args, **kwargs):
        rate = self.get_rate()
        form = ExchangeRateForm(request.POST, instance=rate)
        if form.is_valid():
            with request_actor(request):
                rate = form.save()
            messages.success(request, _("Exchange rate saved: %(rate)s.") % {"rate": rate})
            return redirect("exchangerate-list")
        return self.render_to_response(self.get_context_data(form=form, object=rate), status=422)


class ExchangeRateDeleteView(StaffOnlyMixin, VisibleQuerysetMixin, View):
    model = ExchangeRate

    def post(self, request, *args, **kwargs):
        rate = get_object_or_404(self.get_visible_queryset(), uuid=kwargs["uuid"])
        access.require(access.can_delete(request.user, rate))
        with request_actor(request):
            rate.delete()
        messages.success(request, _("Exchange rate deleted: %(rate)s.") % {"rate": rate})
        return redirect("exchangerate-list")


class ExchangeRateImportView(FileImportView):
    template_name = "money/rate_import.html"
    form_class = RateImportForm
    success_url_name = "exchangerate-list"
    valid_message = gettext_lazy(
        "The file is valid: %(count)s exchange rates would be imported (nothing written)."
    )
    imported_message = gettext_lazy("Imported %(count)s exchange rates.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_staff(request.user)
        return super().dispatch(request, *args, **kwargs)

    def run_import(self, upload, *, user, dry_run):
        return import_rates(upload.read(), filename=upload.name, user=user, dry_run=dry_run)
