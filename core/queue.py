"""Sending work to the Celery queue from services.

A service names the task it enqueues instead of importing its module: the task modules import
the services (a task is a thin wrapper around one), so an import the other way would be a cycle.
The name is imported when the task is sent, as Django does with the dotted paths in settings, and
gives the task object itself, so `mock.patch("app.tasks.name.delay")` still applies."""

import kombu.exceptions
import redis.exceptions
from celery.app.task import Task
from django.utils.module_loading import import_string

# What enqueueing raises while the broker (Redis) is unreachable.
QUEUE_DOWN_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.RedisError, OSError)


def task(path: str) -> Task:
    """The Celery task at the dotted `path`, e.g. "reporting.tasks.run_export"."""
    return import_string(path)
