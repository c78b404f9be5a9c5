"""Bulk synthetic data through PostgreSQL COPY: reproducible, plausible, fast.

Distributions (documented in `manage.py seed_synthetic --help`):
- districts: left-bank Darnytskyi/Desnianskyi/Dniprovskyi most, Pecherskyi fewest (DOMAIN.md §6);
- months: more reports in summer and around the New Year holidays;
- victims 80 % women; ages 18–35 35 %, 36–59 40 %, 60+ 15 %, children 10 %;
- offenders 88 % men, 2 % under 18;
- repeat victims ~8 %, repeat offenders ~10 % (the same person in an earlier case);
- risk low 45 % / medium 35 % / high 20 %; a quarter of cases with an urgent order, 3 % with a
  restrictive order, 8 % of orders breached; a third of cases with two referrals in every state.

The helpers here (ids, COPY, people) are shared with the demo city (`programme.synthetic.city`).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from faker.providers.person.uk_UA import Provider as _Names

DISTRICT_WEIGHTS = {
    "darnytskyi": 15,
    "desnianskyi": 14,
    "dniprovskyi": 13,
    "holosiivskyi": 9,
    "obolonskyi": 9,
    "sviatoshynskyi": 10,
    "solomianskyi": 10,
    "shevchenkivskyi": 8,
    "podilskyi": 8,
    "pecherskyi": 4,
}
MONTH_WEIGHTS = [11, 9, 9, 9, 10, 11, 12, 12, 10, 9, 9, 12]
CHANNELS = (
    ["police"] * 8
    + ["hotline"] * 2
    + ["phone", "in_person", "school", "health", "children_service", "other_subject"]
)
FORMS = ["physical", "psychological", "economic", "sexual"]
# Realistic diversity matters for name search: Faker's Ukrainian lists (about 500 surnames of
# each form, dozens of first names) rather than a handful of names shared by a million people.
SURNAMES_F = tuple(_Names.last_names_female)
SURNAMES_M = tuple(_Names.last_names_male)
FIRST_F = tuple(_Names.first_names_female)
FIRST_M = tuple(_Names.first_names_male)
PATRONYMIC_F = ["Іванівна", "Петрівна", "Олександрівна", "Миколаївна", "Василівна"]
PATRONYMIC_M = ["Іванович", "Петрович", "Олександрович", "Миколайович", "Васильович"]
SERVICES = [
    "coordinator_notice",
    "police_notice",
    "needs_assessment",
    "shelter",
    "psychological",
    "legal_aid",
    "medical",
    "social_services",
]
REFERRAL_STATES = [
    "sent",
    "accepted",
    "accepted",
    "in_progress",
    "completed",
    "completed",
    "declined",
    "cancelled",
]
KYIV_OFFSET = timedelta(hours=2)

# Column lists of every table the loaders fill, in the order of their rows.
COLUMNS = {
    "cases_person": "id, last_name, first_name, patronymic, sex, birth_date, approximate_age, "
    "disability, displaced, veteran, phone, address, search_name, created_at",
    "cases_case": "id, number, year, channel, intake_scenario, reported_at, reporter_contact, "
    "status, closed_at, close_reason, close_reason_code, confidential, consent_to_share, "
    "consent_recorded_at, "
    "summary, children_service_notified, forms, risk_level, has_children, version, created_at, "
    "updated_at, consent_recorded_by_id, created_by_id, district_id, owner_id, responsible_id",
    "cases_participant": "id, role, relation_to_victim, case_id, person_id",
    "cases_caseevent": "id, at, kind, summary, detail, object_type, object_id, case_id, actor_id",
    "cases_incident": "id, occurred_at, place, forms, children_present, injuries, weapons, "
    "police_called, description, case_id, recorded_by_id",
    "orders_restrainingorder": "id, kind, number, initiated_by, risk_level, court, "
    "decision_date, applicant, starts_at, ends_at, measures, offender_minor, appealed, "
    "cancelled_at, cancel_reason, created_at, case_id, created_by_id, issued_by_id, offender_id, "
    "officer_id, victim_id",
    "orders_orderextension": "id, starts_at, ends_at, decision_number, decision_date, "
    "created_at, created_by_id, order_id",
    "orders_breach": "id, occurred_at, description, consequence, recorded_at, recorded_by_id, "
    "order_id",
    "orders_preventiverecord": "id, basis, taken_on, removed_on, removal_reason, created_at, "
    "case_id, created_by_id, offender_id, order_id, unit_id",
    "orders_offenderprogramme": "id, referred_by, referred_on, provider, status, started_on, "
    "ended_on, created_at, updated_at, version, case_id, created_by_id, offender_id",
    "referrals_referral": "id, service, rules, mandatory, manual_reason, remaining_candidates, "
    "shared_data, due_at, status, sent_at, answered_at, decline_reason, started_at, "
    "completed_at, outcome, bed_taken, escalated_at, answered_by_id, case_id, previous_id, "
    "provider_id, sent_by_id, plan_id",
}


@dataclass
class Reference:
    districts: dict[str, int]
    css: dict[str, int]  # district slug → centre of social services id
    police: dict[str, int]
    providers: dict[str, list[int]]
    user_id: int
    organisations: dict[str, int]  # organisation code → id
    capacity: dict[int, int]  # provider id → beds (shelters and crisis rooms)


def reference() -> Reference:
    with connection.cursor() as cur:
        cur.execute("SELECT slug, id FROM portal_district")
        districts = dict(cur.fetchall())
        cur.execute("SELECT code, id, kind FROM portal_organisation")
        orgs = cur.fetchall()
        cur.execute("SELECT id FROM portal_user ORDER BY id LIMIT 1")
        user = cur.fetchone()
        cur.execute(
            "SELECT o.id, p.services, p.capacity_total FROM referrals_providerprofile p JOIN "
            "portal_organisation o ON o.id = p.organisation_id ORDER BY o.code"
        )
        profiles = cur.fetchall()
    if user is None or not districts:
        raise RuntimeError("run `manage.py seed_demo` first: organisations and users are needed")
    css = {code.removeprefix("css-"): pk for code, pk, kind in orgs if code.startswith("css-")}
    police = {
        code.removeprefix("police-"): pk for code, pk, kind in orgs if code.startswith("police-")
    }
    providers: dict[str, list[int]] = {}
    capacity: dict[int, int] = {}
    for pk, services, beds in profiles:
        for service in services:
            providers.setdefault(service, []).append(pk)
        if beds:
            capacity[pk] = beds
    return Reference(
        districts,
        css,
        police,
        providers,
        user[0],
        {code: pk for code, pk, _kind in orgs},
        capacity,
    )


class IdPool:
    """Ids from a table's sequence, drawn with nextval in blocks: nextval needs only USAGE, so
    the application's database role can load (setval would need the owner)."""

    def __init__(self, table: str, block: int = 5_000) -> None:
        self.block = block
        self.free: list[int] = []
        with connection.cursor() as cur:
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            self.sequence = cur.fetchone()[0]

    def take(self) -> int:
        if not self.free:
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT nextval(%s) FROM generate_series(1, %s)", [self.sequence, self.block]
                )
                self.free = [row[0] for row in cur.fetchall()][::-1]
        return self.free.pop()


def id_pools(tables: Iterable[str] = COLUMNS) -> dict[str, IdPool]:
    return {table: IdPool(table) for table in tables}


def copy_rows(tables: dict[str, Sequence[tuple]]) -> None:
    """COPY each table's rows, parents before children (the order of `COLUMNS`)."""
    with connection.cursor() as cur:
        for table, columns in COLUMNS.items():
            rows = tables.get(table)
            if not rows:
                continue
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)


def case_counters(years: Iterable[int]) -> dict[int, int]:
    sequence = dict.fromkeys(years, 0)
    with connection.cursor() as cur:
        cur.execute("SELECT year, last FROM cases_casenumbercounter")
        for year, last in cur.fetchall():
            if year in sequence:
                sequence[year] = last
    return sequence


def save_counters_and_analyze(sequence: dict[int, int]) -> None:
    with connection.cursor() as cur:
        for year, last in sequence.items():
            cur.execute(
                "INSERT INTO cases_casenumbercounter (year, last) VALUES (%s, %s) "
                "ON CONFLICT (year) DO UPDATE SET last = GREATEST(cases_casenumbercounter.last, "
                "EXCLUDED.last)",
                [year, last],
            )
        for table in COLUMNS:
            # Only the owner may ANALYZE; for the application's role PostgreSQL skips it with a
            # warning and autovacuum analyses the tables soon after.
            cur.execute(f"ANALYZE {table}")


def victim_row(rng: random.Random, pk: int, year: int, created: datetime) -> tuple:
    female = rng.random() < 0.8
    age = rng.choices(
        [rng.randint(3, 17), rng.randint(18, 35), rng.randint(36, 59), rng.randint(60, 90)],
        [10, 35, 40, 15],
    )[0]
    last = rng.choice(SURNAMES_F if female else SURNAMES_M)
    first = rng.choice(FIRST_F if female else FIRST_M)
    patronymic = rng.choice(PATRONYMIC_F if female else PATRONYMIC_M)
    birth = date(year - age, rng.randint(1, 12), rng.randint(1, 28))
    return (
        pk,
        last,
        first,
        patronymic,
        "F" if female else "M",
        birth,
        None,
        rng.random() < 0.05,
        rng.random() < 0.1,
        False,
        f"+38067{rng.randint(1000000, 9999999)}",
        "",
        f"{last} {first} {patronymic}".lower(),
        created,
    )


def offender_row(rng: random.Random, pk: int, year: int, created: datetime) -> tuple:
    female = rng.random() < 0.12
    age = rng.randint(14, 17) if rng.random() < 0.02 else rng.randint(19, 70)
    last = rng.choice(SURNAMES_F if female else SURNAMES_M)
    first = rng.choice(FIRST_F if female else FIRST_M)
    patronymic = rng.choice(PATRONYMIC_F if female else PATRONYMIC_M)
    return (
        pk,
        last,
        first,
        patronymic,
        "F" if female else "M",
        date(year - age, 6, 1),
        None,
        False,
        False,
        rng.random() < 0.05,
        "",
        "",
        f"{last} {first} {patronymic}".lower(),
        created,
    )


def event_row(ids: dict[str, IdPool], case_id: int, at: datetime, kind: str, summary: str):
    return (ids["cases_caseevent"].take(), at, kind, summary, "{}", "", "", case_id, None)


def array(items) -> str:
    return "{" + ",".join(items) + "}"


def load(
    *, cases: int, seed: int, years: tuple[int, int], progress=None, chunk: int = 20_000
) -> dict[str, int]:
    ref = reference()
    rng = random.Random(seed)
    slugs = list(DISTRICT_WEIGHTS)
    weights = [DISTRICT_WEIGHTS[s] for s in slugs]
    year_list = list(range(years[0], years[1] + 1))
    counts = {"cases": 0, "people": 0, "orders": 0, "referrals": 0}
    sequence = case_counters(year_list)
    ids = id_pools()
    victims_seen: list[int] = []
    offenders_seen: list[int] = []
    # A fixed "now" keeps the data identical between runs with the same seed.
    created = datetime(years[1], 12, 31, 12, tzinfo=UTC)
    done = 0
    while done < cases:
        n = min(chunk, cases - done)
        rows: dict[str, list[tuple]] = {table: [] for table in COLUMNS}
        for _ in range(n):
            cid = ids["cases_case"].take()
            year = rng.choice(year_list)
            month = rng.choices(range(1, 13), MONTH_WEIGHTS)[0]
            day = rng.randint(1, 28)
            reported = (
                datetime(year, month, day, rng.randint(0, 23), rng.randint(0, 59), tzinfo=UTC)
                - KYIV_OFFSET
            )
            slug = rng.choices(slugs, weights)[0]
            sequence[year] += 1
            number = f"КИЇВ-{year}-{sequence[year]:06d}"
            forms = sorted(
                set(
                    rng.sample(FORMS[:3], rng.randint(1, 2))
                    + (["sexual"] if rng.random() < 0.05 else [])
                )
            )
            risk = rng.choices(["low", "medium", "high"], [45, 35, 20])[0]
            has_children = rng.random() < 0.3
            age_days = (created - reported).days
            status = (
                "closed"
                if age_days > 180 and rng.random() < 0.8
                else rng.choice(["new", "in_work", "referred", "monitoring"])
            )
            closed_at = reported + timedelta(days=60) if status == "closed" else None
            rows["cases_case"].append(
                (
                    cid,
                    number,
                    year,
                    rng.choice(CHANNELS),
                    rng.choice([1, 1, 2, 4, 5]),
                    reported,
                    "",
                    status,
                    closed_at,
                    "",
                    "goals_reached" if status == "closed" else "",
                    False,
                    rng.random() < 0.7,
                    None,
                    "",
                    has_children,
                    array(forms),
                    risk,
                    has_children,
                    1,
                    reported,
                    reported,
                    None,
                    None,
                    ref.districts[slug],
                    ref.css[slug],
                    None,
                )
            )
            # The timeline, as the services leave it: the registration, then (for half of the
            # open cases) a later note, or the closure; the head's "quiet cases" read it.
            rows["cases_caseevent"].append(
                event_row(ids, cid, reported, "case.created", f"Випадок {number} зареєстровано")
            )
            if closed_at is not None:
                rows["cases_caseevent"].append(
                    event_row(ids, cid, closed_at, "case.status", "Закрито")
                )
            elif rng.random() < 0.5:
                later = reported + timedelta(days=rng.uniform(0, max(age_days, 0)))
                rows["cases_caseevent"].append(
                    event_row(ids, cid, later, "note.added", "Нотатку додано")
                )
            repeat_victim = victims_seen and rng.random() < 0.08
            if repeat_victim:
                victim = rng.choice(victims_seen)
            else:
                victim = ids["cases_person"].take()
                rows["cases_person"].append(victim_row(rng, victim, year, created))
                victims_seen.append(victim)
            repeat_offender = offenders_seen and rng.random() < 0.1
            if repeat_offender:
                offender = rng.choice(offenders_seen)
            else:
                offender = ids["cases_person"].take()
                rows["cases_person"].append(offender_row(rng, offender, year, created))
                offenders_seen.append(offender)
            rows["cases_participant"].append(
                (ids["cases_participant"].take(), "victim", "", cid, victim)
            )
            rows["cases_participant"].append(
                (ids["cases_participant"].take(), "offender", "spouse", cid, offender)
            )
            rows["cases_incident"].append(
                (
                    ids["cases_incident"].take(),
                    reported - timedelta(hours=rng.randint(1, 48)),
                    "",
                    array(forms),
                    has_children,
                    rng.random() < 0.3,
                    rng.random() < 0.03,
                    rng.random() < 0.6,
                    "",
                    cid,
                    None,
                )
            )
            # A fresh offender and victim never overlap an earlier order of theirs.
            if not (repeat_victim or repeat_offender) and rng.random() < 0.28:
                restrictive = rng.random() < 0.1
                start = reported + timedelta(hours=2)
                end = start + (
                    timedelta(days=90) if restrictive else timedelta(days=rng.randint(3, 10))
                )
                rows["orders_restrainingorder"].append(
                    (
                        ids["orders_restrainingorder"].take(),
                        "restrictive" if restrictive else "urgent",
                        f"С-{cid}",
                        "" if restrictive else rng.choice(["police", "police", "victim"]),
                        risk,
                        "Районний суд" if restrictive else "",
                        start.date() if restrictive else None,
                        "victim" if restrictive else "",
                        start,
                        end,
                        array(["no_correspondence"] if restrictive else ["no_contact"]),
                        False,
                        False,
                        None,
                        "",
                        created,
                        cid,
                        ref.user_id,
                        ref.police[slug],
                        offender,
                        None,
                        victim,
                    )
                )
            if rng.random() < 0.33:
                for service in rng.sample(SERVICES, 2):
                    state = rng.choice(REFERRAL_STATES)
                    sent = reported + timedelta(hours=1)
                    answered = (
                        sent + timedelta(hours=rng.randint(1, 72)) if state != "sent" else None
                    )
                    provider = rng.choice(ref.providers.get(service) or [ref.css[slug]])
                    rows["referrals_referral"].append(
                        (
                            ids["referrals_referral"].take(),
                            service,
                            "{}",
                            False,
                            "",
                            "{}",
                            json.dumps({"case_number": number}),
                            sent + timedelta(days=1),
                            state,
                            sent,
                            answered,
                            "Немає місць" if state == "declined" else "",
                            answered if state in ("in_progress", "completed") else None,
                            answered + timedelta(days=5) if state == "completed" else None,
                            "Надано" if state == "completed" else "",
                            False,
                            None,
                            None,
                            cid,
                            None,
                            provider,
                            ref.user_id,
                            None,
                        )
                    )
        copy_rows(rows)
        counts["cases"] += n
        counts["people"] += len(rows["cases_person"])
        counts["orders"] += len(rows["orders_restrainingorder"])
        counts["referrals"] += len(rows["referrals_referral"])
        done += n
        if progress:
            progress(n)
    save_counters_and_analyze(sequence)
    return counts


def timed_load(**kwargs) -> tuple[dict[str, int], float]:
    started = time.monotonic()
    counts = load(**kwargs)
    return counts, time.monotonic() - started
