"""One FilterSet per model: the directory page and the API query parameters use the same ones."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from meute.lib.filters import OrderingFilter

from . import directory
from .choices import Department, LifecycleStage, PartnershipStatus, PartnerType, PersonRole
from .models import Organization, Person, Tag


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    partner_type = django_filters.ChoiceFilter(
        label=_("Partner type"), choices=PartnerType.choices, method="filter_partner_type"
    )
    # A callable: the names are listed in the reader's language, sorted in it, when the form is built.
    country = django_filters.ChoiceFilter(label=_("Country"), choices=lambda: list(countries))
    stage = django_filters.ChoiceFilter(
        label=_("Lifecycle stage"), choices=LifecycleStage.choices, method="filter_stage"
    )
    status = django_filters.ChoiceFilter(
        label=_("Partnership status"), choices=PartnershipStatus.choices, method="filter_status"
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"), queryset=Tag.objects.all(), to_field_name="code", field_name="tags"
    )
    is_operator = django_filters.BooleanFilter(label=_("Operator"))
    ordering = OrderingFilter(
        label=_("Sort"),
        fields=(("name", "name"), ("city", "city"), ("headcount", "headcount"), ("created_at", "created")),
        field_labels={
            "name": _("Name"),
            "city": _("City"),
            "headcount": _("Headcount"),
            "created_at": _("Created"),
        },
    )

    class Meta:
        model = Organization
        fields = ["q", "partner_type", "country", "stage", "status", "tag", "is_operator"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_partner_type(self, queryset, name, value):
        return queryset.with_partner_type(value)

    def filter_stage(self, queryset, name, value):
        return directory.with_stage(queryset, value)

    def filter_status(self, queryset, name, value):
        return directory.with_status(queryset, value)


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    organization = django_filters.UUIDFilter(label=_("Organisation"), field_name="organization__uuid")
    department = django_filters.ChoiceFilter(label=_("Department"), choices=Department.choices)
    role = django_filters.ChoiceFilter(label=_("Role"), choices=PersonRole.choices)
    is_active = django_filters.BooleanFilter(label=_("Active"))
    ordering = OrderingFilter(label=_("Sort"), fields=(("last_name", "last_name"), ("created_at", "created")))

    class Meta:
        model = Person
        fields = ["q", "organization", "department", "role", "is_active"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)
