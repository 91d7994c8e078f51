from django.core.management import call_command
from django.utils.translation import gettext_lazy

from meute.lib.commands import MeuteCommand


class Command(MeuteCommand):
    help = gettext_lazy(
        "Serve Meute on ADDR (default 127.0.0.1:8000) with Django's built-in server, static files included. "
        "In production, run meute.wsgi behind a WSGI server such as gunicorn instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "addr", nargs="?", default="127.0.0.1:8000", help=gettext_lazy("host:port or port")
        )
        parser.add_argument(
            "--reload", action="store_true", help=gettext_lazy("Restart when the code changes (development).")
        )

    def handle(self, *args, addr, reload, **options):
        call_command("runserver", addr, use_reloader=reload)
