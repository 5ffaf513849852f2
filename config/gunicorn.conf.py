"""gunicorn's settings, for production (docker/entrypoint.sh) and the load benchmark
(benchmarks/deadline_day.py): `gunicorn -c config/gunicorn.conf.py config.wsgi:application`.

Sync workers, one per core and one more. The app is CPU-bound (templates, the ORM, form rules) and
PostgreSQL answers within a millisecond, so a worker seldom waits: more workers than that only take
turns on the cores and cost CPU in the switching (on 2 cores, 5 workers used about 8 % more CPU per
request than 3; gunicorn's own starting point of 2 × cores + 1 is meant for apps that wait more).
Threads in a worker would only take turns on the GIL; benchmarks/README.md compares them. Sync
workers expect a buffering proxy in front, which the TLS terminator is (README, Production)."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", len(os.sched_getaffinity(0)) + 1))
worker_class = "sync"
timeout = 60
accesslog = "-"
