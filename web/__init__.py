"""HTTP plumbing that knows nothing of employees or of Spin: routing and reading JSON bodies."""
