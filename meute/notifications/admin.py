from meute.lib.admin import register_read_only

from .models import Notification

register_read_only(Notification)
