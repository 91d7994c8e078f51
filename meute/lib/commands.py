"""Base class of Meute's management commands, and the actions other apps add to a command."""

from dataclasses import dataclass

from django.core.management.base import BaseCommand


class MeuteCommand(BaseCommand):
    """A management command whose ``help`` may be a lazy translation (argparse needs a plain string)."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)


@dataclass(frozen=True)
class ExtraAction:
    """A subcommand an upper app adds to a lower app's command (e.g. ``meute tiers labels``)."""

    help: str
    add_arguments: object  # add_arguments(parser)
    handle: object  # handle(command, **options)


_EXTRA_ACTIONS: dict[str, dict[str, ExtraAction]] = {}


def register_action(command: str, name: str, action: ExtraAction) -> None:
    """Called from an AppConfig.ready(): the lower command lists it without importing the upper app."""
    _EXTRA_ACTIONS.setdefault(command, {})[name] = action


def extra_actions(command: str) -> dict[str, ExtraAction]:
    return dict(_EXTRA_ACTIONS.get(command, {}))
