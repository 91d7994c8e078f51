from auditlog.registry import auditlog

from .models import ExchangeRate

auditlog.register(ExchangeRate)
