"""Personal data in satisfaction surveys: the invitations sent to the subject and the answers they wrote.

Registered with ``meute.core.privacy`` from the app's ``ready()``. Scores stay (the survey's results do not
change after an erasure); what the subject wrote in their own words is replaced by the tombstone, and an
unanswered link of theirs stops working.
"""

import secrets

from meute.core.privacy import TOMBSTONE, Source, register_source, tombstone_history

from .models import SurveyAnswer, SurveyInvitation


def export_answers(subject):
    invitations = (
        SurveyInvitation.objects.filter(person__in=subject.people)
        .select_related("survey", "partnership")
        .prefetch_related("answers__question")
        .order_by("created_at")
    )
    return [
        {
            "survey": invitation.survey.title,
            "partnership": invitation.partnership.name,
            "sent_at": invitation.sent_at,
            "answered_at": invitation.answered_at,
            "answers": [
                {"question": answer.question.text, "score": answer.score, "text": answer.text}
                for answer in invitation.answers.all()
            ],
        }
        for invitation in invitations
    ]


def erase_answers(subject):
    written = SurveyAnswer.objects.filter(invitation__person__in=subject.people).exclude(text="")
    tombstone_history(written, ["text"])
    changed = written.update(text=TOMBSTONE)
    # Only the link's hash is kept: a random one no link hashes to makes the subject's link lead nowhere.
    for invitation in SurveyInvitation.objects.filter(person__in=subject.people, answered_at__isnull=True):
        invitation.token_sha256 = secrets.token_hex(32)
        invitation.save(update_fields=["token_sha256"])
        changed += 1
    return changed


def register():
    register_source(Source("survey_answers", export_answers, erase_answers))
