"""Demo data for `make run` (`manage.py seed_demo`): contact persons, invitations, answers and
submissions that look like a real round to the coordinator's monitor.

Rows are written with `bulk_create` for speed, but they are what the services would have made:
answers that the form's rules accept (`generate_answers` walks the questions with
`form_logic`), one `AnswerChange` per answer, a `PartSubmission` and its audit event per
submitted part. Everything random comes from one seeded `random.Random`, so the demo is the same
on every machine (only the unusable invitation tokens differ). The shares of "ja" and of ticked
options that `seed_demo` asks for (`yes_share`) come from `demo/targets.py`: they make the
national indicator values come out close to the published figures."""

import hashlib
import math
import random
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from core.models import AuditEvent
from survey.models import (
    Answer,
    AnswerChange,
    Contact,
    Invitation,
    Part,
    PartSubmission,
    Question,
    ReportingUnit,
    Response,
    SurveyRound,
    UnitAssignment,
)
from survey.selectors.questionnaire import question_specs
from survey.xlsform import form_logic
from survey.xlsform.form_logic import QuestionSpec

# Tunes the share of "ja" of a yes/no question (key: its code) or the share of units that tick
# an option of a select_multiple (key: "code.option", e.g. "overensk.polis"), between 0 and 1;
# None keeps the default.
YesShare = Callable[[str], float | None]

DEFAULT_YES_SHARE = 0.5
DEFAULT_OPTION_SHARE = 0.35
# Options that a constraint names (such as "ingen", which excludes the others) are ticked rarely.
EXCLUSIVE_OPTION_SHARE = 0.1
OPTIONAL_ANSWER_SHARE = 0.5
ATTEMPTS = 8

# The published response rates (general part, VINR part); other years get 93–96 %.
PUBLISHED_RATES = {2018: (0.95, 0.92), 2019: (0.95, 0.93), 2020: (0.95, 0.94)}
# This year's round: shares of units that submitted every part, only the first, or started.
CURRENT_SHARES = {"submitted": 0.40, "first_part": 0.10, "started": 0.25}
# The demo logins' units stay open for answering: Kalmar has started, Södermalm not.
DEMO_RESPONDENTS = {"0880": ("respondent@demo.oj.se", "started"), "0180-08": ("stadsdel@demo.oj.se", "silent")}
COORDINATOR_EMAIL = "samordnare@demo.oj.se"
INVITATION_VALID_DAYS = 14
EXTENDED_UNITS = 3
EXTENSION_DAYS = 7

FIRST_NAMES = (
    "Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Kerstin", "Emma", "Ingrid", "Malin", "Åsa", "Johanna",
    "Linnéa", "Sofia", "Helena", "Camilla", "Elin", "Ulrika", "Annika", "Jenny", "Therese", "Petra", "Lars",
    "Mikael", "Anders", "Johan", "Per", "Erik", "Karl", "Peter", "Jonas", "Magnus", "Fredrik", "Daniel", "Mats",
    "Björn", "Stefan", "Håkan", "Ola", "Göran", "Jörgen", "Niklas", "Amir", "Leyla", "Mohammed", "Aida", "Nils",
)  # fmt: skip
LAST_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
    "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Lindberg", "Lindström", "Lind",
    "Jakobsson", "Magnusson", "Lindqvist", "Berg", "Axelsson", "Bergström", "Lundberg", "Lundgren", "Mattsson",
    "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg", "Sjöberg", "Wallin", "Engström", "Åberg",
    "Danielsson", "Håkansson", "Nordström", "Öberg", "Holm", "Sundberg", "Ali", "Hassan", "Nyström", "Lundin",
)  # fmt: skip
COMMITTEES = (
    "Socialnämnden", "Individ- och familjeomsorgsnämnden", "Omsorgsnämnden", "Vård- och omsorgsnämnden",
    "Social- och arbetsmarknadsnämnden", "Kommunstyrelsens sociala utskott",
)  # fmt: skip
TEXTS = (
    "Inga övriga kommentarer.",
    "Svaren har tagits fram tillsammans med enhetschefen för vuxenenheten.",
    "Rutinen revideras under året.",
    "Vi samverkar med grannkommunerna i dessa frågor.",
    "Frågorna om överenskommelser var svåra att tolka.",
    "Uppgifterna gäller hela socialtjänsten.",
)
# Tried when a text question refuses the text, e.g. a question that wants an e-mail address.
FALLBACK_TEXTS = ("kontakt@kommun.example.se", "010-123 45 67", "1")
EXTENSION_REASONS = (
    "Ny kontaktperson efter personalbyte; behöver mer tid för att ta fram uppgifterna.",
    "Nämndens sammanträde har flyttats och svaren ska stämmas av med ledningen.",
    "Socialtjänsten omorganiseras och uppgifterna samlas in från flera enheter.",
    "Kontaktpersonen har varit sjukskriven under större delen av perioden.",
)


def demo_random(seed: int) -> random.Random:
    """A seeded generator, so that the demo is the same on every machine (the seed_demo command
    uses one per round, seeded with its year)."""
    return random.Random(seed)  # noqa: S311 (demo data, not security)


class ShareDraws:
    """Yes/no draws at given shares from a shuffled deck per key: of every `size` draws of a key,
    exactly `share × size` (rounded) are yes. With `size` the number of units in a round, a share
    comes out at its target for the country while which units say yes stays random (a county's
    share varies as in a random sample)."""

    def __init__(self, rng: random.Random, size: int) -> None:
        self.rng, self.size = rng, max(size, 1)
        self.decks: dict[tuple[str, float], list[bool]] = {}

    def draw(self, key: str, share: float) -> bool:
        deck = self.decks.get((key, share))
        if not deck:
            yes = int(min(max(share, 0.0), 1.0) * self.size + 0.5)
            deck = self.decks[key, share] = [True] * yes + [False] * (self.size - yes)
            self.rng.shuffle(deck)
        return deck.pop()


class DemoAnswerError(ValueError):
    """A required question for which no valid value could be found (a form the generator does not know)."""


# --- answers -----------------------------------------------------------------------------------


def generate_answers(
    questions: Sequence[QuestionSpec],
    rng: random.Random,
    *,
    yes_share: YesShare | None = None,
    texts: Mapping[str, str] | None = None,
    draws: ShareDraws | None = None,
) -> dict[str, str]:
    """Valid answers for a part, in questionnaire order: `form_logic.part_errors` is empty for them.

    Each question that is relevant under the answers so far gets a random valid value (optional
    ones only half of the time); `texts` gives values for text questions by code (e.g. the
    contact person's name). With `draws`, yes/no answers and ticks are drawn from its decks
    (exact shares over a round), otherwise independently. Raises DemoAnswerError if a required
    question cannot be answered."""
    answers: dict[str, str] = {}
    for question in questions:
        if question.type == "note" or not form_logic.is_relevant(question, answers):
            continue
        if not question.required and rng.random() >= OPTIONAL_ANSWER_SHARE:
            continue
        value = _valid_value(question, answers, rng, yes_share, texts or {}, draws)
        if value is None:
            if question.required:
                raise DemoAnswerError(f"No valid answer for {question.code}")
            continue
        answers[question.code] = value
    return answers


def started_answers(answers: Mapping[str, str], rng: random.Random) -> dict[str, str]:
    """The first few of a part's answers, as a unit that has started but not finished has them.

    A prefix in questionnaire order, so every kept answer is still relevant and valid."""
    items = list(answers.items())
    if len(items) <= 1:
        return dict(items)
    return dict(items[: rng.randint(1, len(items) - 1)])


def _valid_value(
    question: QuestionSpec, answers: Mapping[str, str], rng: random.Random, yes_share: YesShare | None,
    texts: Mapping[str, str], draws: ShareDraws | None,
) -> str | None:  # fmt: skip
    for attempt in range(ATTEMPTS):
        raw = _candidate(question, answers, rng, yes_share, texts, attempt, draws)
        if raw is None:
            break
        value = form_logic.normalize(question, raw)
        if value and form_logic.validation_error(question, value, {**answers, question.code: value}) is None:
            return value
    # Last resort: every single option, or every fallback text, in turn.
    if question.is_select:
        candidates = [choice.value for choice in form_logic.offered_choices(question, answers)]
    elif question.type == "text":
        candidates = list(FALLBACK_TEXTS)
    else:
        candidates = ["0", "1", "10", "100"]
    for raw in candidates:
        value = form_logic.normalize(question, raw)
        if form_logic.validation_error(question, value, {**answers, question.code: value}) is None:
            return value
    return None


def _share(yes_share: YesShare | None, key: str, default: float) -> float:
    share = yes_share(key) if yes_share else None
    return default if share is None else share


def _candidate(
    question: QuestionSpec, answers: Mapping[str, str], rng: random.Random, yes_share: YesShare | None,
    texts: Mapping[str, str], attempt: int, draws: ShareDraws | None,
) -> str | list[str] | None:  # fmt: skip

    def draw(key: str, share: float) -> bool:
        return draws.draw(key, share) if draws else rng.random() < share

    if question.type == "select_one":
        offered = [choice.value for choice in form_logic.offered_choices(question, answers)]
        if not offered:
            return None
        if {"ja", "nej"} <= set(offered):
            return "ja" if draw(question.code, _share(yes_share, question.code, DEFAULT_YES_SHARE)) else "nej"
        return rng.choice(offered)
    if question.type == "select_multiple":
        offered = [choice.value for choice in form_logic.offered_choices(question, answers)]
        if not offered:
            return None
        shares = [_share(yes_share, f"{question.code}.{value}", _option_default(question, value)) for value in offered]
        chosen = [
            value for value, share in zip(offered, shares, strict=True) if draw(f"{question.code}.{value}", share)
        ]
        # Nothing ticked: the option that excludes the others ("ingen") if there is one, so that
        # each other option is ticked with exactly its share.
        exclusive = [value for value in offered if _is_exclusive(question, value)]
        if not chosen and exclusive:
            return exclusive[:1]
        if chosen or not any(shares):
            return chosen or [rng.choice(offered)]
        return rng.choices(offered, weights=shares)
    if question.type == "integer":
        # Small counts first; larger ones if the constraint asks for them.
        return str(int(rng.expovariate(1 / 8) * 10 ** (attempt // 3)))
    if question.type == "decimal":
        return f"{rng.expovariate(1 / 8):.1f}"
    if question.type == "text":
        if attempt == 0 and question.code in texts:
            return texts[question.code]
        return rng.choice(TEXTS) if attempt < 2 else FALLBACK_TEXTS[(attempt - 2) % len(FALLBACK_TEXTS)]
    return None


def _is_exclusive(question: QuestionSpec, value: str) -> bool:
    """An option that the constraint names, such as "ingen", which excludes the others."""
    return f"'{value}'" in question.constraint


def _option_default(question: QuestionSpec, value: str) -> float:
    return EXCLUSIVE_OPTION_SHARE if _is_exclusive(question, value) else DEFAULT_OPTION_SHARE


# --- people ------------------------------------------------------------------------------------


def unit_domain(unit: ReportingUnit) -> str:
    """The demo e-mail domain of a unit, e.g. kalmar.example.se, sodermalm.stockholm.example.se."""
    names = [unit.name] + ([unit.parent.name] if unit.parent_id else [])
    return ".".join(slugify(name) for name in names) + ".example.se"


def person(rng: random.Random, unit: ReportingUnit) -> tuple[str, str]:
    """A plausible Swedish name and an e-mail address at the unit's demo domain."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return f"{first} {last}", f"{slugify(first)}.{slugify(last)}@{unit_domain(unit)}"


def _unit_texts(unit: ReportingUnit, name: str, email: str, rng: random.Random) -> dict[str, str]:
    if unit.kind == ReportingUnit.Kind.DISTRICT:
        committee = f"{unit.name} stadsdelsnämnd" if rng.random() < 0.5 else f"Stadsdelsnämnden {unit.name}"
    else:
        committee = rng.choice(COMMITTEES)
    phone = f"0{rng.randint(10, 990)}-{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    return {"kontakt_namn": name, "kontakt_epost": email, "kontakt_telefon": phone, "namnd": committee}


# --- time --------------------------------------------------------------------------------------


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _reminder_indexes(survey_round: SurveyRound, closes: date, first: date) -> list[int]:
    return [(closes - timedelta(days=days) - first).days for days in survey_round.reminder_days or []]


def _day_weights(first: date, count: int, *, shape: Callable[[int], float], bumps: Iterable[int]) -> list[float]:
    """Per day of the fielding period: `shape` plus a bump on each day after a reminder that
    fades over three days; few answers on weekends."""
    weights = []
    bumps = list(bumps)
    for index in range(count):
        weight = shape(index) + sum(1.5 * 0.5 ** (index - bump) for bump in bumps if 0 <= index - bump < 4)
        if (first + timedelta(days=index)).weekday() >= 5:
            weight *= 0.1
        weights.append(weight)
    return weights


def _fielding_shape(days: int) -> Callable[[int], float]:
    """Submissions per day of a period of `days`: a bell around the middle (an S-shaped
    cumulative curve) and a rush in the last days before the deadline."""

    def shape(index: int) -> float:
        return 0.15 + 1.6 * math.exp(-(((index / days - 0.5) / 0.2) ** 2)) + 1.2 * 0.5 ** (days - 1 - index)

    return shape


def _moment(rng: random.Random, first: date, index: int, low: datetime, high: datetime) -> datetime:
    """A time of day on day `index`, mostly office hours, kept within [low, high]."""
    hour = rng.choices(range(7, 22), weights=(1, 4, 6, 6, 5, 3, 5, 6, 5, 3, 1, 1, 1, 1, 1))[0]
    local = datetime.combine(first + timedelta(days=index), time(hour, rng.randrange(60), rng.randrange(60)))
    moment = timezone.make_aware(local)
    if moment > high:
        moment = high - timedelta(minutes=rng.randint(5, 600))
    if moment < low:
        moment = low + timedelta(minutes=rng.randint(5, 120))
    return min(moment, high)


def _session(rng: random.Random, end: datetime, low: datetime, count: int) -> list[datetime]:
    """The times of `count` answers given in one piece of work that ended at `end`."""
    start = max(low, end - timedelta(minutes=rng.choice((20, 45, 90, 240, 1440, 2880))))
    span = max((end - start).total_seconds() - 30, 0)
    return sorted(start + timedelta(seconds=rng.uniform(0, span)) for _ in range(count))


def _later(rng: random.Random, moment: datetime, high: datetime) -> datetime:
    """When the next part is submitted: minutes to two days after the first, before `high`."""
    later = moment + timedelta(minutes=rng.randint(5, 2880))
    return later if later < high else moment + (high - moment) * rng.random()


# --- writing -----------------------------------------------------------------------------------


@dataclass
class _RoundForm:
    """A round's parts with their questions and specs, read once."""

    parts: list[Part]
    specs: dict[int, list[QuestionSpec]]  # by part id
    question_ids: dict[str, int]

    @classmethod
    def load(cls, survey_round: SurveyRound) -> "_RoundForm":
        questions = list(Question.objects.filter(round=survey_round).prefetch_related("choices").order_by("order"))
        parts = list(survey_round.parts.order_by("order"))
        specs = {part.pk: question_specs([q for q in questions if q.part_id == part.pk]) for part in parts}
        return cls(parts, specs, {q.code: q.pk for q in questions})


@dataclass
class _Rows:
    answers: list[Answer] = field(default_factory=list)
    changes: list[AnswerChange] = field(default_factory=list)
    submissions: list[PartSubmission] = field(default_factory=list)
    events: list[tuple[AuditEvent, datetime]] = field(default_factory=list)

    def add_answers(
        self, form: _RoundForm, response: Response, answers: Mapping[str, str], times: list[datetime],
        user_id: int | None,
    ) -> None:  # fmt: skip
        for (code, value), moment in zip(answers.items(), times, strict=True):
            question_id = form.question_ids[code]
            self.answers.append(
                Answer(response=response, question_id=question_id, value=value, version=1, updated_at=moment,
                       updated_by_id=user_id)
            )  # fmt: skip
            self.changes.append(
                AnswerChange(response=response, question_id=question_id, old_value="", new_value=value,
                             user_id=user_id, created_at=moment,
                             channel=AnswerChange.Channel.WEB if user_id else AnswerChange.Channel.IMPORT)
            )  # fmt: skip

    def submit(self, response: Response, part: Part, moment: datetime, user_id: int | None) -> None:
        self.submissions.append(
            PartSubmission(response=response, part=part, submitted_at=moment, submitted_by_id=user_id)
        )
        event = AuditEvent(
            code="survey.part.submitted", actor_id=user_id, unit_id=response.unit_id,
            data={"response": response.pk, "part": part.code},
        )  # fmt: skip
        self.events.append((event, moment))

    def save(self) -> None:
        Answer.objects.bulk_create(self.answers, batch_size=2000)
        AnswerChange.objects.bulk_create(self.changes, batch_size=2000)
        PartSubmission.objects.bulk_create(self.submissions, batch_size=2000)
        _save_events(self.events)


def _save_events(events: list[tuple[AuditEvent, datetime]]) -> None:
    """Audit events at the time the action happened (the trail cannot be corrected afterwards)."""
    for event, moment in events:
        event.created_at = moment
    AuditEvent.objects.bulk_create([event for event, _moment in events], batch_size=2000)


def _answer_part(
    form: _RoundForm, out: _Rows, response: Response, part: Part, rng: random.Random, *, yes_share: YesShare | None,
    draws: ShareDraws, texts: Mapping[str, str], end: datetime, low: datetime, user_id: int | None, submitted: bool,
) -> datetime | None:  # fmt: skip
    """Answers one part (all of it if `submitted`, else the first few questions) in a session
    that ends at `end`; returns the time of the first answer."""
    answers = generate_answers(form.specs[part.pk], rng, yes_share=yes_share, texts=texts, draws=draws)
    if not submitted:
        answers = started_answers(answers, rng)
    times = _session(rng, end, low, len(answers))
    out.add_answers(form, response, answers, times, user_id)
    if submitted:
        out.submit(response, part, end, user_id)
    return times[0] if times else None


# --- this year's round -------------------------------------------------------------------------


@dataclass
class CurrentRoundSummary:
    statuses: dict[str, int]  # submitted, first_part, started, silent: number of units
    contacts: int
    logged_in: int
    extended: int


def _statuses(responses: list[Response], rng: random.Random) -> dict[int, str]:
    """Each response's status, in the shares of CURRENT_SHARES; the demo units as DEMO_RESPONDENTS says."""
    count = len(responses)
    wanted = {status: int(share * count + 0.5) for status, share in CURRENT_SHARES.items()}
    statuses = {}
    others = []
    for response in responses:
        demo = DEMO_RESPONDENTS.get(response.unit.code)
        if demo:
            statuses[response.pk] = demo[1]
            if demo[1] in wanted:
                wanted[demo[1]] -= 1
        else:
            others.append(response)
    rng.shuffle(others)
    plan = [status for status, number in wanted.items() for _ in range(max(number, 0))]
    for index, response in enumerate(others):
        statuses[response.pk] = plan[index] if index < len(plan) else "silent"
    return statuses


@transaction.atomic
def seed_current_round(
    *, survey_round: SurveyRound, rng: random.Random, now: datetime, yes_share: YesShare | None = None
) -> CurrentRoundSummary:
    """Contacts, invitations, logins, answers, submissions and a few extensions for a round that
    is open now (opened before `now`). Run it once, on a round without answers."""
    form = _RoundForm.load(survey_round)
    responses = list(survey_round.responses.select_related("unit", "unit__parent").order_by("unit__code"))
    statuses = _statuses(responses, rng)
    first = _local_date(survey_round.opens_at)
    elapsed = (_local_date(now) - first).days + 1
    bumps = [index for index in _reminder_indexes(survey_round, _local_date(survey_round.closes_at), first)
             if index < elapsed]  # fmt: skip
    # The rhythm of earlier rounds up to today, so the monitor compares like with like.
    days = (_local_date(survey_round.closes_at) - first).days + 1
    weights = _day_weights(first, elapsed, shape=_fielding_shape(days), bumps=bumps)
    low, high = survey_round.opens_at, now - timedelta(minutes=1)
    coordinator = User.objects.filter(email=COORDINATOR_EMAIL).first()

    contacts = _contacts(responses, rng)
    draws = ShareDraws(rng, len(responses))
    out = _Rows()
    first_activity: dict[int, datetime] = {}  # by contact id
    for response in responses:
        status = statuses[response.pk]
        unit_contacts = contacts[response.unit_id]
        if status == "silent":
            continue
        # The responsible contact answers, or sometimes the co-respondent (never for the demo logins).
        contact = unit_contacts[0]
        if len(unit_contacts) > 1 and response.unit.code not in DEMO_RESPONDENTS and rng.random() < 0.3:
            contact = unit_contacts[1]
        texts = _unit_texts(response.unit, contact.name, contact.email, rng)
        end = _moment(rng, first, rng.choices(range(elapsed), weights)[0], low, high)
        submitted_parts = {"submitted": len(form.parts), "first_part": 1, "started": 0}[status]
        for order, part in enumerate(form.parts):
            # Parts after the submitted ones: the next one is started half of the time, the rest not.
            if order > submitted_parts or (order == submitted_parts and order > 0 and rng.random() < 0.5):
                break
            started = _answer_part(form, out, response, part, rng, yes_share=yes_share, draws=draws, texts=texts,
                                   end=end, low=low, user_id=contact.user_id,
                                   submitted=order < submitted_parts)  # fmt: skip
            if started:
                first_activity[contact.pk] = min(first_activity.get(contact.pk, started), started)
            end = _later(rng, end, high)
    out.save()

    logged_in = _logins(contacts, first_activity, rng, first, weights, low, high)
    _invite(survey_round, contacts, coordinator, logged_in)
    extended = _extend(survey_round, responses, statuses, rng, coordinator, high)
    summary = dict.fromkeys((*CURRENT_SHARES, "silent"), 0)
    for status in statuses.values():
        summary[status] += 1
    total = sum(len(unit_contacts) for unit_contacts in contacts.values())
    return CurrentRoundSummary(summary, total, len(logged_in), extended)


def _contacts(responses: list[Response], rng: random.Random) -> dict[int, list[Contact]]:
    """The contacts of every invited unit, the responsible one first: kept if the unit has any,
    otherwise made up (the demo logins become their units' responsible contact), each with a
    respondent account bound to the unit."""
    existing: dict[int, list[Contact]] = {}
    for contact in Contact.objects.filter(unit__in=[r.unit_id for r in responses]).select_related("user"):
        existing.setdefault(contact.unit_id, []).append(contact)
    demo_users = {
        user.email: user for user in User.objects.filter(email__in=[email for email, _s in DEMO_RESPONDENTS.values()])
    }
    taken = set(User.objects.values_list("email", flat=True))
    new: list[Contact] = []
    users: list[tuple[User, ReportingUnit]] = []
    for response in responses:
        unit = response.unit
        if unit.pk in existing:
            existing[unit.pk].sort(key=lambda contact: contact.role != Contact.Role.RESPONSIBLE)
            continue
        demo_user = demo_users.get(DEMO_RESPONDENTS.get(unit.code, ("", ""))[0])
        roles = [Contact.Role.RESPONSIBLE] + ([Contact.Role.CO_RESPONDENT] if rng.random() < 1 / 3 else [])
        for role in roles:
            if role == Contact.Role.RESPONSIBLE and demo_user:
                contact = Contact(unit=unit, name=demo_user.full_name, email=demo_user.email, role=role, user=demo_user)
            else:
                name, email = person(rng, unit)
                while email in taken:
                    name, email = person(rng, unit)
                user = User(email=email, full_name=name, role=User.Role.RESPONDENT)
                user.set_unusable_password()
                users.append((user, unit))
                contact = Contact(unit=unit, name=name, email=email, role=role, user=user)
            taken.add(contact.email)
            new.append(contact)
            existing.setdefault(unit.pk, []).append(contact)
    User.objects.bulk_create([user for user, _unit in users], batch_size=1000)
    Contact.objects.bulk_create(new, batch_size=1000)
    UnitAssignment.objects.bulk_create([UnitAssignment(user=user, unit=unit) for user, unit in users], batch_size=1000)
    return existing


def _logins(
    contacts: dict[int, list[Contact]], first_activity: dict[int, datetime], rng: random.Random, first: date,
    weights: list[float], low: datetime, high: datetime,
) -> dict[int, datetime]:  # fmt: skip
    """Who has logged in (by contact id, with the first login): everyone who answered, and some
    others; the demo logins keep their own history, except that one the demo has answered with has
    logged in (the monitor must not show answers by someone who never logged in)."""
    demo_emails = {email for email, _status in DEMO_RESPONDENTS.values()}
    logins: dict[int, datetime] = {}
    users = []
    for contact in (contact for unit_contacts in contacts.values() for contact in unit_contacts):
        if contact.user is None:
            continue
        if contact.email in demo_emails and (contact.user.last_login or contact.pk not in first_activity):
            continue
        if contact.pk in first_activity:
            moment = max(low, first_activity[contact.pk] - timedelta(minutes=rng.randint(1, 30)))
        elif rng.random() < 0.15:
            moment = _moment(rng, first, rng.choices(range(len(weights)), weights)[0], low, high)
        else:
            continue
        logins[contact.pk] = moment
        contact.user.last_login = max(moment, first_activity.get(contact.pk, moment))
        contact.user.date_joined = moment
        users.append(contact.user)
    User.objects.bulk_update(users, ["last_login", "date_joined"], batch_size=500)
    return logins


def _invite(
    survey_round: SurveyRound, contacts: dict[int, list[Contact]], coordinator: User | None,
    logins: dict[int, datetime],
) -> None:  # fmt: skip
    """One invitation per contact, sent on the opening day; the links are not usable (nobody
    knows the tokens), a used link marks the contact's first login."""
    invitations = [
        Invitation(
            round=survey_round, contact=contact,
            token_hash=hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest(),
            created_at=survey_round.opens_at,
            expires_at=survey_round.opens_at + timedelta(days=INVITATION_VALID_DAYS),
            used_at=logins.get(contact.pk), created_by=coordinator,
        )
        for unit_contacts in contacts.values()
        for contact in unit_contacts
    ]  # fmt: skip
    Invitation.objects.bulk_create(invitations, batch_size=1000)


def _extend(
    survey_round: SurveyRound, responses: list[Response], statuses: dict[int, str], rng: random.Random,
    coordinator: User | None, high: datetime,
) -> int:  # fmt: skip
    """A few units that have not submitted everything get a week more, as a coordinator would give."""
    candidates = [r for r in responses if statuses[r.pk] != "submitted" and r.unit.code not in DEMO_RESPONDENTS]
    chosen = rng.sample(candidates, min(EXTENDED_UNITS, len(candidates)))
    until = survey_round.closes_at + timedelta(days=EXTENSION_DAYS)
    events = []
    for response in chosen:
        response.extended_until, response.extension_reason = until, rng.choice(EXTENSION_REASONS)
        event = AuditEvent(
            code="survey.response.extended", actor=coordinator, unit_id=response.unit_id,
            data={"response": response.pk, "until": until.isoformat(), "reason": response.extension_reason},
        )  # fmt: skip
        events.append((event, high - timedelta(days=rng.randint(0, 5), minutes=rng.randint(0, 600))))
    Response.objects.bulk_update(chosen, ["extended_until", "extension_reason"])
    _save_events(events)
    return len(chosen)


# --- earlier rounds ----------------------------------------------------------------------------


def response_rates(year: int, rng: random.Random) -> tuple[float, float]:
    """The final shares that submitted the general part and the VINR part: the published figures
    where known, otherwise 94–96 % and 92–94 %."""
    if year in PUBLISHED_RATES:
        return PUBLISHED_RATES[year]
    general = rng.uniform(0.94, 0.96)
    return general, min(general, rng.uniform(0.92, 0.94))


@transaction.atomic
def seed_earlier_round(
    *, survey_round: SurveyRound, rng: random.Random, yes_share: YesShare | None = None
) -> dict[str, int]:
    """Submissions across a past round's fielding period, with valid answers: an S-shaped
    cumulative curve with bumps after the reminders and just before the deadline. Most units
    that did not submit a part have started it. Returns the number of submissions per part code."""
    form = _RoundForm.load(survey_round)
    responses = list(survey_round.responses.select_related("unit", "unit__parent").order_by("unit__code"))
    general_rate, vinr_rate = response_rates(survey_round.year, rng)
    first, last = _local_date(survey_round.opens_at), _local_date(survey_round.closes_at)
    days = (last - first).days + 1

    weights = _day_weights(first, days, shape=_fielding_shape(days), bumps=_reminder_indexes(survey_round, last, first))
    low, high = survey_round.opens_at, survey_round.closes_at - timedelta(minutes=1)

    # Units that submit a later part have submitted the general part too.
    order = list(responses)
    rng.shuffle(order)
    submitting = {}
    for part in form.parts:
        rate = general_rate if part.code == "allman" else vinr_rate
        submitting[part.pk] = {r.pk for r in order[: int(rate * len(order) + 0.5)]}
    draws = ShareDraws(rng, len(responses))
    out = _Rows()
    counts = {part.code: 0 for part in form.parts}
    for response in responses:
        name, email = person(rng, response.unit)
        texts = _unit_texts(response.unit, name, email, rng)
        end = _moment(rng, first, rng.choices(range(days), weights)[0], low, high)
        for part in form.parts:
            submitted = response.pk in submitting[part.pk]
            if not submitted and rng.random() < 0.3:
                continue
            _answer_part(form, out, response, part, rng, yes_share=yes_share, draws=draws, texts=texts, end=end,
                         low=low, user_id=None, submitted=submitted)  # fmt: skip
            counts[part.code] += submitted
            end = _later(rng, end, high)
    out.save()
    return counts
