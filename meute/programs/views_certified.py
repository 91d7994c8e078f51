"""Certified people: the list (partners see their own organisation's), deletion and import by staff."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from meute.core.importing import ImportFileError, ImportValidationError

from .certified import import_certified
from .choices import CertifiedRole
from .forms import CertifiedImportForm
from .models import CertifiedPerson


class StaffEditorMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.can_edit_all:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


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


class CertifiedImportView(StaffEditorMixin, TemplateView):
    template_name = "programs/certified_import.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=CertifiedImportForm()))

    def post(self, request, *args, **kwargs):
        form = CertifiedImportForm(request.POST, request.FILES)
        errors = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_certified(
                    upload.read(),
                    filename=upload.name,
                    user=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            except ImportValidationError as exc:
                form.add_error("file", str(exc))
                errors = exc.errors
            else:
                if result.dry_run:
                    message = _(
                        "The file is valid: %(count)s certifications would be imported (nothing written)."
                    )
                else:
                    message = _("Imported %(count)s certifications.")
                messages.success(request, message % {"count": result.created})
                return redirect("certified-list")
        return self.render_to_response(self.get_context_data(form=form, errors=errors), status=422)
