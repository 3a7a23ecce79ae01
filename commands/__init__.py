"""The write side: one module per command. Each validates its rules, writes the normalized tables
and projects its event into the views, all in one transaction."""
