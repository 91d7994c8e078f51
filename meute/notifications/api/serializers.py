from rest_framework import serializers

from meute.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    read = serializers.BooleanField(source="is_read", read_only=True)
    # In the language of the request (Accept-Language), whoever's action sent the notification.
    title = serializers.CharField(source="display_title", read_only=True)
    body = serializers.CharField(source="display_body", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "read", "read_at", "created_at"]
        read_only_fields = fields
