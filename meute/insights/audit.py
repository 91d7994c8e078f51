from auditlog.registry import auditlog

from .models import GovernanceMeeting, Interaction, Survey, SurveyQuestion

for model in (GovernanceMeeting, Interaction, Survey, SurveyQuestion):
    auditlog.register(model)
