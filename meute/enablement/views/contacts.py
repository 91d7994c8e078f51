"""Support contacts: a partner user sees whom to call for each of its partnerships; staff editors manage
each partnership's contacts and the programme-wide defaults."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from meute.core.views import StaffEditorMixin
from meute.lib.views import request_actor
from meute.partnerships.models import Partnership

from .. import contacts
from ..forms import SupportContactForm
from ..models import SupportContact
from ..portal import facts_for


class ContactListView(LoginRequiredMixin, TemplateView):
    template_name = "enablement/contact_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = {"can_edit": user.can_edit_all}
        if user.is_staff_member:
            found = SupportContact.objects.visible_to(user).select_related("partnership")
            partnership = None
            if self.request.GET.get("partnership"):
                partnership = get_object_or_404(
                    Partnership.objects.visible_to(user), uuid=self.request.GET["partnership"]
                )
            if partnership:
                own = contacts.ordered(found.filter(partnership=partnership))
                defaults = []
            else:
                own = list(
                    found.filter(partnership__isnull=False).order_by("partnership__name", "kind")[:300]
                )
                defaults = contacts.ordered(found.filter(partnership__isnull=True))
            context.update(staff_view=True, partnership=partnership, own=own, defaults=defaults)
        else:
            context["groups"] = contacts.for_reader(user, facts_for(self.request))
        return super().get_context_data(**context, **kwargs)


class ContactFormView(StaffEditorMixin, TemplateView):
    template_name = "enablement/contact_form.html"

    def get_object(self):
        return get_object_or_404(SupportContact, uuid=self.kwargs["uuid"]) if "uuid" in self.kwargs else None

    def get(self, request, *args, **kwargs):
        contact = self.get_object()
        initial = {}
        if contact is None and request.GET.get("partnership"):
            initial["partnership"] = Partnership.objects.filter(uuid=request.GET["partnership"]).first()
        form = SupportContactForm(instance=contact, initial=initial)
        return self.render_to_response(self.get_context_data(form=form, contact=contact))

    def post(self, request, *args, **kwargs):
        contact = self.get_object()
        form = SupportContactForm(request.POST, instance=contact)
        if form.is_valid():
            with request_actor(request), transaction.atomic():
                contact = form.save()
            messages.success(request, _("Contact saved."))
            return redirect(list_url(contact))
        return self.render_to_response(self.get_context_data(form=form, contact=contact), status=422)


class ContactDeleteView(StaffEditorMixin, View):
    def post(self, request, uuid):
        contact = get_object_or_404(SupportContact, uuid=uuid)
        url = list_url(contact)
        with request_actor(request):
            contact.delete()
        messages.success(request, _("Contact removed."))
        return redirect(url)


def list_url(contact) -> str:
    url = reverse("enablement:contact-list")
    return f"{url}?partnership={contact.partnership.uuid}" if contact.partnership_id else url
