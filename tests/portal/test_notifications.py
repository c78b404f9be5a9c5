"""Notices reach people: in the portal, and by e-mail with a link that works from a mail client."""

import logging

import pytest
from django.core import mail

from portal.notifications import notification_send

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def recipient(coordinator):
    coordinator.email = "coordinator@example.org"
    coordinator.save(update_fields=["email"])
    return coordinator


def test_the_e_mail_copy_carries_an_absolute_link_to_the_portal(recipient, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PORTAL_SITE_URL = "https://portal.kyiv.example"

    notification_send(user=recipient, title="Направлення прийнято", url="/referrals/7/")

    assert len(mail.outbox) == 1
    assert "https://portal.kyiv.example/referrals/7/" in mail.outbox[0].body
    assert recipient.notifications.get().url == "/referrals/7/"  # the bell keeps the path


def test_a_mail_server_that_is_down_is_logged_and_the_notice_still_stands(
    recipient, settings, caplog
):
    # A real SMTP connection to a port where nothing listens: the transport fails for real.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2

    with caplog.at_level(logging.ERROR, logger="portal.notifications"):
        notice = notification_send(user=recipient, title="Ескалація", body="Справа КВ-1")

    assert recipient.notifications.filter(pk=notice.pk).exists()
    [record] = [r for r in caplog.records if r.name == "portal.notifications"]
    assert f"notification {notice.pk} was not sent" in record.getMessage()
    # The log line names the notice, never the address or the text.
    assert "coordinator@example.org" not in record.getMessage()
    assert "КВ-1" not in record.getMessage()
