"""Pages of the partner directory: organisations and people. Thin: rules live in the models,
``meute.core.organizations``, ``meute.lib.access`` and ``visible_to``."""

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, TemplateView, UpdateView

from meute.core.importing import (
    ORGANIZATIONS,
    PEOPLE,
    ImportFileError,
    ImportValidationError,
    import_file,
)
from meute.core.importing.organizations import ORGANIZATION_ALIASES, ORGANIZATION_REQUIRED
from meute.core.importing.people import PERSON_ALIASES, PERSON_REQUIRED
from meute.lib import access
from meute.lib.deletion import ReferencedRecordError, delete_record
from meute.lib.views import (
    ChangePermissionMixin,
    CreatePermissionMixin,
    DeletePermissionMixin,
    FilteredListMixin,
    VisibleObjectMixin,
    request_actor,
    wants_partial,
)

from .audit import history_for
from .filters import OrganizationFilter, PersonFilter
from .forms import (
    OrganizationClassificationForm,
    OrganizationForm,
    OrganizationImportForm,
    PersonForm,
    PersonImportForm,
)
from .models import Organization, OrganizationPartnerType, Person

HISTORY_LIMIT = 50
OPTIONS_LIMIT = 30


def history_context(obj) -> list:
    return list(history_for(obj).select_related("content_type")[:HISTORY_LIMIT])


# Organisations ---------------------------------------------------------------------------------------


class OrganizationListView(FilteredListMixin, TemplateView):
    export_fields = (
        "name",
        "legal_name",
        "siren",
        "vat_number",
        "website",
        "phone",
        "address",
        "postal_code",
        "city",
        "country",
        "region",
        "headcount",
        "annual_revenue",
        "tags",
    )
    export_name = "organisations"
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
                organization.party_seats.visible_to(user)
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
    export_fields = (
        "first_name",
        "last_name",
        "organization",
        "email",
        "phone",
        "job_title",
        "role",
        "department",
        "is_active",
    )
    export_name = "people"
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
                person.alliance_seats.visible_to(self.request.user).select_related(
                    "partnership", "organization"
                )
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


class StaffEditorMixin(LoginRequiredMixin):
    """Pages for the staff who change everything (administrators and channel managers)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.can_edit_all:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class FileImportView(StaffEditorMixin, TemplateView):
    """Upload a CSV or .xlsx file and import it all or nothing, listing every error by line and column.

    Subclasses name the form, the import function (``run_import``), the list to go back to and the
    messages, which take ``%(count)s``.
    """

    form_class = None
    success_url_name = ""
    valid_message = ""
    imported_message = ""

    def run_import(self, upload, *, user, dry_run):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=reverse(self.success_url_name), **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form_class()))

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST, request.FILES)
        errors = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                with request_actor(request):
                    result = self.run_import(upload, user=request.user, dry_run=form.cleaned_data["dry_run"])
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            except ImportValidationError as exc:
                form.add_error("file", str(exc))
                errors = exc.errors
            else:
                message = self.valid_message if result.dry_run else self.imported_message
                messages.success(request, message % {"count": result.created})
                return redirect(self.success_url_name)
        return self.render_to_response(self.get_context_data(form=form, errors=errors), status=422)


class OrganizationImportView(FileImportView):
    """Organisations from a file, all or nothing, with every error by line and column."""

    template_name = "core/organization_import.html"
    form_class = OrganizationImportForm
    success_url_name = "organization-list"
    valid_message = gettext_lazy(
        "The file is valid: %(count)s organisations would be imported (nothing written)."
    )
    imported_message = gettext_lazy("Imported %(count)s organisations.")

    def run_import(self, upload, *, user, dry_run):
        return import_file(ORGANIZATIONS, upload.read(), filename=upload.name, user=user, dry_run=dry_run)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            columns=sorted(ORGANIZATION_ALIASES), required=ORGANIZATION_REQUIRED, **kwargs
        )


class PersonImportView(FileImportView):
    """People from a file, all or nothing; their organisation by public identifier, SIREN or name."""

    template_name = "core/person_import.html"
    form_class = PersonImportForm
    success_url_name = "person-list"
    valid_message = gettext_lazy("The file is valid: %(count)s people would be imported (nothing written).")
    imported_message = gettext_lazy("Imported %(count)s people.")

    def run_import(self, upload, *, user, dry_run):
        return import_file(PEOPLE, upload.read(), filename=upload.name, user=user, dry_run=dry_run)

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=sorted(PERSON_ALIASES), required=PERSON_REQUIRED, **kwargs)
