"""Partner agreement: versions, typed signatures, the portal gate, API and outsider checks."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from meute.agreements import signing as agreements
from meute.agreements.models import Agreement, AgreementAcceptance, AgreementSetting

pytestmark = pytest.mark.django_db

TEXT_V1 = "Article 1. The partner promotes the products.\nArticle 2. Fair play."


@pytest.fixture
def agreement(program, world):
    return agreements.publish(program, "", "Partner agreement", TEXT_V1, user=world.manager)


@pytest.fixture
def gated(program):
    return AgreementSetting.objects.create(program=program, gate_features=True)


def sign(user, agreement, ip="10.0.0.7", **overrides):
    data = {"signer_name": "Alice Arnaud", "signer_title": "CEO", "version": agreement.version}
    data.update(overrides)
    return agreements.accept(agreement, user, ip_address=ip, **data)


class TestRules:
    def test_publish_numbers_versions_per_partner_type(self, program, agreement, world):
        second = agreements.publish(program, "", "Partner agreement", TEXT_V1 + "\nArticle 3.")
        reseller = agreements.publish(program, "reseller", "Reseller agreement", "Resell.")
        assert (agreement.version, second.version, reseller.version) == (1, 2, 1)
        current = agreements.current_versions(program)
        assert current[""].pk == second.pk and current["reseller"].pk == reseller.pk

    def test_empty_text_refused(self, program):
        with pytest.raises(ValidationError) as exc:
            agreements.publish(program, "", "Title", "   ")
        assert "text" in exc.value.message_dict
        assert not Agreement.objects.exists()

    def test_acceptance_records_signature_ip_and_hash(self, agreement, world):
        acceptance = sign(world.partner_a_user, agreement)
        assert acceptance.organization == world.org_a
        assert acceptance.signer_name == "Alice Arnaud" and acceptance.signer_title == "CEO"
        assert acceptance.ip_address == "10.0.0.7"
        assert acceptance.text_sha256 == hashlib.sha256(TEXT_V1.encode()).hexdigest()
        assert acceptance.version == 1 and acceptance.accepted_at is not None

    def test_acceptance_is_immutable(self, agreement, world):
        acceptance = sign(world.partner_a_user, agreement)
        acceptance.signer_name = "Someone else"
        with pytest.raises(ValidationError):
            acceptance.save()
        with pytest.raises(ValidationError):
            acceptance.delete()
        assert AgreementAcceptance.objects.get().signer_name == "Alice Arnaud"

    def test_accepted_text_cannot_be_edited(self, agreement, world):
        sign(world.partner_a_user, agreement)
        agreement.text = "Something else"
        with pytest.raises(ValidationError):
            agreement.full_clean()

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"signer_name": " "}, "signer_name"),
            ({"signer_title": ""}, "signer_title"),
            ({"version": 2}, "version"),
        ],
    )
    def test_bad_signature_refused(self, agreement, world, overrides, field):
        with pytest.raises(ValidationError) as exc:
            sign(world.partner_a_user, agreement, **overrides)
        assert field in exc.value.message_dict
        assert not AgreementAcceptance.objects.exists()

    def test_old_version_refused_and_new_version_needs_reacceptance(self, program, agreement, world, gated):
        sign(world.partner_a_user, agreement)
        assert agreements.pending_for(world.partner_a_user) == []
        second = agreements.publish(program, "", "Partner agreement", TEXT_V1 + "\nArticle 3.")
        assert agreements.pending_for(world.partner_a_user) == [second]
        with pytest.raises(ValidationError) as exc:
            sign(world.partner_b_user, agreement)
        assert "version 2" in exc.value.message_dict["version"][0]
        sign(world.partner_a_user, second)
        assert agreements.pending_for(world.partner_a_user) == []

    def test_accepting_for_another_organisation_or_as_staff_refused(self, agreement, world):
        with pytest.raises(PermissionDenied):
            sign(world.partner_a_user, agreement, organization=world.org_b)
        with pytest.raises(PermissionDenied):
            sign(world.manager, agreement)
        assert not AgreementAcceptance.objects.exists()

    def test_twice_refused(self, agreement, world):
        sign(world.partner_a_user, agreement)
        with pytest.raises(ValidationError):
            sign(world.partner_a_user, agreement)
        assert AgreementAcceptance.objects.count() == 1

    def test_partner_type_agreement_takes_precedence(self, program, agreement, world):
        member = program.members.get(partnership=world.partnership_a)
        member.partner_type = "reseller"
        member.save()
        reseller = agreements.publish(program, "reseller", "Reseller agreement", "Resell.")
        applicable = agreements.applicable_for_organization(world.org_a.pk)
        assert [item.agreement for item in applicable] == [reseller]
        with pytest.raises(ValidationError) as exc:
            sign(world.partner_a_user, agreement)
        assert "agreement" in exc.value.message_dict

    def test_pending_only_counts_gated_programmes(self, agreement, world):
        assert agreements.pending_for(world.partner_a_user) == []
        assert agreements.pending_for(world.partner_a_user, gated_only=False) == [agreement]
        assert agreements.pending_for(world.manager, gated_only=False) == []


class TestPages:
    def test_gate_blocks_programme_pages_until_accepted(self, client_for, world, program, agreement, gated):
        client = client_for(world.partner_a_user)
        for url in (reverse("program-list"), program.get_absolute_url()):
            response = client.get(url)
            assert response.status_code == 403
            assert "Accept the agreement first" in response.content.decode()
            assert agreement.get_absolute_url() in response.content.decode()
        page = client.get(agreement.get_absolute_url())
        assert page.status_code == 200 and "Article 2. Fair play." in page.content.decode()
        response = client.post(
            agreement.get_absolute_url(),
            {"signer_name": "Alice Arnaud", "signer_title": "CEO", "version": 1, "confirm": "on"},
            REMOTE_ADDR="192.0.2.4",
        )
        assert response.status_code == 302
        assert AgreementAcceptance.objects.get().ip_address == "192.0.2.4"
        assert client.get(program.get_absolute_url()).status_code == 200
        assert client.get(reverse("program-list")).status_code == 200

    def test_staff_are_never_gated(self, client_for, world, program, agreement, gated):
        assert client_for(world.reader).get(program.get_absolute_url()).status_code == 200

    def test_empty_signature_refused_in_the_form(self, client_for, world, agreement):
        response = client_for(world.partner_a_user).post(
            agreement.get_absolute_url(),
            {"signer_name": "", "signer_title": "CEO", "version": 1, "confirm": "on"},
        )
        assert response.status_code == 400
        assert "Type your full name to sign." in response.content.decode()
        assert not AgreementAcceptance.objects.exists()

    def test_wrong_version_refused_in_the_form(self, client_for, world, agreement):
        response = client_for(world.partner_a_user).post(
            agreement.get_absolute_url(),
            {"signer_name": "A", "signer_title": "CEO", "version": 7, "confirm": "on"},
        )
        assert response.status_code == 400
        assert "not the current version" in response.content.decode()

    def test_staff_publish_gate_and_see_acceptances(self, client_for, world, program, agreement):
        sign(world.partner_a_user, agreement)
        client = client_for(world.manager)
        url = reverse("program-agreements", kwargs={"uuid": program.uuid})
        assert client.post(url, {"partner_type": "", "title": "V2", "text": "New text"}).status_code == 302
        assert client.post(url, {"action": "gate", "gate_features": "on"}).status_code == 302
        assert AgreementSetting.objects.get(program=program).gate_features
        assert client.post(url, {"partner_type": "", "title": "V3", "text": ""}).status_code == 400
        assert Agreement.objects.filter(program=program).count() == 2
        page = client.get(reverse("agreement-list")).content.decode()
        assert "Alpha Intégration" in page and "Alice Arnaud" in page

    def test_reader_cannot_publish_and_partner_cannot_manage(self, client_for, world, program):
        url = reverse("program-agreements", kwargs={"uuid": program.uuid})
        assert client_for(world.reader).post(url, {"title": "x", "text": "y"}).status_code == 403
        assert client_for(world.partner_a_user).get(url).status_code == 403

    def test_outsider_sees_only_own_acceptances(self, client_for, world, agreement):
        sign(world.partner_a_user, agreement)
        page = client_for(world.partner_b_user).get(reverse("agreement-list")).content.decode()
        assert "Alice Arnaud" not in page and "Alpha Intégration" not in page
        detail = client_for(world.partner_b_user).get(agreement.get_absolute_url()).content.decode()
        assert "Alice Arnaud" not in detail
        own = client_for(world.partner_a_user).get(reverse("agreement-list")).content.decode()
        assert "Alice Arnaud" in own

    def test_anonymous_redirected_to_login(self, client, agreement):
        assert client.get(agreement.get_absolute_url()).status_code == 302
        assert client.get(reverse("agreement-list")).status_code == 302


class TestApi:
    def test_partner_accepts_through_the_api(self, client_for, world, agreement):
        client = client_for(world.partner_a_user)
        response = client.post(
            "/api/agreement-acceptances/",
            {
                "agreement": str(agreement.uuid),
                "signer_name": "Alice Arnaud",
                "signer_title": "CEO",
                "version": 1,
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["text_sha256"] == agreement.text_sha256 and body["organization"] == str(world.org_a.uuid)
        listing = client_for(world.partner_b_user).get("/api/agreement-acceptances/").json()
        assert listing["count"] == 0
        assert client_for(world.manager).get("/api/agreement-acceptances/").json()["count"] == 1

    @pytest.mark.parametrize(
        ("payload", "status", "field", "code"),
        [
            ({"signer_name": ""}, 400, "signer_name", "invalid"),
            # A stale version is a refusal of the data as it stands: 409, with the version in force.
            ({"version": 3}, 409, "version", "not_current_version"),
        ],
    )
    def test_bad_input_refused(self, client_for, world, agreement, payload, status, field, code):
        data = {"agreement": str(agreement.uuid), "signer_name": "A", "signer_title": "CEO", "version": 1}
        data.update(payload)
        response = client_for(world.partner_a_user).post(
            "/api/agreement-acceptances/", data, content_type="application/json"
        )
        assert response.status_code == status
        assert field in response.json()["error"]["fields"]
        assert response.json()["error"]["code"] == code
        assert not AgreementAcceptance.objects.exists()

    def test_a_stale_version_names_the_current_one_and_a_second_signature_is_refused(
        self, client_for, world, agreement
    ):
        data = {"agreement": str(agreement.uuid), "signer_name": "A", "signer_title": "CEO", "version": 3}
        client = client_for(world.partner_a_user)
        stale = client.post("/api/agreement-acceptances/", data, content_type="application/json")
        assert stale.json()["error"]["details"] == {"current_version": 1}
        data["version"] = 1
        assert (
            client.post("/api/agreement-acceptances/", data, content_type="application/json").status_code
            == 201
        )
        again = client.post("/api/agreement-acceptances/", data, content_type="application/json")
        assert again.status_code == 409 and again.json()["error"]["code"] == "already_accepted"
        assert AgreementAcceptance.objects.count() == 1

    def test_accepting_for_another_organisation_refused(self, client_for, world, agreement):
        response = client_for(world.partner_a_user).post(
            "/api/agreement-acceptances/",
            {
                "agreement": str(agreement.uuid),
                "organization": str(world.org_b.uuid),
                "signer_name": "A",
                "signer_title": "CEO",
                "version": 1,
            },
            content_type="application/json",
        )
        assert response.status_code == 403
        assert "own organisation" in response.json()["error"]["message"]
        assert not AgreementAcceptance.objects.exists()

    def test_staff_publish_partner_cannot(self, client_for, world, program, agreement):
        data = {"program": str(program.uuid), "title": "V2", "text": "Second text"}
        assert (
            client_for(world.partner_a_user)
            .post("/api/agreements/", data, content_type="application/json")
            .status_code
            == 403
        )
        response = client_for(world.manager).post("/api/agreements/", data, content_type="application/json")
        assert response.status_code == 201 and response.json()["version"] == 2
        assert (
            client_for(world.manager)
            .patch(f"/api/agreements/{agreement.uuid}/", {"text": "x"}, content_type="application/json")
            .status_code
            == 405
        )


def test_reusable_gates_for_function_views_and_api(rf, world, agreement, gated):
    from django.http import HttpResponse

    from meute.agreements.signing import AgreementAcceptedPermission
    from meute.lib.gates import gated

    view = gated(lambda request: HttpResponse("feature"))
    request = rf.post("/")
    request.user = world.partner_a_user
    response = view(request)
    assert response.status_code == 403 and b"Accept the agreement first" in response.content
    permission = AgreementAcceptedPermission()
    assert permission.has_permission(request, None) is False
    request.method = "GET"
    assert permission.has_permission(request, None) is True
    staff = rf.post("/")
    staff.user = world.manager
    assert view(staff).content == b"feature" and permission.has_permission(staff, None) is True
    sign(world.partner_a_user, agreement)
    request.method = "POST"
    assert view(request).content == b"feature" and permission.has_permission(request, None) is True


def test_gate_setting_through_the_api(client_for, world, program, agreement):
    data = {"program": str(program.uuid), "gate_features": True}
    partner = client_for(world.partner_a_user).post(
        "/api/agreement-settings/", data, content_type="application/json"
    )
    assert partner.status_code == 403
    reader = client_for(world.reader).post("/api/agreement-settings/", data, content_type="application/json")
    assert reader.status_code == 403
    created = client_for(world.manager).post(
        "/api/agreement-settings/", data, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    duplicate = client_for(world.manager).post(
        "/api/agreement-settings/", data, content_type="application/json"
    )
    assert duplicate.status_code == 400
    assert agreements.pending_for(world.partner_a_user) == [agreement]


def test_staff_filter_acceptances_by_programme(client_for, world, program, agreement):
    from meute.programs.models import Program

    sign(world.partner_a_user, agreement)
    other = Program.objects.create(name="Other", code="other")
    client = client_for(world.reader)
    assert (
        "Alice Arnaud"
        in client.get(reverse("agreement-list"), {"program": str(program.uuid)}).content.decode()
    )
    assert (
        "Alice Arnaud"
        not in client.get(reverse("agreement-list"), {"program": str(other.uuid)}).content.decode()
    )
    assert client.get(reverse("agreement-list"), {"program": "not-a-uuid"}).status_code == 200
