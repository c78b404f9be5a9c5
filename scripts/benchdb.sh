#!/usr/bin/env bash
# Environment for the benchmark database (portal_bench): the demo's data is never touched.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
eval "$(.venv/bin/python scripts/devservices.py env)"
DATABASE_URL="$DATABASE_OWNER_URL"  # the benchmark creates its database and drops its schema
export DATABASE_URL="$(.venv/bin/python - <<'PY'
import os, psycopg
from urllib.parse import urlsplit, urlunsplit
url = os.environ["DATABASE_URL"]
parts = urlsplit(url)
admin = urlunsplit(parts._replace(path="/postgres"))
with psycopg.connect(admin, autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'portal_bench'").fetchone():
        conn.execute('CREATE DATABASE "portal_bench"')
print(urlunsplit(parts._replace(path="/portal_bench")))
PY
)"
case "$REDIS_URL" in
  unix://*) export REDIS_URL="${REDIS_URL%%\?*}?db=14" ;;
  redis://*) export REDIS_URL="${REDIS_URL%/*}/14" ;;
esac
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-bench-only-secret-key-not-for-production-0123456789abcdef}"
export DJANGO_SECURE_COOKIES=0 PORTAL_TWO_FACTOR_ROLES= PORTAL_DEMO=1
# The Django test client used for server times sends Host: testserver.
export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver"
export PORTAL_PRIVATE_ROOT="${PORTAL_PRIVATE_ROOT:-$PWD/var/bench-private}"
