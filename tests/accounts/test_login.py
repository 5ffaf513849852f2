import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_login_page_is_swedish_and_accessible(client):
    content = client.get(reverse("login")).content.decode()
    assert '<html lang="sv">' in content
    assert "<h1>Logga in</h1>" in content
    assert 'href="#main">Hoppa till innehållet</a>' in content
    assert re.search(r"<label\s+for=\"id_username\"[^>]*>\s*E-postadress", content)


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_with_e_mail_address_case_insensitively(client, respondent):
    response = client.post(reverse("login"), {"username": respondent.email.upper(), "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert "Välkommen" in response.content.decode()
    assert response.context["user"] == respondent


def test_wrong_password_gets_a_swedish_message(client, respondent):
    response = client.post(reverse("login"), {"username": respondent.email, "password": "fel"})
    assert "Fel e-postadress eller lösenord." in response.content.decode()


def test_repeated_failures_lock_the_account_with_a_clear_message(client, respondent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": respondent.email, "password": "fel"})
    response = client.post(reverse("login"), {"username": respondent.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Kontot är låst i 15 minuter" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another person on the same office network can still log in.
    colleague = UserFactory()
    response = client.post(reverse("login"), {"username": colleague.email, "password": PASSWORD})
    assert response.status_code == 302


def test_the_lock_ends_after_the_cool_off_time(client, respondent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": respondent.email, "password": "fel"})
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME * 1.1):
        response = client.post(reverse("login"), {"username": respondent.email, "password": PASSWORD})
    assert response.status_code == 302


def test_a_session_ends_after_inactivity(client, respondent, settings, clock_cache):
    client.force_login(respondent)
    assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)):
        assert client.get(reverse("home")).status_code == 302


def test_activity_keeps_the_session_and_renews_it_at_most_once_a_minute(client, respondent, settings, clock_cache):
    start = timezone.now()
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(start, tick=False):
        client.force_login(respondent)
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + age * 0.75, tick=False):  # working on, well after login
        assert client.get(reverse("home")).status_code == 200
        expiry = Session.objects.get().expire_date
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200  # again within the minute
        assert not any("django_session" in q["sql"] and "UPDATE" in q["sql"] for q in queries.captured_queries)
    assert Session.objects.get().expire_date == expiry
    with time_machine.travel(start + age * 1.5, tick=False):  # 45 minutes after the last request
        assert client.get(reverse("home")).status_code == 200


def test_logout_is_a_post_and_ends_the_session(client, respondent):
    client.force_login(respondent)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_by_e_mail(client, respondent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": respondent.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [respondent.email]
    assert message.subject == "Nytt lösenord till Öppna jämförelser"
    link = re.search(r"https?://[^/]+(/\S+)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert "Välj ett nytt lösenord" in form_page.content.decode()
    new_password = "ett-helt-nytt-losenord-42"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    respondent.refresh_from_db()
    assert respondent.check_password(new_password)
    # The link works once.
    assert "Länken är ogiltig" in client.get(link, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "ingen@example.se"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change(client, respondent):
    client.force_login(respondent)
    new_password = "ett-annat-langt-losenord"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    respondent.refresh_from_db()
    assert respondent.check_password(new_password)
