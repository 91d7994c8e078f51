from auditlog.registry import auditlog

from .models import Lead, LeadCapacity, LeadOffer

auditlog.register(Lead, m2m_fields={"product_lines"})
auditlog.register(LeadOffer)
auditlog.register(LeadCapacity)
