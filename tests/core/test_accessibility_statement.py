"""Pages for everyone: the accessibility statement (tillgänglighetsredogörelse) the law requires."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

pytestmark = pytest.mark.django_db


def test_the_accessibility_statement_is_public_and_complete(client):
    page = client.get(reverse("accessibility"))
    assert page.status_code == 200
    html = page.content.decode()
    for heading in (
        "Accessibility statement",
        "How accessible is the service?",
        "Content that is not accessible",
        "Report accessibility problems",
        "Supervision",
        "How we prepared this statement",
    ):
        assert _(heading) in html  # in Swedish once the msgids are translated
    for fact in ("WCAG 2.1", "EN 301 549", "https://www.digg.se/tdosanmalan", "tillganglighet@oj.example.se",
                 "2026-11-23"):  # fmt: skip
        assert fact in html


def test_the_footer_of_the_login_page_links_the_statement(client):
    html = client.get(reverse("login")).content.decode()
    footer = html[html.index("<footer") :]
    assert f'href="{reverse("accessibility")}"' in footer
