"""``meute serve`` under concurrent load on PostgreSQL: requests/s, latency, errors, database connections.

Starts the server in its own process on the configured database (``DATABASE_URL``, PostgreSQL; it must hold
the demo data: ``meute demo --size medium --no-serve``), then N client threads of this process each send
requests one after the other for the given time, alternating the directory page (signed in with a session)
and the organisations API list (with an API token), on keep-alive connections. Meanwhile the number of the
database's connections (``pg_stat_activity``) is sampled four times a second. Each server named in
``--servers`` is measured in turn: ``gunicorn`` and ``waitress`` (``meute serve``) and ``dev`` (Django's
development server, ``meute serve --dev`` without its reloader), for comparison.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/meute python benchmarks/bench_server.py \
        [--clients 10,50,100] [--seconds 20] [--servers gunicorn,dev] [--workers 2] [--threads 4]
"""

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meute.settings")
os.environ.setdefault("DEBUG", "false")

import django

django.setup()

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, connections

from meute.core import tokens
from meute.core.choices import UserRole
from meute.core.models import Organization, User

PATHS = ["/organizations/", "/api/organizations/"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def credentials():
    user, _created = User.objects.get_or_create(
        username="bench-server", defaults={"role": UserRole.ADMIN, "email": "bench@example.com"}
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    _token, key = tokens.issue(user, "server benchmark", days=1)
    return session.session_key, key


def server_command(server, port, workers, threads):
    base = [sys.executable, "-m", "meute.cli", "serve", f"127.0.0.1:{port}"]
    if server == "dev":
        return [sys.executable, "-m", "meute.cli", "runserver", f"127.0.0.1:{port}", "--noreload"]
    return base + ["--server", server, "--workers", str(workers), "--threads", str(threads)]


def wait_up(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped: {process.stdout.read()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not start")


def client_loop(port, cookie, key, deadline, results, index):
    conn = None
    turn = index
    while time.monotonic() < deadline:
        path = PATHS[turn % len(PATHS)]
        turn += 1
        headers = (
            {"Cookie": f"sessionid={cookie}"}
            if path == "/organizations/"
            else {"Authorization": f"Token {key}"}
        )
        started = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            ok = False
            if conn is not None:
                conn.close()
            conn = None
        results.append((time.perf_counter() - started, ok))
    if conn is not None:
        conn.close()


def sample_connections(dbname, stop, samples):
    import psycopg

    params = connection.get_connection_params()
    keep = ("host", "port", "user", "password", "dbname")
    # Autocommit: inside one transaction PostgreSQL keeps the first snapshot of pg_stat_activity
    # (stats_fetch_consistency), and every later sample would repeat the count seen before the load.
    with psycopg.connect(**{k: v for k, v in params.items() if k in keep}, autocommit=True) as db:
        while not stop.is_set():
            count = db.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [dbname],
            ).fetchone()[0]
            samples.append(count)
            time.sleep(0.25)


def measure(server, clients, seconds, workers, threads, cookie, key):
    port = free_port()
    process = subprocess.Popen(
        server_command(server, port, workers, threads),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        wait_up(port, process)
        dbname = connection.settings_dict["NAME"]
        stop, peaks = threading.Event(), []
        sampler = threading.Thread(target=sample_connections, args=(dbname, stop, peaks), daemon=True)
        sampler.start()
        results = []
        deadline = time.monotonic() + seconds
        started = time.monotonic()
        threads_ = [
            threading.Thread(target=client_loop, args=(port, cookie, key, deadline, results, i))
            for i in range(clients)
        ]
        for thread in threads_:
            thread.start()
        for thread in threads_:
            thread.join()
        elapsed = time.monotonic() - started
        stop.set()
        sampler.join()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    times = sorted(t for t, _ok in results)
    errors = sum(1 for _t, ok in results if not ok)
    return {
        "server": server,
        "requests": len(results),
        "rps": len(results) / elapsed,
        "p50": statistics.median(times) * 1000,
        "p95": times[int(0.95 * (len(times) - 1))] * 1000,
        "max": times[-1] * 1000,
        "errors": errors,
        "peak_connections": max(peaks) if peaks else 0,
        "samples": len(peaks),
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", default="10,50,100", help="client counts, comma-separated")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--servers", default="gunicorn,dev")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database holding the demo data.")
    organizations = Organization.objects.count()
    if organizations < 1000:
        raise SystemExit("Create the demo data first: meute demo --size medium --no-serve")
    cookie, key = credentials()
    connections.close_all()
    print(
        f"{organizations} organisations; {args.seconds:.0f} s per run; "
        f"CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; database connections sampled 4 times a second "
        f"(the benchmark's own excluded)"
    )
    print(
        f"{'server':<14} {'clients':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'max ms':>7} {'errors':>6} {'peak DB conn':>12} {'bound':>5} {'load':>5}"
    )
    for clients in [int(n) for n in args.clients.split(",")]:
        for server in args.servers.split(","):
            row = measure(server, clients, args.seconds, args.workers, args.threads, cookie, key)
            workers = args.workers if server == "gunicorn" else 1
            label = f"{server} {workers}x{args.threads}" if server != "dev" else server
            # The production servers hold at most one connection per thread; the development server
            # one per request thread, so no bound.
            bound = str(workers * args.threads) if server != "dev" else "-"
            print(
                f"{label:<14} {clients:>7} {row['requests']:>8} {row['rps']:>7.1f} {row['p50']:>7.0f} "
                f"{row['p95']:>7.0f} {row['max']:>7.0f} {row['errors']:>6} {row['peak_connections']:>12} "
                f"{bound:>5} {os.getloadavg()[0]:>5.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
