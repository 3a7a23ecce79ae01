"""Generic HTTP pieces that know nothing of employees or storage: requests and responses, routing,
strict JSON bodies, a small JSON Schema validator, conditional requests, cursors, bearer tokens and
idempotency keys."""
