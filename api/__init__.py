"""This service's HTTP contract: endpoints by resource, each route with its OpenAPI operation, the
employee's JSON representation, and the table that turns every failure into a problem response."""
