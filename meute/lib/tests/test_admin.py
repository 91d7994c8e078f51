"""Workflow-owned records are shown in the Django admin but never changed there."""

from django.urls import reverse

from meute.agreements.models import Agreement
from meute.programs.models import Program


def test_admin_reads_but_does_not_change_workflow_records(client, world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    program = Program.objects.create(name="Programme", code="p", value_proposition="v")
    agreement = Agreement.objects.create(program=program, title="Agreement", text="Text", version=1)
    client.force_login(world.admin)
    assert client.get(reverse("admin:agreements_agreement_changelist")).status_code == 200
    page = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    assert client.get(page).status_code == 200
    response = client.post(page, {"title": "Changed"})
    assert response.status_code == 403
    agreement.refresh_from_db()
    assert agreement.title == "Agreement"
    assert client.get(reverse("admin:agreements_agreement_add")).status_code == 403
    assert client.post(reverse("admin:agreements_agreement_delete", args=[agreement.pk])).status_code == 403
    assert Agreement.objects.filter(pk=agreement.pk).exists()
