"""The audit log's "Detail" column in words: what a page of records showed, and the pages a
user asked for that do not exist for them; anything else as it was written."""

from __future__ import annotations

import pytest
from django.utils import translation

from portal.audit_words import detail_in_words


@pytest.mark.parametrize(
    ("detail", "ukrainian"),
    [
        ("list: 12", "Список: показано 1 запис (12)"),
        ("search: 12,13,14", "Пошук: показано 3 записи (12, 13, 14)"),
        ("inbox: 1,2,3,4,5", "Вхідні: показано 5 записів (1, 2, 3, 4, 5)"),
        ("dashboard: 7,8", "Панель: показано 2 записи (7, 8)"),
        ("calendar: 21", "Календар закінчення приписів: показано 1 запис (21)"),
        ("lookup: 3,4", "Пошук відомих осіб під час прийому: показано 2 записи (3, 4)"),
        (
            "404 GET /programme/measures/22/",
            "Не знайдено для цього користувача: GET /programme/measures/22/",
        ),
    ],
)
def test_reads_and_refusals_are_put_in_the_readers_words(detail, ukrainian):
    with translation.override("uk"):
        assert detail_in_words(detail) == ukrainian


def test_english_readers_get_english_words():
    with translation.override("en"):
        assert detail_in_words("search: 12,13") == "Search: 2 records shown (12, 13)"
        assert detail_in_words("list: 5") == "List: 1 record shown (5)"


@pytest.mark.parametrize(
    "detail",
    [
        "КИЇВ-2026-000123",  # a case number
        "reason moved_away",
        "unknown: 1,2",  # not a page that reads records
        "list: 1,2; and more",  # not only ids
        "list:",
        "",
        "404 GET",
    ],
)
def test_any_other_detail_is_shown_as_it_was_written(detail):
    with translation.override("uk"):
        assert detail_in_words(detail) == detail


@pytest.mark.parametrize(
    ("object_type", "detail", "ukrainian"),
    [
        ("cases.case", "status in_work", "Статус: У роботі"),
        ("cases.case", "consent True", "Згода на передання даних: надана"),
        ("cases.case", "closed: goals_reached", "Закрито: цілі плану роботи з випадком досягнуто"),
        (
            "cases.closurerequest",
            "reason moved_away",
            "Підстава закриття: постраждала особа переїхала",
        ),
        ("cases.riskassessment", "high", "Рівень ризику: високий"),
        ("cases.case", "КИЇВ-2026-000123 summary", "КИЇВ-2026-000123: довідка про випадок (PDF)"),
        ("cases.caseteam", "until 2026-12-31", "Працює до 31.12.2026"),
        (
            "cases.case",
            "grant view+change to olena until 2026-12-31",
            "Надано доступ: olena, до 31.12.2026",
        ),
        (
            "cases.person",
            "merged person 5 into 3 (merge 2)",
            "Особу № 5 об'єднано з № 3 (об'єднання № 2)",
        ),
        ("cases.task", "done", "Виконано"),
        ("orders.orderappeal", "outcome upheld", "Рішення суду: припис залишено в силі"),
        ("orders.offenderprogramme", "dropped_out", "Стан програми: припинив участь"),
        ("referrals.referral", "accepted", "Статус: прийнято"),
        ("referrals.referral", "shelter", "Послуга: Притулок"),
        (
            "referrals.referral",
            "escalated to coordinator",
            "Немає відповіді вчасно: передано координатору",
        ),
        ("referrals.holiday", "holiday 2026-01-01", "Вихідний день: 01.01.2026"),
        (
            "programme.progress",
            "1.2 2026 Q3 late",
            "Захід 1.2, 3 квартал 2026: звіт подано із запізненням",
        ),
        ("programme.meeting", "status agenda_sent", "Засідання: порядок денний надіслано"),
        ("programme.meeting", "reply will_not", "Відповідь на порядок денний: не візьме участі"),
        ("programme.agendamaterial", "orders_ytd 14", "Матеріал: термінові приписи з початку року"),
        (
            "portal.membership",
            "added: Олена Петренко head @ 3",
            "Роль «Керівник організації» надано: Олена Петренко",
        ),
        ("portal.user", "wrong two-factor code", "Неправильний код двофакторної перевірки"),
        ("cases.caseplan", "v3 submitted", "Версія 3: надіслано на затвердження"),
        (
            "cases.caseteam",
            "member police (police); reads case: True",
            "police у команді (поліція); бачить випадок",
        ),
        ("cases.conference", "team 1; 5 decision(s)", "Нарада команди: 5 рішень"),
        ("programme.programme", "structure v2: 3 change(s)", "Структура, версія 2: 3 зміни"),
    ],
)
def test_the_apps_details_read_in_words_with_codes_by_their_labels(object_type, detail, ukrainian):
    with translation.override("uk"):
        assert detail_in_words(detail, object_type) == ukrainian


def test_a_code_is_put_in_words_only_on_the_objects_it_belongs_to():
    with translation.override("uk"):
        # A meeting's status is not a case's, and a word no catalogue knows stays as written.
        assert detail_in_words("status held", "programme.meeting") == "Засідання: проведене"
        assert detail_in_words("status held", "cases.case") == "Статус: held"
        assert detail_in_words("high", "cases.case") == "high"
        assert detail_in_words("status in_work") == "status in_work"


def _fixed_details(module) -> set[str]:
    """The constant texts a module gives an audit event's detail: `detail="…"` in a call of
    audit_record, and through a variable `detail` (`detail = "a" if x else "b"`, or a value
    of a module's dict of texts: `detail = _REFUSED[why]`)."""
    import ast

    dicts = {
        target.id: node.value
        for node in module.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
        for target in node.targets
        if isinstance(target, ast.Name)
    }

    def texts(value) -> set[str]:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return {value.value}
        if isinstance(value, ast.IfExp):
            return texts(value.body) | texts(value.orelse)
        if isinstance(value, ast.Subscript) and getattr(value.value, "id", "") in dicts:
            return set().union(*(texts(text) for text in dicts[value.value.id].values))
        return set()

    details: set[str] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit_record":
            for keyword in node.keywords:
                if keyword.arg == "detail":
                    details |= texts(keyword.value)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = (
                    zip(target.elts, node.value.elts, strict=False)
                    if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                    else [(target, node.value)]
                )
                for name, value in pairs:
                    if getattr(name, "id", "") == "detail":
                        details |= texts(value)
    return details


def test_every_fixed_detail_the_code_writes_reads_in_words():
    """Generated from the source: each audit_record(..., detail="<a constant>") of the apps has
    its words, so a new fixed detail cannot reach the log as an English code."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    constants = set()
    for app in ["portal", "cases", "orders", "referrals", "programme"]:
        for path in (root / app).rglob("*.py"):
            constants |= _fixed_details(ast.parse(path.read_text()))
    assert len(constants) > 20
    assert {"wrong password", "unknown user name"} <= constants  # through a variable
    with translation.override("uk"):
        raw = sorted(detail for detail in constants if detail_in_words(detail) == detail)
    assert raw == []


def test_an_organisation_written_by_its_code_is_named(organisations):
    darnytskyi = organisations["css_darnytskyi"]
    with translation.override("uk"):
        words = detail_in_words(f"to {darnytskyi.code}", "cases.casetransfer")
        assert words == f"Ведення запропоновано: {darnytskyi.display_name}"
        assert darnytskyi.code not in words
        # A code that names no organisation (a removed one) is shown as it was written.
        assert detail_in_words("to gone-1", "cases.casetransfer") == "Ведення запропоновано: gone-1"


def test_a_page_or_an_export_asks_for_each_named_organisation_once(
    organisations, django_assert_num_queries
):
    from portal.audit_words import names_remembered

    darnytskyi, shelter = organisations["css_darnytskyi"], organisations["shelter"]
    details = [f"to {darnytskyi.code}", f"to {shelter.code}"] * 20 + [
        f"lead {darnytskyi.code} -> {shelter.code}"
    ]
    with django_assert_num_queries(2), names_remembered():
        words = [detail_in_words(detail, "cases.casetransfer") for detail in details]
        # A block inside keeps what the outer one found (an export reads pages of rows).
        with names_remembered():
            detail_in_words(f"to {shelter.code}", "cases.casetransfer")
    assert words[0].endswith(darnytskyi.display_name) and words[1].endswith(shelter.display_name)
    # Outside a block, each detail asks again: a name is never kept from one page to the next.
    with django_assert_num_queries(1):
        detail_in_words(f"to {darnytskyi.code}", "cases.casetransfer")
