"""What each request of deadline day costs the server, in-process: CPU, queries and Python calls.

    .venv/bin/python benchmarks/request_costs.py [--autosaves 500] [--respondents 30] [--calls]
    .venv/bin/python benchmarks/request_costs.py --root ../base     # the code of another checkout

deadline_day.py measures the production stack as a whole; on a shared 2-core machine its CPU per
request moves by 20 % or more from one run to the next, with the code unchanged. This script plays
the same respondents (deadline_day's data and its copy of the browser's autosave form) through
Django's test client in one process, with the production settings (DEBUG=0, PostgreSQL, the cache
and sessions on Redis, CSRF checked), one request at a time, and prints per kind of request the
CPU milliseconds of this process (time.process_time), the queries (mean and most), and with
--calls the Python function calls (counted by cProfile): the calls and queries do not depend on
the machine's speed or load, so two versions of the code can be compared on a busy machine.

It creates the database --database (dropped at the end unless --keep-db) and uses Redis db
--redis-db (flushed), so it can run beside deadline_day.py. --root runs the code of another
checkout (e.g. `git worktree add ../base <commit>`; it needs its own compiled .mo and the same
deadline_day.build_data), with this checkout's interpreter.
"""

import argparse
import os
import secrets
import subprocess
import sys
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

KINDS = ("task list", "part page", "autosave", "review", "submit", "monitor", "login")
ORIGIN = "http://testserver"  # the test client's host; a POST carries it as browsers do


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--autosaves", type=int, default=500, help="autosaves measured (default 500)")
    parser.add_argument("--respondents", type=int, default=30, help="respondents, each of their own unit")
    parser.add_argument("--monitor", type=int, default=10, help="loads of the coordinator's monitor")
    parser.add_argument("--logins", type=int, default=3, help="respondents who log in through the form")
    parser.add_argument("--calls", action="store_true", help="count Python function calls (cProfile; slower)")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1], help="checkout to run")
    parser.add_argument("--database", default="oj_request_costs")
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--seed", type=int, default=2025)
    return parser.parse_args()


def psql(*args: str) -> None:
    subprocess.run([*args, "-h", "127.0.0.1", "-U", "postgres"], check=True, capture_output=True)


def set_up_django(args: argparse.Namespace) -> None:
    root = args.root.resolve()
    os.chdir(root)  # the checkout's templates, locale and questionnaire files
    sys.path[:0] = [str(root), str(root / "benchmarks")]
    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        REDIS_URL=redis_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
    )
    psql("dropdb", "--if-exists", args.database)
    psql("createdb", args.database)
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    import django

    django.setup()


class Meter:
    """CPU seconds, queries and (with `calls`) Python function calls per kind of request."""

    def __init__(self, *, calls: bool = False) -> None:
        import cProfile

        self.cpu: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)
        self.queries: dict[str, int] = defaultdict(int)
        self.most_queries: dict[str, int] = defaultdict(int)
        self.profiles = defaultdict(cProfile.Profile) if calls else None

    def run(self, kind: str, request: Callable[..., object], *args: object, **kwargs: object):  # noqa: ANN201
        """`request(*args, **kwargs)` (a test client's get or post), counted as one of `kind`."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        profile = self.profiles[kind] if self.profiles is not None else None
        with CaptureQueriesContext(connection) as captured:
            start = time.process_time()
            if profile is not None:
                profile.enable()
            answer = request(*args, **kwargs)
            if profile is not None:
                profile.disable()
            self.cpu[kind] += time.process_time() - start
        self.count[kind] += 1
        self.queries[kind] += len(captured)
        self.most_queries[kind] = max(self.most_queries[kind], len(captured))
        return answer

    def calls(self, kind: str) -> float | None:
        import pstats

        if self.profiles is None or kind not in self.profiles:
            return None
        return pstats.Stats(self.profiles[kind]).total_calls / self.count[kind]


def expect(answer, status: int) -> str:  # noqa: ANN001
    if answer.status_code != status:
        raise SystemExit(f"{answer.request['PATH_INFO']}: {answer.status_code} instead of {status}")
    return answer.content.decode()


def play(plans: Iterable, meter: Meter, autosaves: int) -> int:  # noqa: ANN001 (deadline_day.Plan)
    """Each respondent as deadline_day's client plays them: the task list, each part page, its
    autosaves one field at a time (applying the returned blocks as htmx does), the review, the
    submission and the task list again. Stops after `autosaves` autosaves; returns how many."""
    import deadline_day
    from django.test import Client

    done = 0
    for plan in plans:
        if not plan.session_key:
            continue  # logs in through the form: login()
        client = Client(enforce_csrf_checks=True)
        client.cookies["sessionid"] = plan.session_key
        detail = f"/svar/{plan.response_pk}/"
        expect(meter.run("task list", client.get, detail), 200)
        for part in plan.parts:
            url = f"{detail}{part.code}/"
            form = deadline_day.FormState(expect(meter.run("part page", client.get, url), 200))
            for code, value in part.steps:
                if done >= autosaves:
                    return done
                form.type(code, value)
                form.csrf = client.cookies["csrftoken"].value  # as static/js/autosave.js sends it
                body = urllib.parse.urlencode(form.body(changed=code))
                headers = {"HX-Request": "true", "HX-Current-URL": ORIGIN + url, "Origin": ORIGIN}
                answer = meter.run(
                    "autosave", client.post, url, body, "application/x-www-form-urlencoded", headers=headers
                )
                swapped = deadline_day.parse_questions(expect(answer, 200))
                fields, block = swapped.get(code, ([], ""))
                if next((f.value for f in fields if f.name == f"o_{code}"), None) != value or "error-" in block:
                    raise SystemExit(f"{url}: {code}={value!r} was not saved")
                form.blocks.update({swapped_code: found for swapped_code, (found, _html) in swapped.items()})
                done += 1
            review = expect(meter.run("review", client.get, f"{url}granska/"), 200)
            token = {"csrfmiddlewaretoken": deadline_day.CSRF.search(review).group(1)}
            expect(meter.run("submit", client.post, f"{url}granska/", token, headers={"Origin": ORIGIN}), 302)
            expect(meter.run("task list", client.get, detail), 200)
    return done


def login(meter: Meter, email: str, password: str) -> None:
    """The login form as a respondent uses it (one password hash), then their start page."""
    import deadline_day
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    page = expect(meter.run("login", client.get, "/konto/login/"), 200)
    data = {"csrfmiddlewaretoken": deadline_day.CSRF.search(page).group(1), "username": email,
            "password": password, "next": ""}  # fmt: skip
    expect(meter.run("login", client.post, "/konto/login/", data, headers={"Origin": ORIGIN}), 302)
    expect(meter.run("login", client.get, "/"), 200)


def postgres_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend (on this machine, Linux /proc)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(meter: Meter, postgres: float, label: str) -> None:
    print(f"{label}: {meter.count['autosave']} autosaves; PostgreSQL backend {postgres:.2f} s CPU")
    calls = meter.profiles is not None
    header = f"{'kind':<10} {'requests':>8} {'CPU ms':>8} {'queries':>8} {'most':>5}"
    print(header + (f" {'calls':>8}" if calls else ""))
    for kind in KINDS:
        if count := meter.count.get(kind):
            line = (f"{kind:<10} {count:>8} {meter.cpu[kind] / count * 1000:>8.2f} {meter.queries[kind] / count:>8.2f} "
                    f"{meter.most_queries[kind]:>5}")  # fmt: skip
            print(line + (f" {meter.calls(kind):>8.0f}" if calls else ""))
    total = sum(meter.count.values())
    print(f"{'all':<10} {total:>8} {sum(meter.cpu.values()) / total * 1000:>8.2f}   (CPU ms and queries per request)")


def main() -> int:
    args = parse_args()
    set_up_django(args)
    import deadline_day
    from django.db import connection
    from django.test import Client

    try:
        budget = args.autosaves // args.respondents + 2
        plans, warm_plan, staff, logins = deadline_day.build_data(args.respondents, budget, args.seed, args.logins)
        # Every template, URL pattern and translation once, as a server that has run a while.
        play([warm_plan], Meter(), 15)
        coordinator = Client()
        coordinator.cookies["sessionid"] = staff.session_key
        expect(coordinator.get(f"/enkater/{deadline_day.YEAR}/uppfoljning/"), 200)

        meter = Meter(calls=args.calls)
        postgres = postgres_cpu()
        play(plans, meter, args.autosaves)
        for _ in range(args.monitor):
            meter.run("monitor", coordinator.get, f"/enkater/{deadline_day.YEAR}/uppfoljning/")
        for plan in [plan for plan in plans if not plan.session_key][:logins]:
            login(meter, plan.email, deadline_day.PASSWORD)
        report(meter, postgres_cpu() - postgres, str(args.root.resolve()))
    finally:
        connection.close()
        if not args.keep_db:
            psql("dropdb", "--if-exists", args.database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
