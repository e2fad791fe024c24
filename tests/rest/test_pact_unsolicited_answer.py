"""A RequestFulfilled answering no request this gateway sent is refused and stores nothing
(found by the hostile corpus over the PACT REST API, issue 16)."""

from __future__ import annotations

import json
import uuid

from gateway.rest.pact import EVENT_TYPES
from gateway.rest.pact.ledger import now_text
from gateway.translate import translate

from .pact_env import STEEL, example


def test_an_unsolicited_answer_is_refused_and_its_footprints_are_not_stored(hosts) -> None:
    host = hosts.start(examples=())
    footprint = json.loads(translate(example(STEEL), "pact-v3").output)
    request_id = str(uuid.uuid4())
    event = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "https://partner.example", "time": now_text(),
             "type": EVENT_TYPES["3"]["fulfilled"], "data": {"requestEventId": request_id, "pfs": [footprint]}}
    with host.http() as http:
        answer = http.post(f"{host.url}/3/events", json=event, headers={
            "Authorization": f"Bearer {host.token()}", "Content-Type": "application/cloudevents+json"})
    assert answer.status_code == 400
    assert answer.json() == {"code": "BadRequest", "message": f"no request {request_id!r} was sent by this host"}
    assert host.gateway.store.list_declarations().records == ()
