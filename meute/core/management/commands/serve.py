"""``meute serve``: a production web server (gunicorn, or waitress where gunicorn does not run), or Django's
development server with ``--dev``.

gunicorn forks worker processes (``MEUTE_WORKERS``, default: the CPU count) that each run a fixed pool of
threads (``MEUTE_THREADS``, default 4). Each thread keeps one database connection for
``DATABASE_CONN_MAX_AGE`` seconds, so the server never holds more than workers × threads connections.
gunicorn needs fork(), which Windows lacks: there, waitress serves with one process and the same fixed pool
of threads. Static files are served by WhiteNoise inside the application, compressed and cached.
"""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.lib.commands import MeuteCommand

SERVERS = ("gunicorn", "waitress")


def default_server() -> str:
    return "waitress" if sys.platform == "win32" else "gunicorn"


def default_workers() -> int:
    return max(1, int(os.environ.get("MEUTE_WORKERS") or os.cpu_count() or 1))


def default_threads() -> int:
    return max(1, int(os.environ.get("MEUTE_THREADS") or 4))


def split_addr(addr: str) -> tuple[str, int]:
    host, _sep, port = addr.rpartition(":")
    host = (host or "127.0.0.1").strip("[]")
    try:
        number = int(port)
    except ValueError:
        raise CommandError(
            _("“%(addr)s” is not an address: give host:port or a port.") % {"addr": addr}
        ) from None
    if not 0 < number < 65536:
        raise CommandError(_("“%(addr)s” is not an address: give host:port or a port.") % {"addr": addr})
    return host, number


def run_gunicorn(host, port, workers, threads):
    from gunicorn.app.base import BaseApplication

    from meute.wsgi import application

    class MeuteServer(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("keepalive", 5)
            self.cfg.set("backlog", 2048)
            self.cfg.set("accesslog", "-" if settings.DEBUG else None)
            self.cfg.set("forwarded_allow_ips", "*" if settings.BEHIND_PROXY else "127.0.0.1")
            self.cfg.set("proc_name", "meute")

        def load(self):
            return application

    # The workers are forked from this process: none may inherit its database connection.
    connections.close_all()
    MeuteServer().run()


def run_waitress(host, port, threads):
    from waitress import serve

    from meute.wsgi import application

    proxy = {}
    if settings.BEHIND_PROXY:
        proxy = {"trusted_proxy": "*", "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"}}
    connections.close_all()
    serve(
        application,
        host=host,
        port=port,
        threads=threads,
        backlog=2048,
        connection_limit=1000,
        ident="meute",
        **proxy,
    )


class Command(MeuteCommand):
    help = gettext_lazy(
        "Serve Meute on ADDR (default 127.0.0.1:8000) with a production web server: gunicorn with "
        "MEUTE_WORKERS processes of MEUTE_THREADS threads (waitress on Windows), static files included. "
        "--dev runs Django's development server, which reloads on code changes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "addr", nargs="?", default="127.0.0.1:8000", help=gettext_lazy("host:port or port")
        )
        parser.add_argument(
            "--dev",
            action="store_true",
            help=gettext_lazy("Django's development server, restarting when the code changes."),
        )
        parser.add_argument(
            "--reload", action="store_true", help=gettext_lazy("Same as --dev (kept for existing scripts).")
        )
        parser.add_argument(
            "--server",
            choices=SERVERS,
            default=None,
            help=gettext_lazy("gunicorn (default, not on Windows) or waitress (default on Windows)."),
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=gettext_lazy("Worker processes of gunicorn (default: MEUTE_WORKERS, else the CPU count)."),
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help=gettext_lazy("Threads per worker (default: MEUTE_THREADS, else 4)."),
        )

    def handle(self, *args, addr, dev, reload, server, workers, threads, **options):
        if dev or reload:
            call_command("runserver", addr, use_reloader=True)
            return
        if ":" not in addr:
            addr = f"127.0.0.1:{addr}"
        host, port = split_addr(addr)
        server = server or default_server()
        workers = workers or default_workers()
        threads = threads or default_threads()
        if workers < 1 or threads < 1:
            raise CommandError(_("--workers and --threads must be at least 1."))
        if server == "gunicorn" and sys.platform == "win32":
            raise CommandError(_("gunicorn does not run on Windows: use --server waitress."))
        self.stdout.write(
            _("Serving Meute on http://%(addr)s/ with %(server)s (%(workers)d × %(threads)d threads).")
            % {
                "addr": addr,
                "server": server,
                "workers": workers if server == "gunicorn" else 1,
                "threads": threads,
            }
        )
        self.stdout.flush()
        if server == "gunicorn":
            run_gunicorn(host, port, workers, threads)
        else:
            run_waitress(host, port, threads)
