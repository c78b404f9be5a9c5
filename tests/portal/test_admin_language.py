"""The Django admin speaks the reader's language and none of its lists fails."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile(r"[А-Яа-яІіЇїЄєҐґ]")


def _index_names(client) -> list[str]:
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 200
    html = response.content.decode()
    apps = re.findall(r"<caption>\s*<a [^>]*>(.*?)</a>", html, re.S)
    models = re.findall(r'<th scope="row"[^>]*>\s*<a [^>]*>(.*?)</a>', html, re.S)
    assert apps and models
    return [name.strip() for name in [*apps, *models]]


def test_the_admin_names_its_applications_in_ukrainian(client, admin_user):
    client.force_login(admin_user)
    english = [name for name in _index_names(client) if not CYRILLIC.search(name)]
    assert english == []


def test_the_admin_tables_hidden_headers_are_read_aloud_in_ukrainian(client, admin_user):
    # Visually hidden, but a screen reader reads them out; Django's catalogue lacks them.
    client.force_login(admin_user)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html, re.S)
    assert headers and all(CYRILLIC.search(header) for header in headers), headers


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_admin_list_and_add_form_opens(client, admin_user, model):
    client.force_login(admin_user)
    info = f"{model._meta.app_label}_{model._meta.model_name}"
    assert client.get(reverse(f"admin:{info}_changelist")).status_code == 200
    model_admin = admin.site._registry[model]
    request = client.get("/admin/").wsgi_request
    if model_admin.has_add_permission(request):
        assert client.get(reverse(f"admin:{info}_add")).status_code == 200


def test_the_administrator_finds_the_admin_in_the_menu_and_nobody_else_does(
    client, admin_user, coordinator
):
    client.force_login(admin_user)
    assert 'href="/admin/"' in client.get("/").content.decode()
    client.force_login(coordinator)
    assert 'href="/admin/"' not in client.get("/").content.decode()
