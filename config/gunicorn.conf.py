"""gunicorn's settings, for production (docker/entrypoint.sh) and the load benchmark
(benchmarks/deadline_day.py): `gunicorn -c config/gunicorn.conf.py config.wsgi:application`.

Sync workers, 2 × cores + 1 of them (gunicorn's documented starting point). The app is CPU-bound
(templates, the ORM, form rules) and PostgreSQL answers within a millisecond, so threads in a
worker would only take turns on the GIL; benchmarks/README.md compares gthread. Sync workers
expect a buffering proxy in front, which the TLS terminator is (README, Production)."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * len(os.sched_getaffinity(0)) + 1))
worker_class = "sync"
timeout = 60
accesslog = "-"
