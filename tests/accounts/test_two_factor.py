"""Two-factor login for staff, through the real forms: the password, then the code from the app.
(Elsewhere, `client.force_login` counts as both steps: tests/conftest.py.)"""

import base64
import re
from binascii import hexlify
from datetime import timedelta
from io import StringIO
from urllib.parse import urlencode, urlsplit

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts import two_factor
from accounts.models import User
from accounts.views.two_factor import SETUP_KEY_SESSION as SETUP_KEY
from core.models import AuditEvent, OutgoingEmail
from survey.models import ReportingUnit
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STAFF_ROLES = ["coordinator", "analyst", "admin"]
VERIFY = reverse("two-factor-verify")
RECOVERY = reverse("two-factor-recovery")
SETUP = reverse("two-factor-setup")


@pytest.fixture
def frozen():  # noqa: ANN201
    """A still clock, moved on by hand: TOTP codes and django-otp's wait after a wrong code follow it."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def staff_with_app(role: str = "coordinator") -> tuple:
    user = UserFactory(role=role, is_staff=role == "admin")
    return user, TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(two_factor.current_code(device.key)) + 1) % 1_000_000:06d}"


def log_in_with_password(client, user) -> None:  # noqa: ANN001
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_staff_with_the_password_only_reach_nothing_but_the_code_step(client, frozen):
    for role in STAFF_ROLES:
        user, _ = staff_with_app(role)
        client.logout()
        log_in_with_password(client, user)
        # A page: to the code step, and back to the page afterwards.
        page = client.get(reverse("survey:round-list"))
        assert page.status_code == 302
        assert page["Location"] == f"{VERIFY}?{urlencode({'next': reverse('survey:round-list')})}"
        # A form's action: not carried out.
        retire = reverse("survey:unit-retire", kwargs={"code": "0880"})
        assert client.post(retire, {"first_year_without": 2026})["Location"] == VERIFY
        assert ReportingUnit.objects.get(code="0880").valid_to is None
        # An htmx request: the browser is sent to the code step, not a fragment swapped in.
        polled = client.get(reverse("survey:round-list"), headers={"HX-Request": "true"})
        assert polled["HX-Redirect"] == VERIFY
        # The API, by session: refused in JSON.
        api = client.get(reverse("api-response-list"))
        assert api.status_code == 403
        assert api.json()["detail"] == "Ange först koden från din autentiseringsapp."
        # The admin site and the start page too.
        assert client.get("/admin/")["Location"].startswith(VERIFY)
        assert client.get(reverse("home"))["Location"].startswith(VERIFY)
        # The code step itself, in Swedish, with an accessible field for the code.
        content = client.get(VERIFY).content.decode()
        assert "<h1>Ange koden från din autentiseringsapp</h1>" in content
        field = re.search(r"<input[^>]*name=\"code\"[^>]*>", content).group(0)
        assert 'autocomplete="one-time-code"' in field and 'inputmode="numeric"' in field
        assert re.search(r"<label\s+for=\"id_code\"[^>]*>\s*Kod från din autentiseringsapp", content)
        # Its menu offers only logging out.
        assert f'href="{reverse("survey:round-list")}"' not in content and "Logga ut" in content


def test_the_right_code_logs_in_and_returns_to_the_page_asked_for(client, frozen):
    user, device = staff_with_app()
    log_in_with_password(client, user)
    asked = client.get(reverse("survey:round-list"))["Location"]
    session_before = client.session.session_key
    code = two_factor.current_code(device.key)
    response = client.post(asked, {"code": code})
    assert response["Location"] == reverse("survey:round-list")
    assert client.get(reverse("survey:round-list")).status_code == 200
    assert client.get(reverse("api-response-list")).status_code == 200
    assert client.session.session_key != session_before  # a new session key once verified
    # The same code does not work a second time, in another browser.
    other = Client()
    log_in_with_password(other, user)
    frozen.shift(5)  # the phone may show the next code by now; the used one must not work again
    assert "Fel kod" in other.post(VERIFY, {"code": code}).content.decode()


def test_a_wrong_code_gets_a_swedish_error_and_counts_towards_the_lockout(client, frozen, settings):
    user, device = staff_with_app("analyst")
    log_in_with_password(client, user)
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(VERIFY, {"code": wrong_code(device)})
        content = response.content.decode()
        assert response.status_code == 200
        assert 'class="error-summary" role="alert"' in content
        assert "Fel kod. Kontrollera att klockan i telefonen går rätt." in content
        assert '<a href="#id_code">' in content
        frozen.shift(2**attempt)  # django-otp's own wait after each wrong code: 1, 2, 4 … seconds
    locked = client.post(VERIFY, {"code": wrong_code(device)})
    assert locked.status_code == 429
    assert "Kontot är låst i 15 minuter" in locked.content.decode()
    assert "_auth_user_id" not in client.session  # the half-done login has ended
    # Neither the password nor the right code gets in until the lock ends.
    assert client.post(reverse("login"), {"username": user.email, "password": PASSWORD}).status_code == 429
    frozen.shift(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    log_in_with_password(client, user)
    assert client.post(VERIFY, {"code": two_factor.current_code(device.key)})["Location"] == reverse("home")


def test_logging_in_again_with_the_password_gives_no_new_code_attempts(client, frozen, settings):
    user, device = staff_with_app()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in_with_password(client, user)
        frozen.shift(60)
        response = client.post(VERIFY, {"code": wrong_code(device)})
        client.post(reverse("logout"))
    assert response.status_code == 429
    assert client.post(reverse("login"), {"username": user.email, "password": PASSWORD}).status_code == 429


def test_a_password_failure_and_code_failures_count_together(client, frozen, settings):
    user, device = staff_with_app()
    client.post(reverse("login"), {"username": user.email, "password": "fel"})
    log_in_with_password(client, user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        frozen.shift(60)
        assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 200
    frozen.shift(60)
    assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 429


def test_a_complete_login_clears_the_failures(client, frozen, settings):
    user, device = staff_with_app()
    log_in_with_password(client, user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        frozen.shift(60)
        client.post(VERIFY, {"code": wrong_code(device)})
    frozen.shift(60)
    client.post(VERIFY, {"code": two_factor.current_code(device.key)})
    client.post(reverse("logout"))
    log_in_with_password(client, user)
    frozen.shift(60)
    assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 200  # not locked


def set_up_link(user) -> str:  # noqa: ANN001
    """The link of the newest set-up e-mail to `user`, as a path."""
    email = OutgoingEmail.objects.filter(to=user.email, kind=OutgoingEmail.Kind.TWO_FACTOR_LINK).first()
    return urlsplit(re.search(r"http\S+/tvastegsverifiering/ny-app/\S+/", email.body).group(0)).path


def test_a_staff_user_without_an_app_sets_one_up_and_gets_recovery_codes_once(
    client, frozen, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(role="coordinator")
    log_in_with_password(client, user)
    assert client.get(reverse("survey:round-list"), follow=True).redirect_chain[-1][0].startswith(SETUP)
    # The first app only through a link e-mailed to the account's own address.
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(reverse("two-factor-send-link")).content.decode()
    assert f"Vi har skickat en länk till {user.email[0]}•••@{user.email.split('@')[1]}" in asked
    assert [message.to for message in mailoutbox] == [[user.email]]
    assert mailoutbox[0].subject == "Ställ in tvåstegsinloggning för Öppna jämförelser"
    opened = client.get(set_up_link(user))
    assert opened["Location"] == SETUP  # the token leaves the address bar
    page = client.get(SETUP).content.decode()
    assert "<h1>Ställ in tvåstegsinloggning</h1>" in page
    # The QR code as an SVG image inside the page (the CSP allows data: images), with a text alternative.
    qr = re.search(r'<img src="(data:image/svg\+xml[^"]+)" alt="([^"]+)"', page)
    assert qr and "QR-kod" in qr.group(2)
    # The key in text for typing in, in groups of four; the same key after a reload.
    secret = re.search(r'<code[^>]*id="setup-key">([A-Z2-7 ]+)</code>', page).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret)
    assert secret in client.get(SETUP).content.decode()
    key = hexlify(base64.b32decode(secret.replace(" ", ""))).decode()

    wrong = client.post(SETUP, {"code": "000000" if two_factor.current_code(key) != "000000" else "111111"})
    assert "Fel kod" in wrong.content.decode()
    done = client.post(SETUP, {"code": two_factor.current_code(key)})
    content = done.content.decode()
    assert "Spara dina reservkoder" in content
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>", content)
    assert len(codes) == 10 and len(set(codes)) == 10
    # In, with the app typed in from the text.
    assert TOTPDevice.objects.get(user=user, confirmed=True).key == key
    assert client.get(reverse("survey:round-list")).status_code == 200
    # The codes are stored hashed, and shown only that once.
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10 and not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)
    for url in (reverse("home"), SETUP, VERIFY):
        assert codes[0] not in client.get(url, follow=True).content.decode()
    assert AuditEvent.objects.filter(code="accounts.two_factor.enrolled", actor=user).exists()
    # The link worked once: with an app set up, it no longer opens the set-up.
    assert "Länken fungerar inte" in client.get(set_up_link(user)).content.decode()


def test_without_an_app_the_password_alone_cannot_set_one_up(client, frozen):
    """Right after an admin reset, say: whoever knows the password must not add their own app."""
    user = UserFactory(role="analyst")
    log_in_with_password(client, user)
    page = client.get(SETUP).content.decode()
    assert 'id="setup-key"' not in page and "<img" not in page
    assert "länk som skickas till ditt kontos e-postadress" in page
    key = two_factor.new_secret()
    session = client.session
    session[SETUP_KEY] = key  # not even a key planted in the session helps
    session.save()
    assert 'id="setup-key"' not in client.post(SETUP, {"code": two_factor.current_code(key)}).content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get(reverse("survey:round-list"), follow=True).redirect_chain[-1][0].startswith(SETUP)


def link_emails(user):  # noqa: ANN001, ANN201
    return OutgoingEmail.objects.filter(to=user.email, kind=OutgoingEmail.Kind.TWO_FACTOR_LINK)


def test_a_set_up_link_works_only_in_its_own_accounts_session_and_at_most_once_an_hour(client, frozen):
    user, other = UserFactory(role="coordinator"), UserFactory(role="coordinator")
    log_in_with_password(client, user)
    client.post(reverse("two-factor-send-link"))
    again = client.post(reverse("two-factor-send-link")).content.decode()
    assert "skickades redan" in again and link_emails(user).count() == 1
    link = set_up_link(user)
    intruder = Client()
    log_in_with_password(intruder, other)
    refused = intruder.get(link)
    assert refused.status_code == 400 and "Länken fungerar inte" in refused.content.decode()
    assert 'id="setup-key"' not in intruder.get(SETUP).content.decode()
    # Opened before logging in: the link leads through the login, then to the set-up.
    later = Client()
    to_login = later.get(link)
    assert to_login["Location"] == reverse("login") + "?next=" + link
    later.post(reverse("login"), {"username": user.email, "password": PASSWORD, "next": link})
    assert 'id="setup-key"' in later.get(link, follow=True).content.decode()
    frozen.shift(3601)
    client.post(reverse("two-factor-send-link"))
    assert link_emails(user).count() == 2  # a new hour, a new link
    assert AuditEvent.objects.filter(code="accounts.two_factor.link_sent", actor=user).count() == 2


def test_with_an_app_the_password_alone_cannot_set_up_another(client, frozen):
    user, _ = staff_with_app()
    log_in_with_password(client, user)
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert client.post(SETUP, {"code": "123456"})["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_recovery_code_works_once(client, frozen, settings):
    user = UserFactory(role="analyst")
    key = two_factor.new_secret()
    _, codes = two_factor.enrol(user=user, key=key, code=two_factor.current_code(key))
    log_in_with_password(client, user)
    assert "reservkod" in client.get(VERIFY).content.decode()
    response = client.post(RECOVERY, {"code": codes[3].upper().replace("-", " ")})  # as typed from paper
    assert response["Location"] == reverse("home")
    assert client.get(reverse("survey:round-list")).status_code == 200
    event = AuditEvent.objects.get(code="accounts.two_factor.recovery_code_used")
    assert event.actor == user and event.data == {"remaining": 9}

    client.post(reverse("logout"))
    log_in_with_password(client, user)
    frozen.shift(60)
    again = client.post(RECOVERY, {"code": codes[3]})
    assert again.status_code == 200
    assert "Fel reservkod, eller en som redan har använts." in again.content.decode()
    frozen.shift(60)
    assert client.post(RECOVERY, {"code": codes[4]})["Location"] == reverse("home")


def test_respondents_are_never_asked_for_a_code(client, respondent):
    log_in_with_password(client, respondent)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("api-response-list")).status_code == 200
    assert client.get(VERIFY)["Location"] == reverse("home")
    assert client.get(SETUP)["Location"] == reverse("home")


def test_a_staff_users_api_key_does_not_skip_the_second_factor(client, coordinator, respondent):
    staff_key = Token.objects.create(user=coordinator).key
    refused = client.get(reverse("api-response-list"), headers={"Authorization": f"Token {staff_key}"})
    assert refused.status_code == 401
    assert refused.json()["detail"] == "API-nycklar fungerar bara för uppgiftslämnares konton."
    respondent_key = Token.objects.create(user=respondent).key
    accepted = client.get(reverse("api-response-list"), headers={"Authorization": f"Token {respondent_key}"})
    assert accepted.status_code == 200
    # Staff are not offered a key.
    client.force_login(coordinator)
    assert "bara för uppgiftslämnare" in client.get(reverse("api-token")).content.decode()
    assert client.post(reverse("api-token")).status_code == 403
    assert Token.objects.filter(user=coordinator).count() == 1


def test_a_staff_administrator_resets_a_lost_app_and_the_reset_is_logged(client, admin_user, frozen):
    user, device = staff_with_app()
    colleague = Client()
    log_in_with_password(colleague, user)
    colleague.post(VERIFY, {"code": two_factor.current_code(device.key)})
    assert colleague.get(reverse("survey:round-list")).status_code == 200

    client.force_login(admin_user)
    changelist = reverse("admin:accounts_user_changelist")
    response = client.post(changelist, {"action": "reset_two_factor", "_selected_action": [user.pk]}, follow=True)
    assert (
        "Tvåstegsinloggningen återställdes för 1 användare. En länk för att ställa in tvåstegsinloggning skickades "
        "till 1 användare." in response.content.decode()
    )
    assert not TOTPDevice.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(code="accounts.two_factor.reset")
    assert event.actor == admin_user and event.data == {"user": user.email}
    assert "har återställt tvåstegsinloggningen" in link_emails(user).get().body
    client.force_login(UserFactory(role="coordinator"))
    assert "Tvåstegsinloggning återställd" in client.get(reverse("survey:audit-log")).content.decode()
    # The colleague's session is no longer verified; at the next login they set up a new app.
    assert colleague.get(reverse("survey:round-list"), follow=True).redirect_chain[-1][0].startswith(SETUP)


def test_otp_code_prints_the_current_code_only_in_debug_mode(settings, frozen):
    user, device = staff_with_app()
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("otp_code", user.email)
    settings.DEBUG = True
    out = StringIO()
    call_command("otp_code", user.email.upper(), stdout=out)
    assert out.getvalue().strip() == two_factor.current_code(device.key)


def test_demo_logins_are_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="runs only with DEBUG=1"):
        call_command("create_demo_users", stdout=StringIO())
    assert not User.objects.filter(email__endswith="@demo.oj.se").exists()


def test_demo_staff_logins_get_an_app_with_a_printed_key(client, settings, frozen):
    settings.DEBUG = True  # as make run: the command refuses without it
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    printed = out.getvalue()
    coordinator = User.objects.get(email="samordnare@demo.oj.se")
    device = two_factor.app_device(coordinator)
    assert two_factor.secret_text(device.key) in printed
    assert "otpauth://totp/%C3%96ppna%20j%C3%A4mf%C3%B6relser%3Asamordnare%40demo.oj.se?secret=" in printed
    assert two_factor.app_device(User.objects.get(email="respondent@demo.oj.se")) is None
    password = re.search(r"samordnare@demo\.oj\.se\s+(\S+)\n", printed).group(1)
    # The printed password and the code from otp_code log in.
    code = StringIO()
    call_command("otp_code", "samordnare@demo.oj.se", stdout=code)
    assert client.post(reverse("login"), {"username": coordinator.email, "password": password}).status_code == 302
    assert client.post(VERIFY, {"code": code.getvalue().strip()})["Location"] == reverse("home")
    # Run again (make run): the same key.
    call_command("create_demo_users", stdout=StringIO())
    assert two_factor.app_device(coordinator).key == device.key


def test_staff_make_new_recovery_codes_and_the_old_ones_stop_working(client, frozen):
    user = UserFactory(role="coordinator")
    key = two_factor.new_secret()
    _, old_codes = two_factor.enrol(user=user, key=key, code=two_factor.current_code(key))
    frozen.shift(30)
    log_in_with_password(client, user)
    client.post(VERIFY, {"code": two_factor.current_code(key)})
    overview = client.get(reverse("two-factor-overview")).content.decode()
    assert "<h1>Tvåstegsinloggning</h1>" in overview and "Du har 10 oanvända reservkoder." in overview

    page = client.post(reverse("two-factor-overview")).content.decode()
    new_codes = re.findall(r"<li><code>([a-z2-7-]{14})</code></li>", page)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert AuditEvent.objects.filter(code="accounts.two_factor.recovery_codes_created", actor=user).exists()
    client.post(reverse("logout"))
    log_in_with_password(client, user)
    assert client.post(RECOVERY, {"code": old_codes[0]}).status_code == 200  # refused
    frozen.shift(60)
    assert client.post(RECOVERY, {"code": new_codes[0]})["Location"] == reverse("home")
