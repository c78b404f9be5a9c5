"""Every POST endpoint of a case, once doing its job and once refused.

Behaviour: the write happened with the values posted, with an audit event and a timeline entry.
Refusal: a role that may see the case but not change it (a coordinator) gets 403; one that may not
see it (another centre's worker, a provider, an administrator) gets 404; nothing is written.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import (
    Case,
    CaseEvent,
    CaseUserObjectPermission,
    Incident,
    NeedsAssessment,
    RiskAssessment,
    Task,
)
from cases.selectors import cases_editable_by, cases_visible_to
from portal.models import AuditAction, AuditEvent
from tests.cases.factories import register_case

WRITES = [AuditAction.CREATE, AuditAction.UPDATE]


def _moment(delta: timedelta) -> str:
    return (timezone.localtime() + delta).strftime("%d.%m.%Y %H:%M")


def _written(case: Case) -> tuple:
    """Everything a case endpoint may write, to compare before and after a refused request."""
    case.refresh_from_db()
    return (
        case.version,
        case.status,
        case.consent_to_share,
        CaseEvent.objects.filter(case=case).count(),
        Task.objects.filter(case=case, done_at__isnull=False).count(),
        Task.objects.filter(case=case).count(),
        Incident.objects.filter(case=case).count(),
        RiskAssessment.objects.filter(case=case).count(),
        NeedsAssessment.objects.filter(case=case).count(),
        CaseUserObjectPermission.objects.filter(content_object=case).count(),
        AuditEvent.objects.filter(action__in=WRITES).count(),
    )


def _audited(user, action, obj_type, obj_id, **detail) -> bool:
    return AuditEvent.objects.filter(
        username=user.username,
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        **detail,
    ).exists()


def _timeline(case: Case, kind: str, actor) -> CaseEvent:
    return CaseEvent.objects.get(case=case, kind=kind, actor=actor)


# --- behaviour -------------------------------------------------------------------------------


def test_the_owner_moves_a_case_into_work(client, owner):
    case = register_case(owner)
    client.force_login(owner)
    response = client.post(f"/cases/{case.pk}/status/", {"status-status": "in_work"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "in_work"
    assert _audited(owner, AuditAction.UPDATE, "cases.case", case.pk, detail="status in_work")
    assert "→" in _timeline(case, "case.status", owner).summary


def test_the_status_form_does_not_close_a_case_without_the_heads_approval(client, owner):
    case = register_case(owner)
    client.force_login(owner)
    refused = client.post(
        f"/cases/{case.pk}/status/",
        {"status-status": "closed", "status-reason": "Переїхала до родини"},
    )
    assert refused.status_code == 400
    case.refresh_from_db()
    assert (case.status, case.close_reason, case.closed_at) == ("new", "", None)


def test_the_owner_records_and_withdraws_consent(client, owner):
    case = register_case(owner)
    client.force_login(owner)
    assert client.post(f"/cases/{case.pk}/consent/", {"consent": "1"}).status_code == 302
    case.refresh_from_db()
    assert case.consent_to_share is True
    assert case.consent_recorded_by == owner
    assert _audited(owner, AuditAction.UPDATE, "cases.case", case.pk, detail="consent True")
    assert client.post(f"/cases/{case.pk}/consent/", {"consent": "0"}).status_code == 302
    case.refresh_from_db()
    assert case.consent_to_share is False
    assert _audited(owner, AuditAction.UPDATE, "cases.case", case.pk, detail="consent False")
    assert CaseEvent.objects.filter(case=case, kind="case.consent").count() == 2


def test_the_owner_adds_a_task_assigned_to_themselves(client, owner):
    case = register_case(owner)
    due = timezone.localdate() + timedelta(days=3)
    client.force_login(owner)
    response = client.post(
        f"/cases/{case.pk}/tasks/",
        {"task-title": "Подзвонити потерпілій", "task-due_date": due.strftime("%d.%m.%Y")},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/#notes"
    task = Task.objects.get(case=case)
    assert (task.title, task.due_date, task.assignee, task.done_at) == (
        "Подзвонити потерпілій",
        due,
        owner,
        None,
    )
    assert _audited(owner, AuditAction.CREATE, "cases.task", task.pk)
    assert "Подзвонити потерпілій" in _timeline(case, "task.added", owner).summary


def test_a_colleague_marks_a_task_done_once(client, owner, colleague):
    case = register_case(owner)
    task = services.task_add(
        actor=owner, case_id=case.pk, title="Візит", due_date=timezone.localdate()
    )
    client.force_login(colleague)
    url = f"/cases/{case.pk}/tasks/{task.pk}/done/"
    assert client.post(url).status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    assert _audited(colleague, AuditAction.UPDATE, "cases.task", task.pk, detail="done")
    assert "Візит" in _timeline(case, "task.done", colleague).summary
    # Done twice is still done once: no second event.
    assert client.post(url).status_code == 302
    assert CaseEvent.objects.filter(case=case, kind="task.done").count() == 1


def test_a_task_is_reached_only_through_its_own_case(client, owner):
    case = register_case(owner)
    other = register_case(owner)
    task = services.task_add(
        actor=owner, case_id=case.pk, title="Візит", due_date=timezone.localdate()
    )
    client.force_login(owner)
    assert client.post(f"/cases/{other.pk}/tasks/{task.pk}/done/").status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


def test_the_owner_records_a_second_incident_and_the_case_learns_its_forms(client, owner):
    case = register_case(owner)
    client.force_login(owner)
    response = client.post(
        f"/cases/{case.pk}/incidents/",
        {
            "incident-occurred_at": _moment(-timedelta(hours=2)),
            "incident-forms": ["economic"],
            "incident-place": "двір",
            "incident-children_present": "on",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get(case=case, place="двір")
    assert incident.forms == ["economic"]
    assert incident.children_present is True
    case.refresh_from_db()
    assert set(case.forms) == {"physical", "economic"}
    assert case.has_children is True
    assert _audited(owner, AuditAction.CREATE, "cases.incident", incident.pk)
    assert _timeline(case, "incident.added", owner).object_id == str(incident.pk)


def test_an_incident_in_the_future_is_refused_and_not_saved(client, owner):
    case = register_case(owner)
    client.force_login(owner)
    response = client.post(
        f"/cases/{case.pk}/incidents/",
        {"incident-occurred_at": _moment(timedelta(days=1)), "incident-forms": ["physical"]},
    )
    assert response.status_code == 400
    assert Incident.objects.filter(case=case).count() == 1


def test_the_owner_reassesses_the_risk_and_the_case_shows_the_new_level(client, owner):
    case = register_case(owner)
    assert case.risk_level != "high"
    client.force_login(owner)
    response = client.post(f"/cases/{case.pk}/risk/", {"risk-threats_to_kill": "yes"})
    assert response.status_code == 302
    latest = RiskAssessment.objects.filter(case=case).order_by("-id").first()
    assert latest.answers == {"threats_to_kill": True}
    assert latest.level == "high"
    case.refresh_from_db()
    assert case.risk_level == "high"
    assert _audited(owner, AuditAction.CREATE, "cases.riskassessment", latest.pk, detail="high")
    assert _timeline(case, "risk.assessed", owner).object_id == str(latest.pk)


def test_the_owner_records_needs(client, owner):
    case = register_case(owner)
    client.force_login(owner)
    response = client.post(
        f"/cases/{case.pk}/needs/",
        {
            "needs-needs": ["legal", "shelter"],
            "needs-accompanying_children": "2",
            "needs-special_needs": "крісло колісне",
        },
    )
    assert response.status_code == 302
    latest = NeedsAssessment.objects.filter(case=case).order_by("-id").first()
    assert (latest.needs, latest.accompanying_children, latest.special_needs) == (
        ["legal", "shelter"],
        2,
        "крісло колісне",
    )
    assert _audited(owner, AuditAction.CREATE, "cases.needsassessment", latest.pk)
    assert _timeline(case, "needs.assessed", owner).object_id == str(latest.pk)


def test_a_coordinator_grants_a_colleague_access_to_read_and_edit_one_case(
    client, owner, outsider, coordinator
):
    case = register_case(owner)
    client.force_login(coordinator)
    response = client.post(f"/cases/{case.pk}/access/", {"username": "outsider", "edit": "1"})
    assert response.status_code == 302
    assert list(cases_visible_to(outsider)) == [case]
    assert list(cases_editable_by(outsider)) == [case]
    assert AuditEvent.objects.filter(
        username="coordinator",
        object_id=str(case.pk),
        detail__startswith="grant view_case+edit_case to outsider",
    ).exists()
    assert str(outsider) in _timeline(case, "case.access", coordinator).summary


def test_a_coordinator_revokes_a_grant(client, owner, outsider, coordinator):
    from cases.access import case_grant_access

    case = register_case(owner)
    case_grant_access(actor=coordinator, case_id=case.pk, username="outsider")
    client.force_login(coordinator)
    assert client.post(f"/cases/{case.pk}/access/{outsider.pk}/revoke/").status_code == 302
    assert not cases_visible_to(outsider).exists()
    assert _audited(
        coordinator, AuditAction.UPDATE, "cases.case", case.pk, detail__startswith="revoke"
    )


def test_the_risk_preview_computes_a_level_and_writes_nothing(client, owner):
    client.force_login(owner)
    before = AuditEvent.objects.filter(action__in=WRITES).count()
    response = client.post("/cases/risk/preview/", {"risk-threats_to_kill": "yes"})
    assert response.status_code == 200
    assert response.content.decode().strip()
    assert AuditEvent.objects.filter(action__in=WRITES).count() == before
    assert client.get("/cases/risk/preview/").status_code == 405


# --- refusal ---------------------------------------------------------------------------------

# endpoint (after /cases/<pk>/) → a valid POST, which the owner would get through.
ENDPOINTS = {
    "status/": {"status-status": "in_work"},
    "consent/": {"consent": "1"},
    "tasks/": {"task-title": "Подзвонити", "task-due_date": "{tomorrow}"},
    "tasks/{task}/done/": {},
    "incidents/": {"incident-occurred_at": "{an_hour_ago}", "incident-forms": ["physical"]},
    "risk/": {"risk-threats_to_kill": "yes"},
    "needs/": {"needs-needs": ["legal"]},
}

# persona → answer: the coordinator sees the case but does not change it; the others never see it.
REFUSED = {"coordinator": 403, "outsider": 404, "provider": 404, "police": 404, "admin": 404}


def _fill(data: dict) -> dict:
    values = {
        "{tomorrow}": (timezone.localdate() + timedelta(days=1)).strftime("%d.%m.%Y"),
        "{an_hour_ago}": _moment(-timedelta(hours=1)),
    }
    return {k: values.get(v, v) if isinstance(v, str) else v for k, v in data.items()}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(("persona", "answer"), REFUSED.items())
def test_case_endpoints_are_refused_and_write_nothing(client, personas, endpoint, persona, answer):
    owner = personas["owner"]
    case = register_case(owner)
    task = services.task_add(
        actor=owner, case_id=case.pk, title="Візит", due_date=timezone.localdate()
    )
    before = _written(case)
    client.force_login(personas[persona])
    response = client.post(
        f"/cases/{case.pk}/" + endpoint.format(task=task.pk), _fill(ENDPOINTS[endpoint])
    )
    assert response.status_code == answer
    assert _written(case) == before


@pytest.mark.parametrize(("persona", "answer"), [("owner", 403), ("outsider", 404)])
def test_only_a_coordinator_revokes_a_grant(client, personas, persona, answer):
    from cases.access import case_grant_access

    case = register_case(personas["owner"])
    case_grant_access(actor=personas["coordinator"], case_id=case.pk, username="colleague")
    before = _written(case)
    client.force_login(personas[persona])
    response = client.post(f"/cases/{case.pk}/access/{personas['colleague'].pk}/revoke/")
    assert response.status_code == answer
    assert _written(case) == before


@pytest.mark.parametrize("persona", ["outsider", "provider", "admin"])
def test_access_to_a_case_not_seen_cannot_be_granted(client, personas, owner, persona):
    case = register_case(owner)
    before = _written(case)
    client.force_login(personas[persona])
    response = client.post(f"/cases/{case.pk}/access/", {"username": "outsider"})
    assert response.status_code == 404
    assert _written(case) == before


@pytest.mark.parametrize("persona", ["provider", "secretariat", "executor", "admin"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_is_refused_to_roles_that_see_no_case(client, personas, owner, persona, fmt):
    register_case(owner)
    client.force_login(personas[persona])
    assert client.get(f"/cases/export.{fmt}").status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_risk_preview_asks_for_a_sign_in(client):
    response = client.post("/cases/risk/preview/", {"risk-threats_to_kill": "yes"})
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
