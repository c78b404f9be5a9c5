"""A programme's structure changed in the admin is a version of the programme, as a change on
its own pages is: the history says who changed what, and an editor's page opened before the
admin's change is refused instead of writing over it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from programme.models import Programme, ProgrammeTask
from programme.structure import services
from programme.structure.models import ProgrammeVersion
from tests.admin_pages import opened

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(secretariat):
    programme = Programme.objects.create(
        code="dv-2022", title="Програма 2022–2024", year_from=2022, year_to=2024
    )
    ProgrammeTask.objects.create(programme=programme, code="1", title="Телефон довіри")
    services.record_version(programme=programme, actor=secretariat, origin=services.Origin.CREATED)
    return programme


def test_a_task_renamed_in_the_admin_is_a_version_and_an_older_editor_page_is_refused(
    client, admin_user, secretariat, programme
):
    task = ProgrammeTask.objects.get()
    seen_by_editor = services.current_version(programme)
    url = f"/admin/programme/programmetask/{task.pk}/change/"
    client.force_login(admin_user)
    data = {"programme": programme.pk, "code": "1", "title": "Гаряча лінія", "_save": "Зберегти"}
    assert client.post(url, opened(client, url, data)).status_code == 302

    version = ProgrammeVersion.objects.filter(programme=programme).order_by("-number").first()
    assert (version.number, version.origin, version.created_by) == (
        seen_by_editor + 1,
        services.Origin.ADMIN,
        admin_user,
    )
    assert version.changes  # what changed, for the programme's history
    with pytest.raises(ValidationError):
        services.task_save(
            actor=secretariat,
            programme=programme,
            task=task,
            seen_version=seen_by_editor,
            code="1",
            title="Телефон довіри (редактор)",
        )
    task.refresh_from_db()
    assert task.title == "Гаряча лінія"


def test_a_task_deleted_in_the_admin_is_a_version_too(client, admin_user, programme):
    task = ProgrammeTask.objects.get()
    before = services.current_version(programme)
    client.force_login(admin_user)
    response = client.post(f"/admin/programme/programmetask/{task.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ProgrammeTask.objects.exists()
    assert services.current_version(programme) == before + 1


def test_a_save_that_changes_nothing_adds_no_version(client, admin_user, programme):
    task = ProgrammeTask.objects.get()
    before = services.current_version(programme)
    url = f"/admin/programme/programmetask/{task.pk}/change/"
    client.force_login(admin_user)
    data = {"programme": programme.pk, "code": "1", "title": task.title, "_save": "Зберегти"}
    assert client.post(url, opened(client, url, data)).status_code == 302
    assert services.current_version(programme) == before
