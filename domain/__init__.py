"""What the service decides, with no storage and no HTTP in it: the employee, the events a command
produces, and the errors a command can end in."""
