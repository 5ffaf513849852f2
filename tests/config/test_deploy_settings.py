import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str | None) -> subprocess.CompletedProcess:
    """Runs manage.py with `env` on top of ours; a None value removes the variable."""
    full_env = {**os.environ, **env}
    full_env = {key: value for key, value in full_env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# The production environment: DEBUG and the SECURE_* switches unset, so that their defaults count.
PRODUCTION = {
    "DEBUG": None,
    "SECRET_KEY": "x7!Lq9#mZ2@pR4$vN8^tB1&kW5*hC3(jF6)yD0-sG-a-long-production-secret",
    "ALLOWED_HOSTS": "oj.example.se",
    "SECURE_SSL_REDIRECT": None,
    "SECURE_COOKIES": None,
    "SECURE_HSTS_SECONDS": None,
    "BEHIND_TLS_PROXY": None,
}

# What a browser gets from the configured site: a plain-HTTP request and an HTTPS one for the login page.
REQUESTS = """
import json
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="oj.example.se")
plain, secure = client.get("/konto/login/"), client.get("/konto/login/", secure=True)
cookie = secure.cookies.get(settings.CSRF_COOKIE_NAME)
print(json.dumps({
    "plain": [plain.status_code, plain.headers.get("Location", "")],
    "hsts": secure.headers.get("Strict-Transport-Security", ""),
    "csp": secure.headers.get("Content-Security-Policy", ""),
    "secure cookies": [bool(cookie and cookie["secure"]), settings.SESSION_COOKIE_SECURE],
}))
"""


def site_as_configured(**env: str | None) -> dict:
    result = run_manage("shell", "--no-imports", "-c", REQUESTS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_production_configuration_passes_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_sends_https_hsts_secure_cookies_and_the_policy():
    site = site_as_configured(**PRODUCTION)
    assert site["plain"] == [301, "https://oj.example.se/konto/login/"]
    assert site["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert site["secure cookies"] == [True, True]
    assert "script-src 'self'" in site["csp"]


def test_only_debug_turns_https_hsts_and_secure_cookies_off():
    site = site_as_configured(**{**PRODUCTION, "DEBUG": "1"})
    assert site["plain"] == [200, ""]
    assert site["hsts"] == ""
    assert site["secure cookies"] == [False, False]
    assert "script-src 'self'" in site["csp"]  # the same policy while developing


def test_the_development_secret_key_fails_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="0", SECRET_KEY=None)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_the_production_web_server_configuration_loads_the_app():
    """docker/entrypoint.sh starts gunicorn with config/gunicorn.conf.py; a mistake in either would
    only show when the container starts."""
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text()
    assert "gunicorn -c config/gunicorn.conf.py config.wsgi:application" in entrypoint
    env = {key: value for key, value in {**os.environ, **PRODUCTION}.items() if value is not None}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "--check-config", "--print-config",
         "config.wsgi:application"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    lines = (line.partition(" = ") for line in result.stdout.splitlines())
    settings = {key.strip(): value.strip() for key, _, value in lines}
    assert settings["worker_class"] == "sync"
    assert int(settings["workers"]) == len(os.sched_getaffinity(0)) + 1


def test_the_options_in_database_url_are_kept():
    """Options given in DATABASE_URL (here TLS required) survive the settings' own database options."""
    show = "from django.conf import settings; print(sorted(settings.DATABASES['default']['OPTIONS'].items()))"
    result = run_manage("shell", "-c", show, DATABASE_URL="postgres://oj@db.example.se:5432/oj?sslmode=require")
    assert result.returncode == 0, result.stderr
    assert "('sslmode', 'require')" in result.stdout and "('server_side_binding', True)" in result.stdout
