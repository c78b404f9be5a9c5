"""The case list's search box (cases/search.py): numbers, phones and names, read through their
indexes first, and the same answer when there are too many matches to read."""

from __future__ import annotations

import re

import pytest

from cases import search
from cases.selectors import CaseFilters, case_list
from portal.models import District
from tests.cases.factories import person, register_case


def _found(user, term: str) -> list[str]:
    return list(case_list(user=user, filters=CaseFilters(q=term)).values_list("number", flat=True))


@pytest.fixture
def city(owner, outsider):
    """Three cases of the owner's district and one of another district, with phones and names."""
    obolon = District.objects.get(slug="obolonskyi")
    return {
        "oksana": register_case(owner, victim=person("Шевченко", "Оксана", phone="0671112233")),
        "olena": register_case(owner, victim=person("Шевченко", "Олена", phone="0509998877")),
        "maria": register_case(
            owner,
            victim=person("Бондаренко", "Марія", phone="0631234567"),
            offender=person("Бондаренко", "Іван", "M"),
        ),
        "elsewhere": register_case(
            outsider,
            district_id=obolon.pk,
            victim=person("Шевченко", "Оксана", phone="0671112233"),
        ),
    }


def test_a_misspelled_surname_finds_every_case_of_that_name_the_user_sees(owner, city):
    found = _found(owner, "Шевчнко")
    assert sorted(found) == sorted([city["oksana"].number, city["olena"].number])


def test_every_word_of_a_name_must_match(owner, city):
    assert _found(owner, "Шевченко Олена") == [city["olena"].number]


def test_a_phone_in_any_spelling_finds_the_case_by_its_last_nine_digits(owner, city):
    for typed in ["067 111 22 33", "+38 (067) 111-22-33", "380671112233", "671112233"]:
        assert _found(owner, typed) == [city["oksana"].number], typed


def test_a_whole_case_number_or_a_part_of_it_finds_the_case(owner, city):
    number = city["maria"].number
    assert _found(owner, number) == [number]
    assert _found(owner, number.lower()) == [number]
    assert number in _found(owner, number[-7:])


def test_digits_beside_a_name_do_not_hide_the_name(owner, city):
    assert sorted(_found(owner, "Шевченко 2024")) == sorted(
        [city["oksana"].number, city["olena"].number]
    )


def test_a_name_nobody_has_finds_nothing(owner, city):
    assert _found(owner, "Ґудзь") == []


def test_another_districts_case_is_neither_found_nor_counted(owner, outsider, city):
    for term in ["Шевченко Оксана", "0671112233", city["elsewhere"].number]:
        assert city["elsewhere"].number not in _found(owner, term), term
        assert city["oksana"].number not in _found(outsider, term), term
        assert case_list(user=outsider, filters=CaseFilters(q=term)).count() == 1, term


@pytest.mark.parametrize(
    "term", ["Шевчнко", "Шевченко Олена", "067 111 22 33", "Ґудзь", "2024", "Бондаренко Іван"]
)
def test_too_many_matches_to_read_give_the_same_cases(owner, city, monkeypatch, term):
    read_first = _found(owner, term)
    monkeypatch.setattr(search, "IDS_CAP", 0)  # every match "too many": the rules instead
    assert sorted(_found(owner, term)) == sorted(read_first)


def test_the_search_reads_the_matches_once_whatever_their_number(owner, city, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        list(case_list(user=owner, filters=CaseFilters(q="Шевчнко"))[:25])
    for _ in range(20):
        register_case(owner, victim=person("Шевченко", "Ганна"))
    with CaptureQueriesContext(connection) as many:
        list(case_list(user=owner, filters=CaseFilters(q="Шевчнко"))[:25])
    # the people's ids, their cases' ids, the page
    assert len(few) == len(many) == 3
    assert all("= ANY(" in query["sql"] for query in many[1:])


def test_a_name_needs_a_word_of_three_letters_and_its_words_no_digit():
    assert search.name_words("О. Шевченко Мар'яна 2024") == ["шевченко", "мар'яна"]
    assert search.name_words("Ус Ірина") == ["ус", "ірина"]
    assert search.name_words("Ус --- ?") == []
    assert search.searchable("0166574") and search.searchable("Бон")
    assert not search.searchable("--- ?") and not search.searchable("Ус")


@pytest.mark.parametrize("term", ["---", "'", "Ус", "ш", "Ш" * 101])
def test_a_term_the_box_cannot_look_for_is_refused_with_a_message(client, owner, city, term):
    client.force_login(owner)
    response = client.get("/cases/", {"q": term, "district": "darnytskyi"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "is-invalid" in page
    assert (
        "Введіть щонайменше три літери імені чи прізвища або цифри номера справи чи телефону"
        in page
        or "не більше ніж 100 символів" in page
    )
    # what was typed stays in the box; the list is not narrowed by a guess
    assert city["maria"].number in page


@pytest.fixture
def namesakes(owner):
    """Коваленко Олена reported first, then three near names, each newer than the last."""
    from datetime import timedelta

    from django.utils import timezone

    def case(last_name: str, first_name: str, days_ago: int):
        return register_case(
            owner,
            victim=person(last_name, first_name),
            offender=person("Мельник", "Петро", "M"),
            reported_at=timezone.now() - timedelta(days=days_ago),
        )

    return {
        "exact": case("Коваленко", "Олена", 30),
        "first name": case("Коваленко", "Ольга", 20),
        "surname": case("Коваль", "Олена", 10),
        "both": case("Ковальчук", "Оленка", 5),
    }


def test_the_closest_names_come_first_and_newest_first_among_equals(owner, namesakes):
    found = _found(owner, "Коваленко Олена")
    assert found[0] == namesakes["exact"].number
    # every other case found is less close, however much newer
    assert len(found) > 1 and namesakes["exact"].number not in found[1:]


def test_a_case_ending_or_a_typo_still_puts_the_closest_name_first(owner, namesakes):
    assert _found(owner, "Коваленка Олена")[0] == namesakes["exact"].number
    assert _found(owner, "олена коваленко")[0] == namesakes["exact"].number


def test_newest_first_when_the_user_asks_for_it(owner, namesakes):
    filters = CaseFilters(q="Коваленко Олена", sort="reported")
    found = list(case_list(user=owner, filters=filters).values_list("number", flat=True))
    assert set(found) == set(_found(owner, "Коваленко Олена"))
    dates = list(case_list(user=owner, filters=filters).values_list("reported_at", flat=True))
    assert dates == sorted(dates, reverse=True)
    assert found[-1] == namesakes["exact"].number


def test_without_a_search_the_best_match_is_the_newest(owner, namesakes):
    found = list(case_list(user=owner, filters=CaseFilters()).values_list("number", flat=True))
    assert found[0] == namesakes["both"].number and found[-1] == namesakes["exact"].number


def test_a_number_or_a_phone_ranks_every_case_it_finds_alike(owner, city):
    found = case_list(user=owner, filters=CaseFilters(q="0671112233"))
    assert {case.search_rank for case in found} == {0}


def test_closeness_is_ranked_in_tenths():
    assert [search.rank_of(score) for score in (1.0, 0.96, 0.94, 0.5, 0.0)] == [0, 0, 1, 5, 10]


def test_too_many_matches_to_score_are_found_newest_first(owner, namesakes, monkeypatch):
    monkeypatch.setattr(search, "IDS_CAP", 0)
    found = list(
        case_list(user=owner, filters=CaseFilters(q="Коваленко Олена")).values_list(
            "reported_at", flat=True
        )
    )
    assert found == sorted(found, reverse=True)


def test_the_list_page_shows_the_closest_first_and_offers_the_order(client, owner, namesakes):
    client.force_login(owner)
    page = client.get("/cases/", {"q": "Коваленко Олена"}).content.decode()
    others = [case.number for key, case in namesakes.items() if key != "exact"]
    assert page.index(namesakes["exact"].number) < min(
        page.index(number) for number in others if number in page
    )
    # the first option, which the browser shows when none is chosen
    assert re.search(r'<select name="sort"[^>]*>\s*<option value="best">найточніші збіги', page)
    chosen = client.get("/cases/", {"q": "Коваленко Олена", "sort": "reported"}).content.decode()
    assert '<option value="reported" selected>спершу нові</option>' in chosen
    assert page.count('<option value="best"') == 1


def test_the_export_of_a_search_lists_the_closest_names_first(client, coordinator, namesakes):
    import csv
    import io

    client.force_login(coordinator)
    response = client.get("/cases/export.csv", {"q": "Коваленко Олена"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    assert rows[0][0] == namesakes["exact"].number
    assert rows[0][7] == "Коваленко Олена"
    assert len(rows) == len(_found(coordinator, "Коваленко Олена"))
