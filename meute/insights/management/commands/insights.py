"""``meute insights``: snapshot the health of every partnership (snapshot), send or remind a satisfaction
survey (send / remind SURVEY), print a partnership's scorecard (scorecard PARTNERSHIP)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.lib.commands import MeuteCommand


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("Invalid date “%(value)s”: use YYYY-MM-DD.") % {"value": value}, returncode=2
        ) from exc


def _survey(value):
    from meute.insights.models import Survey

    try:
        return Survey.objects.get(uuid=value)
    except (Survey.DoesNotExist, ValidationError, ValueError) as exc:
        raise CommandError(_("No survey “%(value)s”.") % {"value": value}, returncode=2) from exc


class Command(MeuteCommand):
    help = gettext_lazy(
        "Insights: snapshot [--date DATE]; send SURVEY --base-url URL; remind SURVEY --base-url URL; "
        "scorecard PARTNERSHIP."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        snapshot = actions.add_parser(
            "snapshot", help=str(gettext_lazy("Record the health score of every partnership."))
        )
        snapshot.add_argument("--date", help=str(gettext_lazy("Record as on this date (YYYY-MM-DD).")))
        for name, text in (
            ("send", gettext_lazy("Invite the partner contacts not invited yet to a survey.")),
            ("remind", gettext_lazy("Send a new link to the contacts who have not answered.")),
        ):
            sub = actions.add_parser(name, help=str(text))
            sub.add_argument("survey", help=str(gettext_lazy("The survey's public identifier (UUID).")))
            sub.add_argument(
                "--base-url", required=True, help=str(gettext_lazy("The site's address, for the links."))
            )
        add_scorecard_parser(actions)

    def handle(self, *args, action, **options):
        if action == "snapshot":
            from meute.insights.alerts import snapshot_and_alert

            as_of = _date(options["date"]) if options.get("date") else timezone.localdate()
            written, drops = snapshot_and_alert(as_of)
            self.stdout.write(
                _("%(written)s partnerships scored on %(date)s; %(drops)s dropped sharply.")
                % {"written": written, "date": as_of, "drops": len(drops)}
            )
        elif action in ("send", "remind"):
            from meute.insights import surveys

            survey = _survey(options["survey"])
            try:
                if action == "send":
                    count = surveys.send_survey(survey, base_url=options["base_url"])
                    self.stdout.write(_("%(count)s contacts invited.") % {"count": count})
                else:
                    count = surveys.remind(survey, base_url=options["base_url"])
                    self.stdout.write(_("%(count)s reminders sent.") % {"count": count})
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages), returncode=1) from exc
        else:
            write_scorecard(self, options["partnership"], options.get("pdf"))


def add_scorecard_parser(actions):
    card = actions.add_parser(
        "scorecard", help=str(gettext_lazy("Print a partnership's scorecard, or write it as a PDF."))
    )
    card.add_argument("partnership", help=str(gettext_lazy("The partnership's public identifier (UUID).")))
    card.add_argument(
        "--pdf", metavar="FILE", help=str(gettext_lazy("Write the scorecard as a PDF to this file."))
    )


def write_scorecard(command, value, pdf=None):
    """``meute insights scorecard`` and ``meute report scorecard``: the scorecard printed, or as a PDF in
    the command's language (nothing written when the partnership or the file is wrong)."""
    from meute.insights.scorecard import scorecard, to_pdf
    from meute.lib import formatting
    from meute.partnerships.models import Partnership

    try:
        partnership = Partnership.objects.get(uuid=value)
    except (Partnership.DoesNotExist, ValidationError, ValueError) as exc:
        raise CommandError(_("No partnership “%(value)s”.") % {"value": value}, returncode=2) from exc
    today = timezone.localdate()
    card = scorecard(partnership, today)
    if pdf:
        content = to_pdf(card, today)
        try:
            with open(pdf, "wb") as stream:
                stream.write(content)
        except OSError as exc:
            raise CommandError(
                _("Cannot write “%(path)s”: %(reason)s") % {"path": pdf, "reason": exc.strerror}, returncode=1
            ) from exc
        command.stdout.write(
            _("Scorecard of %(name)s written to %(path)s.") % {"name": partnership.name, "path": pdf}
        )
        return
    write = command.stdout.write
    write(f"{partnership.name}")
    write(_("Health: %(score)s/100") % {"score": card["health"].score})
    for c in card["health"].components:
        write(f"  {c.percent:>3} %  {c.label}: {c.reason}")
    write(
        _("Revenue this year: %(revenue)s (objective %(objective)s)")
        % {
            "revenue": formatting.money(card["revenue"], card["currency"]),
            "objective": formatting.money(card["objective"], card["currency"]),
        }
    )
    write(_("Open registered deals: %(n)s, won: %(w)s") % {"n": card["open_deals"], "w": card["won_deals"]})
    write(_("Certified people: %(n)s") % {"n": card["certified"]})
    write(_("Integration index: %(n)s/100") % {"n": card["integration"]["index"]})
