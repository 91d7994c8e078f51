"""E-mail copies of notifications can be turned off per kind: a signed link per e-mail, a settings page."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from meute.notifications import unsubscribe
from meute.notifications.models import EmailOptOut, Notification
from meute.notifications.notify import notify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def path_of(user, kind, language="en"):
    with translation.override(language):
        return reverse("notification-unsubscribe", args=[unsubscribe.make_token(user, kind)])


class TestTheEmail:
    def test_each_email_carries_a_link_and_a_header_for_its_kind(self, world, mailoutbox, settings):
        settings.MEUTE_SITE_URL = "https://prm.example.com/"
        notify([world.partner_a_user, world.partner_b_user], "Deal approved", url="/deals/1/", kind="deal")
        assert len(mailoutbox) == 2
        mail = next(m for m in mailoutbox if m.to == [world.partner_a_user.email])
        link = mail.extra_headers["List-Unsubscribe"].strip("<>")
        assert link.startswith("https://prm.example.com/notifications/unsubscribe/")
        assert link in mail.body and "Decisions on your deal registrations" in mail.body
        assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe.read_token(link.rstrip("/").rsplit("/", 1)[1])[:2] == (
            world.partner_a_user,
            "deal",
        )

    def test_the_link_follows_the_language_of_the_email(self, world, client, mailoutbox):
        with translation.override("fr"):
            notify([world.partner_a_user], "Bonjour", kind="deal")
        assert "Pour ne plus recevoir ces e-mails" in mailoutbox[0].body
        link = mailoutbox[0].extra_headers["List-Unsubscribe"].strip("<>")
        page = client.get(link, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Arrêter ces e-mails" in page and "Stop these e-mails" not in page


class TestTheLink:
    def test_get_only_asks_and_post_turns_the_kind_off(self, world, client, mailoutbox):
        path = path_of(world.partner_a_user, "deal")
        response = client.get(path)
        assert response.status_code == 200 and b"unsubscribe-confirm" in response.content
        assert not EmailOptOut.objects.exists()
        response = client.post(path)
        assert response.status_code == 200 and b"unsubscribe-done" in response.content
        assert list(EmailOptOut.objects.values_list("user", "kind")) == [(world.partner_a_user.pk, "deal")]
        client.post(path)
        assert EmailOptOut.objects.count() == 1

    def test_after_unsubscribing_the_kind_stays_in_app_but_is_not_emailed(self, world, client, mailoutbox):
        client.post(path_of(world.partner_a_user, "deal"))
        notify([world.partner_a_user, world.partner_b_user], "Deal approved", kind="deal")
        assert [m.to for m in mailoutbox] == [[world.partner_b_user.email]]
        assert Notification.objects.filter(recipient=world.partner_a_user, kind="deal").count() == 1
        notify([world.partner_a_user], "New lead", kind="lead")
        assert mailoutbox[-1].to == [world.partner_a_user.email]

    def test_a_tampered_token_is_refused_and_changes_nothing(self, world, client):
        token = unsubscribe.make_token(world.partner_a_user, "deal")
        for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", token + "x"):
            response = client.post(reverse("notification-unsubscribe", args=[bad]))
            assert response.status_code == 400 and b"unsubscribe-invalid" in response.content
        assert not EmailOptOut.objects.exists()

    def test_a_token_cannot_be_aimed_at_another_user_or_kind(self, world, client):
        mine = unsubscribe.make_token(world.partner_a_user, "deal")
        theirs = unsubscribe.make_token(world.partner_b_user, "lead")
        payload, rest = theirs.split(":", 1)[0], mine.split(":", 1)[1]
        response = client.post(reverse("notification-unsubscribe", args=[f"{payload}:{rest}"]))
        assert response.status_code == 400
        assert not EmailOptOut.objects.exists()

    def test_an_expired_token_is_refused(self, world, client, settings):
        settings.MEUTE_UNSUBSCRIBE_LINK_DAYS = 30
        with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False):
            path = path_of(world.partner_a_user, "deal")
        with time_machine.travel(dt.datetime(2026, 2, 1, tzinfo=dt.UTC), tick=False):
            assert client.post(path).status_code == 400
        with time_machine.travel(dt.datetime(2026, 1, 30, tzinfo=dt.UTC), tick=False):
            assert client.get(path).status_code == 200
        assert not EmailOptOut.objects.exists()

    def test_a_deactivated_users_token_is_refused(self, world, client):
        path = path_of(world.partner_a_user, "deal")
        world.partner_a_user.is_active = False
        world.partner_a_user.save()
        assert client.post(path).status_code == 400


class TestPreferences:
    def test_anonymous_visitors_are_sent_to_the_login(self, client):
        response = client.get(reverse("notification-preferences"))
        assert response.status_code == 302 and reverse("login") in response["Location"]

    def test_a_user_sees_and_changes_their_kinds(self, world, client_for, mailoutbox):
        client = client_for(world.partner_a_user)
        page = client.get(reverse("notification-preferences")).content.decode()
        assert 'value="deal" checked' in page
        wanted = [kind for kind in unsubscribe.KINDS if kind != "deal"]
        assert client.post(reverse("notification-preferences"), {"kind": wanted}).status_code == 302
        assert list(EmailOptOut.objects.values_list("kind", flat=True)) == ["deal"]
        page = client.get(reverse("notification-preferences")).content.decode()
        assert 'value="deal">' in page
        notify([world.partner_a_user], "Deal approved", kind="deal")
        assert mailoutbox == []
        client.post(reverse("notification-preferences"), {"kind": [*wanted, "deal", "not-a-kind"]})
        assert not EmailOptOut.objects.exists()

    def test_another_partners_choices_are_their_own(self, world, client_for):
        unsubscribe.opt_out(world.partner_a_user, "deal")
        client = client_for(world.partner_b_user)
        assert 'value="deal" checked' in client.get(reverse("notification-preferences")).content.decode()
        client.post(reverse("notification-preferences"), {"kind": []})
        assert EmailOptOut.objects.filter(user=world.partner_a_user).count() == 1
        assert EmailOptOut.objects.filter(user=world.partner_b_user).count() == len(unsubscribe.KINDS)
        assert {o.user_id for o in EmailOptOut.objects.visible_to(world.partner_b_user)} == {
            world.partner_b_user.pk
        }


def test_every_kind_sent_can_be_turned_off():
    """A kind passed to ``notify`` in the code but missing from the preferences list could not be
    unsubscribed from its own e-mail's link: every literal kind of every call is listed."""
    import ast
    from pathlib import Path

    root = Path(unsubscribe.__file__).resolve().parents[1]
    sent = {}
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name != "notify":
                continue
            for keyword in node.keywords:
                if keyword.arg == "kind" and isinstance(keyword.value, ast.Constant):
                    sent.setdefault(keyword.value.value, str(path.relative_to(root)))
    assert len(sent) >= 5  # the scan sees the calls it checks
    assert {kind: where for kind, where in sent.items() if kind not in unsubscribe.KINDS} == {}
