from meute.lib.admin import register_read_only

from .models import Customer, DealParty, DealRegistration

register_read_only(Customer, DealParty, DealRegistration)
