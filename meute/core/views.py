"""Pages of the partner directory: dashboard, organisations and people. Thin: rules live in the models,
``meute.core.organizations``, ``meute.lib.access`` and ``visible_to``."""

import uuid

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, TemplateView, UpdateView

from meute.lib import access
from meute.lib.views import (
    ChangePermissionMixin,
    CreatePermissionMixin,
    DeletePermissionMixin,
    FilteredListMixin,
    VisibleObjectMixin,
    wants_partial,
)
from meute.partnerships.choices import LifecycleStage, PartnershipStatus
from meute.partnerships.models import Partnership, PartnershipParty

from .audit import history_for
from .filters import OrganizationFilter, PersonFilter
from .forms import OrganizationClassificationForm, OrganizationForm, PersonForm
from .models import Organization, OrganizationPartnerType, Person
from .organizations import ReferencedRecordError, delete_record

HISTORY_LIMIT = 50
OPTIONS_LIMIT = 30


def history_context(obj) -> list:
    return list(history_for(obj).select_related("content_type")[:HISTORY_LIMIT])


def partnerships_with_parties(queryset):
    return queryset.prefetch_related(
        Prefetch("parties", queryset=PartnershipParty.objects.select_related("organization"))
    )


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "core/dashboard.html"

    @staticmethod
    def _counts(queryset, field, choices):
        found = dict(queryset.order_by().values_list(field).annotate(n=Count("pk")))
        rows = [{"value": value, "label": label, "count": found.get(value, 0)} for value, label in choices]
        top = max((r["count"] for r in rows), default=0)
        for index, row in enumerate(rows):
            row["percent"] = round(100 * row["count"] / top) if top else 0
            # Geometry of the inline SVG column chart (600 x 230, baseline at y=190).
            row["h"] = round(160 * row["count"] / top) if top else 0
            row["x"] = 15 + index * 100
            row["cx"] = row["x"] + 35
            row["y"] = 190 - row["h"]
            row["label_y"] = row["y"] - 6
        return rows

    def _recent_changes(self):
        entries = list(LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")[:12])
        pks_by_type = {}
        for entry in entries:
            pks_by_type.setdefault(entry.content_type_id, set()).add(entry.object_pk)
        urls = {}
        for content_type_id, pks in pks_by_type.items():
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is None or not hasattr(model, "get_absolute_url") or not hasattr(model, "uuid"):
                continue
            for pk, public_id in model.objects.filter(pk__in=pks).values_list("pk", "uuid"):
                try:
                    urls[(content_type_id, str(pk))] = model(pk=pk, uuid=public_id).get_absolute_url()
                except ObjectDoesNotExist:  # its address needs a related record (a revenue record's
                    continue  # partnership): the entry is listed without a link
        for entry in entries:
            entry.url = urls.get((entry.content_type_id, entry.object_pk))
        return entries

    def get_context_data(self, **kwargs):
        user = self.request.user
        partnerships = Partnership.objects.visible_to(user)
        by_status = self._counts(partnerships, "status", PartnershipStatus.choices)
        kwargs.update(
            organization_count=Organization.objects.visible_to(user).count(),
            person_count=Person.objects.visible_to(user).count(),
            partnership_count=sum(row["count"] for row in by_status),
            by_status=by_status,
            by_stage=self._counts(partnerships, "stage", LifecycleStage.choices),
            recent_changes=self._recent_changes() if user.is_staff_member else [],
            my_partnerships=list(
                partnerships_with_parties(
                    partnerships.order_by("name")
                    if user.is_partner_user
                    else partnerships.order_by("-updated_at")
                )[:8]
            ),
            can_create_organization=access.can_create(user, Organization),
            can_create_partnership=access.can_create(user, Partnership),
        )
        return super().get_context_data(**kwargs)


# Organisations ---------------------------------------------------------------------------------------


class OrganizationListView(FilteredListMixin, TemplateView):
    model = Organization
    filterset_class = OrganizationFilter
    template_name = "core/organization_list.html"
    partial_template_name = "core/partials/organization_results.html"

    def get_base_queryset(self):
        # Bounded queries whatever the page size: one count, one page, one query per prefetched relation.
        return (
            self.get_visible_queryset()
            .select_related("region")
            .prefetch_related(
                Prefetch(
                    "partner_type_links", queryset=OrganizationPartnerType.objects.order_by("partner_type")
                ),
                "tags",
            )
        )


class OrganizationDetailView(VisibleObjectMixin, TemplateView):
    model = Organization
    template_name = "core/organization_detail.html"

    def get_base_queryset(self):
        return (
            self.get_visible_queryset()
            .select_related("region")
            .prefetch_related("partner_type_links", "tags", "markets", "geographies", "offerings")
        )

    def get_context_data(self, **kwargs):
        organization = self.get_object()
        user = self.request.user
        kwargs.update(
            people=list(Person.objects.visible_to(user).filter(organization=organization)),
            seats=list(
                PartnershipParty.objects.visible_to(user)
                .filter(organization=organization)
                .select_related("partnership", "alliance_manager")
                .order_by("partnership__name")
            ),
            history=history_context(organization),
            can_create_person=access.can_create(user, Person) and access.can_change(user, organization),
        )
        return super().get_context_data(**kwargs)


class OrganizationCreateView(CreatePermissionMixin, CreateView):
    model = Organization
    form_class = OrganizationForm
    template_name = "core/organization_form.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Organisation “%(name)s” created.") % {"name": self.object})
        return response


class OrganizationUpdateView(ChangePermissionMixin, UpdateView):
    model = Organization
    form_class = OrganizationForm
    template_name = "core/organization_form.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Organisation “%(name)s” saved.") % {"name": self.object})
        return response


class OrganizationClassificationView(ChangePermissionMixin, View):
    """Partner types and tags, edited in place on the organisation page (htmx) or on their own page."""

    model = Organization

    def render_section(self, form=None, editing=False, status=200):
        organization = self.get_object()
        context = {
            "object": organization,
            "form": form or OrganizationClassificationForm(instance=organization),
            "editing": editing,
            "can_change": True,
        }
        template = "core/partials/organization_classification.html"
        if not wants_partial(self.request):
            template = "core/organization_classification.html"
        return render(self.request, template, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_section(editing=request.GET.get("cancel") is None)

    def post(self, request, *args, **kwargs):
        organization = self.get_object()
        form = OrganizationClassificationForm(request.POST, instance=organization)
        if not form.is_valid():
            return self.render_section(form=form, editing=True, status=422)
        form.save()
        if not wants_partial(request):
            messages.success(request, _("Organisation “%(name)s” saved.") % {"name": organization})
            return redirect(organization)
        # Reload the relations the section shows.
        self._object = Organization.objects.prefetch_related("partner_type_links", "tags").get(
            pk=organization.pk
        )
        return self.render_section()


class RecordDeleteView(DeletePermissionMixin, TemplateView):
    """Confirmation page, then deletion through ``delete_record`` (refused when the record is referenced)."""

    template_name = "core/confirm_delete.html"
    success_url_name = None

    def get_context_data(self, **kwargs):
        kwargs.setdefault("cancel_url", self.get_object().get_absolute_url())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            delete_record(obj)
        except ReferencedRecordError as exc:
            return self.render_to_response(self.get_context_data(error=str(exc)), status=409)
        messages.success(request, _("“%(name)s” deleted.") % {"name": obj})
        return HttpResponseRedirect(reverse(self.success_url_name))


class OrganizationDeleteView(RecordDeleteView):
    model = Organization
    success_url_name = "organization-list"


class OrganizationOptionsView(LoginRequiredMixin, View):
    """``<option>`` elements of visible organisations matching ``q``, for the search-select widget."""

    def get(self, request):
        queryset = Organization.objects.visible_to(request.user).search(request.GET.get("q", ""))
        options = list(queryset.only("uuid", "name", "city").order_by("name")[:OPTIONS_LIMIT])
        return render(request, "core/partials/options.html", {"options": options, "with_blank": not options})


# People ------------------------------------------------------------------------------------------------


class PersonListView(FilteredListMixin, TemplateView):
    model = Person
    filterset_class = PersonFilter
    template_name = "core/person_list.html"
    partial_template_name = "core/partials/person_results.html"

    def get_base_queryset(self):
        return self.get_visible_queryset().select_related("organization")


class PersonDetailView(VisibleObjectMixin, TemplateView):
    model = Person
    template_name = "core/person_detail.html"

    def get_base_queryset(self):
        return self.get_visible_queryset().select_related("organization", "user")

    def get_context_data(self, **kwargs):
        person = self.get_object()
        kwargs.update(
            seats=list(
                PartnershipParty.objects.visible_to(self.request.user)
                .filter(alliance_manager=person)
                .select_related("partnership", "organization")
            ),
            history=history_context(person),
        )
        return super().get_context_data(**kwargs)


class PersonFormMixin:
    model = Person
    form_class = PersonForm
    template_name = "core/person_form.html"

    def fixed_organization(self):
        user = self.request.user
        return user.organization if user.is_partner_user else None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, fixed_organization=self.fixed_organization())
        return kwargs

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("“%(name)s” saved.") % {"name": self.object})
        return response


class PersonCreateView(CreatePermissionMixin, PersonFormMixin, CreateView):
    def get_initial(self):
        initial = super().get_initial()
        wanted = self.request.GET.get("organization", "")
        if _is_uuid(wanted):
            organization = Organization.objects.visible_to(self.request.user).filter(uuid=wanted).first()
            if organization is not None:
                initial["organization"] = organization.uuid
        return initial


class PersonUpdateView(ChangePermissionMixin, PersonFormMixin, UpdateView):
    pass


class PersonDeleteView(RecordDeleteView):
    model = Person
    success_url_name = "person-list"


class PersonOptionsView(LoginRequiredMixin, View):
    """``<option>`` elements of the visible people of one organisation (alliance manager choices)."""

    def get(self, request):
        wanted = request.GET.get("organization") or next(
            (value for key, value in request.GET.items() if key.endswith("organization")), ""
        )
        options = []
        if _is_uuid(wanted):
            options = list(
                Person.objects.visible_to(request.user)
                .filter(organization__uuid=wanted, is_active=True)
                .only("uuid", "first_name", "last_name")[:200]
            )
        return render(request, "core/partials/options.html", {"options": options, "with_blank": True})


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
