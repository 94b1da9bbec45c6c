"""Signals that let the apps above portal react to core changes without portal importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that creates an organisation, with `organisation`.
# Each app connects a receiver that creates its defaults (types, phases, staircase…).
organisation_created = Signal()
