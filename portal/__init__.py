"""Nyttig's core: settings, the organisation/user model, events and base views."""

from __future__ import annotations

from portal.celery import app as celery_app

__all__ = ["celery_app"]
