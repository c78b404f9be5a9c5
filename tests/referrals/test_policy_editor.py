"""The routing policy edited rule by rule by a coordinator who does not write JSON: every rule in
words, a form per rule with Ukrainian labels and messages, the draft carried from step to step,
nothing in force until it is previewed and published; the JSON stays as the advanced view."""

from __future__ import annotations

import html
import json
import re

import pytest

from referrals.models import RoutingPolicy
from referrals.policy_editor import split_condition
from referrals.routing.words import condition_words


def _visible(html: str) -> str:
    """The page as read: without the JSON draft, the hidden fields and the tags' attributes."""
    html = re.sub(r"<textarea.*?</textarea>", "", html, flags=re.S)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _active() -> RoutingPolicy:
    return RoutingPolicy.objects.get(is_active=True)


def _draft(client) -> str:
    return json.dumps({"rules": _active().rules}, ensure_ascii=False)


def _open(client, rule_id: str, draft: str | None = None):
    return client.post(
        "/referrals/policy/", {"action": f"edit:{rule_id}", "rules": draft or _draft(client)}
    )


def _form_data(page: str) -> dict:
    """The rule form's fields as the browser would send them back."""
    form = re.search(r'data-testid="rule-form".*?</form>', page, re.S).group(0)
    data = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        data[name] = html.unescape(value)
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, value in re.findall(r'<input type="number" name="([^"]+)" value="([^"]*)"', form):
        data[name] = value
    radio = r'<input type="radio" name="([^"]+)" value="([^"]*)"[^>]*checked'
    for name, value in re.findall(radio, form):
        data[name] = value
    if re.search(r'name="requires_consent"[^>]*checked', form):
        data["requires_consent"] = "on"
    description = re.search(r'<textarea name="description"[^>]*>(.*?)</textarea>', form, re.S)
    data["description"] = description.group(1).strip() if description else ""
    data["action"] = "save_rule"
    return data


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_every_rule_is_shown_in_words_without_codes(coordinator_client):
    page = coordinator_client.get("/referrals/policy/").content.decode()
    text = _visible(page)
    assert text.count("Правило ") >= len(_active().rules)
    assert "Притулок" in text and "кімната кризового реагування" in text.lower()
    assert "повідомлення надійшло через поліцію" in text
    codes = ("R6", "police_notice", "risk_level", "received_by_police", '"when"', "working_days")
    for code in codes:
        assert code not in text


def test_a_rule_opens_in_a_form_with_its_values(coordinator_client):
    page = _open(coordinator_client, "R6").content.decode()
    data = _form_data(page)
    assert data["service"] == "shelter"
    assert data["when_mode"] == "all"
    assert (data["fact_0"], data["op_0"], data["value_0"]) == ("needs", "contains", "needs=shelter")
    assert (data["deadline_amount"], data["deadline_unit"]) == ("1", "days")
    # What the form does not edit is said in words.
    assert "якщо немає вільних місць" in _visible(page)


def test_saving_a_rule_changes_the_draft_and_only_publishing_puts_it_in_force(coordinator_client):
    data = _form_data(_open(coordinator_client, "R6").content.decode())
    data["deadline_amount"] = "3"
    data["value_0"] = "needs=medical"
    page = coordinator_client.post("/referrals/policy/", data).content.decode()
    assert "Правило змінено в чернетці" in page
    assert 'data-testid="draft-changed"' in page
    assert "Що зміниться за чернеткою" in page or 'data-testid="preview' in page
    assert _active().version == 1  # nothing in force yet

    draft = re.search(r'<textarea[^>]*name="rules"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    draft = html.unescape(draft)
    coordinator_client.post(
        "/referrals/policy/", {"action": "publish", "rules": draft, "note": "Строк 3 дні"}
    )
    rule = next(r for r in _active().rules if r["id"] == "R6")
    assert _active().version == 2
    assert rule["deadline"]["default"] == {"days": 3}
    assert rule["when"] == {"fact": "needs", "contains": "medical"}
    # What the form did not edit came through as it was.
    assert rule["fallback"]["service"] == "crisis_room"
    assert rule["deadline"]["cases"][0]["deadline"] == {"hours": 2}


def test_a_composed_condition_is_kept_as_it_is(coordinator_client):
    page = _open(coordinator_client, "R3").content.decode()
    data = _form_data(page)
    assert data["when_mode"] == "keep"
    assert "залишити як є" in page
    data["deadline_amount"] = "2"
    page = coordinator_client.post("/referrals/policy/", data).content.decode()
    assert "Правило змінено в чернетці" in page
    draft = json.loads(
        html.unescape(
            re.search(r'<textarea[^>]*name="rules"[^>]*>(.*?)</textarea>', page, re.S).group(1)
        )
    )
    before = next(r for r in _active().rules if r["id"] == "R3")
    after = next(r for r in draft["rules"] if r["id"] == "R3")
    assert after["when"] == before["when"]
    assert after["deadline"]["default"] == {"days": 2}


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"when_mode": "all", "fact_0": "", "value_0": ""}, "Додайте хоча б одну умову"),
        ({"fact_0": "injuries", "value_0": "needs=shelter"}, "Цей факт — так чи ні"),
        ({"fact_0": "victim.age", "op_0": "lt", "number_0": ""}, "Цей факт — число"),
        ({"fact_0": "risk_level", "op_0": "gt", "value_0": "risk_level=high"}, "«є» або «не є»"),
        ({"fact_0": "risk_level", "value_0": "needs=shelter"}, "Виберіть значення цього факту"),
        ({"fact_0": "", "value_0": "yes"}, "Виберіть, про що умова"),
        ({"deadline_amount": "0"}, "більше чи дорівнює 1"),
        ({"deadline_amount": "абв"}, "Введіть ціле число"),
        ({"service": "teleport"}, "Виберіть варіант зі списку"),
        ({"deadline_unit": "weeks"}, "Виберіть варіант зі списку"),
        ({"description": ""}, "Це поле обов"),
        ({"rule_id": "R99"}, "Цього правила вже немає в чернетці"),
        ({"rules": "{not json"}, "Некоректний JSON"),
    ],
)
def test_bad_input_says_why_in_ukrainian_and_changes_nothing(
    coordinator_client, change, field_message
):
    data = _form_data(_open(coordinator_client, "R6").content.decode())
    data.update(change)
    answer = coordinator_client.post("/referrals/policy/", data)
    assert answer.status_code == 400
    assert field_message in answer.content.decode()
    assert _active().version == 1 and RoutingPolicy.objects.count() == 1


def test_a_new_rule_is_added_and_a_rule_is_removed_in_the_draft(coordinator_client):
    page = coordinator_client.post(
        "/referrals/policy/", {"action": "new", "rules": _draft(coordinator_client)}
    ).content.decode()
    assert "Нове правило" in page
    data = _form_data(page)
    data.update(
        description="Інвалідність: психологічна допомога",
        service="psychological",
        when_mode="all",
        fact_0="victim.disability",
        op_0="eq",
        value_0="yes",
        deadline_amount="5",
        deadline_unit="working_days",
    )
    page = coordinator_client.post("/referrals/policy/", data).content.decode()
    assert "Інвалідність: психологічна допомога" in page
    assert "постраждала особа має інвалідність" in _visible(page)
    count = len(_active().rules)
    assert _visible(page).count("Правило ") >= count + 1

    draft = html.unescape(
        re.search(r'<textarea[^>]*name="rules"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    )
    new_id = json.loads(draft)["rules"][-1]["id"]
    assert new_id == f"R{count + 1}"
    page = coordinator_client.post(
        "/referrals/policy/", {"action": f"delete:{new_id}", "rules": draft}
    ).content.decode()
    assert "Правило вилучено з чернетки" in page
    assert "Інвалідність: психологічна допомога" not in page


def test_opening_a_rule_that_is_not_in_the_draft_says_so(coordinator_client):
    answer = _open(coordinator_client, "R404")
    assert answer.status_code == 400
    assert "Цього правила вже немає в чернетці" in answer.content.decode()


@pytest.mark.parametrize("persona", ["owner", "provider", "police", "secretariat", "head"])
def test_only_those_who_edit_the_policy_reach_the_editor(client, personas, persona):
    client.force_login(personas[persona])
    assert client.post("/referrals/policy/", {"action": "edit:R6"}).status_code == 404
    assert client.get("/referrals/policy/").status_code == 404


def test_conditions_read_as_sentences():
    assert condition_words(True) == "завжди" or condition_words(True) == "always"
    mode, rows = split_condition({"any": [{"fact": "risk_level", "eq": "high"}]})
    assert (mode, len(rows)) == ("any", 1)
    assert split_condition({"all": [{"any": []}]})[0] == "keep"


@pytest.mark.django_db
def test_the_first_policy_and_its_rules_read_in_ukrainian():
    """The policy that migrations load is what an administrator and a coordinator first see:
    its note and every rule's description are Ukrainian, naming the law, not a developers'
    document."""
    first = RoutingPolicy.objects.get(version=1)
    texts = [first.note, *(rule["description"] for rule in first.rules)]
    assert "постанова КМУ № 658" in first.note
    assert all(re.search("[а-яіїєґ]", text) for text in texts)
    assert not any(re.search(r"DOMAIN|\bthe\b|§", text) for text in texts)
