from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.test.client import ClientMixin
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from config.celery import app as celery_app
from survey.models import SurveyRound
from survey.services.register import load_register

from .factories import UserFactory, ensure_register


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: ANN001
    """Loads the shipped register once; every test starts from it and rolls back."""
    with django_db_blocker.unblock():
        load_register()


@pytest.fixture(scope="session", autouse=True)
def _plain_http():  # noqa: ANN202
    """Test servers speak plain HTTP. Set before any live server builds its middleware;
    production redirects to HTTPS (see test_deploy_settings.py)."""
    django_settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _test_settings(settings):  # noqa: ANN001
    cache.clear()  # cached published results and the like never leak from one test into another
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    # Tasks run inline in tests, also when REDIS_URL is set; the worker test turns this off.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch):  # noqa: ANN001
    """`client.force_login(user)` skips the password; for a staff user it skips the code step too,
    as if they had entered a code: a confirmed app and its id in the session, as django_otp.login
    stores it. Tests of the real login steps log in through the forms (tests/accounts)."""
    original = ClientMixin.force_login

    def force_login(self, user, backend=None):  # noqa: ANN001, ANN202
        original(self, user, backend)
        add_second_factor(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


def add_second_factor(client, user) -> None:  # noqa: ANN001
    """After `force_login`: a staff user's session as if they had entered a code from their app."""
    if two_factor.is_required(user):
        device = two_factor.app_device(user) or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def respondent(db):  # noqa: ANN001
    """A respondent of Kalmar (0880)."""
    return UserFactory.respondent(units=["0880"])


@pytest.fixture
def coordinator(db):  # noqa: ANN001
    return UserFactory(role="coordinator")


@pytest.fixture
def analyst(db):  # noqa: ANN001
    return UserFactory(role="analyst")


@pytest.fixture
def admin_user(db):  # noqa: ANN001
    return UserFactory(role="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def open_round_2024(db):  # noqa: ANN001
    """The 2024 round from the shipped form, open now: opened yesterday, closes in nine days."""
    call_command("load_questionnaire", "survey/questionnaires/vinr-2024.md", "--year", "2024")
    now = timezone.now()
    SurveyRound.objects.filter(year=2024).update(opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9))
    return SurveyRound.objects.get(year=2024)


@pytest.fixture
def committed_db(transactional_db, django_db_blocker):  # noqa: ANN001, ANN201
    """Rows that threads and other processes can see: no wrapping transaction. The register is put
    back afterwards, since a transactional test empties the database when it ends."""
    ensure_register(django_db_blocker)
    yield
    ensure_register(django_db_blocker)
