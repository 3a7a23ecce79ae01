"""The read side: each query is one SQL statement, with the schema-version check folded in. Employees
are read from the view tables, history from the event log, projection status from the views and
their checkpoints; never from the write tables."""
