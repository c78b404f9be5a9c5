import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Tasks of sub-packages (programme.council.tasks) are found the same way.
app.autodiscover_tasks(["programme.council"])


@worker_ready.connect
def _relay_outbox_on_start(sender=None, **kwargs) -> None:
    """A worker that starts sends what waited in the outbox while the broker was away."""
    from portal.outbox import outbox_publish

    try:
        outbox_publish()
    except Exception:  # the database may be away too; beat's relay tries again
        import logging

        logging.getLogger(__name__).exception("Outbox relay at worker start failed")
