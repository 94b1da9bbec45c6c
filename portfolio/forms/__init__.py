"""Portfolio forms, one module per area: they validate, the services act."""
