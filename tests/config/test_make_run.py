"""`make run` is one process that sets up the demo and serves, and e-mailed links use the address it
serves on (SITE_URL from its HOST and PORT). Read from `make -n`, which prints without running."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_sets_up_and_serves_in_one_process_with_its_own_address_in_e_mails():
    printed = subprocess.run(
        ["make", "-n", "-W", "requirements.txt", "run", "HOST=0.0.0.0", "PORT=8123"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    django = [line for line in printed.splitlines() if "manage.py" in line]
    assert django == ["DEBUG=1 SITE_URL=http://0.0.0.0:8123 .venv/bin/python manage.py setup_demo --serve 0.0.0.0:8123"]
