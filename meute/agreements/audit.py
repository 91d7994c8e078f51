from auditlog.registry import auditlog

from .models import Agreement, AgreementAcceptance, AgreementSetting

for model in (Agreement, AgreementAcceptance, AgreementSetting):
    auditlog.register(model)
