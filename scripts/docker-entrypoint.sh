#!/bin/sh
# Entry point of the portal image. One image, several roles:
#
#   migrate      as the owner role (DATABASE_OWNER_URL): apply the migrations, then create the
#                application's role (PORTAL_DB_APP_ROLE, password PORTAL_DB_APP_PASSWORD) if
#                missing and grant it its privileges; run before web, worker and beat
#   web          serve HTTP with gunicorn on port 8000, as the application's role (DATABASE_URL)
#   worker       run a Celery worker; `-Q notices,default` or `-Q reports` (docker-compose.yml)
#   beat         run the Celery beat scheduler (CELERY_BEAT_SCHEDULE in portal/settings.py)
#   healthcheck  exit 0 when GET /healthz on this container answers 200
#   anything else is run as given: `docker compose run --rm web python manage.py shell`
#
# Extra arguments after web, worker or beat are passed on to gunicorn or celery.
set -eu

role="${1:-web}"
if [ "$#" -gt 0 ]; then shift; fi

case "$role" in
migrate)
    : "${DATABASE_OWNER_URL:?set DATABASE_OWNER_URL, the role that owns the tables}"
    : "${PORTAL_DB_APP_PASSWORD:?set PORTAL_DB_APP_PASSWORD, the password of the application role}"
    DATABASE_URL="$DATABASE_OWNER_URL" python manage.py migrate --noinput
    # The statistics rollups of the days changed since the last start (all of them after the
    # migration that adds them): done here, so that no page waits for it (programme.rollups).
    DATABASE_URL="$DATABASE_OWNER_URL" python manage.py statistics_rollups refresh
    # Every time, not only in migration 0003: idempotent, and it brings a database that was
    # migrated before the application's role existed up to date (portal/dbroles.py).
    exec python - <<'PY'
import os

import psycopg

from portal import dbroles

role = os.environ.get("PORTAL_DB_APP_ROLE", dbroles.DEFAULT_APP_ROLE)
with psycopg.connect(os.environ["DATABASE_OWNER_URL"]) as conn, conn.cursor() as cursor:
    if dbroles.ensure_app_role(cursor, role=role, password=os.environ["PORTAL_DB_APP_PASSWORD"]):
        print(f"created database role {role}")
    dbroles.grant_app_role(cursor, role=role)
print(f"database role {role}: privileges granted")
PY
    ;;
web)
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
