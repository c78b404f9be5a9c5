from __future__ import annotations

import pytest

from cases.risk import (
    QuestionnaireError,
    assess,
    explain,
    load_questionnaire,
    questionnaire_from_dict,
)


@pytest.fixture(scope="module")
def questionnaire():
    return load_questionnaire()


def test_the_shipped_questionnaire_loads_and_has_red_flags(questionnaire):
    assert questionnaire.version
    assert {i.id for i in questionnaire.items if i.red_flag} >= {"threats_to_kill", "strangling"}


def test_any_red_flag_makes_the_risk_high_whatever_the_score(questionnaire):
    result = assess(questionnaire, {"strangling": True})
    assert (result.level, result.rule, result.red_flags) == ("high", "red_flag", ("strangling",))
    assert "душив" in explain(result, questionnaire, "uk")


@pytest.mark.parametrize(
    ("answers", "level", "rule"),
    [
        ({}, "low", "score_low"),
        ({"substance_abuse": True, "jealousy_control": True, "stalking": True}, "low", "score_low"),
        ({"escalation": True, "substance_abuse": True, "stalking": True}, "medium", "score_medium"),
        (
            {
                "escalation": True,
                "separation": True,
                "pregnancy": True,
                "order_breached": True,
                "substance_abuse": True,
            },
            "high",
            "score_high",
        ),
    ],
)
def test_score_thresholds_decide_without_red_flags(questionnaire, answers, level, rule):
    result = assess(questionnaire, answers)
    assert (result.level, result.rule) == (level, rule)


def test_thresholds_are_inclusive(questionnaire):
    # escalation 2 + separation 2 = 4 = the medium threshold
    assert assess(questionnaire, {"escalation": True, "separation": True}).level == "medium"


def test_earlier_orders_against_the_offender_raise_the_score(questionnaire):
    answers = {"escalation": True}
    assert assess(questionnaire, answers).level == "low"
    repeat = assess(questionnaire, answers, prior_orders=1)
    assert repeat.level == "medium"
    assert "попередніх приписів" in explain(repeat, questionnaire, "uk")


def test_unanswered_items_count_as_no_but_are_listed(questionnaire):
    result = assess(questionnaire, {"escalation": None, "stalking": False})
    assert "escalation" in result.unanswered
    assert "stalking" not in result.unanswered


def test_unknown_answer_ids_are_refused(questionnaire):
    with pytest.raises(QuestionnaireError, match="no_such_item"):
        assess(questionnaire, {"no_such_item": True})


def test_a_malformed_questionnaire_is_refused():
    with pytest.raises(QuestionnaireError):
        questionnaire_from_dict(
            {"version": "x", "thresholds": {"medium": 5, "high": 3}, "items": []}
        )
