"""Personal data across apps: export what Meute holds about a person, erase it (history kept, values gone)."""

import json

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db.models import TextField
from django.db.models.functions import Cast
from django.urls import reverse

from meute.cli import main
from meute.core import privacy, tokens
from meute.core.factories import PersonFactory
from meute.core.models import ApiToken, ErasureRecord, Person, User
from meute.deals.models import DealRegistration
from meute.deals.tests.conftest import deals_world, make_data  # noqa: F401  (fixtures)
from meute.deals.workflow import register
from meute.notifications.models import Notification

EMAIL = "jeanne.dupont@client-dupont.fr"
PHONE = "+33 4 72 00 00 01"


@pytest.fixture
def subject_world(make_data, deals_world):  # noqa: F811
    world = deals_world
    with set_actor(world.manager):
        jeanne = PersonFactory(
            organization=world.org_a,
            first_name="Jeanne",
            last_name="Dupont",
            email="old.jeanne@client-dupont.fr",
        )
        jeanne.email = EMAIL
        jeanne.phone = PHONE
        jeanne.notes = "Prefers calls after 5 pm"
        jeanne.save()
    deal, _created = register(
        world.partner_a_user,
        world.partnership_a,
        make_data(contact_name="Jeanne Dupont", contact_email=EMAIL, contact_phone=PHONE),
    )
    other_deal, _created = register(
        world.partner_a_user,
        world.partnership_a,
        make_data(customer_name="Martin SA", contact_name="Paul Martin", contact_email="paul@martin.fr"),
    )
    world.jeanne, world.deal, world.other_deal = jeanne, deal, other_deal
    return world


def history_text() -> str:
    return " ".join(
        f"{row['repr']} {row['text']} {row['changes_text']}"
        for row in LogEntry.objects.annotate(text=Cast("changes", TextField())).values(
            "text", "changes_text", repr=Cast("object_repr", TextField())
        )
    )


@pytest.mark.django_db
class TestExport:
    def test_export_gathers_every_source(self, subject_world):
        data = privacy.export(privacy.find_subject(EMAIL))["data"]
        assert [row["email"] for row in data["people"]] == [EMAIL]
        assert data["people"][0]["notes"] == "Prefers calls after 5 pm"
        assert [row["contact_email"] for row in data["deal_contacts"]] == [EMAIL]
        assert data["audit"], "the history quoting her values is part of the export"
        assert json.dumps(privacy.export(privacy.find_subject(EMAIL)), cls=privacy.json_encoder)

    def test_unknown_subject_is_refused(self, subject_world):
        with pytest.raises(privacy.ValidationError):
            privacy.find_subject("nobody@nowhere.example")


@pytest.mark.django_db
class TestErase:
    def test_erase_scrubs_records_deal_contacts_and_history(self, subject_world):
        world = subject_world
        assert EMAIL in history_text() and "old.jeanne@client-dupont.fr" in history_text()
        entries_before = LogEntry.objects.count()
        privacy.erase(privacy.find_subject(EMAIL), by=world.admin)

        jeanne = Person.objects.get(pk=world.jeanne.pk)
        assert (jeanne.email, jeanne.phone, jeanne.notes, jeanne.is_active) == ("", "", "", False)
        assert "Jeanne" not in jeanne.full_name
        deal = DealRegistration.objects.get(pk=world.deal.pk)
        assert (deal.contact_email, deal.contact_phone, deal.contact_name) == ("", "", privacy.TOMBSTONE)
        assert deal.amount == world.deal.amount  # the deal itself is kept
        other = DealRegistration.objects.get(pk=world.other_deal.pk)
        assert other.contact_email == "paul@martin.fr"  # someone else's contact is untouched

        text = history_text()
        for value in (
            EMAIL,
            PHONE,
            "Prefers calls after 5 pm",
            "Jeanne Dupont",
            "old.jeanne@client-dupont.fr",
        ):
            assert value not in text
        assert privacy.TOMBSTONE in text
        assert "paul@martin.fr" in text
        # The history stays: no entry was deleted, and the erasure itself wrote none with her values.
        assert LogEntry.objects.count() == entries_before
        record = ErasureRecord.objects.get()
        assert record.erased_by == world.admin
        assert record.counts["people"] == 1 and record.counts["deal_contacts"] == 1
        assert EMAIL not in json.dumps(record.counts) and EMAIL not in record.subject_digest

    def test_a_user_with_deals_is_anonymised_not_deleted(self, subject_world):
        world = subject_world
        alice = world.partner_a_user
        alice.first_name, alice.last_name = "Alice", "Arnaud-Fabre"
        alice.save()
        _token, key = tokens.issue(alice, "script")
        Notification.objects.create(recipient=alice, title="Deal approved", body="Your deal for Dupont")
        privacy.erase(privacy.find_subject("alice"), by=world.admin)

        alice = User.objects.get(pk=alice.pk)
        assert alice.username.startswith("erased-")
        assert (alice.email, alice.first_name, alice.last_name, alice.is_active) == ("", "", "", False)
        assert not alice.has_usable_password()
        assert not ApiToken.objects.filter(user=alice).exists()
        assert not Notification.objects.filter(recipient=alice).exists()
        assert DealRegistration.objects.filter(registered_by=alice).count() == 2
        assert "alice@example.com" not in history_text()

    def test_erasure_in_one_transaction(self, subject_world, monkeypatch):
        def broken(subject):
            raise RuntimeError("disk full")

        monkeypatch.setitem(privacy._SOURCES, "broken", privacy.Source("broken", lambda s: [], broken))
        with pytest.raises(RuntimeError):
            privacy.erase(privacy.find_subject(EMAIL))
        assert Person.objects.get(pk=subject_world.jeanne.pk).email == EMAIL
        assert EMAIL in history_text()
        assert not ErasureRecord.objects.exists()


@pytest.mark.django_db
class TestPage:
    def test_administrator_exports_json(self, subject_world, client_for):
        client = client_for(subject_world.admin)
        response = client.post(reverse("privacy"), {"subject": EMAIL, "action": "export"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        body = json.loads(response.content)
        assert body["data"]["people"][0]["email"] == EMAIL

    def test_erase_needs_the_confirmation(self, subject_world, client_for):
        client = client_for(subject_world.admin)
        response = client.post(reverse("privacy"), {"subject": EMAIL, "action": "erase"})
        assert response.status_code == 400
        assert Person.objects.get(pk=subject_world.jeanne.pk).email == EMAIL
        response = client.post(reverse("privacy"), {"subject": EMAIL, "action": "erase", "confirm": "on"})
        assert response.status_code == 302
        assert Person.objects.get(pk=subject_world.jeanne.pk).email == ""
        assert ErasureRecord.objects.count() == 1

    def test_unknown_subject_shows_an_error(self, subject_world, client_for):
        client = client_for(subject_world.admin)
        response = client.post(reverse("privacy"), {"subject": "ghost@nowhere.example", "action": "export"})
        assert response.status_code == 400
        assert "No person, login or e-mail address matches" in response.content.decode()

    @pytest.mark.parametrize("who", ["partner_a_user", "partner_b_user", "manager", "reader"])
    def test_only_administrators(self, subject_world, client_for, who):
        client = client_for(getattr(subject_world, who))
        assert client.get(reverse("privacy")).status_code == 403
        response = client.post(reverse("privacy"), {"subject": EMAIL, "action": "erase", "confirm": "on"})
        assert response.status_code == 403
        assert Person.objects.get(pk=subject_world.jeanne.pk).email == EMAIL


@pytest.mark.django_db
class TestCommand:
    def test_export_then_erase(self, subject_world, tmp_path, capsys):
        output = tmp_path / "jeanne.json"
        assert main(["privacy", "export", EMAIL, "--output", str(output)]) == 0
        assert json.loads(output.read_text())["data"]["people"][0]["phone"] == PHONE
        assert main(["privacy", "erase", EMAIL, "--yes"]) == 0
        assert "people 1" in capsys.readouterr().out
        assert Person.objects.get(pk=subject_world.jeanne.pk).phone == ""

    def test_unknown_subject_exits_1_and_erases_nothing(self, subject_world, capsys):
        assert main(["privacy", "erase", "ghost@nowhere.example", "--yes"]) == 1
        assert "No person, login or e-mail address matches" in capsys.readouterr().err
        assert not ErasureRecord.objects.exists()
