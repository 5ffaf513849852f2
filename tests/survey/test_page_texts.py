"""What the respondent's pages say is true and readable: no "None" for answers without a user, the
part's name (not its code) in a reopening, which goes away once the part is submitted again, a
submitted part that reads as submitted, the API key's header shown whole, and Swedish error pages
in the site's layout."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from survey.models import Answer, AnswerChange, Part, PartSubmission, Response
from survey.services import Change, reopen_part, save_answers, submit_part
from tests.survey.round_helpers import COMPLETE_VINR

pytestmark = pytest.mark.django_db


@pytest.fixture
def kalmar(open_round_2024):
    return Response.objects.get(round=open_round_2024, unit__code="0880")


def vinr(response) -> Part:
    return Part.objects.get(round=response.round, code="vinr")


def imported(response) -> None:
    """VINR answered and submitted by an import without a person, as earlier years' answers are."""
    result = save_answers(
        response=response, changes={k: Change(v) for k, v in COMPLETE_VINR.items()}, user=None,
        channel=AnswerChange.Channel.IMPORT,
    )  # fmt: skip
    assert result.written
    PartSubmission.objects.create(response=response, part=vinr(response), submitted_at=timezone.now())


def test_answers_without_a_user_say_how_they_came(client, respondent, kalmar):
    imported(kalmar)
    assert not Answer.objects.filter(response=kalmar, updated_by__isnull=False).exists()
    client.force_login(respondent)
    for page in (reverse("home"), reverse("survey:response-detail", kwargs={"pk": kalmar.pk})):
        content = client.get(page).content.decode()
        assert "None" not in content
    assert "(import, " in client.get(reverse("home")).content.decode()
    detail = client.get(reverse("survey:response-detail", kwargs={"pk": kalmar.pk})).content.decode()
    assert "Senast bearbetad av import, " in detail
    printed = client.get(reverse("survey:response-print", kwargs={"pk": kalmar.pk})).content.decode()
    assert "Inskickad " in printed and " av None" not in printed


def test_a_reopening_names_the_part_and_goes_once_it_is_submitted_again(client, respondent, coordinator, kalmar):
    part = vinr(kalmar)
    save_answers(response=kalmar, changes={k: Change(v) for k, v in COMPLETE_VINR.items()}, user=respondent)
    submit_part(response=kalmar, part=part, user=respondent, notify=False)
    reopen_part(response=kalmar, part=part, reason="Fel antal i fråga 14.", user=coordinator)
    client.force_login(respondent)
    detail = reverse("survey:response-detail", kwargs={"pk": kalmar.pk})
    content = client.get(detail).content.decode()
    assert "Delen Våld i nära relationer öppnades igen" in content and "Fel antal i fråga 14." in content
    assert "Delen vinr " not in content
    submit_part(response=kalmar, part=part, user=respondent, notify=False)
    assert "Fel antal i fråga 14." not in client.get(detail).content.decode()


def test_a_submitted_part_does_not_say_that_answers_are_being_saved(client, respondent, kalmar):
    part = vinr(kalmar)
    save_answers(response=kalmar, changes={k: Change(v) for k, v in COMPLETE_VINR.items()}, user=respondent)
    client.force_login(respondent)
    url = reverse("survey:response-part", kwargs={"pk": kalmar.pk, "part": "vinr"})
    assert "Svaren sparas medan du fyller i" in client.get(url).content.decode()
    submit_part(response=kalmar, part=part, user=respondent, notify=False)
    content = client.get(url).content.decode()
    assert "Delen Våld i nära relationer har skickats in." in content
    assert "Svaren sparas medan du fyller i" not in content and "Dina svar är sparade." not in content


def test_the_api_key_page_shows_the_whole_header(client, respondent):
    client.force_login(respondent)
    content = client.get(reverse("api-token")).content.decode()
    assert "<code>Authorization: Token &lt;nyckel&gt;</code>" in content


def test_a_refusal_and_a_missing_page_are_swedish_pages_in_the_sites_layout(client, respondent, settings):
    settings.DEBUG = False
    client.force_login(respondent)
    refused = client.get(reverse("survey:audit-log"))
    assert refused.status_code == 403
    content = refused.content.decode()
    assert "<h1>Du har inte behörighet till sidan</h1>" in content and "403 Forbidden" not in content
    assert "Till startsidan" in content and 'class="navbar' in content
    missing = client.get("/finns-inte/")
    assert missing.status_code == 404 and "<h1>Sidan finns inte</h1>" in missing.content.decode()


def test_the_review_marks_missing_answers_before_the_part_is_submitted(client, respondent, kalmar):
    save_answers(response=kalmar, changes={"fortb_barn": Change("ja")}, user=respondent)
    client.force_login(respondent)
    content = client.get(reverse("survey:response-review", kwargs={"pk": kalmar.pk, "part": "vinr"})).content.decode()
    assert "Delen kan inte skickas in än" in content
    part_url = reverse("survey:response-part", kwargs={"pk": kalmar.pk, "part": "vinr"})
    assert f'href="{part_url}#id_skydd_rutin_1"' in content  # a required question without an answer, linked
    assert f'href="{part_url}#id_fortb_barn_1"' not in content  # answered
    assert not PartSubmission.objects.filter(response=kalmar).exists()


def test_a_clean_dry_run_names_the_checkbox_as_the_page_labels_it(client, coordinator):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("k.csv", b"unit_code,name,email\n0880,Anna Lind,anna.lind@kalmar.se\n")
    content = client.post(reverse("survey:contact-import"), {"file": upload, "dry_run": "on"}).content.decode()
    assert "Kryssa ur ”Kontrollera bara filen” för att importera den." in content
    assert "Kontrollera bara filen (provkörning)" in content  # the checkbox's own label
