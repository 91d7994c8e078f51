from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class ActivityType(models.TextChoices):
    EVENT = "event", _("Event")
    SEMINAR = "seminar", _("Customer seminar")
    ROADSHOW = "roadshow", _("Road-show")
    WEBINAR = "webinar", _("Webinar")
    EMAILING = "emailing", _("E-mailing")
    TELEMARKETING = "telemarketing", _("Telemarketing")
    LEAD_GENERATION = "lead_generation", _("Lead-generation campaign")
    BROCHURE = "brochure", _("Co-branded material")
    DIGITAL = "digital", _("Digital advertising")
    OTHER = "other", _("Other")


class AllocationMethod(models.TextChoices):
    TIER_RULE = "tier_rule", _("Tier rule (share of last year's revenue)")
    MANUAL = "manual", _("By hand")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


# A partner may still edit its request in these states.
EDITABLE_REQUEST_STATES = (RequestStatus.DRAFT, RequestStatus.CHANGES_REQUESTED)


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    PARTIALLY_APPROVED = "partially_approved", _("Partially approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


class EntryKind(models.TextChoices):
    """The ledger's buckets. Every movement adds an entry; a balance is the sum of a bucket's entries.

    allocation: what finance gave (adjustments are more entries, possibly negative);
    commitment: set aside by an approved request (released, as a negative entry, when its claim is decided
    or the request is cancelled); claim: approved for reimbursement, not paid yet (moved out when paid);
    payment: paid; expiry: what was left unused when the allocation expired; carry_over: the share of the
    unused balance moved to the next period at expiry (negative on the expiring fund, positive on the next).
    """

    ALLOCATION = "allocation", _("Allocation")
    COMMITMENT = "commitment", _("Commitment")
    CLAIM = "claim", _("Approved claim")
    PAYMENT = "payment", _("Payment")
    EXPIRY = "expiry", _("Expiry")
    CARRY_OVER = "carry_over", _("Carry-over")


class ProofKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    PHOTO = "photo", _("Photo")
    ATTENDEES = "attendees", _("Attendee list")
    OTHER = "other", _("Other document")


# The notes the ledger writes itself are kept as their English source and read in the reader's language (a
# note frozen in the language of whoever approved would reach a reader of the other one).
SYSTEM_NOTES = frozenset(
    {
        gettext_noop("Allocated by tier rule"),
        gettext_noop("Allocated by hand"),
        gettext_noop("Request approved"),
        gettext_noop("Request cancelled"),
        gettext_noop("Settled by its claim"),
        gettext_noop("Claim approved"),
        gettext_noop("Paid"),
    }
)
EXPIRY_NOTE = gettext_noop("Unused funds expired on %(date)s")
