"""How the service is stored: the Database port and its errors, write transactions, the database
version, the event log and its payload format, the projectors that keep the view tables, and
idempotency records. The Spin SQLite adapter is the one module here that knows Spin."""
