"""The advice demo data on the generator's groupings."""

from meute.collaboration import assessments, playbooks
from meute.collaboration.models import AssessmentResponse, ModelDecision, PlaybookItem
from meute.demo.generator import DemoGenerator
from meute.partnerships.choices import PartnershipKind
from meute.partnerships.models import Partnership


def test_demo_gives_assessments_models_and_partly_done_playbooks(db):
    DemoGenerator(size="small", seed=7).run()
    groupings = list(Partnership.objects.filter(kind=PartnershipKind.GROUPING).order_by("name", "pk"))
    assert len(groupings) == 4
    # The generator runs the advice demo: the fourth grouping waits for its last member.
    assert ModelDecision.objects.count() == 3 and AssessmentResponse.objects.count() >= 7
    waiting = assessments.advice_status(groupings[3])
    assert len(waiting.missing) == 1 and waiting.recommendation is None
    for grouping in groupings[:3]:
        grouping.refresh_from_db()
        status = assessments.advice_status(grouping)
        assert status.recommendation.model == grouping.collaboration_model
        progress = playbooks.progress(playbooks.items_for(grouping))
        assert 0 < progress.closed < progress.total
    assert PlaybookItem.objects.count() > 0
