"""A grouping's playbook: the catalogue entries of its model as items to own, track and document.

- ``instantiate(grouping, model)`` creates the missing items of the model (idempotent).
- ``update_item(user, item, **changes)`` validates and saves an item: owner must be a member of the
  grouping (or one of its people), "not applicable" needs a reason, a percentage item (the referral rate)
  must stay within the referral range of the grouping's remuneration rules (5–20 % without rules).
- ``progress(items)`` summarises the items (done or not applicable over all, and required items open).

Who may change an item: staff editors, the grouping's coordinator or project lead, and the members of
the organisation that owns the item.
"""

from dataclasses import dataclass
from decimal import Decimal

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meute.collaboration.catalogue import entries_for
from meute.collaboration.choices import PlaybookItemStatus
from meute.collaboration.models import PlaybookDocument, PlaybookItem
from meute.lib.refusals import Refusal, declare
from meute.remuneration.models import RemunerationVersion

from .roles import is_lead

EDITABLE_FIELDS = (
    "status",
    "owner_organization",
    "owner_person",
    "notes",
    "not_applicable_reason",
    "rate_percent",
)


# Items a record of an upper app settles (the campaign budget split, the 12-month marketing cooperation):
# ``key -> settle(item)`` returns why the item cannot be done yet, or ``None``. Registered from the upper
# app's ``AppConfig.ready()`` (``meute.campaigns``), so this module never imports it.
_SETTLERS: dict = {}
NOT_SETTLED = declare(
    "not_settled",
    "The playbook item is done once the record that settles it exists (`details.item`: the item's key).",
)


def register_settler(key: str, settle) -> None:
    _SETTLERS[key] = settle


def format_percent(value: Decimal) -> str:
    """5 → "5", 12.50 → "12.5" (never the exponent notation of ``Decimal.normalize``)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def instantiate(grouping, model: str) -> list[PlaybookItem]:
    existing = set(
        PlaybookItem.objects.filter(partnership=grouping, model=model).values_list("key", flat=True)
    )
    PlaybookItem.objects.bulk_create(
        [
            PlaybookItem(partnership=grouping, model=model, key=entry.key, position=position)
            for position, entry in enumerate(entries_for(model))
            if entry.key not in existing
        ]
    )
    return items_for(grouping, model)


def items_for(grouping, model: str | None = None) -> list[PlaybookItem]:
    model = model or grouping.collaboration_model
    return list(
        PlaybookItem.objects.filter(partnership=grouping, model=model)
        .select_related("owner_organization", "owner_person")
        .prefetch_related("documents")
        .order_by("position")
    )


def can_change_item(user, item, lead: bool | None = None) -> bool:
    """``lead``: whether the user leads the item's grouping, when the caller already knows (lists)."""

    if not (user and user.is_authenticated):
        return False
    if lead is None:
        lead = is_lead(user, item.partnership)
    if lead:
        return True
    return bool(
        user.is_partner_user
        and item.owner_organization_id
        and item.owner_organization_id == user.organization_id
    )


def rate_bounds(item: PlaybookItem) -> tuple[Decimal, Decimal]:
    """The range a percentage item's rate must stay in.

    The referral rate follows the grouping's remuneration rules: the allowed referral range of the
    version in force today (or, before the first one starts, of the first one), so the playbook and the
    payouts never disagree. Without rules, the catalogue's range (5–20 % for the referral fee).
    """
    entry = item.entry
    if entry.key == "referral_rate" and item.partnership_id:
        versions = RemunerationVersion.objects.filter(partnership_id=item.partnership_id).values_list(
            "referral_min_rate", "referral_max_rate"
        )
        today = timezone.localdate()
        bounds = versions.filter(valid_from__lte=today).order_by("-valid_from").first()
        bounds = bounds or versions.order_by("valid_from").first()
        if bounds:
            return bounds
    return entry.minimum, entry.maximum


def validate_item(item: PlaybookItem) -> None:
    errors = {}
    member_ids = set(item.partnership.parties.values_list("organization_id", flat=True))
    if item.owner_organization_id and item.owner_organization_id not in member_ids:
        errors["owner_organization"] = [_("The owner must be a member of the grouping.")]
    if item.owner_person_id and item.owner_person.organization_id not in member_ids:
        errors["owner_person"] = [_("The owner must be a person of a member of the grouping.")]
    if item.status == PlaybookItemStatus.NOT_APPLICABLE and not item.not_applicable_reason.strip():
        errors["not_applicable_reason"] = [_("Say why the item does not apply.")]
    entry = item.entry
    if entry and entry.value_kind == "percent":
        rate = item.rate_percent
        lowest, highest = rate_bounds(item)
        if rate is not None and not (lowest <= rate <= highest):
            errors["rate_percent"] = [
                _("The rate must be between %(min)s %% and %(max)s %%.")
                % {"min": format_percent(lowest), "max": format_percent(highest)}
            ]
        if rate is None and item.status == PlaybookItemStatus.DONE:
            errors["rate_percent"] = [_("Give the rate before marking this item done.")]
    elif item.rate_percent is not None:
        errors["rate_percent"] = [_("This item has no rate.")]
    if errors:
        raise ValidationError(errors)
    settle = _SETTLERS.get(item.key)
    if settle is not None and item.status == PlaybookItemStatus.DONE:
        reason = settle(item)
        if reason:
            # The item is valid; what is missing is the record that settles it, elsewhere.
            raise Refusal({"status": [reason]}, code=NOT_SETTLED, details={"item": item.key})


@transaction.atomic
def update_item(user, item: PlaybookItem, **changes) -> PlaybookItem:
    if not can_change_item(user, item):
        raise PermissionDenied(_("Only the coordinator, staff or the item's owner may change it."))
    item = PlaybookItem.objects.select_for_update().get(pk=item.pk)
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            raise ValidationError({name: [_("This field cannot be changed.")]})
        setattr(item, name, value)
    if item.status != PlaybookItemStatus.NOT_APPLICABLE:
        item.not_applicable_reason = ""
    validate_item(item)
    with set_actor(user):
        item.save()
    return item


DOCUMENT_EXTENSIONS = (
    "pdf",
    "docx",
    "doc",
    "odt",
    "xlsx",
    "xls",
    "ods",
    "pptx",
    "odp",
    "csv",
    "txt",
    "md",
    "png",
    "jpg",
    "jpeg",
)


def check_upload(upload) -> None:
    """Refuse files of an unexpected kind or too big, with the reason."""
    from django.conf import settings

    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            {
                "file": _("Files of this kind are not accepted; use one of: %(kinds)s.")
                % {"kinds": ", ".join(DOCUMENT_EXTENSIONS)}
            }
        )
    limit = settings.MEUTE_MAX_UPLOAD_MB
    if upload.size > limit * 1024 * 1024:
        raise ValidationError({"file": _("The file is larger than %(limit)s MB.") % {"limit": limit}})


@transaction.atomic
def add_document(user, item: PlaybookItem, title: str, url: str = "", file=None) -> PlaybookDocument:
    if not can_change_item(user, item):
        raise PermissionDenied(_("Only the coordinator, staff or the item's owner may change it."))
    if bool(url) == bool(file):
        raise ValidationError(_("Give either a file to upload or a link, not both."))
    if file:
        check_upload(file)
    # The item's row lock makes two people adding the same title at once take versions one after the other.
    PlaybookItem.objects.select_for_update().filter(pk=item.pk).first()
    earlier = item.documents.filter(title__iexact=title.strip()).order_by("-version").first()
    document = PlaybookDocument(
        item=item,
        title=earlier.title if earlier else title,
        version=earlier.version + 1 if earlier else 1,
        url=url or "",
        added_by=user,
    )
    document.full_clean(exclude={"file"})
    if file:
        document.file.save(file.name, file, save=False)
    with set_actor(user):
        document.save()
    return document


def document_versions(documents) -> list[tuple[PlaybookDocument, list[PlaybookDocument]]]:
    """An item's documents by title: each title's latest version, with the earlier ones newest first."""
    by_title = {}
    for document in sorted(documents, key=lambda d: (d.title.casefold(), -d.version)):
        by_title.setdefault(document.title.casefold(), []).append(document)
    return [(versions[0], versions[1:]) for versions in by_title.values()]


@dataclass
class Progress:
    total: int
    closed: int  # done or not applicable
    done: int
    in_progress: int
    required_open: int

    @property
    def percent(self) -> int:
        return round(Decimal(100) * self.closed / self.total) if self.total else 0


def progress(items) -> Progress:
    items = list(items)
    closed = [i for i in items if i.status in (PlaybookItemStatus.DONE, PlaybookItemStatus.NOT_APPLICABLE)]
    required_open = [i for i in items if i not in closed and (i.entry is None or i.entry.required)]
    return Progress(
        total=len(items),
        closed=len(closed),
        done=sum(1 for i in items if i.status == PlaybookItemStatus.DONE),
        in_progress=sum(1 for i in items if i.status == PlaybookItemStatus.IN_PROGRESS),
        required_open=len(required_open),
    )
