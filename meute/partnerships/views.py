"""Partnership pages: list, page, create with parties, edit, add and remove a party."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, UpdateView

from meute.core.models import Organization
from meute.core.views import RecordDeleteView, history_context
from meute.lib import access
from meute.lib.views import (
    ChangePermissionMixin,
    CreatePermissionMixin,
    FilteredListMixin,
    VisibleObjectMixin,
    VisibleQuerysetMixin,
)

from .choices import PartyRole
from .filters import PartnershipFilter
from .forms import AddPartyForm, PartnershipForm, PartyFormSet
from .models import Partnership, PartnershipParty
from .parties import create_partnership, remove_party, require_generic_door


def _parties_prefetch():
    return Prefetch(
        "parties",
        queryset=PartnershipParty.objects.select_related("organization", "alliance_manager").order_by(
            "role", "organization__name"
        ),
    )


def _apply_validation_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class PartnershipListView(FilteredListMixin, TemplateView):
    export_fields = ("name", "kind", "collaboration_model", "stage", "status", "start_date", "end_date")
    export_name = "partnerships"
    model = Partnership
    filterset_class = PartnershipFilter
    template_name = "partnerships/partnership_list.html"
    partial_template_name = "partnerships/partials/partnership_results.html"

    def get_base_queryset(self):
        return self.get_visible_queryset().prefetch_related(_parties_prefetch())


class PartnershipDetailView(VisibleObjectMixin, TemplateView):
    model = Partnership
    template_name = "partnerships/partnership_detail.html"

    def get_base_queryset(self):
        return self.get_visible_queryset().prefetch_related(
            _parties_prefetch(), "territories", "product_lines", "sectors"
        )

    def get_context_data(self, **kwargs):
        partnership = self.get_object()
        user = self.request.user
        parties = list(partnership.parties.all())
        # Partner users see their co-parties' names, but only open the pages of what they may see.
        visible_ids = set(
            Organization.objects.visible_to(user)
            .filter(pk__in=[p.organization_id for p in parties])
            .values_list("pk", flat=True)
        )
        for party in parties:
            party.organization_visible = party.organization_id in visible_ids
        can_change = access.can_change(user, partnership)
        kwargs.update(
            parties=parties,
            can_remove_party=can_change and len(parties) > 2,
            add_party_form=AddPartyForm(user=user, partnership=partnership, prefix="party")
            if can_change
            else None,
            history=history_context(partnership),
        )
        return super().get_context_data(**kwargs)


class PartnershipCreateView(CreatePermissionMixin, VisibleQuerysetMixin, TemplateView):
    model = Partnership
    template_name = "partnerships/partnership_form.html"

    def get_forms(self):
        user = self.request.user
        data = self.request.POST if self.request.method == "POST" else None
        initial = []
        if data is None:
            operator = Organization.objects.visible_to(user).filter(is_operator=True).first()
            if operator is not None:
                initial = [{"organization": operator.uuid, "role": PartyRole.OPERATOR}, {}]
        return (
            PartnershipForm(data),
            PartyFormSet(data, prefix="parties", user=user, initial=initial or None),
        )

    def get(self, request, *args, **kwargs):
        form, formset = self.get_forms()
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def post(self, request, *args, **kwargs):
        form, formset = self.get_forms()
        if form.is_valid() and formset.is_valid():
            fields = {name: value for name, value in form.cleaned_data.items()}
            try:
                require_generic_door(fields.get("kind"))
                partnership = create_partnership(formset.specs(), **fields)
            except ValidationError as exc:
                _apply_validation_error(form, exc)
            else:
                messages.success(request, _("Partnership “%(name)s” created.") % {"name": partnership})
                return redirect(partnership)
        return self.render_to_response(self.get_context_data(form=form, formset=formset), status=422)


class PartnershipUpdateView(ChangePermissionMixin, UpdateView):
    model = Partnership
    form_class = PartnershipForm
    template_name = "partnerships/partnership_form.html"

    def form_valid(self, form):
        before = Partnership.objects.values_list("kind", flat=True).get(pk=form.instance.pk)
        if before != form.cleaned_data.get("kind", before):
            try:
                require_generic_door(before)
                require_generic_door(form.cleaned_data["kind"])
            except ValidationError as exc:
                form.add_error("kind" if "kind" in form.fields else None, exc)
                return self.form_invalid(form)
        with transaction.atomic():
            response = super().form_valid(form)
        messages.success(self.request, _("Partnership “%(name)s” saved.") % {"name": self.object})
        return response


class PartnershipDeleteView(RecordDeleteView):
    model = Partnership
    success_url_name = "partnership-list"


class PartyAddView(ChangePermissionMixin, FormView):
    model = Partnership
    form_class = AddPartyForm
    template_name = "partnerships/party_form.html"
    prefix = "party"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, partnership=self.get_object())
        return kwargs

    def form_valid(self, form):
        partnership = self.get_object()
        try:
            require_generic_door(partnership.kind)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        spec = form.to_spec()
        seat = PartnershipParty(
            partnership=partnership,
            organization=spec.organization,
            role=spec.role,
            involvement=spec.involvement,
            alliance_manager=spec.alliance_manager,
        )
        try:
            with transaction.atomic():
                seat.full_clean()
                seat.save()
        except ValidationError as exc:
            _apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(organization)s added.") % {"organization": spec.organization})
        return redirect(partnership)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)


class PartyRemoveView(ChangePermissionMixin, TemplateView):
    model = Partnership
    template_name = "partnerships/party_confirm_remove.html"

    def _seat(self):
        return get_object_or_404(
            self.get_object().parties.select_related("organization"), uuid=self.kwargs["party_uuid"]
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("seat", self._seat())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        seat = self._seat()
        try:
            require_generic_door(self.get_object().kind)
            remove_party(seat)
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(error=" ".join(exc.messages)), status=409)
        messages.success(request, _("%(organization)s removed.") % {"organization": seat.organization})
        return redirect(self.get_object())
