"""Every staff page is reachable from the start page: a crawl from `/` for each staff role follows
the links of every page it reaches (GET only) and fails when a named staff page is never reached.

The lists of names are written out by hand from what each role works with; a page that a role may
open but cannot find is as good as missing."""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from tests.factories import UserFactory

from .world import world  # noqa: F401 – the fixture

pytestmark = pytest.mark.django_db

# What every staff member needs, and what each role works with on top of it.
STAFF = {
    "home", "password_change", "two-factor-overview", "reporting:results-index",
    "survey:round-list", "survey:round-monitor", "survey:unit-list", "survey:unit-detail",
    "survey:response-detail", "indicators:indicator-list", "indicators:year-results",
    "indicators:flag-list", "indicators:revision-log", "indicators:version-edit", "indicators:unit-check",
    "survey:response-history", "survey:round-monitor-export",
}  # fmt: skip
COORDINATOR = STAFF | {
    "survey:round-contacts", "survey:round-reminders", "survey:round-settings", "survey:contact-import",
    "survey:audit-log", "survey:questionnaire-upload", "survey:answers-import", "survey:response-extend",
    "survey:unit-create", "survey:contact-create",
}  # fmt: skip
ANALYST = STAFF | {
    "exports:export-list", "exports:export-detail", "indicators:history-import", "indicators:year-publish",
}  # fmt: skip
REACHABLE = {"coordinator": COORDINATOR, "analyst": ANALYST, "admin": COORDINATOR | ANALYST | {"admin:index"}}

PER_NAME = 3  # pages of one URL name opened at most (a unit's page stands for all 290)
SKIPPED_PREFIXES = ("/static/", "/admin/", "/api/", "/konto/logout/")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def crawl(client: Client) -> set[str]:
    """The URL names of every page reached from `/` by following links."""
    seen_urls, opened = {"/"}, {}
    queue = deque(["/"])
    reached = set()
    while queue:
        url = queue.popleft()
        path = urlsplit(url).path
        try:
            name = resolve(path).view_name
        except Resolver404:
            continue
        reached.add(name)
        if opened.get(name, 0) >= PER_NAME or path.startswith(SKIPPED_PREFIXES) and path != "/admin/":
            continue
        opened[name] = opened.get(name, 0) + 1
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            target = urljoin(url, href.split("#")[0])
            parts = urlsplit(target)
            if parts.netloc or parts.scheme or not parts.path or target in seen_urls:
                continue
            seen_urls.add(target)
            queue.append(target)
    return reached


@pytest.mark.parametrize("role", sorted(REACHABLE))
def test_every_staff_page_is_reachable_from_the_start_page(role, world):  # noqa: ANN001, F811
    user = UserFactory(role=role, is_staff=role == "admin", is_superuser=role == "admin")
    client = Client()
    client.force_login(user)
    missing = REACHABLE[role] - crawl(client)
    assert not missing, f"not reachable from / as {role}: {sorted(missing)}"
