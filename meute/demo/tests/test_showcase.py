import pytest

from meute.agreements.models import AgreementAcceptance
from meute.demo.showcase import populate_demo
from meute.locator.models import Enquiry, LabelAward
from meute.programs.models import Ambassador

pytestmark = pytest.mark.django_db


def test_populate_demo_on_the_small_demo_data_set():
    from meute.demo.dataset import generate

    generate("small")
    counts = populate_demo()
    assert counts["acceptances"] > 0 and counts["ambassadors"] > 0 and counts["listed"] > 0
    assert counts["enquiries"] == 2 and counts["awards"] >= 1
    again = populate_demo()
    assert again["acceptances"] == 0 and again["ambassadors"] == 0 and again["enquiries"] == 0
    assert Enquiry.objects.count() == 2
    assert AgreementAcceptance.objects.count() == counts["acceptances"]
    assert Ambassador.objects.count() == counts["ambassadors"]
    assert LabelAward.objects.count() >= 1
