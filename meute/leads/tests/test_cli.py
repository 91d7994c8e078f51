"""``meute leads route`` / ``meute leads expire``."""

import datetime
import io

import pytest
from django.core.management import call_command

from meute.cli import main
from meute.leads.choices import LeadStatus, OfferStatus
from meute.leads.models import Lead, LeadOffer

pytestmark = pytest.mark.django_db


def leads(*args) -> str:
    out = io.StringIO()
    call_command("leads", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_route_then_expire(frozen, leads_world, make_lead):
    make_lead(company_name="One")
    make_lead(company_name="Nobody", required_partner_type="var")
    assert "1 lead(s) offered, 1 left unassigned." in leads("route")
    assert Lead.objects.filter(status=LeadStatus.OFFERED).count() == 1
    assert "0 offer(s) timed out." in leads("expire")
    frozen.shift(datetime.timedelta(hours=48, seconds=1))
    assert "1 offer(s) timed out." in leads("expire")
    assert LeadOffer.objects.filter(status=OfferStatus.EXPIRED).count() == 1
    assert LeadOffer.objects.get(status=OfferStatus.PENDING).partnership == leads_world.partnership_b


def test_bad_arguments_exit_2(leads_world, capsys):
    assert main(["leads"]) == 2
    assert main(["leads", "dance"]) == 2
    assert "invalid choice" in capsys.readouterr().err
    assert main(["help", "leads"]) == 0
    assert "expire" in capsys.readouterr().out
