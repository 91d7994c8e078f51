"""Saving a customer: the one function that writes a ``Customer``, so its normalised name and its blocking
keys never fall out of step with its fields (the registration, the account import, the API and the demo
all save through it)."""

from django.db import transaction

from . import blocking
from .records import normalize_name


def save_customer(customer, *, update_fields=None) -> None:
    """Save ``customer`` and rewrite its blocking keys, in one transaction."""
    customer.name_key = normalize_name(customer.name)
    customer.phone = (customer.phone or "").strip()
    if update_fields is not None:
        update_fields = {*update_fields, "name_key", "phone", "updated_at"}
    with transaction.atomic():
        customer.save(update_fields=update_fields)
        blocking.write_keys(customer)
