"""A spyne SOAP 1.1 service on loopback standing in for a legacy HR system.

Usage::

    from tests.support.soap_server import LegacyHrSoapServer, ENTITY_BOMB_RESPONSE

    with LegacyHrSoapServer() as server:
        server.wsdl_url                       # http://127.0.0.1:<port>/?wsdl (addresses point back at the server)
        ... call PutPerformanceGoals / PutAttendanceRule ...
        server.calls                          # [SoapCall(operation, employee_id, arguments)] as the service saw them
        server.raw_requests                   # [RawRequest(headers, body)] every POST, including rejected ones
        server.wait_for(1)                    # block until N raw requests arrived
        server.queue_raw_response(ENTITY_BOMB_RESPONSE)  # next POST is answered with these bytes instead

Operations (document/literal wrapped, namespace NAMESPACE), input validated by spyne's lxml validator:
- PutPerformanceGoals(employeeId: string, goals: GoalArray{Goal: [Goal{key, name, metric, target: float, unit,
  weight: float, period}]}) -> string receipt id "goals-<employeeId>-<n>"
- PutAttendanceRule(employeeId: string, rule: AttendanceRule{scheduleType, workdays, startTime, endTime, coreStart,
  coreEnd, lateArrivalsAllowed: int, probationMonths: int}) -> string receipt id "rule-<employeeId>-<n>"
Behaviour by employeeId: CLIENT_FAULT_EMPLOYEE raises a Client fault, SERVER_FAULT_EMPLOYEE a Server fault,
SLOW_EMPLOYEE answers after `slow_seconds` (cut short by stop()).
"""

from __future__ import annotations

import io
import itertools
import threading
from dataclasses import dataclass

from spyne import (
    Application,
    Array,
    ComplexModel,
    Fault,
    Float,
    Integer,
    ServiceBase,
    Unicode,
    rpc,
)
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication

from tests.support.loopback import LoopbackWsgiServer

NAMESPACE = "urn:example:legacy-hr"
CLIENT_FAULT_EMPLOYEE = "client-fault"
SERVER_FAULT_EMPLOYEE = "server-fault"
SLOW_EMPLOYEE = "slow"

ENTITY_BOMB_RESPONSE = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<soap11env:Envelope xmlns:soap11env="http://schemas.xmlsoap.org/soap/envelope/">
 <soap11env:Body><tns:PutPerformanceGoalsResponse xmlns:tns="urn:example:legacy-hr">
  <tns:PutPerformanceGoalsResult>&lol9;</tns:PutPerformanceGoalsResult>
 </tns:PutPerformanceGoalsResponse></soap11env:Body>
</soap11env:Envelope>"""


class Goal(ComplexModel):
    __namespace__ = NAMESPACE
    key = Unicode
    name = Unicode
    metric = Unicode
    target = Float
    unit = Unicode
    weight = Float
    period = Unicode


class AttendanceRule(ComplexModel):
    __namespace__ = NAMESPACE
    scheduleType = Unicode
    workdays = Unicode
    startTime = Unicode
    endTime = Unicode
    coreStart = Unicode
    coreEnd = Unicode
    lateArrivalsAllowed = Integer
    probationMonths = Integer


@dataclass(frozen=True)
class SoapCall:
    """An operation call as the service received it, arguments as plain Python values."""

    operation: str
    employee_id: str
    arguments: dict


@dataclass(frozen=True)
class RawRequest:
    """One HTTP request to the service as it came in."""

    headers: dict
    body: bytes


def _plain(value):
    if isinstance(value, ComplexModel):
        return {name: _plain(getattr(value, name)) for name in type(value)._type_info}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


class LegacyHrSoapServer(LoopbackWsgiServer):
    """The spyne service served on 127.0.0.1; see the module docstring."""

    def __init__(self, slow_seconds: float = 5.0, host: str = "127.0.0.1"):
        super().__init__(host=host)
        self.slow_seconds = slow_seconds
        self._condition = threading.Condition()
        self._calls: list[SoapCall] = []
        self._raw_requests: list[RawRequest] = []
        self._raw_responses: list[tuple[int, bytes]] = []
        self._receipts = itertools.count(1)
        self._spyne_app = WsgiApplication(self._build_application())

    @property
    def wsdl_url(self) -> str:
        return self.url + "/?wsdl"

    @property
    def calls(self) -> list[SoapCall]:
        with self._condition:
            return list(self._calls)

    @property
    def raw_requests(self) -> list[RawRequest]:
        with self._condition:
            return list(self._raw_requests)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[RawRequest]:
        """Block until `count` POSTs arrived; AssertionError on timeout."""
        with self._condition:
            if not self._condition.wait_for(lambda: len(self._raw_requests) >= count, timeout=timeout):
                raise AssertionError(f"expected {count} SOAP request(s), got {len(self._raw_requests)}")
            return list(self._raw_requests)

    def queue_raw_response(self, body: bytes, status: int = 200) -> None:
        """Answer the next POST with `body` verbatim instead of running the service."""
        with self._condition:
            self._raw_responses.append((status, body))

    def _record(self, operation: str, employee_id: str, arguments: dict) -> str:
        with self._condition:
            self._calls.append(SoapCall(operation, employee_id, arguments))
        if employee_id == CLIENT_FAULT_EMPLOYEE:
            raise Fault(faultcode="Client.UnknownEmployee", faultstring=f"employee {employee_id} does not exist")
        if employee_id == SERVER_FAULT_EMPLOYEE:
            raise Fault(faultcode="Server.DatabaseBusy", faultstring="database is busy, try again later")
        if employee_id == SLOW_EMPLOYEE:
            self.stopping.wait(self.slow_seconds)
        return f"{operation}-{employee_id}-{next(self._receipts)}"

    def _build_application(self) -> Application:
        server = self

        class LegacyHrService(ServiceBase):
            @rpc(Unicode, Array(Goal), _returns=Unicode)
            def PutPerformanceGoals(ctx, employeeId, goals):  # noqa: N802, N803 - names are the wire contract
                return server._record("PutPerformanceGoals", employeeId, {"goals": _plain(goals or [])})

            @rpc(Unicode, AttendanceRule, _returns=Unicode)
            def PutAttendanceRule(ctx, employeeId, rule):  # noqa: N802, N803
                return server._record("PutAttendanceRule", employeeId, {"rule": _plain(rule)})

        return Application(
            [LegacyHrService],
            tns=NAMESPACE,
            name="LegacyHr",
            in_protocol=Soap11(validator="lxml"),
            out_protocol=Soap11(),
        )

    def wsgi_app(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "POST":
            return self._spyne_app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        headers = {
            key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        with self._condition:
            self._raw_requests.append(RawRequest(headers, body))
            self._condition.notify_all()
            raw = self._raw_responses.pop(0) if self._raw_responses else None
        if raw is not None:
            status, content = raw
            start_response(
                f"{status} Scripted",
                [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(content)))],
            )
            return [content]

        environ["wsgi.input"] = io.BytesIO(body)
        return self._spyne_app(environ, start_response)
