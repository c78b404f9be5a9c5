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
