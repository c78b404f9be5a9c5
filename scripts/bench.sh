#!/usr/bin/env bash
# `make bench`: a synthetic city in its own database (portal_bench), then the benchmark table.
# BENCH_CASES (default 1,000,000) sets the size; BENCH_CASES=20000 make bench for a quick run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/benchdb.sh
CASES="${BENCH_CASES:-1000000}"
SEED="${BENCH_SEED:-2024}"
MARKER="var/bench/dataset-$CASES-$SEED.loaded"
mkdir -p var/bench var/static
.venv/bin/python manage.py migrate --no-input -v 0
if [ ! -f "$MARKER" ]; then
  echo "== loading a synthetic city: $CASES cases (seed $SEED) into portal_bench"
  .venv/bin/python - <<'PY'
import os, psycopg
url = os.environ["DATABASE_URL"]
with psycopg.connect(url, autocommit=True) as conn:
    conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
PY
  .venv/bin/python manage.py migrate --no-input -v 0
  .venv/bin/python manage.py seed_demo --quiet-credentials > var/bench/seed_demo.log
  .venv/bin/python manage.py seed_synthetic --cases "$CASES" --seed "$SEED" --years 2019-2024 \
    | tee var/bench/seed_synthetic.log
  # The statistics rollups of every loaded day, from nothing (programme.rollups).
  .venv/bin/python manage.py statistics_rollups rebuild | tee -a var/bench/seed_synthetic.log
  # A city's database is vacuumed after a bulk load; measured without it, every page of the
  # first run was 10–30 % slower while autovacuum worked through the new tables.
  echo "== VACUUM (ANALYZE) after the load"
  .venv/bin/python - <<'PY'
import os, psycopg
with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
    conn.execute("VACUUM (ANALYZE)")
PY
  rm -f var/bench/dataset-*.loaded
  touch "$MARKER"
fi
echo "== benchmarks"
.venv/bin/python benchmarks/run.py
