"""The log's own payload format: version 1 is what every logged event holds, it is written and read
by storage/event_payload.py alone, and a version this code does not know is refused, not guessed."""

import pytest

from domain.employee import Address, EmployeeFields
from storage import event_payload

ADA = EmployeeFields("Ada", "Lovelace", Address("12 St James's Square", "SW1Y 4JH", "London"))

# A payload as version 1 has logged it since the first release: the format must read forever.
LOGGED_V1 = (
    '{"firstName":"Ada","lastName":"Lovelace",'
    '"address":{"street":"12 St James\'s Square","zip":"SW1Y 4JH","city":"London"}}'
)


def test_version_1_is_written_exactly_as_it_has_always_been_logged() -> None:
    assert event_payload.PAYLOAD_VERSION == 1
    assert event_payload.encode(ADA) == LOGGED_V1


def test_a_logged_version_1_payload_reads_back_as_the_same_fields() -> None:
    assert event_payload.decode(1, LOGGED_V1) == ADA


def test_an_erased_payload_reads_as_no_fields() -> None:
    assert event_payload.decode(1, event_payload.ERASED) is None


def test_a_payload_of_a_newer_version_is_refused_not_guessed() -> None:
    with pytest.raises(event_payload.UnknownPayloadVersion, match="version 2"):
        event_payload.decode(2, LOGGED_V1)
