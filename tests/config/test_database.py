"""PostgreSQL prepares a query that runs on every request, and so plans it a few times per
connection rather than on every request (config/settings.py)."""

import pytest
from django.db import connection

from survey.models import Response

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: make test-services"),
]


def test_a_query_run_on_every_request_is_prepared_on_the_server():
    for pk in range(1, 7):  # the same query with other values, as on every request
        list(Response.objects.filter(pk=pk))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert [s for s in prepared if 'FROM "survey_response"' in s and 'WHERE "survey_response"."id" = $1' in s]
