from auditlog.registry import auditlog

from .models import Partnership, PartnershipParty

auditlog.register(Partnership, m2m_fields={"territories", "product_lines", "sectors"})
auditlog.register(PartnershipParty)
