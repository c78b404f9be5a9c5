#!/usr/bin/env bash
# The whole test suite against real PostgreSQL and Redis (embedded unless DATABASE_URL/REDIS_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

eval "$($BIN/python scripts/devservices.py env)"
# Migrations, checks and pytest (which creates and drops its test database) run as the owner
# role; tests/portal/test_audit_tamper.py logs in as an application role on its own.
export DATABASE_URL="$DATABASE_OWNER_URL"
# Tests use their own Redis database so that a running demo's queues are left alone.
case "$REDIS_URL" in
  unix://*) export REDIS_URL="${REDIS_URL%%\?*}?db=15" ;;
  redis://*) export REDIS_URL="${REDIS_URL%/*}/15" ;;
esac
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-test-only-secret-key-$(date +%s)-not-for-production-use}"
export DJANGO_SECURE_COOKIES=0
export PORTAL_TWO_FACTOR_ROLES="${PORTAL_TWO_FACTOR_ROLES-}"
export PORTAL_DEMO=1
mkdir -p var/static
export PORTAL_PRIVATE_ROOT="${PORTAL_PRIVATE_ROOT:-$PWD/var/test-private}"

echo "== Ukrainian translations complete"
$BIN/python scripts/compilemessages.py --strict
echo "== lint (ruff)"
$BIN/ruff check --quiet .
echo "== migrations are complete (makemigrations --check)"
$BIN/python manage.py makemigrations --check --dry-run >/dev/null || {
  $BIN/python manage.py makemigrations --check --dry-run; exit 1; }
echo "== system checks"
$BIN/python manage.py check --fail-level WARNING
echo "== pytest"
if [ "${COVERAGE:-0}" = 1 ]; then
  # make coverage: the same run, measured; the report lists every module below 100 %.
  $BIN/python -m coverage run -m pytest --create-db -p no:randomly "$@"
  $BIN/python -m coverage report
else
  $BIN/python -m pytest --create-db -p no:randomly "$@"
fi
