"""``manage.py benchmark --load``: the pages under concurrent load, served as in production.

Starts gunicorn (``WORKERS`` sync workers, bound to 127.0.0.1 on a free port, DEBUG off,
the file cache in a temporary directory) against the benchmark's database, after
``collectstatic`` (the manifest the production static storage needs). Then, for each page,
``clients`` threads of the standard library's http.client request it over and over for
``seconds`` with a logged-in session cookie, reusing the connection whenever the server keeps
it open (gunicorn's sync workers close it after each response: a new connection then), and
the figures are requests per second, p50/p95 latency and errors (an answer other than 200,
or a broken connection). Gunicorn is stopped afterwards, whatever happened. Loopback only:
nothing listens on another interface.
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import CommandError

HOST = "127.0.0.1"
WORKERS = 3
MAX_SECONDS = 120
MAX_CLIENTS = 200
STARTUP_SECONDS = 60
# The pages driven under load (names of the benchmark's pages).
PAGES = ("weekly", "task_list")


def check(clients, seconds):
    if not 1 <= clients <= MAX_CLIENTS:
        raise CommandError(f"--clients must be between 1 and {MAX_CLIENTS}")
    if not 0 < seconds <= MAX_SECONDS:
        raise CommandError(f"--seconds must be more than 0 and at most {MAX_SECONDS}")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _database_url(connection):
    """The benchmark database (the connection's current one) as a DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    if connection.vendor != "postgresql":
        raise CommandError(f"--load supports SQLite and PostgreSQL, not {connection.vendor}")
    from urllib.parse import quote

    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _session_cookie(user):
    """A logged-in session for ``user`` in the benchmark database, as the login page makes."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _environment(connection, workdir):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chishui.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # the session cookie below is signed with it
        "ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback, no proxy in front
        "DATABASE_URL": _database_url(connection),
        "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE") or "60",
        "DJANGO_CACHE_DIR": str(workdir / "load-cache"),
        "DJANGO_LOG_LEVEL": "ERROR",
    }


def _wait_until_listening(process, port):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CommandError(f"gunicorn stopped at start (exit code {process.returncode})")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise CommandError(f"gunicorn did not listen on {HOST}:{port} within {STARTUP_SECONDS} s")


def _get(conn, path, cookie):
    conn.request("GET", path, headers={"Cookie": cookie, "Host": HOST})
    response = conn.getresponse()
    response.read()
    return response


def drive(port, path, cookie, clients, seconds):
    """``clients`` threads requesting ``path`` for ``seconds``: the figures of the page."""
    latencies, errors, lock = [], [0], threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client():
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine, failed = [], 0
        start.wait()
        while time.perf_counter() < deadline[0]:
            began = time.perf_counter()
            try:
                response = _get(conn, path, cookie)
                ok = response.status == 200
                if response.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=30)
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            if ok:
                mine.append((time.perf_counter() - began) * 1000)
            else:
                failed += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, daemon=True) for _n in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)

    def pct(fraction):
        if not ordered:
            return 0.0
        return round(ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))], 1)

    return {
        "requests": len(ordered),
        "requests_per_second": round(len(ordered) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered), 1) if ordered else 0.0,
        "p95_ms": pct(0.95),
        "errors": errors[0],
    }


def run(connection, user, urls, clients, seconds, workdir, log):
    """Serve ``urls`` ({name: path}) with gunicorn and drive each under load."""
    check(clients, seconds)
    cookie = _session_cookie(user)
    env = _environment(connection, workdir)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "chishui.wsgi:application",
            "--workers",
            str(WORKERS),
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        _wait_until_listening(process, port)
        log.write(
            f"gunicorn ({WORKERS} workers) on {HOST}:{port} after {time.perf_counter() - started:.1f} s\n"
        )
        pages = {}
        for name, path in urls.items():
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            for _n in range(WORKERS * 2):  # every worker: imports, connection, cache
                status = _get(conn, path, cookie).status
                conn.close()
                if status != 200:
                    raise CommandError(f"{path} answered {status} under gunicorn")
            pages[name] = drive(port, path, cookie, clients, seconds)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return {"workers": WORKERS, "clients": clients, "seconds": seconds, "pages": pages}
