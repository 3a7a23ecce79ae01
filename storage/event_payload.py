"""How an event's data is written in the log's `payload` column: a format of the log's own,
versioned in the `schema_version` column, and independent of the API's JSON, so that renaming an
API field never means migrating the log.

Version 1 (every event logged so far): Created and Updated hold the employee's state after the
change, `{"firstName", "lastName", "address": {"street", "zip", "city"}, "optional": {name: value}}`,
"optional" left out when no optional field is set (as in every event older than database version 3);
Deleted holds `{}`; an erased payload is `{"erased": true}`. An optional field is new keys in
"optional", read as unset from the events that lack them, so it needs no new version. A change to
the rest gets a new number here and a decoder beside version 1's, which stays for the events
already logged.
"""

import json
from typing import Any

from domain.employee import Address, EmployeeFields

PAYLOAD_VERSION = 1
ERASED = '{"erased":true}'
EMPTY = "{}"


class UnknownPayloadVersion(Exception):
    """The log holds an event written by newer code than this."""


def encode(fields: EmployeeFields) -> str:
    address = fields.address
    state: dict[str, Any] = {
        "firstName": fields.first_name,
        "lastName": fields.last_name,
        "address": {"street": address.street, "zip": address.zip, "city": address.city},
    }
    if fields.optional:
        state["optional"] = dict(fields.optional)
    return json.dumps(state, ensure_ascii=False, separators=(",", ":"))


def decode(version: int, payload: str) -> EmployeeFields | None:
    """The state a Created or Updated payload holds; None once it is erased."""
    if version != 1:
        raise UnknownPayloadVersion(f"event payload version {version}; this code reads version 1")
    state: dict[str, Any] = json.loads(payload)
    if state.get("erased"):
        return None
    address = state["address"]
    return EmployeeFields(
        state["firstName"],
        state["lastName"],
        Address(address["street"], address["zip"], address["city"]),
        state.get("optional", {}),
    )
