"""WS-Security UsernameToken with a nonce, Created and wsu:Timestamp new on every request."""

from __future__ import annotations

import base64
import datetime
import os

from zeep import ns
from zeep.wsse import utils
from zeep.wsse.username import UsernameToken

TIMESTAMP_TTL_SECONDS = 300


def _timestamp(moment: datetime.datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


class FreshUsernameToken(UsernameToken):
    """zeep's UsernameToken, plus a fresh nonce and Created in text mode and a fresh wsu:Timestamp."""

    def __init__(self, username: str, password: str, use_digest: bool, add_timestamp: bool = True):
        super().__init__(username, password, use_digest=use_digest, zulu_timestamp=True)
        self.add_timestamp = add_timestamp

    def apply(self, envelope, headers):
        # zeep's digest mode already draws a new nonce and Created per call; text mode adds none.
        envelope, headers = super().apply(envelope, headers)
        security = utils.get_security_header(envelope)
        now = datetime.datetime.now(datetime.timezone.utc)
        if not self.use_digest:
            token = security.find("{%s}UsernameToken" % ns.WSSE)
            token.append(
                utils.WSSE.Nonce(
                    base64.b64encode(os.urandom(16)).decode("ascii"),
                    EncodingType="%s#Base64Binary" % self.soap_message_secutity_ns,
                )
            )
            token.append(utils.WSU.Created(_timestamp(now)))
        if self.add_timestamp:
            expires = now + datetime.timedelta(seconds=TIMESTAMP_TTL_SECONDS)
            security.insert(
                0, utils.WSU.Timestamp(utils.WSU.Created(_timestamp(now)), utils.WSU.Expires(_timestamp(expires)))
            )
        return envelope, headers
