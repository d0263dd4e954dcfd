"""Writing many rows at once: the database-specific part (rows.py) and the unit of work
that set-based domain actions fill and apply (unit.py)."""
