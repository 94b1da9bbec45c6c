# syntax=docker/dockerfile:1
# Nyttig: one image for every process (web, worker, beat); the command picks the Makefile target.
# Build and run with docker compose (see docker-compose.yml and .env.example).
FROM python:3.13-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 \
    PORT=8000

# WeasyPrint's run-time libraries (Pango, HarfBuzz, fonts, MIME data), make for the
# Makefile targets and gettext for compilemessages. psycopg[binary] needs no compiler.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        libharfbuzz0b \
        fonts-dejavu-core \
        shared-mime-info \
        make \
        gettext \
    && rm -rf /var/lib/apt/lists/*

# Unprivileged user; a real home so fontconfig (WeasyPrint) can keep its cache.
RUN groupadd --system nyttig \
    && useradd --system --gid nyttig --create-home --home-dir /home/nyttig \
        --shell /usr/sbin/nologin nyttig

WORKDIR /app

# The whole source: the editable install needs pyproject.toml, constraints.txt, the Makefile
# and the apps. .dockerignore keeps out .venv, .git, caches, media, db.sqlite3 and .env.
COPY . .

# /app/.venv as `make install` builds it, without the dev extra: pip install -c constraints.txt
# -e '.' (no pytest, Playwright, ruff or mypy in production; tests/portal/test_image.py checks).
# INSTALL_EXTRAS stays empty at run time too, so `make serve` never installs the dev tools.
ENV INSTALL_EXTRAS=""
RUN --mount=type=cache,target=/root/.cache/pip \
    make install PYTHON=python3.13 INSTALL_EXTRAS=

# Compile translations if the source has any (.po). DEBUG=1 only lets settings load
# without a SECRET_KEY; nothing else runs. collectstatic is left to `make serve`.
RUN if find . -path ./.venv -prune -o -name '*.po' -print -quit | grep -q .; then \
        DEBUG=1 .venv/bin/python manage.py compilemessages --ignore '.venv/*'; \
    fi

# The code stays root-owned; only these are written at run time (collectstatic, uploads,
# the beat schedule). Named volumes mounted here start with this ownership.
RUN mkdir -p /app/staticfiles /app/media /app/beat \
    && chown nyttig:nyttig /app/staticfiles /app/media /app/beat

USER nyttig

EXPOSE 8000

# Migrations, collectstatic, then gunicorn on $HOST:$PORT (docker compose overrides
# the command for the worker and beat services).
CMD ["make", "serve"]
