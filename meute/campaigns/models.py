"""Joint campaigns and events run with several partners (a coordinator, actions on a calendar, tasks with
owners, budget lines split among the participants, shared results), and 12-month marketing cooperations
with their marketing plan of five sub-plans (seed 000).

A partner user sees the campaigns and cooperations its organisation takes part in, with their co-participants
(the results page is shared), never the others.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meute.core.models import Organization, Person, Territory
from meute.funds.models import FundRequest
from meute.lib.models import BusinessModel, VisibleQuerySet
from meute.money.currencies import normalize_currency, validate_currency
from meute.partnerships.models import Partnership

from .choices import ActionKind, CampaignKind, CampaignStatus, RegistrationStatus, SplitRule, SubPlanKind

MONEY = {"max_digits": 14, "decimal_places": 2}


class CampaignScopedQuerySet(VisibleQuerySet):
    """Rows of a campaign: a partner sees those of campaigns its organisation takes part in."""

    campaign_path = "campaign_id"

    def for_organization(self, organization_id):
        seats = CampaignParticipant.objects.filter(
            campaign_id=OuterRef(self.campaign_path), organization_id=organization_id
        )
        return self.filter(Exists(seats))


class CampaignQuerySet(CampaignScopedQuerySet):
    campaign_path = "pk"


class Campaign(BusinessModel):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CampaignKind.choices, default=CampaignKind.CAMPAIGN
    )
    theme = models.CharField(_("prospection theme"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("grouping or partnership"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    coordinator = models.ForeignKey(
        Organization,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        related_name="coordinated_campaigns",
        help_text=_("One coordinator per project manages it and keeps the other participants informed."),
    )
    coordinator_person = models.ForeignKey(
        Person,
        verbose_name=_("coordinating person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR", validators=[validate_currency])
    split_rule = models.CharField(
        _("budget split"), max_length=10, choices=SplitRule.choices, default=SplitRule.EQUAL
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint campaign")
        verbose_name_plural = _("joint campaigns")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                name="campaign_dates_ordered",
                condition=Q(end_date__gte=F("start_date")),
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]
        indexes = [
            # The calendar: campaigns overlapping a window.
            models.Index(fields=["start_date", "end_date"], name="campaign_dates_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaigns:campaign-detail", kwargs={"uuid": self.uuid})

    def clean_fields(self, exclude=None):
        self.currency = normalize_currency(self.currency)
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if (
            self.coordinator_person_id
            and self.coordinator_id
            and self.coordinator_person.organization_id != self.coordinator_id
        ):
            raise ValidationError(
                {"coordinator_person": _("The coordinating person must belong to the coordinator.")}
            )


class CampaignParticipant(BusinessModel):
    """An organisation taking part: the operator or a partner, its share or headcount for the split, and the
    results it reports."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="participants"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    share_percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)
    fund_request = models.ForeignKey(
        FundRequest,
        verbose_name=_("funded by the request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign_seats",
    )
    leads = models.PositiveIntegerField(_("leads"), default=0)
    opportunities = models.PositiveIntegerField(_("opportunities"), default=0)
    revenue = models.DecimalField(_("revenue"), default=0, **MONEY)

    objects = CampaignScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["campaign", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization"],
                name="unique_campaign_participant",
                violation_error_message=_("This organisation already takes part in this campaign."),
            ),
            models.CheckConstraint(
                name="campaign_share_range",
                condition=Q(share_percent__isnull=True) | Q(share_percent__gte=0, share_percent__lte=100),
                violation_error_message=_("A share is between 0 % and 100 %."),
            ),
            models.CheckConstraint(
                name="campaign_revenue_not_negative",
                condition=Q(revenue__gte=0),
                violation_error_message=_("The revenue cannot be negative."),
            ),
        ]
        indexes = [
            # Partner access: the campaigns an organisation takes part in.
            models.Index(fields=["organization", "campaign"], name="campaign_participant_org_idx"),
        ]

    def __str__(self):
        return f"{self.organization} — {self.campaign}"


class CampaignAction(BusinessModel):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="actions"
    )
    kind = models.CharField(_("kind"), max_length=15, choices=ActionKind.choices, default=ActionKind.EVENT)
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    public_registration = models.BooleanField(
        _("public registration page"),
        default=False,
        help_text=_("Anyone with the link may register for this event until it ends."),
    )

    objects = CampaignScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign action")
        verbose_name_plural = _("campaign actions")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                name="campaign_action_dates_ordered",
                condition=Q(end_date__gte=F("start_date")),
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]
        indexes = [models.Index(fields=["start_date"], name="campaign_action_start_idx")]  # the calendar

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})


class RegistrationQuerySet(VisibleQuerySet):
    """A partner sees the people its own organisation invited or registered, not those of the other
    participants (prospects' names stay with the partner that brought them); the campaign page shows every
    participant the counts only."""

    def for_organization(self, organization_id):
        return self.filter(invited_by_id=organization_id)


class EventRegistration(BusinessModel):
    """One person invited to an event of a campaign: a contact of a partner (a person of the directory) or a
    prospect (name, e-mail and company), and what became of the invitation (registered, declined, attended,
    did not come), and whether the attendee became a lead."""

    action = models.ForeignKey(
        CampaignAction, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    invited_by = models.ForeignKey(
        Organization, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("contact"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=160, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RegistrationStatus.choices, default=RegistrationStatus.INVITED
    )
    is_lead = models.BooleanField(_("lead"), default=False)

    # Partners invite and record answers for their own guests; ``events`` says for which organisation.
    partner_can_create = True
    partner_can_change = True

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["action", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "person"],
                condition=Q(person__isnull=False),
                name="unique_event_person",
                violation_error_message=_("This person is already invited to this event."),
            ),
            models.UniqueConstraint(
                fields=["action", "email"],
                condition=~Q(email=""),
                name="unique_event_email",
                violation_error_message=_("This e-mail address is already invited to this event."),
            ),
            models.CheckConstraint(
                name="event_registration_who",
                condition=Q(person__isnull=False) | (~Q(name="") & ~Q(email="")),
                violation_error_message=_("Choose a contact, or give the prospect's name and e-mail."),
            ),
            models.CheckConstraint(
                name="event_lead_attended",
                condition=Q(is_lead=False) | Q(status=RegistrationStatus.ATTENDED),
                violation_error_message=_("Only an attendee can become a lead."),
            ),
        ]
        indexes = [
            # Partner access and the per-participant counts of a campaign.
            models.Index(fields=["invited_by", "action"], name="event_registration_org_idx"),
        ]

    def __str__(self):
        return str(self.person) if self.person_id else self.name


class CampaignTask(BusinessModel):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        Organization, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    objects = CampaignScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign task")
        verbose_name_plural = _("campaign tasks")
        ordering = ["done", "due_date", "pk"]

    def __str__(self):
        return self.title


class BudgetLine(BusinessModel):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    label = models.CharField(_("item"), max_length=200)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="EUR", validators=[validate_currency])
    amount_in_campaign_currency = models.DecimalField(
        _("in the campaign's currency"), editable=False, **MONEY
    )

    objects = CampaignScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                name="budget_line_positive",
                condition=Q(amount__gt=0),
                violation_error_message=_("The amount must be greater than zero."),
            ),
        ]

    def __str__(self):
        return self.label


class CooperationQuerySet(VisibleQuerySet):
    def for_organization(self, organization_id):
        return self.filter(members__id=organization_id).distinct()


class MarketingCooperation(BusinessModel):
    """A common market approach of at least 12 months, with its marketing plan (five sub-plans), objectives
    and calendar of actions."""

    name = models.CharField(_("name"), max_length=200)
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("grouping or partnership"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="marketing_cooperations",
    )
    coordinator = models.ForeignKey(
        Organization, verbose_name=_("coordinator"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        Organization, verbose_name=_("members"), related_name="marketing_cooperations"
    )
    theme = models.CharField(
        _("presentation theme"),
        max_length=200,
        blank=True,
        help_text=_(
            "A theme consistent with the market, and the grouping's evident added value for the targets."
        ),
    )
    objectives = models.TextField(_("objectives"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    objects = CooperationQuerySet.as_manager()

    class Meta:
        verbose_name = _("marketing cooperation")
        verbose_name_plural = _("marketing cooperations")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                name="cooperation_dates_ordered",
                condition=Q(end_date__gte=F("start_date")),
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaigns:cooperation-detail", kwargs={"uuid": self.uuid})


class SubPlanQuerySet(VisibleQuerySet):
    cooperation_path = "cooperation__members__id"

    def for_organization(self, organization_id):
        return self.filter(**{self.cooperation_path: organization_id}).distinct()


class MarketingSubPlan(BusinessModel):
    cooperation = models.ForeignKey(
        MarketingCooperation,
        verbose_name=_("cooperation"),
        on_delete=models.CASCADE,
        related_name="sub_plans",
    )
    kind = models.CharField(_("plan"), max_length=15, choices=SubPlanKind.choices)
    objectives = models.TextField(_("objectives"), blank=True)
    targets = models.TextField(_("targets"), blank=True)

    objects = SubPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("marketing sub-plan")
        verbose_name_plural = _("marketing sub-plans")
        ordering = ["cooperation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperation", "kind"],
                name="unique_sub_plan_per_cooperation",
                violation_error_message=_("This cooperation already has this plan."),
            ),
        ]

    def __str__(self):
        return self.get_kind_display()


class PlanActionQuerySet(SubPlanQuerySet):
    cooperation_path = "sub_plan__cooperation__members__id"


class PlanAction(BusinessModel):
    sub_plan = models.ForeignKey(
        MarketingSubPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("action"), max_length=200)
    target = models.CharField(_("target"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    done = models.BooleanField(_("done"), default=False)
    result = models.CharField(_("result"), max_length=300, blank=True)

    objects = PlanActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                name="plan_action_dates_ordered",
                condition=Q(end_date__gte=F("start_date")),
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
