"""Notifications: who hears of deal decisions and tier changes, the bell, the page, the API."""

import pytest
from django.urls import reverse
from django.utils import translation

from meute.deals.workflow import approve, register, reject
from meute.notifications.models import Notification
from meute.notifications.notify import mark_read, notify, partnership_partner_users
from meute.programs.evaluation import approve_change, run_evaluation
from meute.programs.models import RevenueRecord, TierChange
from meute.programs.tests.fixtures import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def titles(user):
    return list(Notification.objects.visible_to(user).values_list("title", flat=True))


class TestWho:
    def test_partner_users_of_a_partnership_only(self, world):
        users = partnership_partner_users([world.partnership_a.pk, world.partnership_b.pk])
        assert users[world.partnership_a.pk] == [world.partner_a_user]
        assert users[world.partnership_b.pk] == [world.partner_b_user]

    def test_inactive_users_are_skipped(self, world):
        world.partner_a_user.is_active = False
        world.partner_a_user.save()
        assert notify([world.partner_a_user, world.partner_b_user], "Hello") != []
        assert not world.partner_a_user.notifications.exists()
        assert world.partner_b_user.notifications.count() == 1


class TestDealEvents:
    def test_submission_reaches_reviewers_and_decision_reaches_the_partner(self, deals_world, make_data):
        w = deals_world
        deal, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="900000"))
        assert deal.stage == "submitted"
        assert titles(w.manager) == ["New deal registration to review"]
        assert titles(w.admin) == ["New deal registration to review"]
        assert titles(w.reader) == []  # read-only staff do not review
        assert titles(w.partner_b_user) == []
        approve(deal, w.manager, "Fine")
        assert titles(w.partner_a_user) == ["Your deal registration is approved"]
        note = w.partner_a_user.notifications.get()
        assert note.url == deal.get_absolute_url() and "Protected until" in note.body
        assert titles(w.partner_b_user) == []

    def test_rejection_reason_is_in_the_message(self, deals_world, make_data):
        w = deals_world
        deal, _ = register(w.partner_a_user, w.partnership_a, make_data(amount="900000"))
        reject(deal, w.manager, "Customer already served directly")
        assert "Customer already served directly" in w.partner_a_user.notifications.get().body


class TestTierEvents:
    def test_proposal_reaches_reviewers_and_approval_reaches_the_partner(self, world, program):
        RevenueRecord.objects.create(partnership=world.partnership_a, period=AS_OF, amount="412000")
        run_evaluation(program, AS_OF)
        assert titles(world.manager) == [f"1 tier change to review in “{program.name}”"]
        assert titles(world.partner_a_user) == []
        change = TierChange.objects.get(program=program)
        approve_change(change, world.manager)
        assert titles(world.partner_a_user) == [f"Your tier in “{program.name}” is now Silver"]
        assert titles(world.partner_b_user) == []

    def test_auto_applied_change_is_announced_at_once(self, world, program):
        program.auto_apply = True
        program.save()
        RevenueRecord.objects.create(partnership=world.partnership_a, period=AS_OF, amount="412000")
        run_evaluation(program, AS_OF)
        assert titles(world.partner_a_user) == [f"Your tier in “{program.name}” is now Silver"]
        assert titles(world.manager) == []


class TestPages:
    def test_bell_counts_unread_and_page_lists_own_only(self, world, client_for):
        notify([world.partner_a_user], "For Alice", "Body A", url="/deals/")
        notify([world.partner_b_user], "For Bruno")
        client = client_for(world.partner_a_user)
        home = client.get(reverse("dashboard")).content.decode()
        assert 'class="bell__count" aria-hidden="true">1<' in home
        page = client.get(reverse("notification-list")).content.decode()
        assert "For Alice" in page and "For Bruno" not in page

    def test_open_marks_read_and_follows_local_links_only(self, world, client_for):
        (local,) = notify([world.partner_a_user], "Local", url="/deals/")
        (remote,) = notify([world.partner_a_user], "Remote", url="https://evil.example/")
        client = client_for(world.partner_a_user)
        response = client.post(reverse("notification-open", args=[local.uuid]))
        assert response.status_code == 302 and response["Location"] == "/deals/"
        local.refresh_from_db()
        assert local.read_at is not None
        response = client.post(reverse("notification-open", args=[remote.uuid]))
        assert response["Location"] == reverse("notification-list")

    def test_someone_elses_notification_is_not_found(self, world, client_for):
        (other,) = notify([world.partner_b_user], "For Bruno")
        client = client_for(world.partner_a_user)
        assert client.post(reverse("notification-open", args=[other.uuid])).status_code == 404
        other.refresh_from_db()
        assert other.read_at is None
        # Staff do not read other people's notifications either.
        assert (
            client_for(world.admin).post(reverse("notification-open", args=[other.uuid])).status_code == 404
        )

    def test_mark_all_read(self, world, client_for):
        notify([world.partner_a_user], "One")
        notify([world.partner_a_user], "Two")
        notify([world.partner_b_user], "Three")
        response = client_for(world.partner_a_user).post(reverse("notification-read-all"))
        assert response.status_code == 302
        assert not Notification.objects.visible_to(world.partner_a_user).unread().exists()
        assert Notification.objects.visible_to(world.partner_b_user).unread().count() == 1

    def test_anonymous_users_are_sent_to_login(self, client):
        response = client.get(reverse("notification-list"))
        assert response.status_code == 302 and "login" in response["Location"]


class TestApi:
    def test_list_read_and_read_all(self, world, client_for):
        (first,) = notify([world.reader], "First")
        notify([world.reader], "Second")
        notify([world.partner_a_user], "Not yours")
        client = client_for(world.reader)
        listed = client.get("/api/notifications/").json()
        assert sorted(n["title"] for n in listed["results"]) == ["First", "Second"]
        response = client.post(f"/api/notifications/{first.uuid}/read/")
        assert response.status_code == 200 and response.json()["read"] is True  # read-only staff may
        unread = client.get("/api/notifications/?unread=true").json()
        assert [n["title"] for n in unread["results"]] == ["Second"]
        assert client.post("/api/notifications/read-all/").json() == {"marked_read": 1}

    def test_another_users_notification_is_refused(self, world, client_for):
        (other,) = notify([world.partner_b_user], "For Bruno")
        client = client_for(world.partner_a_user)
        assert client.get(f"/api/notifications/{other.uuid}/").status_code == 404
        assert client.post(f"/api/notifications/{other.uuid}/read/").status_code == 404
        other.refresh_from_db()
        assert other.read_at is None
        assert mark_read(world.partner_a_user) == 0


class TestReadersLanguage:
    """A notification is written in the language of whoever reads it, not of whoever caused it."""

    def test_deal_decision_sent_in_english_reads_in_french(self, deals_world, make_data, client_for):
        world = deals_world
        deal, _ = register(world.partner_a_user, world.partnership_a, make_data(amount="900000"))
        approve(deal, world.manager, "Fine")
        client = client_for(world.partner_a_user)
        french = client.get(reverse("notification-list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert "Votre enregistrement d’affaire est approuvé" in french
        assert "Your deal registration is approved" not in french
        assert "Approuvé (protégé)" in french  # the stage, a choice label, is translated too
        english = client.get(reverse("notification-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Your deal registration is approved" in english
        api = client.get("/api/notifications/", HTTP_ACCEPT_LANGUAGE="fr").json()
        assert "Votre enregistrement d’affaire est approuvé" in [row["title"] for row in api["results"]]

    def test_dates_and_counts_follow_the_reader(self):
        import datetime

        from django.utils.translation import gettext_noop

        from meute.notifications.messages import Message, encode, render

        stored = encode(
            [Message(gettext_noop("Protected until %(date)s."), date=datetime.date(2026, 3, 1)), "typed text"]
        )
        with translation.override("fr"):
            assert render(stored) == "Protégé jusqu’au 1 mars 2026.\ntyped text"
        with translation.override("en"):
            assert render(stored) == "Protected until 1 March 2026.\ntyped text"

    def test_rows_written_before_keep_their_text(self, world):
        old = Notification.objects.create(recipient=world.partner_a_user, title="Ancien titre", body="Texte")
        with translation.override("en"):
            assert (old.display_title, old.display_body) == ("Ancien titre", "Texte")
