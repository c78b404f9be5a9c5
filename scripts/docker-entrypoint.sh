#!/bin/sh
# Entry point of the portal image. One image, several roles:
#
#   web          apply migrations, then serve HTTP with gunicorn on port 8000
#   worker       run the Celery worker (PDF and Excel reports, notifications)
#   beat         run the Celery beat scheduler (CELERY_BEAT_SCHEDULE in portal/settings.py)
#   healthcheck  exit 0 when GET /healthz on this container answers 200
#   anything else is run as given: `docker compose run --rm web python manage.py shell`
#
# Extra arguments after web, worker or beat are passed on to gunicorn or celery.
set -eu

role="${1:-web}"
if [ "$#" -gt 0 ]; then shift; fi

case "$role" in
web)
    python manage.py migrate --noinput
    # No access log: query strings can carry search terms such as a person's name, and the
    # reverse proxy in front already decides what is logged and for how long.
    exec gunicorn portal.wsgi:application \
        --bind 0.0.0.0:8000 \
        --workers "${WEB_CONCURRENCY:-3}" \
        --worker-tmp-dir /dev/shm \
        "$@"
    ;;
worker)
    exec celery -A portal worker -l info "$@"
    ;;
beat)
    # The schedule file remembers when each periodic task last ran, so that a restart does not
    # skip the quarterly report; keep /var/lib/portal on a volume.
    exec celery -A portal beat -l info --schedule /var/lib/portal/celerybeat-schedule "$@"
    ;;
healthcheck)
    # The slim image has no curl. The request names an allowed host, and says it came over
    # HTTPS, as the reverse proxy does; otherwise Django would answer 400 or redirect to https.
    exec python - <<'PY'
import os
import sys
import urllib.request

hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
host = hosts[0].lstrip(".") if hosts and hosts[0] != "*" else "127.0.0.1"
request = urllib.request.Request(
    "http://127.0.0.1:8000/healthz",
    headers={"Host": host, "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=5) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as error:
    print(f"healthcheck failed: {error}", file=sys.stderr)
    sys.exit(1)
PY
    ;;
*)
    exec "$role" "$@"
    ;;
esac
