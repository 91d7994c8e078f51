import unicodedata

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from meute.lib.models import BusinessModel, StaffOnlyQuerySet, VisibleQuerySet
from meute.lib.search import search_words

from . import validators
from .choices import (
    CompanySize,
    Department,
    GrowthTrend,
    PartnerType,
    PersonRole,
    TerritoryKind,
    UserRole,
)

# Latin letters with diacritics → their base letters, computed once: str.translate is much faster than
# decomposing every character of every name, and gives the same result for these letters.
_FOLD_TABLE = {
    code: "".join(ch for ch in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(ch))
    for code in range(0xC0, 0x250)
}


def fold(text: str | None) -> str:
    """Lower-case, accent-free text: what the directory search compares against."""
    text = (text or "").translate(_FOLD_TABLE)
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return text.lower()


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=UserRole.choices, default=UserRole.READ_ONLY)
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Required for partner users: the organisation whose data they may see."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="partner_user_has_organization",
                condition=~Q(role=UserRole.PARTNER) | Q(organization__isnull=False),
                violation_error_message=_("A partner user must belong to an organisation."),
            )
        ]

    def clean(self):
        super().clean()
        if self.role == UserRole.PARTNER and self.organization_id is None:
            raise ValidationError({"organization": _("A partner user must belong to an organisation.")})

    @property
    def is_staff_member(self) -> bool:
        """Operator staff see every row; partner users only their organisation's."""
        return self.is_superuser or self.role != UserRole.PARTNER

    @property
    def is_partner_user(self) -> bool:
        return not self.is_staff_member

    @property
    def can_edit_all(self) -> bool:
        return self.is_superuser or self.role in (UserRole.ADMIN, UserRole.CHANNEL_MANAGER)

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == UserRole.ADMIN


class ApiTokenQuerySet(VisibleQuerySet):
    def visible_to(self, user):
        """A token is its owner's alone: nobody else, staff included, lists or revokes it."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def for_organization(self, organization_id):
        return self.none()


class ApiToken(BusinessModel):
    """A named API token of one user. Only a digest of the key is kept: the key is shown once, on creation."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key begins with"), max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        # The token page and the revocations list one user's tokens.
        indexes = [models.Index(fields=["user", "expires_at"], name="core_apitoken_user_expires")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class ReferenceQuerySet(VisibleQuerySet):
    def for_organization(self, organization_id):
        # Reference data (territories, product lines, sectors, tags) is shared by everyone.
        return self


class ReferenceModel(BusinessModel):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    # Reference data is read in both languages: ``name`` in the operator's language, ``name_en`` for
    # English readers (French readers read ``name``; an empty ``name_en`` falls back to it).
    name_en = models.CharField(_("name in English"), max_length=120, blank=True, default="", db_default="")

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Territory(ReferenceModel):
    kind = models.CharField(
        _("kind"), max_length=10, choices=TerritoryKind.choices, default=TerritoryKind.REGION
    )
    country = CountryField(_("country"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta(ReferenceModel.Meta):
        verbose_name = _("territory")
        verbose_name_plural = _("territories")


class ProductLine(ReferenceModel):
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(ReferenceModel.Meta):
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")


class Sector(ReferenceModel):
    class Meta(ReferenceModel.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class Tag(ReferenceModel):
    class Meta(ReferenceModel.Meta):
        verbose_name = _("tag")
        verbose_name_plural = _("tags")


class OrganizationQuerySet(VisibleQuerySet):
    def for_organization(self, organization_id):
        return self.filter(pk=organization_id)

    def partners(self):
        return self.filter(is_operator=False)

    def search(self, text: str):
        """Accent- and case-insensitive match on every word, against names, city and identifiers."""
        return search_words(self, fold(text).split())

    def with_partner_type(self, partner_type: str):
        return self.filter(partner_type_links__partner_type=partner_type)


class Organization(BusinessModel):
    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    is_operator = models.BooleanField(
        _("operator"), default=False, help_text=_("The company that runs this Meute instance.")
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validators.validate_siren])
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validators.validate_siret])
    vat_number = models.CharField(
        _("VAT number"), max_length=16, blank=True, validators=[validators.validate_vat_number]
    )
    website = models.URLField(_("website"), max_length=200, blank=True)
    email_domain = models.CharField(
        _("e-mail domain"), max_length=253, blank=True, validators=[validators.validate_email_domain]
    )
    phone = models.CharField(_("phone"), max_length=24, blank=True, validators=[validators.validate_phone])
    address = models.CharField(_("address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), default="FR")
    region = models.ForeignKey(
        Territory, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)
    sales_headcount = models.PositiveIntegerField(_("sales headcount"), null=True, blank=True)
    engineer_headcount = models.PositiveIntegerField(_("engineer headcount"), null=True, blank=True)
    annual_revenue = models.DecimalField(
        _("annual revenue (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    market_share = models.DecimalField(
        _("market share (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    growth_trend = models.CharField(_("growth trend"), max_length=20, choices=GrowthTrend.choices, blank=True)
    company_sizes = models.JSONField(_("customer company sizes"), default=list, blank=True)
    markets = models.ManyToManyField(
        Sector, verbose_name=_("markets"), blank=True, related_name="organizations"
    )
    geographies = models.ManyToManyField(
        Territory, verbose_name=_("geographies"), blank=True, related_name="organizations"
    )
    offerings = models.ManyToManyField(
        ProductLine, verbose_name=_("offerings"), blank=True, related_name="organizations"
    )
    offerings_description = models.TextField(_("products and services"), blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="organizations")
    description = models.TextField(_("description"), blank=True)
    # Folded copy of name, legal name, city and identifiers: one column to scan for the directory search.
    search_text = models.TextField(editable=False, default="")
    # Bitmasks of the lifecycle stages and statuses of the partnerships this organisation is a party to,
    # maintained by meute.partnerships.summary (the directory's stage and status filters read them).
    partnership_stages = models.PositiveIntegerField(editable=False, default=0)
    partnership_statuses = models.PositiveIntegerField(editable=False, default=0)

    objects = OrganizationQuerySet.as_manager()

    partner_can_change = True

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_operator"],
                condition=Q(is_operator=True),
                name="single_operator",
                violation_error_message=_("There is already an operator organisation."),
            ),
            models.UniqueConstraint(
                fields=["siren"],
                condition=~Q(siren=""),
                name="unique_organization_siren",
                violation_error_message=_("Another organisation already has this SIREN."),
            ),
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="unique_organization_siret",
                violation_error_message=_("Another organisation already has this SIRET."),
            ),
            models.UniqueConstraint(
                fields=["vat_number"],
                condition=~Q(vat_number=""),
                name="unique_organization_vat_number",
                violation_error_message=_("Another organisation already has this VAT number."),
            ),
            models.CheckConstraint(
                name="organization_market_share_percent",
                condition=Q(market_share__isnull=True) | Q(market_share__gte=0, market_share__lte=100),
                violation_error_message=_("Market share is a percentage between 0 and 100."),
            ),
            models.CheckConstraint(
                name="organization_headcounts_consistent",
                condition=Q(headcount__isnull=True)
                | (
                    (Q(sales_headcount__isnull=True) | Q(sales_headcount__lte=models.F("headcount")))
                    & (Q(engineer_headcount__isnull=True) | Q(engineer_headcount__lte=models.F("headcount")))
                ),
                violation_error_message=_("Sales and engineer headcounts cannot exceed the total headcount."),
            ),
        ]
        indexes = [
            # Directory default sort and the name filter of the API.
            models.Index(fields=["name"], name="organization_name_idx"),
            # Directory filter by country.
            models.Index(fields=["country", "name"], name="organization_country_idx"),
            # Directory sort by city: read in index order and stop after one page.
            models.Index(fields=["city", "name"], name="organization_city_idx"),
            # Directory stage and status filters (and their counts): an index-only scan of the masks
            # instead of reading every organisation row.
            models.Index(
                fields=["partnership_stages", "partnership_statuses", "id"], name="organization_summary_idx"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organization-detail", kwargs={"uuid": self.uuid})

    def build_search_text(self) -> str:
        return _organization_search_text(
            (
                self.name,
                self.legal_name,
                self.city,
                self.postal_code,
                self.siret or self.siren,
                self.email_domain,
            )
        )

    @staticmethod
    def search_texts(name, legal_name, city, postal_code, siret, siren, email_domain) -> list[str]:
        """``build_search_text`` for many rows given column by column (imports)."""
        identifiers = [a or b for a, b in zip(siret, siren, strict=True)]
        rows = zip(name, legal_name, city, postal_code, identifiers, email_domain, strict=True)
        return list(map(_organization_search_text, rows))

    def clean_fields(self, exclude=None):
        # Normalise first, so "732 829 320" is stored as "732829320" and duplicates are recognised.
        self.siren = validators.normalize_siren(self.siren)
        self.siret = validators.normalize_siret(self.siret)
        self.vat_number = validators.normalize_vat(self.vat_number)
        self.email_domain = validators.normalize_domain(self.email_domain)
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        errors = {}
        if self.siren and self.siret and not self.siret.startswith(self.siren):
            errors["siret"] = _("The SIRET must start with the organisation's SIREN.")
        if self.headcount is not None:
            if self.sales_headcount is not None and self.sales_headcount > self.headcount:
                errors["sales_headcount"] = _("Cannot exceed the total headcount.")
            if self.engineer_headcount is not None and self.engineer_headcount > self.headcount:
                errors["engineer_headcount"] = _("Cannot exceed the total headcount.")
        bad_sizes = [s for s in self.company_sizes or [] if s not in CompanySize.values]
        if bad_sizes:
            errors["company_sizes"] = _("Unknown company size: %(sizes)s") % {"sizes": ", ".join(bad_sizes)}
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    @property
    def partner_types(self) -> list[str]:
        return [link.partner_type for link in self.partner_type_links.all()]

    def get_partner_types_display(self) -> list[str]:
        labels = dict(PartnerType.choices)
        return [labels.get(t, t) for t in self.partner_types]

    def get_company_sizes_display(self) -> list[str]:
        labels = dict(CompanySize.choices)
        return [labels.get(s, s) for s in self.company_sizes or []]


def _organization_search_text(parts) -> str:
    # Each word once (the legal name mostly repeats the name), and the SIREN only when there is no
    # SIRET, which starts with it: a shorter text is a smaller search index to maintain.
    words = fold(" ".join(p for p in parts if p)).split()
    return " ".join(dict.fromkeys(words))


class OrganizationPartnerType(models.Model):
    """A partner type an organisation can play; a row per type so lists filter by type on any database."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="partner_type_links"
    )
    partner_type = models.CharField(_("partner type"), max_length=30, choices=PartnerType.choices)

    class Meta:
        verbose_name = _("partner type")
        verbose_name_plural = _("partner types")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "partner_type"], name="unique_organization_partner_type"
            )
        ]
        indexes = [
            # Directory filter "type = X": find organisations by type without scanning organisations.
            models.Index(fields=["partner_type", "organization"], name="org_partner_type_idx"),
        ]

    def __str__(self):
        return self.get_partner_type_display()


class PersonQuerySet(VisibleQuerySet):
    def for_organization(self, organization_id):
        return self.filter(organization_id=organization_id)

    def search(self, text: str):
        return search_words(self, fold(text).split())


class Person(BusinessModel):
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="people"
    )
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=24, blank=True, validators=[validators.validate_phone])
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=PersonRole.choices, blank=True)
    department = models.CharField(_("department"), max_length=20, choices=Department.choices, blank=True)
    linkedin_url = models.URLField(_("LinkedIn profile"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        User, verbose_name=_("login"), on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )
    notes = models.TextField(_("notes"), blank=True)
    search_text = models.TextField(editable=False, default="")

    objects = PersonQuerySet.as_manager()

    partner_can_change = True
    partner_can_create = True

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=~Q(email=""),
                name="unique_person_email_per_organization",
                violation_error_message=_("This organisation already has a person with this e-mail."),
            )
        ]
        indexes = [
            # People list of an organisation page, in name order.
            models.Index(fields=["organization", "last_name", "first_name"], name="person_org_name_idx"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_absolute_url(self):
        return reverse("person-detail", kwargs={"uuid": self.uuid})

    def clean_fields(self, exclude=None):
        self.email = (self.email or "").strip().lower()
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if self.user_id and self.user.organization_id not in (None, self.organization_id):
            raise ValidationError({"user": _("This login belongs to another organisation.")})

    def build_search_text(self) -> str:
        return fold(f"{self.first_name} {self.last_name} {self.email} {self.job_title}")

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)


class ErasureRecord(BusinessModel):
    """That an erasure of personal data happened, when, by whom and what it touched: never whose data.

    The subject is kept only as a keyed digest of its e-mail address, so a second request for the same
    person can be recognised without keeping who they were.
    """

    subject_digest = models.CharField(_("subject digest"), max_length=64, db_index=True, editable=False)
    erased_by = models.ForeignKey(
        User, verbose_name=_("erased by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    counts = models.JSONField(_("what was erased"), default=dict)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("erasure of personal data")
        verbose_name_plural = _("erasures of personal data")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.subject_digest[:12]}"
