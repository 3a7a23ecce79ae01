"""The read side: each query is one SELECT, with the schema-version check folded in, on view tables
(history reads the event log); never on the write tables."""
