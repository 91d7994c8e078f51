from meute.lib.admin import register_read_only

from .models import Enquiry, Label, LabelAward, LocatorProfile

register_read_only(Enquiry, Label, LabelAward, LocatorProfile)
