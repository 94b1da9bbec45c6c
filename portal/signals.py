"""Signals that let the apps above portal react to core changes without portal importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that creates an organisation, with `organisation`.
# Each app connects a receiver that creates its defaults (types, phases, staircase…).
organisation_created = Signal()

# Sent inside the transaction that changes an organisation's phase template on the operator
# page, with `organisation`, `actor` and `phase_template` (portfolio switches its phases).
phase_template_chosen = Signal()

# The phase templates an organisation can start from, value → label, filled by the app that
# owns them (portfolio's AppConfig.ready), so that the operator's forms can offer them.
PHASE_TEMPLATES: dict[str, object] = {}
DEFAULT_PHASE_TEMPLATE = "ks_veikart"
