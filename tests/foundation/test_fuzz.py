"""Schemathesis over every /api/v1 call through the test client: no input is a 5xx or an undocumented answer."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

# Per operation, each sent as every role: about 12 s for the whole API. bench/fuzz/run goes wider and deeper.
EXAMPLES = 5
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.mark.slow
def test_no_request_makes_a_server_error_or_an_undocumented_answer(app, make, auth):
    community, unit = make.community(), make.unit()
    member = make.member(community, unit)
    make.event(community)
    make.household(community, member=member, hardship=True)
    callers = {
        "admin": auth(make.admin()),
        "secretary": auth(make.secretary(community)),
        "member": auth(member.account),
        "anonymous": {},
    }
    document = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in document.get_all_operations()]

    for operation in operations:

        @given(case=st.one_of(*(operation.as_strategy(mode) for mode in GenerationMode)))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def each_role_sends(case):
            for headers in callers.values():
                case.call_and_validate(headers=headers, checks=CHECKS)

        each_role_sends()
    assert len(operations) >= 38
