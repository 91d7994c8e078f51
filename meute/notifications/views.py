from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

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
