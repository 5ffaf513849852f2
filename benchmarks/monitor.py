"""How the coordinator's monitor (survey:round-monitor) scales: the page for a round of 300 and of
3,000 units, rendered through django.test.Client as a coordinator, in a throwaway SQLite database.

    .venv/bin/python benchmarks/monitor.py [--repeat 5]

Prints the median seconds per page, the number of database queries (which must not grow with the
number of units) and the ratio 3000/300."""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import zoneinfo
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
QUESTIONS_PER_PART = 12
SIZES = (300, 3000)


def build_round(year: int, units: list, rng: random.Random) -> None:  # type: ignore[type-arg]
    """A round fielded 1 February to 21 March with realistic statuses: most units submit the
    general part, fewer the main part, some have started, a few have not begun; contacts for all,
    invitations for most, an extension for a few."""
    from survey.models import Answer, Invitation, Part, PartSubmission, Question, Response, SurveyRound

    opens = datetime(year, 2, 1, 9, tzinfo=STOCKHOLM)
    survey_round = SurveyRound.objects.create(
        year=year, title=f"Benchmark {year}", form_id="bench", version="1",
        opens_at=opens, closes_at=datetime(year, 3, 21, 23, 59, tzinfo=STOCKHOLM),
    )  # fmt: skip
    parts, questions = [], {}
    for order, code in enumerate(["allman", "vinr"]):
        part = Part.objects.create(round=survey_round, code=code, label=code.capitalize(), order=order)
        parts.append(part)
        questions[part.pk] = [
            Question.objects.create(
                round=survey_round, part=part, code=f"{code}_{n}", type="text", label="?", order=order * 100 + n
            )
            for n in range(QUESTIONS_PER_PART)
        ]
    responses = Response.objects.bulk_create(
        [
            Response(
                round=survey_round,
                unit=unit,
                extended_until=opens + timedelta(days=55) if rng.random() < 0.03 else None,
                extension_reason="Sjukskrivning" if rng.random() < 0.03 else "",
            )
            for unit in units
        ]
    )
    answers, submissions = [], []
    for response in responses:
        for part, share_submitted in zip(parts, (0.8, 0.6), strict=True):
            draw = rng.random()
            if draw > share_submitted + 0.25:
                continue  # not started
            moment = opens + timedelta(days=rng.triangular(0, 48, 40), minutes=rng.randrange(600))
            count = QUESTIONS_PER_PART if draw <= share_submitted else rng.randrange(1, QUESTIONS_PER_PART)
            answers += [
                Answer(response=response, question=question, value="ja", updated_at=moment)
                for question in questions[part.pk][:count]
            ]
            if draw <= share_submitted:
                submissions.append(PartSubmission(response=response, part=part, submitted_at=moment))
    Answer.objects.bulk_create(answers, batch_size=2000)
    PartSubmission.objects.bulk_create(submissions, batch_size=2000)
    contacts = list(survey_round.responses.values_list("unit__contacts", flat=True))
    Invitation.objects.bulk_create(
        [
            Invitation(
                round=survey_round, contact_id=contact, token_hash=f"{year}-{contact}",
                created_at=opens, expires_at=opens + timedelta(days=30),
            )
            for contact in contacts
            if contact and rng.random() < 0.9
        ],
        batch_size=2000,
    )  # fmt: skip


def make_units(prefix: str, count: int, years: tuple[int, ...], rng: random.Random) -> list:  # type: ignore[type-arg]
    from survey.models import Contact, County, Group, GroupMembership, ReportingUnit

    counties = list(County.objects.all())
    units = ReportingUnit.objects.bulk_create(
        [
            ReportingUnit(code=f"{prefix}{n:05}", name=f"Kommun {prefix}{n}", kind="municipality",
                          county=counties[n % len(counties)])
            for n in range(count)
        ]
    )  # fmt: skip
    Contact.objects.bulk_create(
        [Contact(unit=unit, name=f"Kontakt {unit.code}", email=f"{unit.code.lower()}@example.se") for unit in units]
    )
    groups = list(Group.objects.select_related("grouping"))
    memberships = []
    for unit in units:
        for grouping in {group.grouping for group in groups}:
            group = rng.choice([g for g in groups if g.grouping_id == grouping.pk])
            memberships += [GroupMembership(grouping=grouping, group=group, unit=unit, year=y) for y in years]
    GroupMembership.objects.bulk_create(memberships, batch_size=2000)
    return units


def measure(client, url: str, repeat: int) -> tuple[float, int, int]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up: templates, translations
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        page = client.get(url)
        times.append(time.perf_counter() - start)
        assert page.status_code == 200, page.status_code
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    return statistics.median(times), len(queries), len(page.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="oj-bench-monitor-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from accounts.models import User
    from survey.services.register import load_register

    setup_test_environment()  # lets the test client's host through ALLOWED_HOSTS
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_register()
    rng = random.Random(2024)
    coordinator = User.objects.create_user(email="samordnare@bench.example", password=None, role="coordinator")
    client = Client()
    client.force_login(coordinator)
    print(f"Setup (migrate, register) {time.perf_counter() - started:.1f} s; database in {workdir}")
    results = {}
    for index, size in enumerate(SIZES):
        earlier, current = 2040 + 2 * index, 2041 + 2 * index
        units = make_units(f"B{index}", size, (earlier, current), rng)
        build_round(earlier, units, rng)  # the year before, same units: the chart compares them
        build_round(current, units, rng)
        url = reverse("survey:round-monitor", kwargs={"year": current})
        results[size] = measure(client, url, args.repeat)
        seconds, queries, size_bytes = results[size]
        print(f"{size:>5} units: {seconds:.3f} s per page (median of {args.repeat}), "
              f"{queries} queries, {size_bytes / 1024:.0f} KiB")  # fmt: skip
    small, large = (results[size] for size in SIZES)
    print(f"ratio {SIZES[1]}/{SIZES[0]}: time {large[0] / small[0]:.1f}x, queries {large[1]} vs {small[1]}")
    print(f"Total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
