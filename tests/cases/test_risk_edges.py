"""Risk assessment at its boundaries: the thresholds to the point, the cap on earlier orders, and
which orders count as "earlier" when a case is re-assessed after its own urgent order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases import services
from cases.risk import assess, load_questionnaire
from orders import services as order_services
from orders.selectors import orders_count_for_person
from tests.cases.factories import person, register_case
from tests.orders.factories import urgent


@pytest.fixture(scope="module")
def questionnaire():
    return load_questionnaire()


def test_the_shipped_thresholds_are_the_ones_these_tests_assume(questionnaire):
    assert (questionnaire.medium_threshold, questionnaire.high_threshold) == (4, 9)
    assert questionnaire.prior_orders_weight == 2


# Weights: escalation 2, separation 2, pregnancy 2, order_breached 2, substance_abuse 1,
# stalking 1, jealousy_control 1 — none of them a red flag.
@pytest.mark.parametrize(
    ("answers", "score", "level", "rule"),
    [
        ({"escalation": True, "substance_abuse": True}, 3, "low", "score_low"),
        ({"escalation": True, "separation": True}, 4, "medium", "score_medium"),
        (
            {"escalation": True, "separation": True, "pregnancy": True, "order_breached": True},
            8,
            "medium",
            "score_medium",
        ),
        (
            {
                "escalation": True,
                "separation": True,
                "pregnancy": True,
                "order_breached": True,
                "stalking": True,
            },
            9,
            "high",
            "score_high",
        ),
    ],
)
def test_a_score_exactly_at_a_threshold_reaches_that_level_and_one_below_does_not(
    questionnaire, answers, score, level, rule
):
    result = assess(questionnaire, answers)
    assert (result.score, result.level, result.rule) == (score, level, rule)


@pytest.mark.parametrize(
    ("prior_orders", "score", "level", "shown"),
    [
        (-1, 1, "low", 0),
        (0, 1, "low", 0),
        (1, 3, "low", 1),
        (2, 5, "medium", 2),
        (3, 5, "medium", 3),  # capped at two orders: the third adds nothing
        (10, 5, "medium", 10),
    ],
)
def test_earlier_orders_add_their_weight_up_to_two_orders(
    questionnaire, prior_orders, score, level, shown
):
    result = assess(questionnaire, {"stalking": True}, prior_orders=prior_orders)
    assert (result.score, result.level, result.prior_orders) == (score, level, shown)


def test_earlier_orders_alone_can_reach_the_medium_threshold_but_never_high(questionnaire):
    assert assess(questionnaire, {}, prior_orders=2).level == "medium"
    assert assess(questionnaire, {}, prior_orders=99).score == 4


# --- which orders are "earlier" ---------------------------------------------------------------


def _offender(case):
    return case.participants.get(role="offender").person


@pytest.mark.django_db
def test_re_assessing_a_case_after_its_own_urgent_order_keeps_the_score(owner, police):
    case = register_case(owner)
    answers = {"escalation": True}
    first = services.risk_assess(actor=owner, case_id=case.pk, answers=answers)
    urgent(police, case)
    again = services.risk_assess(actor=owner, case_id=case.pk, answers=answers)
    assert (again.score, again.level) == (first.score, first.level) == (2, "low")
    assert "попередніх приписів" not in again.explanation


@pytest.mark.django_db
def test_an_order_on_an_earlier_case_of_the_same_offender_counts(owner, police):
    earlier = register_case(owner)
    urgent(police, earlier, number="ТЗП-1")
    offender = _offender(earlier)
    later = register_case(
        owner,
        victim=person("Коваленко", "Ірина"),
        offender=services.PersonData(
            last_name="",
            first_name="",
            sex="M",
            existing_person_id=offender.pk,
            relation_to_victim="partner",
        ),
    )
    urgent(police, later, number="ТЗП-2")  # the later case's own order is not counted
    assessment = services.risk_assess(actor=owner, case_id=later.pk, answers={"escalation": True})
    assert (assessment.score, assessment.level) == (4, "medium")
    assert "попередніх приписів щодо кривдника: 1" in assessment.explanation


@pytest.mark.django_db
def test_a_cancelled_order_on_an_earlier_case_does_not_count(owner, police):
    earlier = register_case(owner)
    order = urgent(police, earlier)
    order_services.order_cancel(actor=police, order_id=order.pk, reason="помилка")
    assert (
        orders_count_for_person(
            person=_offender(earlier), before=order.starts_at + timedelta(days=1)
        )
        == 0
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("before", "exclude_own_case", "count"),
    [
        (timedelta(0), False, 0),  # issued at the very moment: not "before"
        (timedelta(microseconds=1), False, 1),
        (timedelta(days=30), False, 1),
        (timedelta(days=30), True, 0),
    ],
)
def test_orders_count_only_orders_issued_before_the_moment_and_on_other_cases(
    owner, police, before, exclude_own_case, count
):
    case = register_case(owner)
    order = urgent(police, case)
    assert (
        orders_count_for_person(
            person=_offender(case),
            before=order.starts_at + before,
            exclude_case_id=case.pk if exclude_own_case else None,
        )
        == count
    )
