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


def _questionnaire(**changes) -> dict:
    data = {
        "version": "t",
        "thresholds": {"medium": 3, "high": 6},
        "items": [
            {"id": "a", "text_uk": "А", "text_en": "A", "weight": 2},
            {"id": "b", "text_uk": "Б", "text_en": "B", "weight": 4, "red_flag": True},
        ],
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"items": [{"id": "a", "weight": 1}]}, "malformed"),  # no texts
        ({"thresholds": {"medium": "many", "high": 6}}, "malformed"),
        (
            {
                "items": [
                    {"id": "a", "text_uk": "А", "text_en": "A", "weight": 1},
                    {"id": "a", "text_uk": "А", "text_en": "A", "weight": 2},
                ]
            },
            "unique",
        ),
        ({"thresholds": {"medium": 0, "high": 6}}, "0 < medium < high"),
        ({"items": [{"id": "a", "text_uk": "А", "text_en": "A", "weight": -1}]}, "negative"),
    ],
)
def test_each_kind_of_broken_questionnaire_is_refused_with_its_reason(changes, message):
    with pytest.raises(QuestionnaireError, match=message):
        questionnaire_from_dict(_questionnaire(**changes))


def test_an_item_that_is_not_in_the_questionnaire_is_refused_by_name():
    questionnaire = questionnaire_from_dict(_questionnaire())
    assert questionnaire.item("b").red_flag
    with pytest.raises(QuestionnaireError, match="'z'"):
        questionnaire.item("z")


def test_the_rule_is_explained_in_english_too_with_the_earlier_orders():
    questionnaire = questionnaire_from_dict(_questionnaire(prior_orders_weight=1))
    red = assess(questionnaire, {"b": True})
    assert explain(red, questionnaire, "en") == "High: red-flag item answered yes — «B»."
    # Two earlier orders count, a third adds nothing: 2 + min(5, 2) = 4, medium from 3.
    medium = assess(questionnaire, {"a": True}, prior_orders=5)
    assert (medium.level, medium.score) == ("medium", 4)
    assert explain(medium, questionnaire, "en") == (
        "Medium: score 4 (including earlier orders against the offender: 5); "
        "medium from 3, high from 6."
    )
