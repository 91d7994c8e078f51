from django.utils import translation
from django.utils.translation import gettext_lazy

from meute.lib.commands import MeuteCommand
from meute.lib.rights import markdown_table


class Command(MeuteCommand):
    help = gettext_lazy("Print the field-level rights table (who may write which field) in Markdown.")

    def handle(self, *args, **options):
        with translation.override("en"):
            self.stdout.write(markdown_table())
