"""Writes to the portfolio, one module per area (the names of views/, selectors/, forms/)."""
