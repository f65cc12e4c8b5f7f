"""GET /api/v1/audit: the audit trail for auditors, paginated, filterable, as JSON or CSV."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, jsonify, request
from sqlalchemy import select

from hub.audit import chain as audit
from hub.storage.models import AuditEntry
from hub.web.api import api
from hub.web.api.listing import MAX_CURSOR, limit_arg, time_arg, wants_csv, whole_number
from hub.web.auth import require
from hub.web.downloads import audit_csv

FILTERS = ("action", "actor", "object_type", "object_id")


@api.get("/audit")
@require("auditor")
def list_audit():
    """Entries in chain order; `after` is the cursor (the last seq seen); filters narrow the list."""
    query = select(AuditEntry).order_by(AuditEntry.seq)
    for name in FILTERS:
        if request.args.get(name):
            query = query.where(getattr(AuditEntry, name) == request.args[name])
    # Every parameter is read (and a bad one refused) whatever the format, though CSV takes no page.
    since, until = time_arg("since"), time_arg("until")
    after = whole_number("after", request.args.get("after", "0"), 0, MAX_CURSOR)
    limit = limit_arg()
    if since:
        query = query.where(AuditEntry.occurred_at >= since)
    if until:
        query = query.where(AuditEntry.occurred_at < until)
    session = current_app.extensions["hub"].session()
    if wants_csv():
        return audit_csv(current_app.extensions["hub"].read_session_factory, query)
    entries = session.scalars(query.where(AuditEntry.seq > after).limit(limit + 1)).all()
    page = entries[:limit]
    next_link = None
    if len(entries) > limit:
        args = {k: v for k, v in request.args.items() if k != "after"}
        args["after"] = str(page[-1].seq)
        next_link = request.path + "?" + urlencode(args)
    return jsonify(items=[audit.as_dict(entry) for entry in page], next=next_link)
