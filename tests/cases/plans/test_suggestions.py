"""The safety steps a plan proposes, from the risk questionnaire's answers (pure, no database)."""

from __future__ import annotations

from cases import risk
from cases.plans import suggestions


def _codes(items) -> set[str]:
    return {item.code for item in items}


ALWAYS = {"call_102", "code_word", "phone_ready", "bag_ready"}


def test_every_item_code_the_suggestions_react_to_exists_in_the_questionnaire():
    items = {item.id for item in risk.load_questionnaire().items}
    assert suggestions.referenced_items() <= items


def test_without_any_yes_only_the_steps_for_everyone_are_proposed():
    assert _codes(suggestions.proposed_steps({}, has_children=False)) == ALWAYS


def test_a_no_or_an_unanswered_item_proposes_nothing_of_its_own():
    answers = {"weapon_access": False, "strangling": None, "children_threatened": False}
    assert _codes(suggestions.proposed_steps(answers, has_children=False)) == ALWAYS


def test_access_to_a_weapon_proposes_leaving_instead_of_taking_it_away():
    proposed = _codes(suggestions.proposed_steps({"weapon_access": True}, has_children=False))
    assert {"weapon_leave", "weapon_rooms"} <= proposed
    assert "strangling_doctor" not in proposed


def test_strangling_proposes_a_doctor_and_treating_any_threat_as_an_emergency():
    proposed = _codes(suggestions.proposed_steps({"strangling": True}, has_children=False))
    assert {"strangling_doctor", "strangling_emergency"} <= proposed


def test_children_threatened_proposes_the_childrens_steps():
    proposed = suggestions.proposed_steps({"children_threatened": True}, has_children=False)
    assert {"children_call", "children_school"} <= _codes(proposed)


def test_children_in_the_case_propose_the_childrens_steps_without_a_yes():
    proposed = _codes(suggestions.proposed_steps({}, has_children=True))
    assert {"children_call", "children_school"} <= proposed


def test_a_step_for_everyone_is_not_counted_as_proposed_by_the_risk_assessment():
    call = suggestions.step("call_102")
    weapon = suggestions.step("weapon_leave")
    answers = {"weapon_used": True}
    assert not suggestions.triggered_by(call, answers)
    assert suggestions.triggered_by(weapon, answers)


def test_stalking_adds_what_to_do_when_followed():
    codes = _codes(suggestions.proposed_situations({"stalking": True}, has_children=False))
    assert "followed" in codes
    assert "followed" not in _codes(suggestions.proposed_situations({}, has_children=False))


def test_the_childrens_hotline_is_printed_only_when_there_are_children():
    with_children = [c.phone for c in suggestions.hotlines(has_children=True)]
    without = [c.phone for c in suggestions.hotlines(has_children=False)]
    assert any("116 111" in phone for phone in with_children)
    assert not any("116 111" in phone for phone in without)
    assert "102" in without


def test_no_suggested_text_names_an_address():
    # Places are a name and a phone: a shelter's address is confidential (DOMAIN §4).
    for place in suggestions.PLACES:
        assert any(ch.isdigit() for ch in place.phone)
        assert "вул." not in str(place.name) and "street" not in str(place.name).lower()


def test_steps_come_back_in_the_reference_order_whatever_order_they_were_asked_in():
    codes = [s.code for s in suggestions.steps_in_order(["strangling_doctor", "call_102"])]
    assert codes == ["call_102", "strangling_doctor"]
