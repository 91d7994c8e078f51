"""Base class of Meute's management commands."""

from django.core.management.base import BaseCommand


class MeuteCommand(BaseCommand):
    """A management command whose ``help`` may be a lazy translation (argparse needs a plain string)."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)
