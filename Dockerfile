# syntax=docker/dockerfile:1
# One image for every role of the portal: web, worker, beat (see scripts/docker-entrypoint.sh).
FROM python:3.11-slim-bookworm

# hadolint ignore=DL3064
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=portal.settings \
    PORTAL_PRIVATE_ROOT=/var/lib/portal/private \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint renders PDFs through Pango and subsets embedded fonts with HarfBuzz; DejaVu covers
# Cyrillic. gettext provides msgfmt for compilemessages. Versions follow the base image's Debian
# release, so a rebuild picks up its security updates.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fontconfig \
        fonts-dejavu-core \
        gettext \
    && rm -rf /var/lib/apt/lists/*

# The application code stays owned by root: the process user can read it but not change it.
# It may write only to /var/lib/portal (private files, the beat schedule).
RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --create-home --home-dir /home/portal \
        --shell /usr/sbin/nologin portal \
    && install -d -o portal -g portal -m 0750 /var/lib/portal /var/lib/portal/private

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml constraints.txt README.md ./
RUN pip install -c constraints.txt . \
    && rm -rf build ./*.egg-info

COPY . .

# Settings refuse to load without these variables; the values below exist only for this build
# step (nothing connects to the database or Redis here) and are not kept in the image's
# environment.
# hadolint ignore=DL3064
ARG BUILD_SECRET_KEY=build-only-not-a-secret
RUN chmod 0755 scripts/docker-entrypoint.sh \
    && export DJANGO_SECRET_KEY="$BUILD_SECRET_KEY" \
        DATABASE_URL="postgresql://build@localhost/build" \
        REDIS_URL="redis://localhost:6379/0" \
    && python manage.py compilemessages \
    && python manage.py collectstatic --noinput

# Numeric, so that a runtime can verify it is not root without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["/app/scripts/docker-entrypoint.sh"]
CMD ["web"]
