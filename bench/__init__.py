"""Benchmarks for Nyttig at scale: `python -m bench` (see bench/README.md).

They print figures; they are not timed tests. The figures are meant for PostgreSQL, as in
production, so Django is set up only when DATABASE_URL points at PostgreSQL.
"""

from __future__ import annotations

import os
import sys
import warnings

POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://", "postgis://")

HOW_TO_SET_UP = """\
bench: DATABASE_URL must point at PostgreSQL (the figures are meant for production-like
PostgreSQL, not SQLite). Once:

  psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE nyttig_bench OWNER nyttig"
  export DATABASE_URL=postgres://nyttig:nyttig@127.0.0.1:5432/nyttig_bench
  .venv/bin/python manage.py migrate
  .venv/bin/python -m bench seed   # the whole scenario, under 3 minutes

then:

  .venv/bin/python -m bench ideas --runs 30
"""


def setup_django() -> None:
    """Production-like settings (DEBUG off, manifest-free static files), then django.setup()."""
    if not os.environ.get("DATABASE_URL", "").startswith(POSTGRES_SCHEMES):
        sys.exit(HOW_TO_SET_UP)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # DEBUG would keep every query in memory and render templates with debug information.
    os.environ["DEBUG"] = "0"
    # Off DEBUG the settings leave SECRET_KEY empty; the benchmark signs sessions with it.
    os.environ.setdefault("SECRET_KEY", "bench-only")
    # django.test.Client's requests are for the host «testserver».
    hosts = os.environ.get("ALLOWED_HOSTS", "")
    os.environ["ALLOWED_HOSTS"] = f"{hosts},testserver" if hosts else "testserver"
    # Manifest storage needs collectstatic first; looking up a URL costs the same either way.
    os.environ.setdefault("STATIC_MANIFEST", "0")
    # django.test.Client speaks plain http: without this every request is the HTTPS redirect.
    os.environ.setdefault("HTTPS", "false")

    # WhiteNoise warns that there is no STATIC_ROOT; the benchmark serves no static files.
    warnings.filterwarnings("ignore", message="No directory at")

    import django

    django.setup()
