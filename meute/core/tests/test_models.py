import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meute.core.factories import OrganizationFactory, PersonFactory
from meute.core.models import Organization, fold
from meute.core.organizations import set_partner_types
from meute.lib.deletion import ReferencedRecordError, delete_record


def test_fold_removes_accents_and_case():
    assert fold("Société Générale ÉTÉ") == "societe generale ete"


@pytest.mark.django_db
class TestOrganizationRules:
    def test_clean_normalises_identifiers(self):
        org = Organization(
            name="Acme", siren="732 829 320", vat_number="fr44732829320", email_domain="www.Acme.fr"
        )
        org.full_clean()
        assert (org.siren, org.vat_number, org.email_domain) == ("732829320", "FR44732829320", "acme.fr")

    def test_siret_must_extend_siren(self):
        org = Organization(name="Acme", siren="732829320", siret="44306184100047")
        with pytest.raises(ValidationError) as error:
            org.full_clean()
        assert "siret" in error.value.message_dict

    def test_headcounts_are_consistent_in_clean_and_database(self):
        org = Organization(name="Acme", headcount=10, sales_headcount=11)
        with pytest.raises(ValidationError) as error:
            org.full_clean()
        assert "sales_headcount" in error.value.message_dict
        with pytest.raises(IntegrityError), transaction.atomic():
            org.save()

    def test_duplicate_siren_refused_by_database(self):
        OrganizationFactory(siren="732829320")
        with pytest.raises(IntegrityError), transaction.atomic():
            Organization.objects.create(name="Copy", siren="732829320")

    def test_duplicate_siren_gives_a_friendly_validation_message(self):
        OrganizationFactory(siren="732829320")
        with pytest.raises(ValidationError, match="already has this SIREN"):
            Organization(name="Copy", siren="732829320").full_clean()

    def test_empty_identifiers_do_not_collide(self):
        Organization.objects.create(name="One")
        Organization.objects.create(name="Two")
        assert Organization.objects.filter(siren="").count() == 2

    def test_only_one_operator(self):
        OrganizationFactory(is_operator=True)
        with pytest.raises(IntegrityError), transaction.atomic():
            OrganizationFactory(is_operator=True)

    def test_market_share_is_a_percentage(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            OrganizationFactory(market_share=120)

    def test_unknown_company_size(self):
        with pytest.raises(ValidationError):
            Organization(name="Acme", company_sizes=["giant"]).full_clean()

    def test_search_is_accent_insensitive_on_every_word(self):
        OrganizationFactory(name="Société Générale d'Intégration", city="Besançon")
        OrganizationFactory(name="Autre", city="Paris")
        assert Organization.objects.search("integration besancon").count() == 1
        assert Organization.objects.search("INTÉGRATION paris").count() == 0

    def test_partner_types_are_set_and_filtered(self):
        org = OrganizationFactory()
        set_partner_types(org, ["reseller", "var"])
        set_partner_types(org, ["var", "referrer"])
        assert sorted(org.partner_types) == ["referrer", "var"]
        assert list(Organization.objects.with_partner_type("var")) == [org]
        with pytest.raises(ValueError):
            set_partner_types(org, ["astronaut"])


@pytest.mark.django_db
class TestDeletion:
    def test_referenced_organisation_is_refused_and_kept(self):
        person = PersonFactory()
        with pytest.raises(ReferencedRecordError, match="cannot be deleted"):
            delete_record(person.organization)
        assert Organization.objects.filter(pk=person.organization.pk).exists()

    def test_unreferenced_organisation_is_deleted_and_audited(self):
        from auditlog.models import LogEntry

        org = OrganizationFactory()
        org_pk = org.pk
        delete_record(org)
        assert not Organization.objects.filter(pk=org_pk).exists()
        assert LogEntry.objects.filter(object_pk=str(org_pk), action=LogEntry.Action.DELETE).exists()


@pytest.mark.django_db
def test_person_email_unique_within_organisation():
    person = PersonFactory(email="a@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(organization=person.organization, email="a@example.com")
    PersonFactory(email="a@example.com")  # same e-mail in another organisation is fine
