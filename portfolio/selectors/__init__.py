"""Reads of the portfolio that are more than a filter, one module per area, by organisation."""
