import sys

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.lib import exports
from meute.lib.commands import MeuteCommand
from meute.recruitment import profiles
from meute.recruitment.models import ScoringProfile
from meute.recruitment.scoring import ScoringError


class Command(MeuteCommand):
    help = gettext_lazy(
        "Rank organisations with a saved scoring profile: “meute score --profile NAME --top 50” prints "
        "rank, organisation, score and each group's points as CSV."
    )

    def add_arguments(self, parser):
        parser.add_argument("--profile", required=True, help=gettext_lazy("The scoring profile's name."))
        parser.add_argument("--top", type=int, default=50, help=gettext_lazy("How many rows (default 50)."))
        parser.add_argument(
            "--output", help=gettext_lazy("Write the CSV to this file instead of the screen.")
        )

    def handle(self, *args, profile, top, output=None, **options):
        found = ScoringProfile.objects.filter(name=profile).first()
        if found is None:
            names = ", ".join(ScoringProfile.objects.values_list("name", flat=True)) or "—"
            raise CommandError(
                _("No scoring profile “%(name)s”. Profiles: %(names)s") % {"name": profile, "names": names}
            )
        if top < 1:
            raise CommandError(_("--top must be at least 1."))
        try:
            ranking = profiles.rank(found, top=top)
        except ScoringError as exc:
            raise CommandError(str(exc)) from None
        stream = open(output, "w", newline="", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            exports.write_csv(
                stream,
                [_("Rank"), _("Organisation"), _("Score"), *ranking.groups],
                (
                    [index, row.organization.name, row.score, *[p for _n, p in row.contributions]]
                    for index, row in enumerate(ranking.rows, start=1)
                ),
            )
        finally:
            if output:
                stream.close()
