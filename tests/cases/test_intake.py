"""The intake page for the common case (issue 12): an unknown offender, children as people,
sub-types under their form, a risk questionnaire with visible gaps, an error summary, and POST
addresses that can be reloaded."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cases.models import Case, ParticipantRole, ViolenceSubtype
from portal.models import District
from tests.cases.factories import register_case


def _post(**extra):
    now = timezone.localtime()
    data = {
        "case-district": str(District.objects.get(slug="darnytskyi").pk),
        "case-channel": "phone",
        "case-intake_scenario": "1",
        "case-reported_at": (now - timedelta(hours=1)).strftime("%d.%m.%Y %H:%M"),
        "victim-last_name": "Ковальчук",
        "victim-first_name": "Ірина",
        "victim-sex": "F",
        "offender-sex": "M",
        "incident-occurred_at": (now - timedelta(hours=3)).strftime("%d.%m.%Y %H:%M"),
        "incident-forms": ["physical"],
    }
    data.update(extra)
    return data


def test_an_unknown_offender_registers_the_case_without_inventing_a_person(client, owner):
    client.force_login(owner)
    response = client.post("/cases/new/", _post(**{"offender-unknown": "on"}))
    assert response.status_code == 302
    case = Case.objects.get()
    assert not case.participants.filter(role=ParticipantRole.OFFENDER).exists()


def test_without_the_unknown_tick_the_offender_needs_a_name(client, owner):
    client.force_login(owner)
    response = client.post("/cases/new/", _post())
    assert response.status_code == 200
    assert "last_name" in response.context["forms"]["offender"].errors
    assert not Case.objects.exists()


def test_children_are_recorded_as_people_with_age_relation_and_whether_they_witnessed(
    client, owner
):
    client.force_login(owner)
    data = _post(
        **{
            "offender-unknown": "on",
            "child1-first_name": "Марко",
            "child1-age": "7",
            "child1-sex": "M",
            "child1-relation_to_victim": "child",
            "child1-witnessed": "on",
            "child2-first_name": "Софія",
            "child2-last_name": "Мельник",
            "child2-age": "3",
            "child2-sex": "F",
            "child2-relation_to_victim": "step",
        }
    )
    assert client.post("/cases/new/", data).status_code == 302
    case = Case.objects.get()
    witness = case.participants.get(role=ParticipantRole.CHILD_WITNESS)
    assert (witness.person.last_name, witness.person.first_name) == ("Ковальчук", "Марко")
    assert witness.person.approximate_age == 7
    assert witness.relation_to_victim == "child"
    other = case.participants.get(role=ParticipantRole.CHILD)
    assert (other.person.last_name, other.relation_to_victim) == ("Мельник", "step")
    assert case.has_children is True


def test_an_empty_child_row_records_no_one_and_a_half_filled_one_is_refused(client, owner):
    client.force_login(owner)
    response = client.post(
        "/cases/new/", _post(**{"offender-unknown": "on", "child1-first_name": "Марко"})
    )
    assert response.status_code == 200
    assert "age" in response.context["forms"]["child-1"].errors
    assert client.post("/cases/new/", _post(**{"offender-unknown": "on"})).status_code == 302
    assert not Case.objects.get().participants.filter(role=ParticipantRole.CHILD).exists()


def test_a_sub_type_counts_only_under_a_form_that_is_ticked(client, owner):
    beating = ViolenceSubtype.objects.get(code="beating")
    threats = ViolenceSubtype.objects.get(code="threats")
    client.force_login(owner)
    data = _post(**{"offender-unknown": "on", "incident-subtypes": [beating.pk, threats.pk]})
    assert client.post("/cases/new/", data).status_code == 302
    incident = Case.objects.get().incidents.get()
    assert list(incident.subtypes.all()) == [beating]


def test_the_page_shows_sub_types_as_checkboxes_and_no_risk_answer_is_preselected(client, owner):
    client.force_login(owner)
    page = client.get("/cases/new/").content.decode()
    assert 'type="checkbox" name="incident-subtypes"' in page
    assert '<select name="incident-subtypes"' not in page
    assert 'name="risk-threats_to_kill" value="yes"' in page
    assert 'name="risk-threats_to_kill" value="" id="id_risk-threats_to_kill_0" checked' not in page
    assert 'value="" id="id_risk-threats_to_kill_0" checked' not in page


def test_a_refused_intake_lists_each_failed_field_with_a_link_at_the_top(client, owner):
    client.force_login(owner)
    response = client.post(
        "/cases/new/",
        _post(**{"victim-phone": "12-34", "incident-forms": [], "offender-unknown": "on"}),
    )
    errors = response.context["errors"]
    anchors = {e["anchor"] for e in errors}
    assert {"id_victim-phone", "id_incident-forms"} <= anchors
    page = response.content.decode()
    assert 'id="error-summary"' in page and 'tabindex="-1"' in page
    assert 'href="#id_victim-phone"' in page
    assert "Постраждала особа — Контактний телефон" in page


def test_a_post_address_opened_with_get_leads_back_to_the_case_not_to_405(client, owner, outsider):
    case = register_case(owner)
    client.force_login(owner)
    for address in ("notes", "tasks", "risk", "needs", "consent", "status", "edit", "incidents"):
        response = client.get(f"/cases/{case.pk}/{address}/")
        assert response.status_code == 302, address
        assert response["Location"] == f"/cases/{case.pk}/"
    client.force_login(outsider)
    assert client.get(f"/cases/{case.pk}/notes/").status_code == 404


def test_withdrawing_consent_asks_first_and_says_it_was_withdrawn(client, owner):
    case = register_case(owner, consent_to_share=True)
    client.force_login(owner)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="consent-withdraw"' in page
    assert "consent-withdraw-confirm" in page
    response = client.post(f"/cases/{case.pk}/consent/", {"consent": "0"}, follow=True)
    assert "Згоду відкликано." in response.content.decode()
    assert "Згоду зафіксовано" not in response.content.decode()
