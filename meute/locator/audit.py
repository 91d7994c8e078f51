from auditlog.registry import auditlog

from .models import Enquiry, Label, LabelAward, LocatorProfile

for model in (Label, LabelAward, LocatorProfile, Enquiry):
    auditlog.register(model)
