"""PostgreSQL restarted under a running gunicorn: the next request succeeds (connections are
health-checked before reuse), a request while the database is down gets the error page at once
rather than a hang, and no error page stays once it is back."""

import os
import subprocess
import sys
import time

import psycopg
import pytest
import requests
from django.db import connection

from .servers import PG_BIN, ROOT, free_port, needs_services, private_postgres, project_env, stop, wait_for_port

pytestmark = [pytest.mark.services, needs_services]

SETUP = """
from datetime import timedelta
from django.core.management import call_command
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from accounts.models import User
from survey.models import ReportingUnit, Response, SurveyRound, UnitAssignment
call_command("load_questionnaire", "survey/questionnaires/vinr-2024.md", "--year", "2024", verbosity=0)
now = timezone.now()
SurveyRound.objects.filter(year=2024).update(opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9))
user = User.objects.create_user("rita@kalmar.se", "x" * 12, full_name="Rita Respondent", role="respondent")
UnitAssignment.objects.create(user=user, unit=ReportingUnit.objects.get(code="0880"))
session = SessionStore()
session.update({"_auth_user_id": str(user.pk), "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                "_auth_user_hash": user.get_session_auth_hash()})
session.create()
print(session.session_key, Response.objects.get(round__year=2024, unit__code="0880").pk)
"""


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def copy_test_database(*, to: str) -> None:
    """The test database, migrated and with the register, into the private cluster: quicker than
    migrating and loading the register again (about 20 s)."""
    db = connection.settings_dict
    dump = subprocess.Popen(
        [str(PG_BIN / "pg_dump"), "--no-owner", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432),
         "-U", db["USER"], "-d", db["NAME"]],
        stdout=subprocess.PIPE, env={**os.environ, "PGPASSWORD": db["PASSWORD"] or ""},
    )  # fmt: skip
    subprocess.run(
        [str(PG_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", to], stdin=dump.stdout, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    assert dump.wait() == 0


def test_after_a_database_restart_the_next_request_succeeds(db, tmp_path):
    with private_postgres() as postgres:
        with psycopg.connect(postgres.url, autocommit=True) as admin:
            admin.execute("CREATE DATABASE oj")
        env = project_env(
            DATABASE_URL=postgres.url.rsplit("/", 1)[0] + "/oj", REDIS_URL="", DEBUG="0", SECURE_SSL_REDIRECT="0",
            SECURE_COOKIES="0", SECURE_HSTS_SECONDS="0", ALLOWED_HOSTS="127.0.0.1", CONN_MAX_AGE="60",
            EMAIL_FILE_PATH=str(tmp_path),
        )  # fmt: skip
        copy_test_database(to=env["DATABASE_URL"])  # migrated, with the register (`manage.py load_units`)
        session_key, response_pk = manage(env, "shell", "-c", SETUP).split()[-2:]
        port = free_port()
        # gunicorn as production runs it (docker/entrypoint.sh): its settings file, only the address set.
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"],
            cwd=ROOT, env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_for_port(port)
            browser = requests.Session()
            browser.cookies.set("sessionid", session_key)
            base = f"http://127.0.0.1:{port}"
            tasks = f"{base}/svar/{response_pk}/"
            part = f"{base}/svar/{response_pk}/vinr/"

            def reads_the_database() -> None:
                page = browser.get(tasks, timeout=10, allow_redirects=False)
                assert page.status_code == 200 and "Kalmar" in page.text

            for _ in range(8):  # every gunicorn worker now holds an open connection
                reads_the_database()

            postgres.restart()  # drops every connection the workers hold
            for _ in range(8):  # whichever worker answers, the first request after the restart works
                reads_the_database()
            # Saving works too: the form, with its CSRF token.
            form = browser.get(part, timeout=10)
            token = form.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
            saved = browser.post(
                part, {"csrfmiddlewaretoken": token, "fortb_barn": "ja", "v_fortb_barn": "0", "o_fortb_barn": ""},
                headers={"Referer": part}, timeout=10, allow_redirects=False,
            )  # fmt: skip
            assert saved.status_code == 302

            postgres.stop()
            started = time.monotonic()
            down = browser.get(tasks, timeout=20, allow_redirects=False)
            assert time.monotonic() - started < 10  # an answer at once, not a hang
            assert down.status_code == 500 and "Något gick fel" in down.text and "Svar som sparats" in down.text

            postgres.start()
            for _ in range(8):  # no error page stays
                reads_the_database()
            assert "Rita Respondent" in browser.get(part, timeout=10).text  # the saved answer's author
        finally:
            stop(web)
