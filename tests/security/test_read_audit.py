"""Every response that shows personal data writes an audit event; refusals are logged."""

from __future__ import annotations

from portal.models import AuditAction, AuditEvent
from tests.cases.factories import person, register_case
from tests.orders.factories import urgent


def test_the_case_list_writes_one_event_with_the_ids_it_showed(client, owner):
    cases = [register_case(owner) for _ in range(3)]
    client.force_login(owner)
    client.get("/cases/")
    event = AuditEvent.objects.get(
        action=AuditAction.VIEW, object_type="cases.case", username="owner"
    )
    assert set(event.detail.removeprefix("list: ").split(",")) == {str(c.pk) for c in cases}


def test_a_search_is_audited_as_a_search(client, owner):
    register_case(owner, victim=person("Шукана", "Ірина"))
    client.force_login(owner)
    client.get("/cases/", {"q": "Шукана"})
    assert AuditEvent.objects.filter(detail__startswith="search:").count() == 1


def test_an_empty_list_writes_nothing(client, owner):
    client.force_login(owner)
    client.get("/cases/")
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_the_orders_list_is_audited(client, owner, police):
    order = urgent(police, register_case(owner))
    client.force_login(police)
    client.get("/orders/")
    assert AuditEvent.objects.filter(
        object_type="orders.restrainingorder", detail=f"list: {order.pk}"
    ).exists()


def test_a_case_page_returned_on_an_invalid_post_is_audited(client, owner):
    case = register_case(owner)
    client.force_login(owner)
    response = client.post(f"/cases/{case.pk}/notes/", {"note-text": ""})
    assert response.status_code == 400
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.VIEW, object_id=str(case.pk), username="owner"
        ).count()
        == 1
    )


def test_an_invalid_post_on_an_order_page_is_audited(client, owner, police):
    order = urgent(police, register_case(owner))
    client.force_login(police)
    response = client.post(f"/orders/{order.pk}/breach/", {"breach-occurred_at": "x"})
    assert response.status_code == 400
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(order.pk), username="police"
    ).exists()


def test_a_refusal_of_someone_elses_case_is_logged_as_denied(client, owner, outsider):
    case = register_case(owner)
    client.force_login(outsider)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    event = AuditEvent.objects.get(action=AuditAction.PERMISSION_DENIED, username="outsider")
    assert (event.object_type, event.object_id) == ("portal.page", f"/cases/{case.pk}/")


def test_the_audit_log_names_a_refused_page_by_its_address_not_by_an_internal_code(
    client, owner, outsider, admin_user
):
    case = register_case(owner)
    client.force_login(outsider)
    client.get(f"/cases/{case.pk}/")
    client.force_login(admin_user)
    html = client.get("/audit/", {"user": "outsider"}).content.decode()
    assert f"сторінка /cases/{case.pk}/" in html
    assert "cases:detail" not in html
