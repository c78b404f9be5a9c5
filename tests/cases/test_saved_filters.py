"""Saved filters of the case list: a worker names the filters she uses every day and finds them
above the list; the search text (a surname, a phone) is never kept; another user's filter is
answered like a missing one; bad input says why in Ukrainian and saves nothing."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from django.http import QueryDict

from cases import services
from cases.models import SavedFilter
from cases.services.filters import MAX_SAVED_FILTERS
from portal.models import AuditEvent


def _save(client, name, query):
    return client.post("/cases/filters/", {"name": name, "query": query}, follow=True)


def test_a_worker_saves_her_filters_and_finds_them_above_the_list(client, owner):
    client.force_login(owner)
    page = client.get("/cases/?risk_level=high&status=in_work&mine=on").content.decode()
    assert 'data-testid="save-filter"' in page

    answer = _save(client, "Мої високого ризику", "risk_level=high&status=in_work&mine=on")
    assert "Фільтр «Мої високого ризику» збережено." in answer.content.decode()
    saved = SavedFilter.objects.get(user=owner)
    assert parse_qs(saved.query) == {
        "status": ["in_work"],
        "risk_level": ["high"],
        "mine": ["on"],
    }
    # Saving lands on the list filtered as saved, and the list offers the filter by its name.
    assert answer.redirect_chain[-1][0].endswith(f"?{saved.query}")
    page = client.get("/cases/").content.decode()
    assert f'href="/cases/?{saved.query.replace("&", "&amp;")}"' in page
    assert "Мої високого ризику" in page
    assert AuditEvent.objects.filter(action="create", object_type="cases.savedfilter").exists()


def test_the_search_text_is_not_kept_and_the_page_says_so(client, owner):
    client.force_login(owner)
    page = client.get("/cases/?q=Петренко&risk_level=high").content.decode()
    assert "Текст пошуку не зберігається" in page
    _save(client, "Високий", "q=Петренко&risk_level=high&page=3")
    saved = SavedFilter.objects.get(user=owner)
    assert saved.query == "risk_level=high"
    assert "Петренко" not in saved.query


def test_a_list_without_filters_offers_nothing_to_save(client, owner):
    client.force_login(owner)
    page = client.get("/cases/").content.decode()
    assert 'data-testid="save-filter"' not in page
    assert "поки немає" in page


@pytest.mark.parametrize(
    ("name", "query", "message"),
    [
        ("", "risk_level=high", "Назвіть фільтр."),
        ("   ", "risk_level=high", "Назвіть фільтр."),
        ("x" * 61, "risk_level=high", "Назва задовга"),
        ("Нічого", "q=Петренко", "Виберіть хоча б один фільтр"),
        ("Криве", "risk_level=purple", "Фільтри неправильні"),
        ("Дати", "date_from=31.02.2026", "Фільтри неправильні"),
        ("Сміття", "%%%&=&risk_level", "Виберіть хоча б один фільтр"),
    ],
)
def test_bad_input_says_why_and_saves_nothing(client, owner, name, query, message):
    client.force_login(owner)
    answer = _save(client, name, query)
    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert not SavedFilter.objects.exists()


def test_a_null_byte_is_refused_before_anything_is_saved(client, owner):
    client.force_login(owner)
    assert _save(client, "Сміття", "risk_level=high\x00").status_code == 400
    assert not SavedFilter.objects.exists()


def test_a_name_is_used_once_and_a_handful_is_the_most(client, owner):
    client.force_login(owner)
    _save(client, "Високий", "risk_level=high")
    answer = _save(client, "високий", "risk_level=medium")
    assert "У вас уже є фільтр із такою назвою." in answer.content.decode()
    for n in range(MAX_SAVED_FILTERS - 1):
        services.saved_filter_add(actor=owner, name=f"Фільтр {n}", query=QueryDict("mine=on"))
    answer = _save(client, "Зайвий", "risk_level=low")
    assert "щонайбільше 20 фільтрів" in answer.content.decode()
    assert SavedFilter.objects.filter(user=owner).count() == MAX_SAVED_FILTERS


def test_a_worker_deletes_her_filter_but_not_someone_elses(client, owner, colleague):
    mine = services.saved_filter_add(actor=owner, name="Мій", query=QueryDict("mine=on"))
    theirs = services.saved_filter_add(actor=colleague, name="Колегин", query=QueryDict("mine=on"))
    client.force_login(owner)
    assert client.post(f"/cases/filters/{theirs.pk}/delete/").status_code == 404
    assert client.post("/cases/filters/987654/delete/").status_code == 404
    assert SavedFilter.objects.filter(pk=theirs.pk).exists()
    assert "Колегин" not in client.get("/cases/").content.decode()
    assert client.get(f"/cases/filters/{mine.pk}/delete/").status_code == 405
    client.post(f"/cases/filters/{mine.pk}/delete/")
    assert not SavedFilter.objects.filter(pk=mine.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_type="cases.savedfilter").exists()


@pytest.mark.parametrize("persona", ["provider", "secretariat", "executor"])
def test_those_without_a_case_list_cannot_save_one(client, personas, persona):
    client.force_login(personas[persona])
    assert _save(client, "Моє", "risk_level=high").status_code == 404
    assert not SavedFilter.objects.exists()


def _filters_block(client, query: str = "") -> str:
    page = client.get(f"/cases/{query}").content.decode()
    start = page.index('data-testid="case-filters"')
    return page[page.rindex("<details", 0, start) : page.index("</summary>", start)]


def test_the_filters_fold_under_the_search_box_until_one_is_set_or_refused(client, owner):
    """On a phone the list starts under the search box; a filter in force, or a refused one
    with its message, keeps them open and counted (static/portal/layout.js opens them on a
    wider screen)."""
    client.force_login(owner)
    folded = _filters_block(client)
    assert "data-open-wide" in folded and " open" not in folded
    assert folded.endswith("Фільтри")
    two = _filters_block(client, "?risk_level=high&mine=on&q=Шевченко")
    assert " open" in two and two.endswith("Фільтри (2)")
    refused = _filters_block(client, "?date_from=31.02.2026")
    assert " open" in refused and refused.endswith("Фільтри (1)")
    # The order is folded with them: one other than the first is shown; the search box is not.
    assert _filters_block(client, "?sort=risk").endswith("Фільтри (1)")
    assert " open" not in _filters_block(client, "?q=" + "я" * 1000)
