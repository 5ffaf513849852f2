"""Deadline day: the production stack under the load of the last day before a round closes.

    .venv/bin/python benchmarks/deadline_day.py [--duration 60] [--rate 100] [--respondents 300]

Creates the PostgreSQL database `oj_bench` (127.0.0.1:5432, dropped afterwards unless --keep-db)
with the shipped register and the 2025 questionnaire as an open round that closes tomorrow, one
respondent per unit and a coordinator, and starts gunicorn (config.wsgi, the production settings
with DEBUG=0) on a free port with Redis db 11. An asyncio client (aiohttp) then plays 300
respondents who arrive within --ramp seconds (30), open their task list and part pages,
autosave one field at a time exactly as the browser's htmx form does, review and submit their
parts; a coordinator reloads the monitor every couple of seconds. Autosaves arrive open-loop
(Poisson) at --rate per second for --duration seconds, each given to a respondent who is on a
part page and not waiting for an answer.

Prints requests per second, p50/p95/p99 latency per kind of request, the errors by kind and status,
the peak number of PostgreSQL connections of the database (pg_stat_activity, sampled), the tasks
left queued for the Celery workers, the ratio against the targets (autosave p95 under 100 ms at
100 autosaves/s, no errors), and then checks in the database that every answer a respondent saved
is there with the value it saved last, that every submitted part is submitted and that the audit
trail has one change per saved value. Exits non-zero when a check or a target fails."""

import argparse
import asyncio
import html
import os
import random
import re
import runpy
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATABASE = "oj_bench"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS_DB = 11
YEAR = 2025
FORM = ROOT / "survey" / "questionnaires" / "vinr-2025.md"
TARGET_P95 = 0.100  # seconds, autosave
TARGET_RATE = 100  # autosaves per second
KINDS = ("login", "start page", "task list", "part page", "autosave", "review", "submit", "monitor")
PASSWORD = "benchmark-" + secrets.token_urlsafe(12)


# --- what the respondents do ------------------------------------------------------------------


@dataclass
class PartPlan:
    code: str
    steps: list[tuple[str, str]]  # (question code, value) in the order they are typed


@dataclass
class Plan:
    email: str
    response_pk: int
    unit_code: str
    parts: list[PartPlan]
    session_key: str = ""  # empty: logs in through the login form


def _referenced_codes(specs: Iterable) -> set[str]:  # type: ignore[type-arg]
    text = " ".join(" ".join(spec.relevant) + spec.constraint + spec.choice_filter for spec in specs)
    return set(re.findall(r"\$\{(\w+)\}", text))


def _other_value(spec, current: str, answers: Mapping[str, str], rng: random.Random) -> str | None:  # noqa: ANN001
    """A different valid value for a question no other question depends on (a correction)."""
    from demo import seeding as demo
    from survey.xlsform import form_logic

    number = rng.randrange(1, 10_000)
    if spec.type == "text":
        candidates = [f"{rng.choice(demo.TEXTS)} ({number})", f"kontakt{number}@kommun.example.se"]
    else:
        candidates = [str(number % 500)]
    for raw in candidates:
        value = form_logic.normalize(spec, raw)
        if value != current and form_logic.validation_error(spec, value, {**answers, spec.code: value}) is None:
            return value
    return None


def make_plans(responses: list, budget: int, rng: random.Random) -> list[Plan]:  # type: ignore[type-arg]
    """Every respondent answers each part in questionnaire order with valid values (the demo's
    generator), corrects a few answers no other question depends on until it has `budget`
    autosaves, and submits each part."""
    from demo.seeding import generate_answers
    from survey.models import Question
    from survey.selectors.questionnaire import question_specs

    survey_round = responses[0].round
    questions = list(Question.objects.filter(round=survey_round).prefetch_related("choices").order_by("order"))
    parts = list(survey_round.parts.order_by("order"))
    specs = {part.code: question_specs([q for q in questions if q.part_id == part.pk]) for part in parts}
    referenced = _referenced_codes(s for part_specs in specs.values() for s in part_specs)
    plans = []
    for response in responses:
        answers_by_part = {code: generate_answers(part_specs, rng) for code, part_specs in specs.items()}
        typing = sum(len(answers) for answers in answers_by_part.values())
        corrections = max(0, budget - typing)
        part_plans = []
        for index, (code, answers) in enumerate(answers_by_part.items()):
            steps = list(answers.items())
            free = [
                spec for spec in specs[code]
                if spec.code in answers and spec.type in ("text", "integer", "decimal")
                and spec.code not in referenced and "${" not in spec.constraint
            ]  # fmt: skip
            # Corrections go to the parts in proportion to their size; the last part takes the rest.
            share = corrections if index == len(parts) - 1 else round(corrections * len(answers) / max(typing, 1))
            values = dict(answers)
            for _ in range(share if free else 0):
                spec = rng.choice(free)
                if value := _other_value(spec, values[spec.code], values, rng):
                    values[spec.code] = value
                    steps.append((spec.code, value))
            corrections -= share if free else 0
            part_plans.append(PartPlan(code, steps))
        email = f"svar-{response.unit.code.lower()}@bench.example.se"
        plans.append(Plan(email=email, response_pk=response.pk, unit_code=response.unit.code, parts=part_plans))
    return plans


# --- the answer check ---------------------------------------------------------------------------


@dataclass
class SavedAnswers:
    """What each respondent saved last per question, as the server acknowledged it. A request that
    failed without an answer may or may not have been saved: either value is then accepted."""

    last: dict[int, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    unsure: dict[int, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(dict))
    writes: int = 0  # acknowledged saves that changed a value: one audit row each
    unsure_writes: int = 0

    def saved(self, response_pk: int, code: str, value: str) -> None:
        self.last[response_pk][code] = value
        self.unsure[response_pk].pop(code, None)
        self.writes += 1

    def maybe_saved(self, response_pk: int, code: str, value: str) -> None:
        before = self.last[response_pk].get(code, "")
        self.unsure[response_pk][code] = {before, value} | self.unsure[response_pk].get(code, set())
        self.unsure_writes += 1

    def problems(self, stored: Mapping[int, Mapping[str, str]]) -> list[str]:
        """Every difference between what was saved and what the database holds (`stored`: the
        answers of each response by question code)."""
        found = []
        for response_pk in sorted(set(self.last) | set(self.unsure) | set(stored)):
            expected, unsure = self.last.get(response_pk, {}), self.unsure.get(response_pk, {})
            held = stored.get(response_pk, {})
            for code in sorted(set(expected) | set(unsure) | set(held)):
                value = held.get(code, "")
                if code in unsure:
                    if value not in unsure[code]:
                        found.append(
                            f"response {response_pk} {code}: {value!r}, expected one of {sorted(unsure[code])}"
                        )
                elif code not in expected:
                    found.append(f"response {response_pk} {code}: {value!r} was never saved")
                elif value != expected[code]:
                    found.append(f"response {response_pk} {code}: {value!r} instead of {expected[code]!r}")
        return found


def stored_answers(response_pks: Iterable[int]) -> dict[int, dict[str, str]]:
    from survey.models import Answer

    stored: dict[int, dict[str, str]] = defaultdict(dict)
    rows = Answer.objects.filter(response__in=list(response_pks)).values_list("response_id", "question__code", "value")
    for response_pk, code, value in rows:
        stored[response_pk][code] = value
    return stored


# --- the page as the browser holds it -------------------------------------------------------------

BLOCK = re.compile(r'<div id="q-([^"]+)"')
FIELD = re.compile(r"<input\b([^>]*)>|<textarea\b([^>]*)>(.*?)</textarea>", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)(?:="([^"]*)")?')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Field:
    name: str
    kind: str  # the input's type, or "textarea"
    value: str
    checked: bool = False
    disabled: bool = False


def parse_questions(page: str) -> dict[str, tuple[list[Field], str]]:
    """The question blocks (`<div id="q-<code>">`) of a part page or an autosave answer, in page
    order: their form fields and their HTML."""
    starts = [(m.start(), m.group(1)) for m in BLOCK.finditer(page)]
    blocks = {}
    for index, (start, code) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else page.find('<div id="save-status"', start)
        text = page[start : end if end > 0 else len(page)]
        fields = []
        for match in FIELD.finditer(text):
            attributes = dict(ATTRIBUTE.findall(match.group(1) or match.group(2)))
            if "name" not in attributes:
                continue
            if match.group(1) is not None:
                value = html.unescape(attributes.get("value", ""))
                kind = attributes.get("type", "text")
            else:
                value, kind = html.unescape(match.group(3)), "textarea"
            fields.append(Field(html.unescape(attributes["name"]), kind, value, "checked" in attributes,
                                "disabled" in attributes))  # fmt: skip
        blocks[code] = (fields, text)
    return blocks


class FormState:
    """The part form's fields; autosave answers replace question blocks as htmx swaps them."""

    def __init__(self, page: str) -> None:
        token = CSRF.search(page)
        if not token:
            raise ClientError("no CSRF token on the page")
        self.csrf = token.group(1)
        self.blocks = {code: fields for code, (fields, _html) in parse_questions(page).items()}

    def type(self, code: str, value: str) -> None:
        named = [f for f in self.blocks.get(code, []) if f.name == code]
        if not named:
            raise ClientError(f"question {code} is not on the page")
        if named[0].kind in ("radio", "checkbox"):
            wanted = set(value.split())
            if not wanted <= {f.value for f in named}:
                raise ClientError(f"{code}: option {value} is not offered")
            for f in named:
                f.checked = f.value in wanted
        else:
            named[0].value = value

    def body(self, changed: str) -> list[tuple[str, str]]:
        """The form's data as htmx sends it (the browser's form serialisation), plus the name of
        the changed field that static/js/autosave.js adds (it also sets the token, see autosave())."""
        data = [("csrfmiddlewaretoken", self.csrf)]
        for fields in self.blocks.values():
            data += [
                (f.name, f.value)
                for f in fields
                if not f.disabled and (f.checked or f.kind not in ("radio", "checkbox"))
            ]
        data.append(("changed", changed))
        return data


class ClientError(Exception):
    """The page was not what the browser expects (a bug in the app or in this client)."""


# --- measuring -----------------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    lags: list[float] = field(default_factory=list)  # autosaves sent later than scheduled (client busy)
    missed: int = 0  # scheduled autosaves for which no respondent was on a part page
    # (gunicorn, this client, PostgreSQL and Redis CPU seconds, load average) at the load's start and end
    cpu_start: tuple[float, float, float, float, float] = (0.0, 0.0, 0.0, 0.0, 0.0)
    cpu_end: tuple[float, float, float, float, float] = (0.0, 0.0, 0.0, 0.0, 0.0)
    started: float = 0.0  # the load's start (time.monotonic)
    finished_at: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # since started

    def record(self, kind: str, seconds: float, error: str = "") -> None:
        self.latencies[kind].append(seconds)
        self.finished_at[kind].append(time.monotonic() - self.started)
        if error:
            self.errors[kind, error] += 1


class ConnectionSampler(threading.Thread):
    """Samples the number of PostgreSQL connections to the database (pg_stat_activity) 5 times a
    second, and the CPU of PostgreSQL and Redis (SERVICES) once a second: this thread shares the
    cores with the server, so it reads /proc no more often than a backend's end needs."""

    def __init__(self, database: str, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.database, self.interval = database, interval
        self.samples: list[tuple[int, int]] = []  # (all, active)
        self.stop = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            while not self.stop.is_set():
                row = connection.execute(
                    "SELECT count(*), count(*) FILTER (WHERE state = 'active') FROM pg_stat_activity"
                    " WHERE datname = %s",
                    [self.database],
                ).fetchone()
                self.samples.append(row)
                if len(self.samples) % 5 == 0:
                    sample_services()
                self.stop.wait(self.interval)


def _cpu_seconds(pids: Iterable[str]) -> float:
    """User and system CPU seconds of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(master_pid: int) -> float:
    """The gunicorn master and its workers."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return 0.0
    return _cpu_seconds([str(master_pid), *children])


class ServiceCpu:
    """The CPU seconds of a service's processes on this machine (`postgres`, `redis-server`, by command
    name). PostgreSQL ends a backend whenever Django renews a connection (CONN_MAX_AGE, 60 s), so every
    process is followed from sample to sample (once a second, ConnectionSampler) and one that has
    ended still counts with its last sample."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.seen: dict[str, float] = {}

    def sample(self, pids: Iterable[str]) -> None:
        for pid in pids:  # read as 0 if it has ended meanwhile: keep the last sample
            self.seen[pid] = max(self.seen.get(pid, 0.0), _cpu_seconds([pid]))

    def total(self) -> float:
        """The CPU seconds of every process seen so far."""
        return sum(self.seen.values())


SERVICES = (ServiceCpu("postgres"), ServiceCpu("redis-server"))
_SAMPLING = threading.Lock()


def sample_services() -> None:
    """One pass over /proc for every service of SERVICES."""
    with _SAMPLING:
        by_command = defaultdict(list)
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/comm") as comm:
                    by_command[comm.read().strip()].append(pid)
            except OSError:
                continue
        for service in SERVICES:
            service.sample(by_command.get(service.command, []))


def cpu_now(server_pid: int) -> tuple[float, float, float, float, float]:
    sample_services()
    postgres, redis = (service.total() for service in SERVICES)
    return server_cpu_seconds(server_pid), time.process_time(), postgres, redis, os.getloadavg()[0]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered) + 0.5)) - 1))]


# --- the client -----------------------------------------------------------------------------------


class Client:
    def __init__(self, base: str, stats: Stats, saved: SavedAnswers, connector) -> None:  # noqa: ANN001
        import aiohttp

        self.base, self.stats, self.saved = base, stats, saved
        self.timeout = aiohttp.ClientTimeout(total=60)
        self.connector = connector

    def session(self, cookies: Mapping[str, str] | None = None):  # noqa: ANN201
        import aiohttp

        jar = aiohttp.CookieJar(unsafe=True)  # cookies of an IP address host
        session = aiohttp.ClientSession(self.base, connector=self.connector, connector_owner=False, cookie_jar=jar,
                                        timeout=self.timeout)  # fmt: skip
        if cookies:
            session.cookie_jar.update_cookies(cookies)
        return session

    async def request(self, session, kind: str, method: str, url: str, *, expect: int, started: float | None = None,
                      **kwargs) -> str | None:  # fmt: skip  # noqa: ANN001, ANN003
        """Sends one request and records its latency (from `started`, the scheduled time, if given);
        returns the body, or None after recording an error."""
        loop = asyncio.get_running_loop()
        started = loop.time() if started is None else started
        headers = kwargs.pop("headers", {})
        if method == "POST":
            headers["Origin"] = self.base  # as browsers send it; Django's CSRF check compares it
        if "data" in kwargs:
            # Encoded here, as the browser's form encoding: aiohttp's FormData took a sixth of this
            # client's CPU, which it shares with the server.
            kwargs["data"] = urllib.parse.urlencode(kwargs["data"]).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            async with session.request(method, url, headers=headers, allow_redirects=False, **kwargs) as answer:
                text = await answer.text()
                status = answer.status
                location = answer.headers.get("Location", "")
        # Timeouts, OSError, aiohttp.ClientError: counted, never fatal. (Cancelling is no Exception.)
        except Exception as error:
            self.stats.record(kind, loop.time() - started, type(error).__name__)
            return None
        seconds = loop.time() - started
        if status != expect:
            self.stats.record(kind, seconds, f"{status} {location}".strip())
            return None
        self.stats.record(kind, seconds)
        return text if expect == 200 else location

    async def login(self, session, email: str, password: str, otp_key: str = "") -> bool:  # noqa: ANN001
        """The login form; staff then give the code of their authenticator app (`otp_key`)."""
        page = await self.request(session, "login", "GET", "/konto/login/", expect=200)
        token = CSRF.search(page or "")
        if not token:
            return False
        data = {"csrfmiddlewaretoken": token.group(1), "username": email, "password": password, "next": ""}
        location = await self.request(session, "login", "POST", "/konto/login/", expect=302, data=data)
        if location is None or not otp_key:
            return location is not None
        from accounts.two_factor import current_code

        location = "/konto/tvastegsverifiering/"  # where the next page would send them
        page = await self.request(session, "login", "GET", location, expect=200)
        token = CSRF.search(page or "")
        if not token:
            return False
        data = {"csrfmiddlewaretoken": token.group(1), "code": current_code(otp_key), "next": ""}
        return await self.request(session, "login", "POST", location, expect=302, data=data) is not None


@dataclass
class Respondent:
    plan: Plan
    ready: bool = False  # on a part page with no autosave under way: may be given the next one
    triggers: asyncio.Queue = field(default_factory=asyncio.Queue)  # type: ignore[type-arg]
    submitted: list[str] = field(default_factory=list)
    autosaves_left: int = 0

    def __post_init__(self) -> None:
        self.autosaves_left = sum(len(part.steps) for part in self.plan.parts)

    async def run(self, client: Client, stop: asyncio.Event, rng: random.Random, start_delay: float) -> None:
        plan = self.plan
        await asyncio.sleep(start_delay)
        cookies = {"sessionid": plan.session_key} if plan.session_key else None
        async with client.session(cookies) as session:
            if not plan.session_key:
                if not await client.login(session, plan.email, PASSWORD):
                    return
                await client.request(session, "start page", "GET", "/", expect=200)
            detail = f"/svar/{plan.response_pk}/"
            await client.request(session, "task list", "GET", detail, expect=200)
            for part in plan.parts:
                if stop.is_set():
                    return
                url = f"{detail}{part.code}/"
                page = await client.request(session, "part page", "GET", url, expect=200)
                if page is None:
                    return
                form = FormState(page)
                for code, value in part.steps:
                    self.ready = True
                    scheduled = await self.triggers.get()
                    self.ready = False
                    if scheduled is None:
                        return
                    self.autosaves_left -= 1
                    if not await self.autosave(client, session, form, url, code, value, scheduled):
                        return  # the page is no longer what the person sees: they would reload
                await asyncio.sleep(rng.uniform(0.2, 1.0))  # reads the page once more
                review = await client.request(session, "review", "GET", f"{url}granska/", expect=200)
                token = CSRF.search(review or "")
                if stop.is_set() or not token:
                    return
                location = await client.request(
                    session,
                    "submit",
                    "POST",
                    f"{url}granska/",
                    expect=302,
                    data={"csrfmiddlewaretoken": token.group(1)},
                )
                if location != detail:
                    if location is not None:
                        client.stats.errors["submit", f"302 {location}"] += 1
                    return
                self.submitted.append(part.code)
                await client.request(session, "task list", "GET", detail, expect=200)

    async def autosave(self, client: Client, session, form: FormState, url: str, code: str, value: str,  # noqa: ANN001
                       scheduled: float) -> bool:  # fmt: skip
        loop = asyncio.get_running_loop()
        client.stats.lags.append(loop.time() - scheduled)
        try:
            form.type(code, value)
        except ClientError as error:
            client.stats.errors["autosave", f"client: {error}"] += 1
            return False
        # static/js/autosave.js sends the csrftoken cookie's current value as the form's token.
        cookie = next((c.value for c in session.cookie_jar if c.key == "csrftoken"), "")
        form.csrf = cookie or form.csrf
        headers = {"HX-Request": "true", "HX-Current-URL": client.base + url}
        text = await client.request(session, "autosave", "POST", url, expect=200, started=scheduled,
                                    headers=headers, data=form.body(changed=code))  # fmt: skip
        pk = self.plan.response_pk
        if text is None:
            client.saved.maybe_saved(pk, code, value)
            return False
        swapped = parse_questions(text)
        fields, block = swapped.get(code, ([], ""))
        shown = next((f.value for f in fields if f.name == f"o_{code}"), None)
        if f'id="error-{code}"' in block or f'id="conflict-{code}"' in block or shown != value:
            # Answered 200 but not saved as sent: an error the respondent would see.
            client.stats.errors["autosave", "200 not saved"] += 1
            client.saved.maybe_saved(pk, code, value)
            return False
        client.saved.saved(pk, code, value)
        for swapped_code, (swapped_fields, _html) in swapped.items():
            form.blocks[swapped_code] = swapped_fields
        return True


async def schedule_autosaves(respondents: list[Respondent], rate: float, duration: float, stats: Stats,
                             rng: random.Random) -> None:  # fmt: skip
    """Open loop: autosaves at Poisson times whatever the server's speed, each to a respondent who
    is on a part page and not waiting (hx-sync queues a person's saves; people rarely type faster)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    moment = start
    while True:
        moment += rng.expovariate(rate)
        if moment - start > duration:
            return
        await asyncio.sleep(max(0.0, moment - loop.time()))
        ready = [r for r in respondents if r.ready and r.autosaves_left > 0]
        if not ready:
            stats.missed += 1
            continue
        chosen = rng.choice(ready)
        chosen.ready = False
        chosen.triggers.put_nowait(moment)


@dataclass
class Staff:
    email: str
    session_key: str
    otp_key: str = ""  # the key of their authenticator app, if staff log in with two factors


async def coordinator(client: Client, staff: Staff, year: int, interval: float, stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    async with client.session() as session:
        if not await client.login(session, staff.email, PASSWORD, staff.otp_key):
            return
        moment = loop.time()
        while not stop.is_set():
            await client.request(session, "monitor", "GET", f"/enkater/{year}/uppfoljning/", expect=200)
            moment += interval
            await asyncio.sleep(max(0.0, moment - loop.time()))


async def warm_up(client: Client, plan: Plan, year: int, staff_session: str) -> None:
    """Every worker renders each page once before the measurement (templates, URL resolver,
    translations), as a long-running server has. Saves nothing: the autosave posts no change."""
    warm_stats = Stats()
    warm = Client(client.base, warm_stats, SavedAnswers(), client.connector)
    async with (
        warm.session({"sessionid": plan.session_key}) as session,
        warm.session({"sessionid": staff_session}) as staff,
        warm.session() as anonymous,
    ):
        url = f"/svar/{plan.response_pk}/{plan.parts[0].code}/"
        page = await warm.request(session, "part page", "GET", url, expect=200)
        form = FormState(page or "")
        first = next(iter(form.blocks))
        for _round in range(3):
            await asyncio.gather(
                *[
                    warm.request(session, "task list", "GET", f"/svar/{plan.response_pk}/", expect=200)
                    for _ in range(8)
                ],
                *[warm.request(session, "part page", "GET", url, expect=200) for _ in range(8)],
                *[
                    warm.request(
                        session,
                        "autosave",
                        "POST",
                        url,
                        expect=200,
                        data=form.body(changed=first),
                        headers={"HX-Request": "true"},
                    )
                    for _ in range(8)
                ],  # fmt: skip
                *[warm.request(session, "review", "GET", f"{url}granska/", expect=200) for _ in range(8)],
                *[warm.request(staff, "monitor", "GET", f"/enkater/{year}/uppfoljning/", expect=200) for _ in range(6)],
                *[warm.request(anonymous, "login", "GET", "/konto/login/", expect=200) for _ in range(6)],
            )
    if warm_stats.errors:
        raise SystemExit(f"Warm-up failed: {dict(warm_stats.errors)}")


async def run_load(args: argparse.Namespace, base: str, plans: list[Plan], staff: Staff, warm_plan: Plan,
                   stats: Stats, saved: SavedAnswers) -> tuple[list[Respondent], float]:  # fmt: skip
    import aiohttp

    rng = random.Random(args.seed)
    # Sync workers close every connection; gthread keeps them 2 s, so reuse one for at most 1 s
    # (a browser retries a GET on a connection the server closed; this client counts an error).
    reuse = {"force_close": True} if args.worker_class == "sync" else {"keepalive_timeout": 1}
    connector = aiohttp.TCPConnector(limit=0, **reuse)
    client = Client(base, stats, saved, connector)
    try:
        await warm_up(client, warm_plan, YEAR, staff.session_key)
        respondents = [Respondent(plan) for plan in plans]
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        started = loop.time()
        stats.cpu_start = cpu_now(args.server_pid)
        stats.started = time.monotonic()
        tasks = [
            asyncio.create_task(r.run(client, stop, random.Random(rng.random()), rng.uniform(0, args.ramp)))
            for r in respondents
        ]
        monitor = asyncio.create_task(coordinator(client, staff, YEAR, args.monitor_interval, stop))
        await schedule_autosaves(respondents, args.rate, args.duration, stats, rng)
        stop.set()
        elapsed = loop.time() - started
        stats.cpu_end = cpu_now(args.server_pid)
        for respondent in respondents:
            respondent.triggers.put_nowait(None)  # no more autosaves: the person leaves
        await asyncio.wait([*tasks, monitor], timeout=90)
        for task in [*tasks, monitor]:
            task.cancel()
        return respondents, elapsed
    finally:
        await connector.close()


# --- the stack -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(*args: str) -> None:
    subprocess.run([*args, "-h", "127.0.0.1", "-U", "postgres"], check=True, capture_output=True)


def bench_redis():  # noqa: ANN201
    """This benchmark's own Redis database: the app's task queue and cache during the run."""
    import redis

    return redis.Redis.from_url(f"redis://127.0.0.1:6379/{REDIS_DB}")


def redis_flush() -> None:
    """Empties this benchmark's own Redis database (queued receipts and recomputations, cache)."""
    bench_redis().flushdb()


def report_queued_tasks() -> None:
    """What the load left in the Celery queue for the workers (none runs here): per task, how many."""
    import json

    messages = bench_redis().lrange("celery", 0, -1)
    tasks = Counter(json.loads(message)["headers"]["task"] for message in messages)
    listed = ", ".join(f"{count} × {task}" for task, count in sorted(tasks.items())) or "none"
    print(f"Tasks queued for the Celery workers (not run here): {listed}")


def build_data(respondents: int, budget: int, seed: int, form_logins: int) -> tuple[list[Plan], Plan, Staff, int]:
    """Register, open round, users and sessions; returns the plans, the warm-up user's plan, the
    coordinator, and the number of form logins prepared."""
    from django.core.management import call_command
    from django.test import override_settings
    from django.utils import timezone

    from accounts import two_factor
    from accounts.models import User
    from survey.models import SurveyRound, UnitAssignment

    quiet = {"stdout": open(os.devnull, "w")}  # noqa: SIM115
    call_command("migrate", verbosity=0)
    call_command("load_units", **quiet)
    call_command("load_questionnaire", str(FORM), "--year", str(YEAR), **quiet)
    with override_settings(DEBUG=True):  # as `make run`: the coordinator samordnare@demo.oj.se
        call_command("create_demo_users", **quiet)
    now = timezone.now()
    # The last day before the deadline: opened six weeks ago, closes tomorrow.
    SurveyRound.objects.filter(year=YEAR).update(opens_at=now - timedelta(days=42), closes_at=now + timedelta(days=1))
    survey_round = SurveyRound.objects.get(year=YEAR)
    rng = random.Random(seed)
    responses = list(survey_round.responses.select_related("unit", "round").order_by("unit__code"))
    if len(responses) < respondents + 1:
        raise SystemExit(f"The round has {len(responses)} units; --respondents {respondents} needs one more.")
    chosen = rng.sample(responses, respondents + 1)
    plans = make_plans(chosen, budget, rng)
    users = []
    for plan in plans:
        user = User.objects.create_user(plan.email, None, full_name=f"Svarande {plan.unit_code}", role="respondent")
        UnitAssignment.objects.create(user=user, unit_id=next(r.unit_id for r in chosen if r.pk == plan.response_pk))
        users.append(user)
    coordinator = User.objects.get(email="samordnare@demo.oj.se")
    coordinator.set_password(PASSWORD)
    coordinator.save()
    # Sessions straight from Django's session engine, as a login makes them, so that the benchmark
    # does not spend minutes hashing passwords; a few respondents log in through the form.
    form_logins = max(0, min(form_logins, respondents))
    for index, (plan, user) in enumerate(zip(plans, users, strict=True)):
        if 0 < index <= form_logins:
            user.set_password(PASSWORD)
            user.save()
            continue
        plan.session_key = _session_for(user)
    staff = Staff(coordinator.email, "")
    extra = {}
    if two_factor.is_required(coordinator):
        from django_otp import DEVICE_ID_SESSION_KEY

        staff.otp_key = two_factor.give_demo_device(user=coordinator).key
        extra[DEVICE_ID_SESSION_KEY] = two_factor.app_device(coordinator).persistent_id
    staff.session_key = _session_for(coordinator, **extra)
    return plans[1:], plans[0], staff, form_logins


def _session_for(user, **extra: str) -> str:  # noqa: ANN001
    """A logged-in session as django.contrib.auth.login stores it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.update(extra)
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def start_gunicorn(args: argparse.Namespace, port: int, env: dict[str, str], logdir: Path) -> subprocess.Popen:  # type: ignore[type-arg]
    # Production's settings (config/gunicorn.conf.py: cores + 1 sync workers), with this run's
    # port, logs and any --workers or --worker-class to compare. The server runs on the interpreter
    # and packages this script runs on.
    command = [
        str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "config" / "gunicorn.conf.py"),
        "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers), "--worker-class", args.worker_class,
        "--access-logfile", str(logdir / "access.log"), "--error-logfile", str(logdir / "error.log"),
    ]  # fmt: skip
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    output = (logdir / "output.log").open("w")  # warnings such as whitenoise's missing staticfiles/
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=output, stderr=output)


def wait_healthy(base: str, server: subprocess.Popen, seconds: float = 30) -> None:  # type: ignore[type-arg]
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited at start; see its error log")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:  # noqa: S310 (our own server)
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not become healthy in time")


# --- the report ------------------------------------------------------------------------------------


def report(args: argparse.Namespace, stats: Stats, elapsed: float, sampler: ConnectionSampler) -> bool:
    total = sum(len(values) for values in stats.latencies.values())
    columns = ("requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors")
    print(f"\n{'kind':<11} " + " ".join(f"{column:>8}" for column in columns))
    for kind in KINDS:
        values = stats.latencies.get(kind, [])
        if not values:
            continue
        errors = sum(count for (k, _status), count in stats.errors.items() if k == kind)
        print(f"{kind:<11} {len(values):>8} {len(values) / elapsed:>8.1f} {percentile(values, 0.5) * 1000:>8.0f} "
              f"{percentile(values, 0.95) * 1000:>8.0f} {percentile(values, 0.99) * 1000:>8.0f} "
              f"{max(values) * 1000:>8.0f} {errors:>8}")  # fmt: skip
    print(f"{'all':<11} {total:>8} {total / elapsed:>8.1f}   over {elapsed:.1f} s")
    if stats.errors:
        print("Errors by kind and status:")
        for (kind, status), count in sorted(stats.errors.items()):
            print(f"  {kind:<11} {status}: {count}")
    else:
        print("Errors: none")
    if sampler.samples:
        peak = max(all_ for all_, _active in sampler.samples)
        active = max(active for _all, active in sampler.samples)
        mean = statistics.mean(all_ for all_, _active in sampler.samples)
        print(f"PostgreSQL connections to {DATABASE}: peak {peak} (mean {mean:.1f}, at most {active} active at once;"
              f" {len(sampler.samples)} samples of pg_stat_activity)")  # fmt: skip
    server, client, postgres, redis = (
        end - start for start, end in zip(stats.cpu_start[:4], stats.cpu_end[:4], strict=True)
    )
    cores = len(os.sched_getaffinity(0))
    per_request = 1000 / max(total, 1)
    print(f"CPU during the load: gunicorn {server:.1f} s ({server * per_request:.1f} ms per request, "
          f"{server / elapsed / cores:.0%} of {cores} cores), PostgreSQL {postgres:.1f} s "
          f"({postgres * per_request:.1f} ms, {postgres / elapsed / cores:.0%}), Redis {redis:.1f} s "
          f"({redis / elapsed / cores:.0%}), this client {client:.1f} s ({client / elapsed / cores:.0%}); "
          f"load average {stats.cpu_start[4]:.1f} at the start, {stats.cpu_end[4]:.1f} at the end")  # fmt: skip
    lags = stats.lags or [0.0]
    print(f"Client: autosaves sent on average {statistics.mean(lags) * 1000:.1f} ms after their scheduled time "
          f"(p95 {percentile(lags, 0.95) * 1000:.1f} ms, counted in the latency); "
          f"{stats.missed} scheduled autosaves found no respondent on a part page")  # fmt: skip
    autosaves = stats.latencies.get("autosave", [])
    windows: dict[int, list[float]] = defaultdict(list)
    for finished, seconds in zip(stats.finished_at["autosave"], autosaves, strict=True):
        windows[int(finished // 10)].append(seconds)
    print("Autosave p95 by 10 s of the load (respondents arrive in the first "
          f"{args.ramp:g} s): " + ", ".join(f"{percentile(windows[w], 0.95) * 1000:.0f}" for w in sorted(windows))
          + " ms")  # fmt: skip
    p95 = percentile(autosaves, 0.95) if autosaves else float("inf")
    rate = len(autosaves) / args.duration
    error_count = sum(stats.errors.values())
    rate_ok = rate >= 0.95 * args.rate
    print(f"\nTarget: autosave p95 {p95 * 1000:.0f} ms of {TARGET_P95 * 1000:.0f} ms "
          f"({p95 / TARGET_P95:.2f} of the target) at {rate:.1f} autosaves/s (asked {args.rate:g}, target "
          f"{TARGET_RATE}): {'met' if p95 < TARGET_P95 and rate_ok else 'MISSED'}")  # fmt: skip
    print(f"Target: no errors: {error_count} errors: {'met' if not error_count else 'MISSED'}")
    if args.rate < TARGET_RATE:
        print(f"(The run asked for {args.rate:g} autosaves/s, below the target's {TARGET_RATE}.)")
    return p95 < TARGET_P95 and rate_ok and not error_count


def verify(respondents: list[Respondent], saved: SavedAnswers, bench_emails: list[str]) -> bool:
    """Every saved answer is in the database with its last saved value; every submitted part is
    submitted; the audit trail has one web change per saved value."""
    from django.db.models import Q

    from survey.models import AnswerChange, PartSubmission

    pks = [r.plan.response_pk for r in respondents]
    problems = saved.problems(stored_answers(pks))
    answers = sum(len(values) for values in saved.last.values())
    print(f"\nCheck: {answers} answers of {len(pks)} respondents in the database with their last saved value "
          f"({saved.writes} acknowledged saves, {saved.unsure_writes} unanswered): "
          f"{'OK' if not problems else f'{len(problems)} PROBLEMS'}")  # fmt: skip
    for problem in problems[:20]:
        print(f"  {problem}")
    submitted = {(r.plan.response_pk, code) for r in respondents for code in r.submitted}
    stored = set(PartSubmission.objects.filter(response__in=pks).values_list("response_id", "part__code"))
    missing = submitted - stored
    print(
        f"Check: {len(submitted)} submitted parts in the database: {'OK' if not missing else f'{len(missing)} MISSING'}"
    )
    changes = AnswerChange.objects.filter(
        Q(response__in=pks) & Q(channel=AnswerChange.Channel.WEB) & Q(user__email__in=bench_emails)
    ).count()
    audit_ok = saved.writes <= changes <= saved.writes + saved.unsure_writes
    print(f"Check: audit trail has {changes} web changes for {saved.writes} acknowledged saves "
          f"(+ up to {saved.unsure_writes} unanswered): {'OK' if audit_ok else 'MISMATCH'}")  # fmt: skip
    return not problems and not missing and audit_ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60, help="seconds of autosaves (default 60)")
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="autosaves per second (default 100)")
    parser.add_argument("--respondents", type=int, default=300)
    parser.add_argument("--workers", type=int, help="default: config/gunicorn.conf.py's (cores + 1)")
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--monitor-interval", type=float, default=2.0, help="seconds between monitor reloads")
    parser.add_argument("--form-logins", type=int, default=5, help="respondents who log in through the form")
    parser.add_argument("--ramp", type=float, default=30.0, help="respondents arrive within this many seconds")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep-db", action="store_true", help=f"keep the database {DATABASE} afterwards")
    args = parser.parse_args()
    args.workers = args.workers or runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))["workers"]

    started = time.perf_counter()
    load = os.getloadavg()[0]
    if load > 1:
        print(f"Note: the load average is {load:.1f} before the start: other processes share the "
              f"{len(os.sched_getaffinity(0))} cores, and the figures below include their effect.")  # fmt: skip
    try:
        psql("dropdb", "--if-exists", DATABASE)
    except subprocess.CalledProcessError as error:
        raise SystemExit(
            f"Cannot drop {DATABASE} (is another run using it?): {error.stderr.decode().strip()}"
        ) from None
    psql("createdb", DATABASE)
    redis_flush()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    server = None
    sampler = ConnectionSampler(DATABASE)
    try:
        budget = int(args.rate * args.duration / args.respondents * 1.15) + 1
        plans, warm_plan, staff, form_logins = build_data(args.respondents, budget, args.seed, args.form_logins)
        connection.close()  # only the server's connections count from here on
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        logdir = Path(tempfile.mkdtemp(prefix="oj-bench-deadline-"))
        server = start_gunicorn(args, port, env, logdir)
        args.server_pid = server.pid
        wait_healthy(base, server)
        print(f"Setup {time.perf_counter() - started:.1f} s: {args.respondents} respondents of different units "
              f"({form_logins} log in through the form), a coordinator on the monitor every "
              f"{args.monitor_interval:g} s; gunicorn {args.workers} {args.worker_class} workers"
              f"{f' × {args.threads} threads' if args.worker_class == 'gthread' else ''} on "
              f"{len(os.sched_getaffinity(0))} cores; logs in {logdir}")  # fmt: skip
        print(f"Load: {args.rate:g} autosaves/s (Poisson) for {args.duration:g} s ...", flush=True)
        stats, saved = Stats(), SavedAnswers()
        sampler.start()
        respondents, elapsed = asyncio.run(run_load(args, base, plans, staff, warm_plan, stats, saved))
        sampler.stop.set()
        sampler.join()
        targets_met = report(args, stats, elapsed, sampler)
        report_queued_tasks()
        checks_ok = verify(respondents, saved, [plan.email for plan in plans])
    finally:
        sampler.stop.set()
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        connection.close()
        if not args.keep_db:
            psql("dropdb", "--if-exists", DATABASE)
            redis_flush()
    print(f"Total {time.perf_counter() - started:.1f} s")
    return 0 if targets_met and checks_ok else 1


if __name__ == "__main__":
    sys.exit(main())
