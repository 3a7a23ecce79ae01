"""What commands and queries share: the database port, the employee payload schema, errors, events
and the projectors that keep the view tables in step with the write tables."""
