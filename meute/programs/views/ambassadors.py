"""Ambassadors per market: staff manage them; a partner sees those of its markets."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from meute.lib import access
from meute.lib.views import VisibleQuerysetMixin, request_actor
from meute.programs.forms import AmbassadorForm
from meute.programs.models import Ambassador


class AmbassadorListView(VisibleQuerysetMixin, TemplateView):
    model = Ambassador
    template_name = "programs/ambassadors/ambassador_list.html"

    def get_context_data(self, **kwargs):
        queryset = self.get_visible_queryset().select_related("user", "territory", "program")
        if not self.request.user.is_staff_member:
            queryset = queryset.filter(is_active=True)
        kwargs.update(
            ambassadors=list(queryset),
            can_create=access.can_create(self.request.user, Ambassador),
        )
        return super().get_context_data(**kwargs)


class AmbassadorFormView(VisibleQuerysetMixin, TemplateView):
    model = Ambassador
    template_name = "programs/ambassadors/ambassador_form.html"

    def get_ambassador(self):
        if "uuid" not in self.kwargs:
            access.require(access.can_create(self.request.user, Ambassador))
            return None
        ambassador = get_object_or_404(self.get_visible_queryset(), uuid=self.kwargs["uuid"])
        access.require(access.can_change(self.request.user, ambassador))
        return ambassador

    def get(self, request, *args, **kwargs):
        ambassador = self.get_ambassador()
        return self.render_to_response(
            self.get_context_data(form=AmbassadorForm(instance=ambassador), object=ambassador)
        )

    def post(self, request, *args, **kwargs):
        ambassador = self.get_ambassador()
        form = AmbassadorForm(request.POST, instance=ambassador)
        if form.is_valid():
            with request_actor(request):
                form.save()
            messages.success(request, _("Ambassador saved."))
            return redirect("ambassador-list")
        return self.render_to_response(self.get_context_data(form=form, object=ambassador), status=400)


class AmbassadorDeleteView(VisibleQuerysetMixin, View):
    model = Ambassador

    def post(self, request, *args, **kwargs):
        ambassador = get_object_or_404(self.get_visible_queryset(), uuid=kwargs["uuid"])
        if not access.can_delete(request.user, ambassador):
            raise PermissionDenied
        with request_actor(request):
            try:
                ambassador.delete()
            except ValidationError as exc:  # pragma: no cover - nothing references an ambassador
                messages.error(request, " ".join(exc.messages))
                return redirect("ambassador-list")
        messages.success(request, _("Ambassador removed."))
        return redirect("ambassador-list")
