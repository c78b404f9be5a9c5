"""The routing engine at its edges: R11–R13 through each trigger, a child victim at 17 and 18,
deadlines across daylight-saving changes and holidays, a high-risk shelter need with the crisis
room also full, every operator of the policy language and every malformed policy or facts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from referrals.routing import Catalogue, FactsError, Policy, PolicyError, facts_from_dict, plan
from referrals.routing import policy_from_dict as load_policy
from referrals.routing.explain import render
from referrals.routing.policy import add_working_days, holds
from tests.referrals.test_routing import KYIV, NOW, POLICY, REPORTED, catalogue, facts, items


def kyiv(*args, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=KYIV, fold=fold)


# --- R11, R12, R13 through each of their triggers --------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "notified"),
    [
        ({"intake_scenario": 3}, True),
        ({"victim": {"incapacitated": True}}, True),
        ({"intake_scenario": 3, "victim": {"incapacitated": True}}, True),
        ({"intake_scenario": 2}, False),
        ({"victim": {"incapacitated": False}}, False),
    ],
)
def test_r11_notifies_the_guardianship_authority_of_a_victim_without_legal_capacity(
    overrides, notified
):
    result = plan(facts(consent=False, **overrides), catalogue(), POLICY, NOW)
    assert ("guardianship_notice" in items(result)) is notified
    if notified:
        notice = items(result)["guardianship_notice"]
        assert (notice.rules, notice.mandatory, notice.provider) == (
            ("R11",),
            True,
            "rda-darnytskyi",
        )
        assert notice.due_at == kyiv(2024, 10, 18, 10, 0)


@pytest.mark.parametrize(
    ("overrides", "offered"),
    [
        ({"urgent_order_issued": True}, True),
        ({"needs": ["offender_programme"]}, True),
        ({"urgent_order_issued": True, "needs": ["offender_programme"]}, True),
        ({"needs": ["psychological"]}, False),
        ({}, False),
    ],
)
def test_r12_sends_the_offender_to_a_programme_without_asking_the_victims_consent(
    overrides, offered
):
    result = plan(facts(consent=False, **overrides), catalogue(), POLICY, NOW)
    assert ("offender_programme" in items(result)) is offered
    assert "offender_programme" not in {s.service for s in result.skipped}
    if offered:
        programme = items(result)["offender_programme"]
        assert (programme.rules, programme.mandatory) == (("R12",), False)
        # 10 working days from Thursday 17.10.2024 10:00, in winter time after 27.10
        assert programme.due_at == kyiv(2024, 10, 31, 10, 0)


@pytest.mark.parametrize("need", ["social", "financial", "children"])
def test_r13_sends_each_social_need_to_the_centre_of_social_services(need):
    result = plan(facts(needs=[need]), catalogue(), POLICY, NOW)
    social = items(result)["social_services"]
    assert (social.rules, social.provider) == (("R13",), "css-darnytskyi")
    assert social.due_at == kyiv(2024, 10, 24, 10, 0)  # 5 working days


@pytest.mark.parametrize("need", ["social", "financial", "children"])
def test_r13_without_consent_is_listed_as_skipped(need):
    result = plan(facts(needs=[need], consent=False), catalogue(), POLICY, NOW)
    assert "social_services" not in items(result)
    assert [(s.service, s.rules) for s in result.skipped if s.service == "social_services"] == [
        ("social_services", ("R13",))
    ]


def test_r13_is_not_triggered_by_other_needs():
    result = plan(facts(needs=["legal", "medical", "shelter"]), catalogue(), POLICY, NOW)
    assert "social_services" not in items(result)


# --- a child victim at 17 and at 18 on the report date ---------------------------------------


@pytest.mark.parametrize(
    ("age", "child"),
    [(0, True), (17, True), (18, False), (None, False)],  # unknown age: treated as an adult
)
def test_a_victim_under_18_on_the_report_date_is_a_child_victim(age, child):
    f = facts(victim={"age": age}, consent=False)
    assert f.child_victim is child
    got = items(plan(f, catalogue(), POLICY, NOW))
    assert ("children_service_notice" in got) is child  # R2
    assert ("needs_assessment" in got) is child  # R5 is mandatory for a child, else skipped
    assert ("police_notice" in got) is child  # R3 for a child victim


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reported_at", "age"),
    [
        (kyiv(2024, 10, 16, 23, 59), 17),
        (kyiv(2024, 10, 17, 0, 0), 18),
        (datetime(2024, 10, 16, 20, 59, tzinfo=UTC), 17),
        (datetime(2024, 10, 16, 21, 0, tzinfo=UTC), 18),  # 00:00 in Kyiv
    ],
)
def test_a_cases_victim_age_is_taken_on_the_kyiv_date_of_the_report(owner, reported_at, age):
    from cases.models import Case
    from referrals.adapters import facts_for_case
    from tests.cases.factories import person, register_case

    case = register_case(
        owner,
        reported_at=reported_at,
        victim=person(birth_date=date(2006, 10, 17)),
        children_service_notified=True,
    )
    f = facts_for_case(Case.objects.get(pk=case.pk))  # reported_at read back in UTC
    assert (f.victim.age, f.child_victim) == (age, age < 18)


# --- deadlines across daylight-saving changes and holidays -----------------------------------


@pytest.mark.parametrize(
    ("start", "days", "holidays", "due"),
    [
        # spring forward on Sunday 31.03.2024: Thursday 10:00 EET → Tuesday 10:00 EEST
        (kyiv(2024, 3, 28, 10, 0), 3, set(), kyiv(2024, 4, 2, 10, 0)),
        # fall back on Sunday 27.10.2024: Thursday 10:00 EEST → Tuesday 10:00 EET
        (kyiv(2024, 10, 24, 10, 0), 3, set(), kyiv(2024, 10, 29, 10, 0)),
        # the same start given in UTC or with an offset gives the same Kyiv wall-clock time
        (datetime(2024, 3, 28, 8, 0, tzinfo=UTC), 3, set(), kyiv(2024, 4, 2, 10, 0)),
        (datetime.fromisoformat("2024-10-24T10:00+03:00"), 3, set(), kyiv(2024, 10, 29, 10, 0)),
        # a report late on Saturday night (Kyiv), which is still Saturday in UTC
        (datetime(2024, 10, 19, 21, 30, tzinfo=UTC), 1, set(), kyiv(2024, 10, 21, 0, 30)),
        # before martial law (24.02.2022) Independence Day, a Tuesday, was a day off
        (kyiv(2021, 8, 20, 10, 0), 2, {date(2021, 8, 24)}, kyiv(2021, 8, 25, 10, 0)),
        # under martial law holidays are working days: the holiday table leaves them out
        (kyiv(2024, 4, 26, 10, 0), 3, set(), kyiv(2024, 5, 1, 10, 0)),
        # a holiday listed in the table is skipped, also when it is the day the deadline falls
        (kyiv(2024, 4, 26, 10, 0), 3, {date(2024, 5, 1)}, kyiv(2024, 5, 2, 10, 0)),
        # a holiday on a weekend is not skipped twice (no day in lieu)
        (kyiv(2024, 8, 22, 10, 0), 2, {date(2024, 8, 24)}, kyiv(2024, 8, 26, 10, 0)),
        # Christmas on Wednesday within the counted days
        (kyiv(2024, 12, 23, 10, 0), 5, {date(2024, 12, 25)}, kyiv(2024, 12, 31, 10, 0)),
    ],
)
def test_working_days_skip_weekends_and_listed_holidays_at_the_same_kyiv_time(
    start, days, holidays, due
):
    assert add_working_days(start, days, frozenset(holidays)) == due


def test_the_holiday_table_of_the_catalogue_moves_a_working_day_deadline():
    report = replace(facts(needs=["legal"]), reported_at=kyiv(2024, 4, 26, 10, 0))
    plain = items(plan(report, catalogue(), POLICY, NOW))["legal_aid"]
    with_holiday = items(plan(report, catalogue(holidays={date(2024, 5, 1)}), POLICY, NOW))[
        "legal_aid"
    ]
    assert (plain.due_at, with_holiday.due_at) == (kyiv(2024, 5, 1, 10, 0), kyiv(2024, 5, 2, 10))


@pytest.mark.parametrize(
    ("reported_at", "police_due"),
    [
        # one hour of elapsed time, whatever the clocks do
        (kyiv(2024, 10, 27, 3, 30), datetime(2024, 10, 27, 1, 30, tzinfo=UTC)),  # was 2 hours
        (kyiv(2024, 10, 27, 3, 30, fold=1), datetime(2024, 10, 27, 2, 30, tzinfo=UTC)),
        (kyiv(2024, 3, 31, 2, 30), datetime(2024, 3, 31, 1, 30, tzinfo=UTC)),
        (datetime(2024, 10, 27, 0, 30, tzinfo=UTC), datetime(2024, 10, 27, 1, 30, tzinfo=UTC)),
    ],
)
def test_an_hour_deadline_is_an_hour_of_elapsed_time_across_a_clock_change(reported_at, police_due):
    report = replace(facts(risk_level="high"), reported_at=reported_at)
    police = items(plan(report, catalogue(), POLICY, NOW))["police_notice"]
    assert police.due_at.astimezone(UTC) == police_due


@pytest.mark.parametrize(
    "reported_at",
    [kyiv(2024, 3, 30, 10, 0), datetime.fromisoformat("2024-03-30T10:00+02:00")],
)
def test_a_one_day_deadline_is_24_hours_however_the_report_time_is_written(reported_at):
    report = replace(facts(), reported_at=reported_at)
    notice = items(plan(report, catalogue(), POLICY, NOW))["coordinator_notice"]
    assert notice.due_at.astimezone(UTC) == datetime(2024, 3, 31, 8, 0, tzinfo=UTC)
    assert notice.due_at.astimezone(KYIV).hour == 11  # summer time began overnight


# --- a high-risk shelter need with the crisis room also full ---------------------------------


def _with_full_crisis_room(cat: Catalogue) -> Catalogue:
    return Catalogue(
        tuple(
            replace(p, capacity_free=0) if p.code == "crisis-room-1" else p for p in cat.providers
        ),
        cat.holidays,
    )


def test_no_shelter_bed_and_no_crisis_room_at_high_risk_escalates_the_shelter_need():
    result = plan(
        facts(needs=["shelter"], risk_level="high"),
        _with_full_crisis_room(catalogue(shelter_free=(0, 0))),
        POLICY,
        NOW,
    )
    shelter = items(result)["shelter"]
    assert (shelter.provider, shelter.requested_service) == (None, None)
    assert shelter.due_at == kyiv(2024, 10, 17, 12, 0)  # R6: 2 hours at high risk
    assert "crisis_room" not in items(result)
    assert [(e.service, e.reason.code) for e in result.escalations] == [
        ("shelter", "no_eligible_provider")
    ]
    assert "координатор" in render(result.escalations[0].reason)  # the UI is Ukrainian
    assert {c.provider: c.why.code for c in shelter.candidates} == {
        "shelter-1": "full",
        "shelter-2": "full",
    }


def test_a_full_crisis_room_does_not_matter_while_a_shelter_has_a_bed():
    result = plan(
        facts(needs=["shelter"], risk_level="high"),
        _with_full_crisis_room(catalogue(shelter_free=(0, 1))),
        POLICY,
        NOW,
    )
    assert items(result)["shelter"].provider == "shelter-2"
    assert not result.escalations


# --- the policy language: every operator -----------------------------------------------------

F = facts(
    victim={"age": 17},
    risk_level="high",
    needs=["legal", "shelter"],
    forms=["physical"],
    intake_scenario=3,
)
UNKNOWN_AGE = facts(victim={"age": None})


@pytest.mark.parametrize(
    ("condition", "fact_set", "expected"),
    [
        (True, F, True),
        (False, F, False),
        ({"fact": "risk_level", "eq": "high"}, F, True),
        ({"fact": "risk_level", "eq": "low"}, F, False),
        ({"fact": "risk_level", "ne": "low"}, F, True),
        ({"fact": "risk_level", "ne": "high"}, F, False),
        ({"fact": "intake_scenario", "in": [3, 4]}, F, True),
        ({"fact": "intake_scenario", "in": [1, 2]}, F, False),
        ({"fact": "intake_scenario", "in": []}, F, False),
        ({"fact": "needs", "contains": "legal"}, F, True),
        ({"fact": "needs", "contains": "social"}, F, False),
        ({"fact": "victim.age", "gt": 16}, F, True),
        ({"fact": "victim.age", "gt": 17}, F, False),
        ({"fact": "victim.age", "gte": 17}, F, True),
        ({"fact": "victim.age", "gte": 18}, F, False),
        ({"fact": "victim.age", "lt": 18}, F, True),
        ({"fact": "victim.age", "lt": 17}, F, False),
        ({"fact": "victim.age", "lte": 17}, F, True),
        ({"fact": "victim.age", "lte": 16.5}, F, False),
        # an unknown value never satisfies a comparison, in either direction
        ({"fact": "victim.age", "lt": 18}, UNKNOWN_AGE, False),
        ({"fact": "victim.age", "gte": 18}, UNKNOWN_AGE, False),
        ({"fact": "victim.age", "eq": None}, UNKNOWN_AGE, True),
        ({"fact": "child_victim", "eq": True}, F, True),  # derived from the age
        ({"fact": "child_involved", "eq": True}, F, True),
        ({"fact": "received_by_police", "eq": False}, F, True),
        (
            {"all": [{"fact": "risk_level", "eq": "high"}, {"fact": "victim.age", "lt": 18}]},
            F,
            True,
        ),
        (
            {"all": [{"fact": "risk_level", "eq": "high"}, {"fact": "victim.age", "gt": 18}]},
            F,
            False,
        ),
        ({"all": []}, F, True),
        ({"any": [{"fact": "risk_level", "eq": "low"}, {"fact": "victim.age", "lt": 18}]}, F, True),
        ({"any": [{"fact": "risk_level", "eq": "low"}, False]}, F, False),
        ({"any": []}, F, False),
        ({"not": {"fact": "risk_level", "eq": "high"}}, F, False),
        ({"not": {"not": {"fact": "risk_level", "eq": "high"}}}, F, True),
        ({"not": False}, F, True),
    ],
)
def test_every_operator_of_the_policy_language(condition, fact_set, expected):
    rule = {"id": "X", "service": "legal_aid", "when": condition}
    load_policy({"rules": [{**rule, "deadline": {"default": {"days": 1}}}]})  # it validates
    assert holds(condition, fact_set) is expected


# --- every malformed policy ------------------------------------------------------------------

DEADLINE = {"default": {"days": 1}}


def rule(**fields):
    return {"id": "X", "service": "legal_aid", "when": True, "deadline": DEADLINE, **fields}


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ([], "object with a list of 'rules'"),
        ({"version": 1}, "object with a list of 'rules'"),
        ({"rules": {"R1": {}}}, "object with a list of 'rules'"),
        ({"rules": ["R1"]}, r"rules\[0\]: a rule is an object"),
        ({"rules": [{"service": "legal_aid"}]}, "needs an id"),
        ({"rules": [rule(id="")]}, "needs an id"),
        ({"rules": [rule(id=7)]}, "needs an id"),
        ({"rules": [rule(), rule()]}, "duplicate rule id X"),
        ({"rules": [rule(service="spa")]}, "X: unknown service 'spa'"),
        ({"rules": [rule(when="always")]}, "X.when: a condition is true, false or an object"),
        ({"rules": [rule(when=1)]}, "X.when: a condition is true, false or an object"),
        ({"rules": [rule(mandatory=[])]}, "X.mandatory: a condition is"),
        ({"rules": [rule(when={"all": {"fact": "injuries"}})]}, "'all' takes a list"),
        ({"rules": [rule(when={"any": "x"})]}, "'any' takes a list"),
        ({"rules": [rule(when={"all": [True, "x"]})]}, r"X.when.all\[1\]: a condition"),
        ({"rules": [rule(when={"not": "x"})]}, "X.when.not: a condition"),
        ({"rules": [rule(when={"fact": "mood", "eq": 1})]}, "unknown fact 'mood'"),
        ({"rules": [rule(when={"fact": "victim.mood", "eq": 1})]}, "unknown fact 'victim.mood'"),
        ({"rules": [rule(when={"fact": "victim", "eq": 1})]}, "unknown fact 'victim'"),
        ({"rules": [rule(when={"risk_level": "high"})]}, "unknown fact None"),
        ({"rules": [rule(when={"fact": "injuries", "is": True})]}, "exactly one operator"),
        ({"rules": [rule(when={"fact": "injuries"})]}, "exactly one operator"),
        ({"rules": [rule(when={"fact": "injuries", "eq": True, "ne": False})]}, "exactly one"),
        ({"rules": [rule(when={"fact": "victim.age", "gt": "17"})]}, "'gt' compares with a num"),
        ({"rules": [rule(when={"fact": "victim.age", "lte": True})]}, "'lte' compares with a"),
        ({"rules": [rule(when={"fact": "victim.age", "lt": None})]}, "'lt' compares with a num"),
        ({"rules": [rule(when={"fact": "risk_level", "in": "high"})]}, "'in' takes a list"),
        ({"rules": [rule(when={"fact": "needs", "contains": ["a"]})]}, "'contains' takes a single"),
        ({"rules": [rule(when={"fact": "risk_level", "eq": {"a": 1}})]}, "'eq' takes a single"),
        ({"rules": [rule(deadline=None)]}, "X.deadline.default: a deadline is one of"),
        ({"rules": [rule(deadline=5)]}, "X.deadline: an object with 'default'"),
        ({"rules": [rule(deadline={"default": {"days": 1, "hours": 2}})]}, "a deadline is one"),
        ({"rules": [rule(deadline={"default": {"weeks": 1}})]}, "unknown unit 'weeks'"),
        ({"rules": [rule(deadline={"default": {"days": 0}})]}, "positive whole number"),
        ({"rules": [rule(deadline={"default": {"days": -1}})]}, "positive whole number"),
        ({"rules": [rule(deadline={"default": {"days": 1.5}})]}, "positive whole number"),
        ({"rules": [rule(deadline={"default": {"days": True}})]}, "positive whole number"),
        ({"rules": [rule(deadline={"default": {"days": "1"}})]}, "positive whole number"),
        ({"rules": [rule(deadline={**DEADLINE, "cases": {"when": True}})]}, "a list of 'cases'"),
        ({"rules": [rule(deadline={**DEADLINE, "cases": ["x"]})]}, r"cases\[0\]: a case is an"),
        (
            {"rules": [rule(deadline={**DEADLINE, "cases": [{"deadline": {"hours": 1}}]})]},
            r"X.deadline.cases\[0\].when: a condition",
        ),
        (
            {"rules": [rule(deadline={**DEADLINE, "cases": [{"when": True}]})]},
            r"X.deadline.cases\[0\]: a deadline is one of",
        ),
        ({"rules": [rule(fallback="crisis_room")]}, "X.fallback: an object"),
        ({"rules": [rule(fallback={"service": "hotel"})]}, "X.fallback: unknown service 'hotel'"),
        (
            {"rules": [rule(fallback={"service": "crisis_room", "when": "high"})]},
            "X.fallback.when: a condition",
        ),
    ],
)
def test_a_malformed_policy_is_refused_with_a_policy_error_naming_the_place(policy, message):
    # Matched by the English msgid; the Ukrainian is what the policy editor shows.
    with translation.override("en"), pytest.raises(PolicyError, match=message):
        load_policy(policy)


def test_the_shipped_policy_survives_the_stricter_checks():
    assert [r.id for r in POLICY.rules] == [f"R{n}" for n in range(1, 14)]


# --- every malformed set of facts ------------------------------------------------------------

GOOD = {"reported_at": REPORTED, "district": "darnytskyi"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "facts must be a JSON object"),
        ("darnytskyi", "facts must be a JSON object"),
        ({"district": "darnytskyi"}, "reported_at is required"),
        ({**GOOD, "reported_at": "yesterday"}, "not an ISO 8601 date-time"),
        ({**GOOD, "reported_at": None}, "not an ISO 8601 date-time"),
        ({**GOOD, "reported_at": 1729148400}, "not an ISO 8601 date-time"),
        ({**GOOD, "reported_at": "2024-10-17T10:00:00"}, "must carry a UTC offset"),
        ({"reported_at": REPORTED}, "district is required"),
        ({**GOOD, "district": "atlantis"}, "district: unknown value 'atlantis'"),
        ({**GOOD, "district": ["darnytskyi"]}, "district: unknown value"),
        ({**GOOD, "received_by": "neighbour"}, "received_by: unknown value"),
        ({**GOOD, "victim": "Оксана"}, "victim must be an object"),
        ({**GOOD, "victim": {"age": -1}}, "victim.age: expected a whole number"),
        ({**GOOD, "victim": {"age": 17.5}}, "victim.age: expected a whole number"),
        ({**GOOD, "victim": {"age": "17"}}, "victim.age: expected a whole number"),
        ({**GOOD, "victim": {"age": True}}, "victim.age: expected a whole number"),
        ({**GOOD, "victim": {"sex": "X"}}, "victim.sex: unknown value"),
        ({**GOOD, "victim": {"disability": "yes"}}, "disability: expected true or false"),
        ({**GOOD, "victim": {"incapacitated": 1}}, "incapacitated: expected true or false"),
        ({**GOOD, "intake_scenario": 0}, "intake_scenario: expected 1..5"),
        ({**GOOD, "intake_scenario": 6}, "intake_scenario: expected 1..5"),
        ({**GOOD, "intake_scenario": "3"}, "intake_scenario: expected 1..5"),
        ({**GOOD, "intake_scenario": True}, "intake_scenario: expected 1..5"),
        ({**GOOD, "accompanying_children": -1}, "accompanying_children: expected a whole"),
        ({**GOOD, "accompanying_children": "2"}, "accompanying_children: expected a whole"),
        ({**GOOD, "hours_since_sexual_violence": "10"}, "hours_since_sexual_violence: expected"),
        ({**GOOD, "hours_since_sexual_violence": False}, "hours_since_sexual_violence: expected"),
        ({**GOOD, "forms": "sexual"}, "forms and needs must be lists"),
        ({**GOOD, "needs": {"shelter": True}}, "forms and needs must be lists"),
        ({**GOOD, "forms": ["verbal"]}, "forms: unknown value 'verbal'"),
        ({**GOOD, "forms": [["sexual"]]}, "forms: unknown value"),  # was a TypeError
        ({**GOOD, "needs": [{"shelter": 1}]}, "needs: unknown value"),  # was a TypeError
        ({**GOOD, "needs": ["spa"]}, "needs: unknown value 'spa'"),
        ({**GOOD, "risk_level": "extreme"}, "risk_level: unknown value"),
        ({**GOOD, "risk_level": 3}, "risk_level: unknown value"),
        ({**GOOD, "child_witness": "no"}, "child_witness: expected true or false"),
        ({**GOOD, "consent": 1}, "consent: expected true or false"),
        ({**GOOD, "urgent_order_issued": None}, "urgent_order_issued: expected true or false"),
    ],
)
def test_malformed_facts_are_refused_with_a_facts_error_naming_the_field(data, message):
    with pytest.raises(FactsError, match=message):
        facts_from_dict(data)


def test_missing_facts_take_the_documented_safe_defaults():
    f = facts_from_dict(GOOD)
    assert (f.received_by, f.intake_scenario, f.victim.age, f.risk_level, f.consent) == (
        "other",
        1,
        None,
        "medium",
        False,
    )
    assert f.reported_at == kyiv(2024, 10, 17, 10, 0)


def test_a_crisis_room_instead_of_a_shelter_merges_with_the_policys_own_crisis_room_item():
    """A policy may ask for a crisis room itself; when the shelter need also falls back to one,
    the plan holds one crisis room item with both rules and the stricter deadline."""
    own_rule = {
        "id": "R14",
        "service": "crisis_room",
        "when": {"fact": "risk_level", "eq": "high"},
        "deadline": {"default": {"hours": 4}},
    }
    kept = tuple(r for r in POLICY.rules if r.id in {"R1", "R6"})
    policy = Policy(2, kept + load_policy({"rules": [own_rule]}).rules)
    result = plan(
        facts(needs=["shelter"], risk_level="high"),
        catalogue(shelter_free=(0, 0)),
        policy,
        NOW,
    )
    crisis = [i for i in result.items if i.service == "crisis_room"]
    assert len(crisis) == 1
    assert crisis[0].rules == ("R6", "R14")
    assert crisis[0].due_at == kyiv(2024, 10, 17, 12, 0)  # R6's 2 hours beat R14's 4
    assert "shelter" not in items(result)
