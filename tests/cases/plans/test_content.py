"""What changed between two versions of a plan, in words for its history and as bare section
names for the case timeline (pure, no database)."""

from __future__ import annotations

from django.utils import translation

from cases.plans.content import (
    Change,
    SafetyContent,
    case_plan_changes,
    describe,
    safety_changes,
    sections_changed,
)

SISTER = {"name": "Марія Коваль", "phone": "+380501112233", "relation": "сестра"}


def _plan(**values) -> SafetyContent:
    return SafetyContent(**values)


def test_the_first_version_counts_everything_filled_in_as_added():
    changes = safety_changes(None, _plan(contacts=(SISTER,), documents=("passport",)))
    assert [(c.section, c.kind) for c in changes] == [
        ("contacts", "added"),
        ("documents", "added"),
    ]


def test_an_unchanged_plan_has_no_changes_whatever_the_order_of_its_rows():
    brother = {"name": "Іван", "phone": "0671112233", "relation": "брат"}
    old = _plan(contacts=(SISTER, brother))
    assert safety_changes(old, _plan(contacts=(brother, SISTER))) == []


def test_a_changed_phone_is_the_old_contact_removed_and_the_new_one_added():
    new = {**SISTER, "phone": "+380509998877"}
    changes = safety_changes(_plan(contacts=(SISTER,)), _plan(contacts=(new,)))
    assert {(c.kind, c.subject) for c in changes} == {
        ("removed", "Марія Коваль, +380501112233, сестра"),
        ("added", "Марія Коваль, +380509998877, сестра"),
    }


def test_switching_the_discreet_title_is_a_change():
    changes = safety_changes(_plan(discreet_title=True), _plan(discreet_title=False))
    assert [c.section for c in changes] == ["discreet_title"]
    with translation.override("uk"):
        assert describe(changes[0]) == "змінено — непримітна назва: так → ні"


def test_the_timeline_gets_section_names_and_never_the_values():
    changes = safety_changes(
        _plan(), _plan(contacts=(SISTER,), situations=({"situation": "s", "action": "a"},))
    )
    with translation.override("uk"):
        names = sections_changed(changes)
    assert names == ["безпечні контакти", "що робити, коли"]
    assert not any("Марія" in name or "+380" in name for name in names)


def test_the_history_gets_the_values_in_words():
    with translation.override("uk"):
        line = describe(Change("contacts", "added", "Марія, +380501112233, сестра"))
    assert line == "додано — безпечні контакти: Марія, +380501112233, сестра"


def _snapshot(*actions, goal_text="Безпечне житло"):
    return {"goals": [{"id": 1, "text": goal_text, "actions": list(actions)}]}


ACTION = {
    "id": 7,
    "text": "Супровід до юриста",
    "organisation": "ЦСС",
    "person": "Олена",
    "due": "10.03.2025",
    "status": "planned",
}


def test_a_new_goal_and_its_action_are_both_added():
    changes = case_plan_changes(None, _snapshot(ACTION))
    assert [(c.section, c.kind) for c in changes] == [("goal", "added"), ("action", "added")]


def test_an_actions_status_and_due_date_are_changes_of_that_action_only():
    after = {**ACTION, "status": "done", "due": "12.03.2025"}
    changes = case_plan_changes(_snapshot(ACTION), _snapshot(after))
    assert len(changes) == 1
    assert changes[0].fields == (("due", "10.03.2025", "12.03.2025"), ("status", "planned", "done"))
    with translation.override("uk"):
        assert sections_changed(changes) == ["дія: строк, стан"]
        line = describe(changes[0], {"status": {"planned": "заплановано", "done": "виконано"}})
    assert "заплановано → виконано" in line
    assert "10.03.2025 → 12.03.2025" in line


def test_a_goal_removed_with_its_action_says_both():
    changes = case_plan_changes(_snapshot(ACTION), {"goals": []})
    assert {(c.section, c.kind) for c in changes} == {("goal", "removed"), ("action", "removed")}


def test_a_change_survives_its_trip_through_json():
    change = Change("action", "changed", "x", (("status", "planned", "done"),))
    assert Change.from_json(change.as_json()) == change
