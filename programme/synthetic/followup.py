"""What follows a report in the demo city: orders, their extensions and breaches, referrals with
the providers' answers, and shelter and crisis-room stays. Everything is settled before `now`:
no order still in force, no referral waiting for an answer, no bed taken, so the demo accounts'
worklists and the beat tasks (expiry notices, escalation) see only the hand-made demo cases.

Rows follow the law as the services enforce it (orders.rules for durations and measures, the
routing policy v1 of DOMAIN.md §4 for which service a case gets, whom, and how fast) and the
models' constraints (an order ends after it starts, one measure at least, no two orders of a kind
at once for the same pair; an answer after the sending, a stay inside the shelter's beds).
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from orders.rules import ADULT_AGE, restrictive_bounds, urgent_max_end
from portal.calendar import KYIV, age_on
from programme.synthetic.loader import IdPool, Reference, array


@dataclass(frozen=True)
class CaseFacts:
    pk: int
    number: str
    slug: str
    reported: datetime
    channel: str
    scenario: int
    risk: str
    forms: list[str]
    has_children: bool
    injuries: bool
    consent: bool
    victim: int
    victim_sex: str
    victim_age: int
    offender: int
    offender_birth: date
    fresh_pair: bool  # neither person has an earlier case: no earlier order can overlap


@dataclass(frozen=True)
class Service:
    rule: str
    due_hours: float
    urgent_due_hours: float | None  # the deadline when the risk is high
    median_hours: float  # the providers' median answer
    accepted: float  # the share of referrals accepted
    days: tuple[int, int]  # from the start of the service to its completion
    outcome: str


# Deadlines of routing policy v1 (DOMAIN.md §4); "working days" approximated by calendar days
# plus a weekend. Answer times and acceptance: plausible figures, not published ones.
SERVICES = {
    "coordinator_notice": Service("R1", 24, None, 3, 0.99, (0, 0), "Повідомлення отримано"),
    "children_service_notice": Service("R2", 24, None, 4, 0.99, (0, 0), "Повідомлення отримано"),
    "police_notice": Service("R3", 24, 1, 1.5, 0.98, (0, 0), "Повідомлення отримано"),
    "needs_assessment": Service("R5", 168, None, 20, 0.95, (3, 10), "Потреби оцінено"),
    "shelter": Service("R6", 24, 2, 1.5, 0.92, (7, 90), "Проживання завершено"),
    "crisis_room": Service("R6", 24, 2, 1, 0.95, (1, 10), "Проживання завершено"),
    "psychological": Service("R7", 120, 4, 10, 0.92, (14, 60), "Консультації завершено"),
    "medical": Service("R8", 24, 2, 3, 0.97, (0, 3), "Медичну допомогу надано"),
    "legal_aid": Service("R10", 120, None, 16, 0.95, (7, 45), "Правову допомогу надано"),
    "guardianship_notice": Service("R11", 24, None, 5, 0.99, (0, 0), "Повідомлення отримано"),
    "offender_programme": Service("R12", 336, None, 48, 0.75, (60, 180), "Програму пройдено"),
    "social_services": Service("R13", 168, None, 24, 0.93, (30, 120), "Соціальні послуги надано"),
}
# Services a subject of the victim's district answers (DOMAIN.md §1, §4): code prefix.
DISTRICT_PROVIDER = {
    "coordinator_notice": "rda",
    "guardianship_notice": "rda",
    "children_service_notice": "ssd",
    "police_notice": "police",
    "needs_assessment": "css",
    "social_services": "css",
}
DECLINE_REASONS = [
    "Немає можливості надати послугу у визначений строк",
    "Особа відмовилася від послуги",
    "Послуга не відповідає потребам особи",
]
NO_BEDS = "Немає вільних місць"
URGENT_SETS = [["no_contact"], ["no_contact", "no_entry"], ["leave_residence", "no_contact"]]
RESTRICTIVE_SETS = [
    ["no_correspondence"],
    ["keep_distance", "no_correspondence"],
    ["no_search_stalking", "no_correspondence"],
    ["no_shared_home", "keep_distance"],
]
COURTS = {
    "darnytskyi": "Дарницький районний суд м. Києва",
    "desnianskyi": "Деснянський районний суд м. Києва",
    "dniprovskyi": "Дніпровський районний суд м. Києва",
    "holosiivskyi": "Голосіївський районний суд м. Києва",
    "obolonskyi": "Оболонський районний суд м. Києва",
    "pecherskyi": "Печерський районний суд м. Києва",
    "podilskyi": "Подільський районний суд м. Києва",
    "sviatoshynskyi": "Святошинський районний суд м. Києва",
    "solomianskyi": "Солом'янський районний суд м. Києва",
    "shevchenkivskyi": "Шевченківський районний суд м. Києва",
}


@dataclass
class Beds:
    """Stays per shelter or crisis room: a new stay is booked only if every night of it has a
    free bed (the capacity of the provider's profile), so the demo never overbooks."""

    capacity: dict[int, int]
    stays: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=dict)

    def book(self, provider: int, start: datetime, end: datetime) -> bool:
        taken = [(s, e) for s, e in self.stays.get(provider, []) if s < end and e > start]
        beds = self.capacity.get(provider, 0)
        for moment in [start] + [s for s, _e in taken if s > start]:
            if sum(1 for s, e in taken if s <= moment < e) >= beds:
                return False
        self.stays.setdefault(provider, []).append((start, end))
        return True


@dataclass
class Followup:
    """One loading session: the id pools, the reference data, the clock and the bed book."""

    rng: random.Random
    ref: Reference
    ids: dict[str, IdPool]
    now: datetime
    actor: int  # the demo city's own (inactive) user: no demo account acts on city rows
    beds: Beds

    # --- orders ---------------------------------------------------------------------------

    def orders(self, case: CaseFacts, rows: dict[str, list[tuple]]) -> bool:
        """An urgent order (and now and then a restrictive one) with breaches; True if urgent."""
        if not case.fresh_pair:
            return False
        rng = self.rng
        urgent = rng.random() < {"high": 0.8, "medium": 0.3, "low": 0.1}[case.risk]
        if urgent:
            starts = case.reported + timedelta(minutes=rng.randint(20, 360))
            # Law 2229-VIII art. 25: up to 10 days, most for the whole term.
            longest = urgent_max_end(starts)
            ends = longest - timedelta(days=rng.choice([0, 0, 0, 0, 2, 5, 7]))
            age = age_on(case.offender_birth, starts.astimezone(KYIV).date())
            # Art. 25 part 3: no "leave" or "no entry" against an offender under 18.
            measures = ["no_contact"] if age < ADULT_AGE else rng.choice(URGENT_SETS)
            initiated = rng.choices(["police", "victim", ""], [70, 26, 4])[0]
            if ends < self.now - timedelta(days=1):
                self._order(
                    case, rows, "urgent", starts, ends, measures, age < ADULT_AGE, initiated
                )
        if rng.random() < 0.06:
            decided = (case.reported + timedelta(days=rng.randint(10, 45))).astimezone(KYIV).date()
            # Art. 26: from one to six months.
            shortest, longest = restrictive_bounds(decided)
            last = shortest + timedelta(days=rng.randint(0, (longest - shortest).days))
            starts = datetime.combine(decided, time.min, tzinfo=KYIV)
            ends = datetime.combine(last, time(23, 59, 59), tzinfo=KYIV)
            extension = None
            if rng.random() < 0.2:
                # Extended for up to six months, from the day after the order ends.
                first = last + timedelta(days=1)
                _s, ext_last = restrictive_bounds(first, 1, rng.randint(1, 6))
                extension = (first, ext_last)
            final = datetime.combine(extension[1] if extension else last, time.max, tzinfo=KYIV)
            if final < self.now - timedelta(days=1):
                order = self._order(
                    case, rows, "restrictive", starts, ends, rng.choice(RESTRICTIVE_SETS), False, ""
                )
                if extension:
                    rows["orders_orderextension"].append(
                        (
                            self.ids["orders_orderextension"].take(),
                            datetime.combine(extension[0], time.min, tzinfo=KYIV),
                            datetime.combine(extension[1], time(23, 59, 59), tzinfo=KYIV),
                            f"{rng.randint(100, 999)}/{rng.randint(1000, 9999)}",
                            extension[0] - timedelta(days=rng.randint(1, 5)),
                            datetime.combine(extension[0], time(12), tzinfo=KYIV),
                            self.actor,
                            order,
                        )
                    )
        return urgent

    def _order(self, case, rows, kind, starts, ends, measures, minor, initiated) -> int:
        rng = self.rng
        pk = self.ids["orders_restrainingorder"].take()
        restrictive = kind == "restrictive"
        rows["orders_restrainingorder"].append(
            (
                pk,
                kind,
                f"{rng.randint(100, 999)}/{rng.randint(1000, 9999)}"
                if restrictive
                else f"ТЗП-{case.number.rsplit('-', 1)[-1]}",
                initiated,
                case.risk,
                COURTS[case.slug] if restrictive else "",
                starts.astimezone(KYIV).date() if restrictive else None,
                rng.choices(["victim", "parent", "children_service"], [85, 10, 5])[0]
                if restrictive
                else "",
                starts,
                ends,
                array(measures),
                minor,
                rng.random() < 0.03,
                None,
                "",
                starts,
                case.pk,
                self.actor,
                self.ref.police[case.slug],
                case.offender,
                None,
                case.victim,
            )
        )
        self._measures(case, rows, pk, kind, starts)
        # Breaches: of a few percent of urgent orders, more of the long restrictive ones.
        if rng.random() < (0.12 if restrictive else 0.06):
            span = (ends - starts).total_seconds()
            occurred = starts + timedelta(seconds=rng.uniform(0.05, 0.95) * span)
            rows["orders_breach"].append(
                (
                    self.ids["orders_breach"].take(),
                    occurred,
                    "Кривдник порушив заборону контактувати з постраждалою особою",
                    rng.choices(
                        ["criminal", "warning"] if restrictive else ["administrative", "warning"],
                        [80, 20],
                    )[0],
                    occurred + timedelta(hours=rng.randint(1, 48)),
                    self.actor,
                    pk,
                )
            )
        return pk

    def _measures(self, case, rows, order: int, kind: str, starts: datetime) -> None:
        """After an order: the police unit's preventive record (about half of the urgent
        orders), and now and then an offender programme, referred by the court after a
        restrictive order and by the police after an urgent one. Drawn from the order's own
        random stream, so the rest of the city stays as it was."""
        rng = random.Random(order * 7919)
        today = self.now.astimezone(KYIV).date()
        day = starts.astimezone(KYIV).date()
        if kind == "urgent" and rng.random() < 0.45:
            taken = day + timedelta(days=rng.randint(0, 3))
            removed = taken + timedelta(days=rng.randint(180, 365))
            if taken < today:
                rows["orders_preventiverecord"].append(
                    (
                        self.ids["orders_preventiverecord"].take(),
                        "order",
                        taken,
                        removed if removed < today else None,
                        "Закінчився строк профілактичного обліку" if removed < today else "",
                        datetime.combine(taken, time(12), tzinfo=KYIV),
                        case.pk,
                        self.actor,
                        case.offender,
                        order,
                        self.ref.police[case.slug],
                    )
                )
        if rng.random() < (0.3 if kind == "restrictive" else 0.04):
            referred = day + timedelta(days=rng.randint(5, 40))
            if referred >= today:
                return
            started = referred + timedelta(days=rng.randint(7, 30))
            ended = started + timedelta(days=rng.randint(60, 120))
            status = rng.choices(["completed", "dropped_out", "referred"], [60, 30, 10])[0]
            if status == "referred" or started >= today:
                status, started, ended = "referred", None, None
            elif ended >= today:
                status, ended = "attending", None
            rows["orders_offenderprogramme"].append(
                (
                    self.ids["orders_offenderprogramme"].take(),
                    "court" if kind == "restrictive" else "police",
                    referred,
                    "Київський міський центр гендерної рівності",
                    status,
                    started,
                    ended,
                    datetime.combine(referred, time(12), tzinfo=KYIV),
                    datetime.combine(ended or started or referred, time(12), tzinfo=KYIV),
                    1,
                    case.pk,
                    self.actor,
                    case.offender,
                )
            )

    # --- referrals ------------------------------------------------------------------------

    def services_for(self, case: CaseFacts, urgent_order: bool) -> list[tuple[str, bool, str]]:
        """(service, mandatory, rule) by routing policy v1; non-mandatory ones need consent."""
        rng = self.rng
        child = case.victim_age < ADULT_AGE
        wanted = [("coordinator_notice", True, "R1")]
        if child or case.has_children:
            wanted.append(("children_service_notice", True, "R2"))
        if case.channel != "police":
            if case.risk == "high" or child:
                wanted.append(("police_notice", True, "R3"))
            elif rng.random() < 0.4:
                wanted.append(("police_notice", False, "R4"))
        if child or rng.random() < 0.55:
            wanted.append(("needs_assessment", child, "R5"))
        if not child and rng.random() < (0.05 if case.risk == "high" else 0.008):
            # R6: a shelter, or at a high risk the crisis room's few nights first.
            crisis = case.risk == "high" and rng.random() < 0.3
            wanted.append(("crisis_room" if crisis else "shelter", False, "R6"))
        if case.risk == "high" or rng.random() < 0.12:
            wanted.append(("psychological", False, "R7"))
        if case.injuries or "sexual" in case.forms:
            wanted.append(("medical", False, "R8"))
        if rng.random() < 0.1:
            wanted.append(("legal_aid", False, "R10"))
        if case.scenario == 3:
            wanted.append(("guardianship_notice", True, "R11"))
        if urgent_order:
            wanted.append(("offender_programme", False, "R12"))
        if rng.random() < 0.12:
            wanted.append(("social_services", False, "R13"))
        return [item for item in wanted if item[1] or case.consent]

    def referrals(self, case: CaseFacts, urgent_order: bool, rows: dict[str, list[tuple]]) -> None:
        for service, mandatory, rule in self.services_for(case, urgent_order):
            sent = case.reported + timedelta(minutes=self.rng.randint(10, 180))
            self._referral(case, service, mandatory, rule, sent, None, rows)

    def _provider(self, case: CaseFacts, service: str, exclude: int | None) -> int | None:
        prefix = DISTRICT_PROVIDER.get(service)
        if prefix and exclude is None:
            return self.ref.organisations.get(f"{prefix}-{case.slug}")
        candidates = [pk for pk in self.ref.providers.get(service, []) if pk != exclude]
        if service == "shelter" and case.victim_sex != "F":
            candidates = [pk for pk in candidates if pk != self.ref.organisations.get("shelter-1")]
        return self.rng.choice(candidates) if candidates else None

    def _referral(self, case, service, mandatory, rule, sent, previous, rows) -> None:
        rng, spec = self.rng, SERVICES[service]
        provider = self._provider(case, service, previous[1] if previous else None)
        if provider is None:
            return
        hours = spec.urgent_due_hours if case.risk == "high" and spec.urgent_due_hours else None
        # Deadlines count from the registration; a referral is never sent already overdue.
        due = max(
            case.reported + timedelta(hours=hours or spec.due_hours),
            sent + timedelta(hours=1),
        )
        answer_hours = spec.median_hours * math.exp(rng.gauss(0, 0.9))
        if case.risk == "high" and hours:
            answer_hours = min(answer_hours, hours * rng.uniform(0.3, 1.3))
        answered = sent + timedelta(hours=answer_hours)
        if answered > self.now - timedelta(hours=1):
            return  # too recent to be settled: the city has nothing waiting for an answer
        pk = self.ids["referrals_referral"].take()
        status, reason, started, completed, outcome = "declined", "", None, None, ""
        if rng.random() < 0.02:
            status, answered = "cancelled", None
        elif rng.random() < spec.accepted:
            started = answered + timedelta(hours=rng.uniform(0, 24 if spec.days[1] else 0))
            completed = started + timedelta(days=rng.uniform(*spec.days))
            if service in ("shelter", "crisis_room"):
                started = answered  # the stay begins on acceptance, as the statistics count it
                completed = answered + timedelta(days=self._stay_days(service))
                if not self.beds.book(provider, started, completed):
                    started = completed = None
                    reason = NO_BEDS
            if started is not None:
                completed = min(completed, self.now - timedelta(minutes=5))
                started = min(started, completed)
                status, outcome = "completed", spec.outcome
        else:
            reason = rng.choice(DECLINE_REASONS)
        rows["referrals_referral"].append(
            (
                pk,
                service,
                array([rule]),
                mandatory,
                "",
                "{}",
                json.dumps({"case_number": case.number}),
                due,
                status,
                sent,
                answered,
                reason,
                started,
                completed,
                outcome,
                False,
                None,
                None,
                case.pk,
                previous[0] if previous else None,
                provider,
                self.actor,
                None,
            )
        )
        if status != "declined" or previous is not None:
            return
        # A declined referral goes to the next eligible provider; with no shelter bed and a high
        # risk, to a crisis room (R6).
        nxt = "crisis_room" if reason == NO_BEDS and case.risk == "high" else service
        self._referral(
            case,
            nxt,
            mandatory,
            rule,
            answered + timedelta(minutes=rng.randint(10, 90)),
            (pk, provider if nxt == service else None),
            rows,
        )

    def _stay_days(self, service: str) -> float:
        if service == "crisis_room":
            return self.rng.uniform(1, 10)
        # Up to three months in a shelter (six in difficult circumstances); most leave sooner.
        return min(180.0, self.rng.expovariate(1 / 28) + 3)
