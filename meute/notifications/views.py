from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import ListView

from . import unsubscribe
from .models import Notification
from .notify import mark_read


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/notification_list.html"
    paginate_by = 25

    def get_queryset(self):
        queryset = Notification.objects.visible_to(self.request.user)
        if self.request.GET.get("unread"):
            queryset = queryset.unread()
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(only_unread=bool(self.request.GET.get("unread")), **kwargs)


class NotificationOpenView(LoginRequiredMixin, View):
    """Mark one notification read and follow its link (local links only)."""

    def post(self, request, uuid):
        notification = get_object_or_404(Notification.objects.visible_to(request.user), uuid=uuid)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at", "updated_at"])
        target = notification.url
        if not target or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("notification-list")
        return HttpResponseRedirect(target)


class NotificationReadAllView(LoginRequiredMixin, View):
    def post(self, request):
        count = mark_read(request.user)
        messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
        return HttpResponseRedirect(reverse("notification-list"))


# The signed token is the only credential (no session, no login), so there is nothing for a forged request to
# borrow; exempting it lets mail clients post RFC 8058 one-click unsubscriptions.
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """GET only asks (mail scanners follow links); POST turns the e-mails of that kind off."""

    template_name = "notifications/unsubscribe.html"

    def dispatch(self, request, token):
        try:
            user, kind, language = unsubscribe.read_token(token)
        except unsubscribe.InvalidLink:
            return render(request, self.template_name, {"invalid": True}, status=400)
        with translation.override(language or translation.get_language()):
            return super().dispatch(request, user=user, kind=kind)

    def get(self, request, user, kind):
        return render(
            request, self.template_name, {"kind_label": unsubscribe.label(kind), "email": user.email}
        )

    def post(self, request, user, kind):
        unsubscribe.opt_out(user, kind)
        context = {"kind_label": unsubscribe.label(kind), "email": user.email, "done": True}
        return render(request, self.template_name, context)


class EmailPreferencesView(LoginRequiredMixin, View):
    template_name = "notifications/preferences.html"

    def get(self, request):
        return render(request, self.template_name, {"kinds": unsubscribe.preferences(request.user)})

    def post(self, request):
        unsubscribe.set_email_kinds(request.user, request.POST.getlist("kind"))
        messages.success(request, _("Your e-mail preferences are saved."))
        return HttpResponseRedirect(reverse("notification-preferences"))
