"""Certified people (the list the programme pages always linked, its import and removal), the
certifications Meute awards, a certificate's page and PDF, and a partner's enablement at a glance."""

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from meute.core.models import Organization, Person
from meute.core.views import FileImportView, StaffEditorMixin
from meute.lib.views import request_actor
from meute.partnerships.models import PartnershipParty
from meute.programs.evaluation import collect_metrics
from meute.programs.models import PartnerTier

from .. import certifications
from ..certificate import render_pdf
from ..choices import CertificationSource, CertifiedRole, EnrolmentStatus, JourneyStatus
from ..forms import CertificationForm, CertifiedImportForm
from ..importing import import_certified
from ..journeys import progress_by_journey
from ..models import Certification, Enrolment, Journey, PersonCertification
from .common import refused


class CertifiedListView(LoginRequiredMixin, ListView):
    template_name = "enablement/certified_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = PersonCertification.objects.visible_to(self.request.user).select_related(
            "person", "person__organization"
        )
        get = self.request.GET
        for word in get.get("q", "").split():
            queryset = queryset.filter(
                Q(person__last_name__icontains=word)
                | Q(person__first_name__icontains=word)
                | Q(person__organization__name__icontains=word)
                | Q(name__icontains=word)
            )
        if get.get("role") in CertifiedRole.values:
            queryset = queryset.filter(role=get["role"])
        if get.get("source") in CertificationSource.values:
            queryset = queryset.filter(source=get["source"])
        today = timezone.localdate()
        if get.get("expiring"):
            queryset = queryset.expiring_between(today, today + datetime.timedelta(days=90))
        elif get.get("valid"):
            queryset = queryset.valid_on(today)
        return queryset.order_by("person__organization__name", "person__last_name", "name")

    def get_context_data(self, **kwargs):
        get = self.request.GET
        return super().get_context_data(
            roles=CertifiedRole.choices,
            sources=CertificationSource.choices,
            q=get.get("q", ""),
            role=get.get("role", ""),
            source=get.get("source", ""),
            expiring=bool(get.get("expiring")),
            can_edit=self.request.user.can_edit_all,
            today=timezone.localdate(),
            **kwargs,
        )


class CertifiedDeleteView(StaffEditorMixin, View):
    def post(self, request, uuid):
        row = get_object_or_404(PersonCertification.objects.visible_to(request.user), uuid=uuid)
        with request_actor(request):
            row.delete()
        messages.success(request, _("Certification removed: %(name)s.") % {"name": row})
        return redirect("certified-list")


class CertifiedRevokeView(StaffEditorMixin, View):
    def post(self, request, uuid):
        row = get_object_or_404(PersonCertification, uuid=uuid)
        try:
            with request_actor(request):
                certifications.revoke(request.user, row)
        except ValidationError as exc:
            return refused(request, exc, row.get_absolute_url())
        messages.success(request, _("Certification revoked: %(name)s.") % {"name": row})
        return redirect(row.get_absolute_url())


class CertifiedImportView(FileImportView):
    template_name = "enablement/certified_import.html"
    form_class = CertifiedImportForm
    success_url_name = "certified-list"
    valid_message = gettext_lazy(
        "The file is valid: %(count)s certifications would be imported (nothing written)."
    )
    imported_message = gettext_lazy("Imported %(count)s certifications.")

    def run_import(self, upload, *, user, dry_run):
        return import_certified(upload.read(), filename=upload.name, user=user, dry_run=dry_run)


class CertificateView(LoginRequiredMixin, TemplateView):
    template_name = "enablement/certificate.html"

    def get_context_data(self, **kwargs):
        record = get_object_or_404(
            PersonCertification.objects.visible_to(self.request.user).select_related(
                "person", "person__organization", "certification"
            ),
            uuid=kwargs["uuid"],
        )
        today = timezone.localdate()
        return super().get_context_data(
            record=record,
            valid=certifications.is_valid(record, today),
            days_left=(record.valid_until - today).days if record.valid_until else None,
            can_edit=self.request.user.can_edit_all,
            **kwargs,
        )


class CertificatePdfView(LoginRequiredMixin, View):
    def get(self, request, uuid):
        record = get_object_or_404(
            PersonCertification.objects.visible_to(request.user).select_related(
                "person", "person__organization"
            ),
            uuid=uuid,
        )
        response = HttpResponse(render_pdf(record, get_language() or "en"), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="certificate-{record.uuid}.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class CertificationListView(LoginRequiredMixin, TemplateView):
    template_name = "enablement/certification_list.html"

    def get_context_data(self, **kwargs):
        items = (
            Certification.objects.visible_to(self.request.user).prefetch_related("courses").order_by("name")
        )
        if not self.request.user.can_edit_all:
            items = items.filter(is_active=True)
        return super().get_context_data(
            certifications=items, can_edit=self.request.user.can_edit_all, **kwargs
        )


class CertificationFormView(StaffEditorMixin, TemplateView):
    template_name = "enablement/certification_form.html"

    def get_object(self):
        return get_object_or_404(Certification, uuid=self.kwargs["uuid"]) if "uuid" in self.kwargs else None

    def get(self, request, *args, **kwargs):
        item = self.get_object()
        return self.render_to_response(
            self.get_context_data(form=CertificationForm(instance=item), item=item)
        )

    def post(self, request, *args, **kwargs):
        item = self.get_object()
        form = CertificationForm(request.POST, instance=item)
        if form.is_valid():
            with request_actor(request), transaction.atomic():
                form.save()
            messages.success(request, _("Certification saved."))
            return redirect("enablement:certification-list")
        return self.render_to_response(self.get_context_data(form=form, item=item), status=422)


class CertificationDetailView(LoginRequiredMixin, TemplateView):
    template_name = "enablement/certification_detail.html"

    def get_context_data(self, **kwargs):
        item = get_object_or_404(Certification.objects.visible_to(self.request.user), uuid=kwargs["uuid"])
        holders = (
            PersonCertification.objects.visible_to(self.request.user)
            .filter(certification=item)
            .select_related("person", "person__organization")
            .order_by("valid_until")[:200]
        )
        return super().get_context_data(
            item=item,
            holders=holders,
            courses=item.courses.all(),
            can_edit=self.request.user.can_edit_all,
            **kwargs,
        )


class PartnerEnablementView(LoginRequiredMixin, TemplateView):
    """One partner at a glance: who is certified in what and until when, what expires soon, the count per
    role against its tier's requirements, trainings in progress, onboarding journeys."""

    template_name = "enablement/partner.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        organization = get_object_or_404(Organization.objects.visible_to(user), uuid=kwargs["uuid"])
        today = timezone.localdate()
        records = list(
            PersonCertification.objects.visible_to(user)
            .filter(person__organization=organization)
            .select_related("person")
            .order_by("person__last_name", "person__first_name", "name")
        )
        for record in records:
            record.valid = certifications.is_valid(record, today)
            record.expiring = bool(
                record.valid
                and record.valid_until
                and record.valid_until <= today + datetime.timedelta(days=90)
            )
        seats = PartnershipParty.objects.filter(organization=organization).values("partnership_id")
        members = list(
            PartnerTier.objects.visible_to(user)
            .filter(partnership_id__in=seats)
            .select_related("program", "tier", "partnership")
        )
        evidence = []
        for member in members:
            metrics = collect_metrics(member.program, today, [member.partnership_id]).get(
                member.partnership_id
            )
            evidence.append({"member": member, "certified": dict(sorted((metrics.certified or {}).items()))})
        enrolments = (
            Enrolment.objects.visible_to(user)
            .filter(person__organization=organization, status=EnrolmentStatus.IN_PROGRESS)
            .select_related("person", "course")
            .order_by("due_date", "person__last_name")[:100]
        )
        journeys = list(
            Journey.objects.visible_to(user).filter(partnership_id__in=seats).select_related("partnership")
        )
        progress = progress_by_journey([j.pk for j in journeys])
        for journey in journeys:
            journey.progress = progress.get(journey.pk)
        return super().get_context_data(
            organization=organization,
            records=records,
            roles=dict(CertifiedRole.choices),
            evidence=evidence,
            enrolments=enrolments,
            journeys=journeys,
            people_count=Person.objects.filter(organization=organization, is_active=True).count(),
            active=JourneyStatus.ACTIVE,
            **kwargs,
        )
