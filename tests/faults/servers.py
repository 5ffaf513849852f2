"""Private Redis and PostgreSQL servers for the fault tests, which stop and restart them.

The shared servers on 5432 and 6379 are never touched: other tests use them at the same time.
PostgreSQL refuses to run as root, so its cluster belongs to the `postgres` OS user."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

PG_BIN = Path("/usr/lib/postgresql/15/bin")
ROOT = Path(__file__).resolve().parents[2]


# The fault tests run under `make test-services`, with PostgreSQL and Redis; `make test` skips them.
needs_services = pytest.mark.skipif(
    not settings.REDIS_URL or connection.vendor != "postgresql",
    reason="needs PostgreSQL and Redis: run with make test-services",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, timeout: float = 20, up: bool = True) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            if up:
                return
        except OSError:
            if not up:
                return
        time.sleep(0.05)
    raise TimeoutError(f"port {port} is not {'up' if up else 'down'} after {timeout} s")


class PrivateRedis:
    """A throwaway redis-server without persistence; `stop()` and `start()` it at will."""

    def __init__(self) -> None:
        if not shutil.which("redis-server"):
            pytest.skip("needs redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        wait_for_port(self.port, up=False)


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class PrivatePostgres:
    """A throwaway cluster (trust authentication, no fsync) owned by the `postgres` OS user."""

    def __init__(self) -> None:
        if not (PG_BIN / "initdb").exists() or not shutil.which("runuser"):
            pytest.skip("needs PostgreSQL 15's initdb and runuser")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="oj-faults-pg-"))
        shutil.chown(self.dir, user="postgres")
        self.data = self.dir / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, stdout=subprocess.DEVNULL)

    def init(self) -> None:
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                          "-E", "UTF8", "--no-sync")  # fmt: skip

    def _ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"),
                          "-w", "-m", "fast", action)  # fmt: skip

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop")

    def restart(self) -> None:
        self._ctl("restart")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    server.init()
    server.start()
    try:
        yield server
    finally:
        server.remove()


def project_env(**overrides: str) -> dict[str, str]:
    """The environment of a subprocess of the project (worker, web server) with `overrides`."""
    env = {key: value for key, value in os.environ.items() if key != "EMAIL_URL"}
    env.update(overrides)
    return env


def celery_worker(queue: str, env: dict[str, str]) -> subprocess.Popen:
    """A worker process that takes only `queue`, so that no other worker on this machine interferes."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
        cwd=ROOT, env=env,
    )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def database_url() -> str:
    """The URL of the test database, for a subprocess that must see the test's rows."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def project_queue_on(url: str) -> Iterator[None]:
    """Points the project's Celery app, which `task.delay()` uses, at the broker `url` (a private
    Redis, on whose default queue only the test's worker listens); tasks are no longer run inline."""
    from config.celery import app

    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}

    def reconnect() -> None:  # the connection pools were made for the old URL
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.update(broker_url=url, task_always_eager=False)
    reconnect()
    try:
        yield
    finally:
        app.conf.update(saved)
        reconnect()
