"""The read side: each query is one indexed SELECT on a view table, never a write table."""
