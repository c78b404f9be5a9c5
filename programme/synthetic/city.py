"""The demo city: Kyiv's magnitudes from 1 January 2022 to today, loaded once through COPY.

DOMAIN.md §6: about 18,000 reports a year (police ~14,750 and the trust line ~3,270 in 2020;
~17,200 in the first nine months of 2021), most through the police; the left-bank districts
(Darnytskyi, Desnianskyi, Dniprovskyi) report the most, Pecherskyi the fewest. March and April
2022 are lower (the full-scale invasion), summer and the New Year holidays higher.

Every case is marked in its summary (CITY_MARK): that is how a second start knows the city is
there and adds nothing. The city's cases belong to the district centres of social services with
no responsible worker, are closed once their work is done, and everything that follows them is
settled before the moment of loading (`programme.synthetic.followup`), so no demo account finds
city work in its worklist. Its rows are written by an inactive user (CITY_USERNAME), never by a
demo account.
"""

from __future__ import annotations

import calendar
import random
import time
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q

from portal.calendar import KYIV, age_on
from programme.synthetic import loader
from programme.synthetic.followup import Beds, CaseFacts, Followup

REPORTS_PER_YEAR = 18_000
FIRST_DAY = date(2022, 1, 1)
# The summary's opening words, read by a person as a sentence and by city_loaded() as the mark.
CITY_MARK = "Звернення демонстраційного міста"
CITY_SUMMARY = f"{CITY_MARK}: синтетичні дані, не реальна особа."
# The mark of the cities loaded before 07.12.2026, so that their databases are not loaded twice.
EARLIER_CITY_MARK = "[місто]"
CITY_USERNAME = "demo-city"
CHANNELS = {
    "police": 80,
    "hotline": 9,
    "phone": 3,
    "in_person": 3,
    "children_service": 1.5,
    "health": 1.5,
    "school": 1,
    "other_subject": 0.5,
    "online": 0.5,
}
# More reports in the evening and at night.
HOUR_WEIGHTS = [4, 3, 2, 2, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 5, 5, 6, 7, 8, 8, 8, 7, 5]
WAR_2022 = {3: 0.45, 4: 0.7}  # month → share of the usual reports in 2022
# The offender's relation to the victim.
RELATIONS = {"spouse": 45, "former_spouse": 20, "cohabitant": 20, "child": 10, "parent": 5}
# Reasons for closing (cases.models.ClosureReason): help given, risk removed, help refused.
CLOSE_REASONS = ["goals_reached", "goals_reached", "refused"]


def city_loaded() -> bool:
    from cases.models import Case

    return Case.objects.filter(
        Q(summary__startswith=CITY_MARK) | Q(summary__startswith=EARLIER_CITY_MARK)
    ).exists()


def city_user() -> int:
    from portal.models import User

    user, created = User.objects.get_or_create(
        username=CITY_USERNAME,
        defaults={"first_name": "Демонстраційне", "last_name": "місто", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user.pk


def _slots(first: date, last: date) -> tuple[list[tuple[int, int, int, int]], list[float]]:
    """(year, month, first day, last day) of every month from `first` to `last`, weighted by the
    month's share of the year's reports and by how much of it falls inside."""
    slots, weights = [], []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        days = calendar.monthrange(year, month)[1]
        lo = first.day if (year, month) == (first.year, first.month) else 1
        hi = last.day if (year, month) == (last.year, last.month) else days
        slots.append((year, month, lo, hi))
        factor = WAR_2022.get(month, 1.0) if year == 2022 else 1.0
        weights.append(loader.MONTH_WEIGHTS[month - 1] * factor * (hi - lo + 1) / days)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return slots, weights


def report_moments(rng: random.Random, *, count: int, now: datetime) -> list[datetime]:
    """`count` report moments from FIRST_DAY to `now`, in order."""
    slots, weights = _slots(FIRST_DAY, now.astimezone(KYIV).date())
    moments = []
    for year, month, lo, hi in rng.choices(slots, weights, k=count):
        moment = datetime(
            year,
            month,
            rng.randint(lo, hi),
            rng.choices(range(24), HOUR_WEIGHTS)[0],
            rng.randint(0, 59),
            tzinfo=KYIV,
        )
        if moment > now - timedelta(hours=1):
            moment = now - timedelta(hours=rng.uniform(1, 48))
        moments.append(moment)
    return sorted(moments)


def city_size(*, now: datetime, scale: float) -> int:
    days = (now.astimezone(KYIV).date() - FIRST_DAY).days + 1
    return max(1, round(REPORTS_PER_YEAR * days / 365.25 * scale))


@transaction.atomic
def load_city(
    *, now: datetime, scale: float = 1.0, seed: int = 2022, progress=None, chunk: int = 10_000
) -> dict[str, int]:
    """Load the city unless it is there; the counts of rows added (all zero the second time)."""
    tables = list(loader.COLUMNS)
    counts = dict.fromkeys(tables, 0)
    if city_loaded():
        return counts
    rng = random.Random(seed)
    ref = loader.reference()
    ids = loader.id_pools()
    follow = Followup(rng, ref, ids, now, city_user(), Beds(ref.capacity))
    moments = report_moments(rng, count=city_size(now=now, scale=scale), now=now)
    sequence = loader.case_counters(range(FIRST_DAY.year, now.astimezone(KYIV).year + 1))
    slugs = list(loader.DISTRICT_WEIGHTS)
    district_weights = list(loader.DISTRICT_WEIGHTS.values())
    channels, channel_weights = list(CHANNELS), list(CHANNELS.values())
    victims: dict[int, tuple[str, date]] = {}
    offenders: dict[int, date] = {}
    seen: tuple[list[int], list[int]] = ([], [])  # victims and offenders in the order added
    for first in range(0, len(moments), chunk):
        rows: dict[str, list[tuple]] = {table: [] for table in tables}
        for reported in moments[first : first + chunk]:
            year = reported.astimezone(KYIV).year
            sequence[year] += 1
            number = f"КИЇВ-{year}-{sequence[year]:06d}"
            case = _case(rng, ids, rows, reported, number, year, victims, offenders, seen)
            slug = rng.choices(slugs, district_weights)[0]
            channel = rng.choices(channels, channel_weights)[0]
            facts = CaseFacts(
                pk=case["pk"],
                number=number,
                slug=slug,
                reported=reported,
                channel=channel,
                scenario=_scenario(rng, channel),
                risk=rng.choices(["low", "medium", "high"], [45, 35, 20])[0],
                forms=_forms(rng),
                has_children=rng.random() < 0.3,
                injuries=rng.random() < 0.3,
                consent=rng.random() < 0.7,
                **case["people"],
            )
            case_row = _case_row(rng, facts, ref, year, now)
            rows["cases_case"].append(case_row)
            # The timeline's first entry, and the closure's (the head's "quiet cases" read it).
            rows["cases_caseevent"].append(
                loader.event_row(
                    ids, facts.pk, reported, "case.created", f"Випадок {number} зареєстровано"
                )
            )
            if case_row[8] is not None:
                rows["cases_caseevent"].append(
                    loader.event_row(ids, facts.pk, case_row[8], "case.status", "Закрито")
                )
            rows["cases_incident"].append(
                (
                    ids["cases_incident"].take(),
                    reported - timedelta(hours=rng.randint(1, 48)),
                    "",
                    loader.array(facts.forms),
                    facts.has_children,
                    facts.injuries,
                    rng.random() < 0.03,
                    channel == "police" or rng.random() < 0.3,
                    "",
                    facts.pk,
                    None,
                )
            )
            urgent = follow.orders(facts, rows)
            follow.referrals(facts, urgent, rows)
        # Cases before the rows that point at them: COPY in the order of loader.COLUMNS.
        loader.copy_rows(rows)
        for table in tables:
            counts[table] += len(rows[table])
        if progress:
            progress(len(moments[first : first + chunk]))
    loader.save_counters_and_analyze(sequence)
    return counts


def _case(rng, ids, rows, reported, number, year, victims, offenders, list_of) -> dict:
    """The case's id, its victim and offender (8 % and 10 % seen in an earlier case)."""
    pk = ids["cases_case"].take()
    repeat_victim = bool(victims) and rng.random() < 0.08
    if repeat_victim:
        victim = _recent(rng, list_of[0])
    else:
        victim = ids["cases_person"].take()
        row = loader.victim_row(rng, victim, year, reported)
        rows["cases_person"].append(row)
        victims[victim] = (row[4], row[5])
        list_of[0].append(victim)
    repeat_offender = bool(offenders) and rng.random() < 0.1
    if repeat_offender:
        offender = _recent(rng, list_of[1])
    else:
        offender = ids["cases_person"].take()
        row = loader.offender_row(rng, offender, year, reported)
        rows["cases_person"].append(row)
        offenders[offender] = row[5]
        list_of[1].append(offender)
    rows["cases_participant"].append((ids["cases_participant"].take(), "victim", "", pk, victim))
    rows["cases_participant"].append(
        (
            ids["cases_participant"].take(),
            "offender",
            rng.choices(list(RELATIONS), list(RELATIONS.values()))[0],
            pk,
            offender,
        )
    )
    sex, birth = victims[victim]
    return {
        "pk": pk,
        "people": {
            "victim": victim,
            "victim_sex": sex,
            "victim_age": age_on(birth, reported.astimezone(KYIV).date()),
            "offender": offender,
            "offender_birth": offenders[offender],
            "fresh_pair": not (repeat_victim or repeat_offender),
        },
    }


def _recent(rng: random.Random, people: list[int]) -> int:
    """One of the last 20,000 people added (about a year): repeat reports come within years."""
    return people[rng.randint(max(0, len(people) - 20_000), len(people) - 1)]


def _scenario(rng: random.Random, channel: str) -> int:
    if channel == "police":
        return rng.choices([4, 5], [75, 25])[0]
    return rng.choices([1, 2, 3], [70, 27, 3])[0]


def _forms(rng: random.Random) -> list[str]:
    forms = set(rng.sample(loader.FORMS[:3], rng.randint(1, 2)))
    if rng.random() < 0.04:
        forms.add("sexual")
    return sorted(forms)


def _case_row(rng, facts: CaseFacts, ref, year: int, now: datetime) -> tuple:
    closed_at = facts.reported + timedelta(days=rng.randint(14, 150))
    closed = closed_at < now
    child = facts.victim_age < 18
    return (
        facts.pk,
        facts.number,
        year,
        facts.channel,
        facts.scenario,
        facts.reported,
        "",
        "closed" if closed else rng.choice(["in_work", "referred", "monitoring"]),
        closed_at if closed else None,
        "",
        rng.choice(CLOSE_REASONS) if closed else "",
        False,
        facts.consent,
        facts.reported if facts.consent else None,
        CITY_SUMMARY,
        facts.has_children or child,
        loader.array(facts.forms),
        facts.risk,
        facts.has_children,
        1,
        facts.reported,
        closed_at if closed else facts.reported,
        None,
        None,
        ref.districts[facts.slug],
        ref.css[facts.slug],
        None,
    )


def timed_load_city(**kwargs) -> tuple[dict[str, int], float]:
    started = time.monotonic()
    counts = load_city(**kwargs)
    return counts, time.monotonic() - started
