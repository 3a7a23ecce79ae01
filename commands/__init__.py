"""The write side: one module per command. Each checks its rules, writes the normalized tables,
logs its event and projects it into the views, all in the transaction it is handed."""
