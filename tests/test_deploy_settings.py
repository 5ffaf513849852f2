import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def test_a_production_configuration_passes_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x7!Lq9#mZ2@pR4$vN8^tB1&kW5*hC3(jF6)yD0-sG-a-long-production-secret",
        ALLOWED_HOSTS="oj.example.se",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_development_secret_key_fails_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="0", SECRET_KEY=None)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr
