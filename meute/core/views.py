"""Pages of the partner directory: organisations and people. Thin: rules live in the models,
``meute.core.organizations``, ``meute.lib.access`` and ``visible_to``."""

import json
import math
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
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
from meute.lib import access, rights
from meute.lib.deletion import ReferencedRecordError, delete_record
from meute.lib.throttling import PasswordResetThrottle
from meute.lib.views import (
    ChangePermissionMixin,
    CreatePermissionMixin,
    DeletePermissionMixin,
    FieldRightsFormViewMixin,
    FilteredListMixin,
    VisibleObjectMixin,
    request_actor,
    wants_partial,
)

from . import privacy, tokens
from .audit import history_for
from .filters import OrganizationFilter, PersonFilter
from .forms import (
    ApiTokenForm,
    OrganizationClassificationForm,
    OrganizationForm,
    OrganizationImportForm,
    PersonForm,
    PersonImportForm,
    PrivacySubjectForm,
)
from .models import ApiToken, ErasureRecord, Organization, OrganizationPartnerType, Person

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


def _can_classify(user, organization) -> bool:
    """The Edit button of partner types and tags: for who may change the record and write one of them."""
    return access.can_change(user, organization) and any(
        rights.may_write(user, Organization, name, organization) for name in ("partner_types", "tags")
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
            can_classify=_can_classify(user, organization),
        )
        return super().get_context_data(**kwargs)


class OrganizationCreateView(CreatePermissionMixin, FieldRightsFormViewMixin, CreateView):
    model = Organization
    form_class = OrganizationForm
    template_name = "core/organization_form.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Organisation “%(name)s” created.") % {"name": self.object})
        return response


class OrganizationUpdateView(ChangePermissionMixin, FieldRightsFormViewMixin, UpdateView):
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
            "form": form or OrganizationClassificationForm(instance=organization, user=self.request.user),
            "editing": editing,
            "can_change": True,
            "can_classify": _can_classify(self.request.user, organization),
        }
        template = "core/partials/organization_classification.html"
        if not wants_partial(self.request):
            template = "core/organization_classification.html"
        return render(self.request, template, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_section(editing=request.GET.get("cancel") is None)

    def post(self, request, *args, **kwargs):
        organization = self.get_object()
        form = OrganizationClassificationForm(request.POST, instance=organization, user=request.user)
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


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with a budget of e-mails per address (``MEUTE_PASSWORD_RESET_RATE``)."""

    def form_valid(self, form):
        throttle = PasswordResetThrottle(form.cleaned_data["email"])
        if not throttle.allow_request(self.request, self):
            minutes = max(1, math.ceil((throttle.wait() or 60) / 60))
            form.add_error(
                "email",
                _("Too many reset requests for this address: try again in %(minutes)d minutes.")
                % {"minutes": minutes},
            )
            return self.form_invalid(form)
        return super().form_valid(form)


class ApiTokenListView(LoginRequiredMixin, View):
    """My API tokens: list them (never a key), create a named one (its key shown once), revoke them."""

    template_name = "core/token_list.html"

    def context(self, form, new_key=None):
        return {
            "tokens": ApiToken.objects.visible_to(self.request.user),
            "form": form,
            "new_key": new_key,
            "now": timezone.now(),
        }

    def get(self, request):
        form = ApiTokenForm(initial={"days": settings.MEUTE_API_TOKEN_DAYS})
        return render(request, self.template_name, self.context(form))

    def post(self, request):
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form), status=400)
        _token, key = tokens.issue(request.user, form.cleaned_data["name"], form.cleaned_data["days"])
        form = ApiTokenForm(initial={"days": settings.MEUTE_API_TOKEN_DAYS})
        return render(request, self.template_name, self.context(form, new_key=key))


class ApiTokenRevokeView(LoginRequiredMixin, View):
    def post(self, request, uuid):
        token = get_object_or_404(ApiToken.objects.visible_to(request.user), uuid=uuid)
        tokens.revoke(token)
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        return redirect("token-list")


class LogoutEverywhereView(LoginRequiredMixin, View):
    """Revoke every API token of the user and end this session."""

    def post(self, request):
        tokens.revoke_all(request.user)
        logout(request)
        return redirect(settings.LOGOUT_REDIRECT_URL)


def broker_status() -> str:
    """``ok``, ``unreachable`` or ``not configured`` (tasks then run inside the web process)."""
    if not settings.CELERY_BROKER_URL:
        return "not configured"
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # noqa: BLE001  (any failure to connect means "unreachable" to a load balancer)
        return "unreachable"
    return "ok"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unreachable"
    return "ok"


def healthz(request):
    """For load balancers: 200 when the database and the broker (if any) answer, 503 otherwise."""
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(value in ("ok", "not configured") for value in checks.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
    response["Cache-Control"] = "no-store"
    return response


class PrivacyView(LoginRequiredMixin, View):
    """Personal data requests (administrators): export what Meute holds about a person, or erase it."""

    template_name = "core/privacy.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_administrator:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def page(self, form, status=200, **extra):
        context = {
            "form": form,
            "erasures": ErasureRecord.objects.visible_to(self.request.user)[:20],
            **extra,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.page(PrivacySubjectForm())

    def post(self, request):
        form = PrivacySubjectForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=400)
        try:
            subject = privacy.find_subject(form.cleaned_data["subject"])
        except ValidationError as exc:
            form.add_error("subject", exc.messages[0])
            return self.page(form, status=400)
        action = request.POST.get("action")
        if action == "export":
            text = json.dumps(privacy.export(subject), cls=privacy.json_encoder, indent=2, ensure_ascii=False)
            response = HttpResponse(text, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
            return response
        if action == "erase":
            if not form.cleaned_data["confirm"]:
                form.add_error("confirm", _("Tick the box to confirm the erasure."))
                return self.page(form, status=400)
            record = privacy.erase(subject, by=request.user)
            total = sum(record.counts.values())
            messages.success(request, _("Erasure done: %(count)d records anonymised.") % {"count": total})
            return redirect("privacy")
        preview = privacy.export(subject)["data"]
        summary = [(name, len(rows)) for name, rows in preview.items()]
        return self.page(form, summary=summary)


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
