"""Security headers on every kind of page, and a Content-Security-Policy that the pages keep:
no inline script, event handler, javascript: URL or inline style, neither in what the pages
render nor in any template (so someone adding one finds out here, not in a user's browser)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from survey.models import Answer, Response
from tests.security_pages import Tags, clients, main_pages

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def policy(response) -> dict[str, list[str]]:  # noqa: ANN001
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def inline_code(html: str) -> list[str]:
    """What the policy blocks: inline scripts and styles, handlers, javascript: URLs, htmx's eval."""
    found = []
    for tag, attributes, _ in Tags(html).tags:
        if tag == "script" and not attributes.get("src"):
            found.append("<script> without src")
        if tag == "style":
            found.append("<style>")
        for name, value in attributes.items():
            if name.startswith("on") or name == "style" or re.match(r"(data-)?hx-on", name):
                found.append(f"<{tag} {name}=…>")
            if re.match(r"\s*javascript:", value, re.IGNORECASE):
                found.append(f"<{tag} {name}={value!r}>")
            if name in ("hx-vals", "hx-headers") and value.lstrip().startswith(("js:", "javascript:")):
                found.append(f"<{tag} {name}={value!r}>")
    return found


def test_every_kind_of_page_has_the_policy_and_the_security_headers(open_round_2024):
    pages = main_pages(open_round_2024)
    client_for = clients()
    for page in pages:
        response = client_for[page.role].get(page.url)
        assert response.status_code == page.status, page
        directives = policy(response)
        assert directives["default-src"] == ["'self'"], page
        assert directives["script-src"] == ["'self'"], page
        assert directives["style-src"] == ["'self'"], page
        assert directives["object-src"] == directives["frame-ancestors"] == ["'none'"], page
        assert directives["base-uri"] == directives["form-action"] == ["'self'"], page
        assert "unsafe" not in response.headers["Content-Security-Policy"], page
        assert response.headers["X-Frame-Options"] == "DENY", page
        assert response.headers["X-Content-Type-Options"] == "nosniff", page
        assert response.headers["Referrer-Policy"] == "same-origin", page
        assert "camera=()" in response.headers["Permissions-Policy"], page
        assert inline_code(response.content.decode()) == [], page
    assert len(pages) > 30


def test_an_autosave_answer_carries_the_policy_too(open_round_2024):
    respondent = clients()["respondent"]
    kalmar = Response.objects.get(round=open_round_2024, unit__code="0880")
    part = reverse("survey:response-part", kwargs={"pk": kalmar.pk, "part": "allman"})
    answer = {"kontakt_namn": "Rita", "o_kontakt_namn": "", "v_kontakt_namn": "0", "changed": "kontakt_namn"}
    saved = respondent.post(part, answer, headers={"HX-Request": "true"})
    assert saved.status_code == 200
    assert Answer.objects.get(response=kalmar, question__code="kontakt_namn").value == "Rita"
    assert "Sparat" in saved.content.decode()
    assert policy(saved)["script-src"] == ["'self'"]
    assert inline_code(saved.content.decode()) == []


def test_the_page_of_a_refused_form_keeps_the_policy():
    """Django's own CSRF failure page has an inline <style>; ours (403_csrf.html) keeps to the policy."""
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "a@b.se", "password": "x"})
    assert response.status_code == 403
    assert policy(response)["style-src"] == ["'self'"]
    assert inline_code(response.content.decode()) == []
    assert "<main" in response.content.decode()  # the site's own layout, with a way back


def test_no_template_has_inline_scripts_handlers_or_styles():
    # E-mail bodies are not shown under the policy; every other template is.
    templates = [path for path in TEMPLATES.rglob("*.html") if "emails" not in path.parts]
    assert len(templates) > 50
    found = {str(path.relative_to(TEMPLATES)): inline_code(path.read_text()) for path in templates}
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_template_check_finds_what_the_policy_blocks():
    assert inline_code('<script>alert(1)</script><script src="/static/x.js"></script>') == ["<script> without src"]
    assert inline_code('<a href="JavaScript:go()" onclick="go()">') == ["<a href='JavaScript:go()'>", "<a onclick=…>"]
    assert inline_code('<div style="color: red" hx-on:click="x()"><style>p {}</style>') == [
        "<div style=…>",
        "<div hx-on:click=…>",
        "<style>",
    ]


def test_pages_for_a_logged_in_person_are_kept_by_no_cache(client, respondent, open_round_2024):
    public = client.get(reverse("reporting:results-index"))
    assert "no-store" not in public.headers.get("Cache-Control", "")  # public results may be cached
    client.force_login(respondent)
    for url in (reverse("home"), reverse("api-token")):
        cache_control = client.get(url).headers["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url
