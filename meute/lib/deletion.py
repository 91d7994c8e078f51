"""Deleting a business record: refused with a clear message while other records still point to it."""

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _


class ReferencedRecordError(Exception):
    """Raised instead of deleting a record that other records still point to."""


def delete_record(obj) -> None:
    """Delete a business record, or refuse with a clear message when other records reference it."""
    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, RestrictedError) as exc:
        blockers = {}
        for related in exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects:
            label = str(related._meta.verbose_name_plural)
            blockers[label] = blockers.get(label, 0) + 1
        summary = ", ".join(f"{count} {label}" for label, count in sorted(blockers.items()))
        raise ReferencedRecordError(
            _("“%(record)s” cannot be deleted: it is still referenced by %(summary)s.")
            % {"record": obj, "summary": summary}
        ) from exc
