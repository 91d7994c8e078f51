"""``meute report scorecard PARTNERSHIP [--pdf FILE]``: a partnership's scorecard for a quarterly business
review, printed or as a PDF (the same as ``meute insights scorecard``)."""

from django.utils.translation import gettext_lazy

from meute.lib.commands import MeuteCommand

from .insights import add_scorecard_parser, write_scorecard


class Command(MeuteCommand):
    help = gettext_lazy("Reports: scorecard PARTNERSHIP [--pdf FILE].")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add_scorecard_parser(actions)

    def handle(self, *args, action, **options):
        write_scorecard(self, options["partnership"], options.get("pdf"))
