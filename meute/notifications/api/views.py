"""Notifications in the API: each user reads and acknowledges their own."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from meute.lib.api_views import UUID_PATTERN
from meute.notifications.models import Notification
from meute.notifications.notify import mark_read

from .serializers import NotificationSerializer

ReadCount = inline_serializer("NotificationsMarkedRead", {"marked_read": serializers.IntegerField()})


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The requesting user's notifications, newest first (`?unread=true` for unread ones only)."""

    serializer_class = NotificationSerializer
    # Acknowledging one's own notification is not an edit of business data: every role may do it.
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        queryset = Notification.objects.visible_to(self.request.user)
        if self.action == "list" and self.request.query_params.get("unread") in {"1", "true"}:
            queryset = queryset.unread()
        return queryset

    @extend_schema(summary="Mark a notification as read", request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, uuid=None):
        notification = self.get_object()
        mark_read(request.user, [notification])
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(summary="Mark all notifications as read", request=None, responses=ReadCount)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked_read": mark_read(request.user)})
