"""Certified people: the list (partners see their own organisation's), deletion and import by staff."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from meute.core.views import FileImportView, StaffEditorMixin

from .certified import import_certified
from .choices import CertifiedRole
from .forms import CertifiedImportForm
from .models import CertifiedPerson


class CertifiedListView(LoginRequiredMixin, ListView):
    template_name = "programs/certified_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = CertifiedPerson.objects.visible_to(self.request.user).select_related(
            "person", "person__organization"
        )
        query, role = self.request.GET.get("q", "").strip(), self.request.GET.get("role", "")
        for word in query.split():
            queryset = queryset.filter(
                Q(person__last_name__icontains=word)
                | Q(person__first_name__icontains=word)
                | Q(person__organization__name__icontains=word)
                | Q(certification__icontains=word)
            )
        if role in CertifiedRole.values:
            queryset = queryset.filter(role=role)
        return queryset.order_by("person__organization__name", "person__last_name", "certification")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            roles=CertifiedRole.choices,
            q=self.request.GET.get("q", ""),
            role=self.request.GET.get("role", ""),
            can_edit=self.request.user.can_edit_all,
            **kwargs,
        )


class CertifiedDeleteView(StaffEditorMixin, View):
    def post(self, request, uuid):
        row = get_object_or_404(CertifiedPerson.objects.visible_to(request.user), uuid=uuid)
        row.delete()
        messages.success(request, _("Certification removed: %(name)s.") % {"name": row})
        return redirect("certified-list")


class CertifiedImportView(FileImportView):
    template_name = "programs/certified_import.html"
    form_class = CertifiedImportForm
    success_url_name = "certified-list"
    valid_message = gettext_lazy(
        "The file is valid: %(count)s certifications would be imported (nothing written)."
    )
    imported_message = gettext_lazy("Imported %(count)s certifications.")

    def run_import(self, upload, *, user, dry_run):
        return import_certified(upload.read(), filename=upload.name, user=user, dry_run=dry_run)
