"""``meute serve``: a real server answers a concurrent burst without error, and /healthz tells its state."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from meute.core.management.commands.serve import split_addr

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    return (
        f"postgres://{user}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310  (our own local server)
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return -1


def wait_until_up(url: str, process, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {process.stdout.read()}")
        if fetch(url) == 200:
            return
        time.sleep(0.3)
    raise AssertionError("the server did not answer in time")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("server", ["gunicorn", "waitress"])
def test_server_answers_a_concurrent_burst_without_error(server, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "meute.settings",
        "DATABASE_URL": database_url(),
        "MEUTE_DATA_DIR": str(tmp_path),
        "LANGUAGE_CODE": "en",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "meute.cli", "serve", f"127.0.0.1:{port}", "--server", server]
        + ["--workers", "2", "--threads", "4"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/healthz", process)
        urls = [f"{base}/accounts/login/", f"{base}/healthz", f"{base}/static/meute/css/meute.css"] * 40
        with ThreadPoolExecutor(max_workers=30) as pool:
            statuses = list(pool.map(fetch, urls))
        assert statuses == [200] * len(urls)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client, settings):
    body = client.get(reverse("healthz")).json()
    assert body == {"status": "ok", "database": "ok", "broker": "not configured"}
    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "unreachable"


def test_split_addr_refuses_nonsense():
    from django.core.management.base import CommandError

    assert split_addr("0.0.0.0:8080") == ("0.0.0.0", 8080)  # noqa: S104
    assert split_addr("[::1]:8000") == ("::1", 8000)
    for bad in ("localhost:http", "127.0.0.1:70000"):
        with pytest.raises(CommandError):
            split_addr(bad)
