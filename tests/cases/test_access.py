"""Who sees what: one table over every persona and every kind of case."""

from __future__ import annotations

import pytest

from cases.selectors import cases_editable_by, cases_visible_to
from tests.cases.factories import register_case

# persona → (sees the owner's ordinary case, sees the colleague's confidential case, may edit
# the ordinary case). A confidential case is seen by its responsible worker and coordinators only.
MATRIX = {
    "owner": (True, False, True),
    "colleague": (True, True, True),
    "outsider": (False, False, False),
    "provider": (False, False, False),
    "police": (False, False, False),
    "coordinator": (True, True, False),
    "secretariat": (False, False, False),
    "executor": (False, False, False),
    "admin": (False, False, False),
}


@pytest.fixture
def cases(personas):
    ordinary = register_case(personas["owner"])
    confidential = register_case(personas["colleague"], confidential=True)
    return ordinary, confidential


@pytest.mark.parametrize(("persona", "expected"), MATRIX.items())
def test_case_visibility_by_role(personas, cases, persona, expected):
    ordinary, confidential = cases
    user = personas[persona]
    visible = set(cases_visible_to(user).values_list("pk", flat=True))
    assert (ordinary.pk in visible, confidential.pk in visible) == expected[:2]
    assert cases_editable_by(user).filter(pk=ordinary.pk).exists() is expected[2]


def test_a_confidential_case_is_visible_to_its_responsible_worker(personas, cases):
    _ordinary, confidential = cases
    assert cases_visible_to(personas["colleague"]).filter(pk=confidential.pk).exists()


@pytest.mark.parametrize("persona", [p for p, e in MATRIX.items() if not e[0]])
def test_case_page_is_404_for_those_who_may_not_see_it(client, personas, cases, persona):
    ordinary, _confidential = cases
    client.force_login(personas[persona])
    assert client.get(f"/cases/{ordinary.pk}/").status_code == 404


def test_case_page_view_is_audited(client, owner, cases):
    from portal.models import AuditAction, AuditEvent

    ordinary, _ = cases
    client.force_login(owner)
    assert client.get(f"/cases/{ordinary.pk}/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(ordinary.pk), username="owner"
    ).exists()


def test_coordinator_sees_the_case_but_may_not_change_it(client, coordinator, cases):
    ordinary, _ = cases
    client.force_login(coordinator)
    page = client.get(f"/cases/{ordinary.pk}/").content.decode()
    assert "Лише перегляд" in page
    response = client.post(f"/cases/{ordinary.pk}/notes/", {"note-text": "x"})
    assert response.status_code == 403


def test_granted_access_is_revocable_and_scoped_to_one_case(personas, cases):
    from cases.access import case_grant_access, case_revoke_access
    from portal.models import AuditEvent

    ordinary, _confidential = cases
    outsider, coordinator = personas["outsider"], personas["coordinator"]
    case_grant_access(actor=coordinator, case_id=ordinary.pk, username="outsider")
    assert list(cases_visible_to(outsider)) == [ordinary]
    case_revoke_access(actor=coordinator, case_id=ordinary.pk, user_id=outsider.pk)
    assert not cases_visible_to(outsider).exists()
    assert AuditEvent.objects.filter(
        object_id=str(ordinary.pk), detail__startswith="revoke access of"
    ).exists()
