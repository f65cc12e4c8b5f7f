"""Console actions (POST, CSRF-checked, on the audit trail): replay, enable/disable/delete connectors, enable and
unlock users, verify the chain."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for

from hub import errors
from hub.accounts import console_users as accounts
from hub.audit import chain as audit
from hub.audit import checkpoints
from hub.delivery import connector_admin, sync_log
from hub.storage.models import ConsoleUser
from hub.web.console import console
from hub.web.console.auth import admin_only, hub_state
from hub.web.console.i18n import N_
from hub.web.console.i18n import gettext as _


@console.post("/jobs/<job_id>/replay")
@admin_only
def replay_job(job_id: str):
    try:
        with hub_state().session_factory() as session, session.begin():
            sync_log.replay_one(session, job_id, actor=g.console_user.actor)
    except errors.NotFound:
        abort(404, f"No sync job {job_id!r}.")
    except errors.Conflict as refused:
        flash(_("Not replayed: %(why)s.", why=refused.detail), "error")
        return redirect(url_for("console.job", job_id=job_id))
    flash(_("Job %(id)s queued again from the start of its retry schedule.", id=job_id), "success")
    return redirect(url_for("console.job", job_id=job_id))


@console.post("/connectors/<name>/replay-dead")
@admin_only
def replay_connector(name: str):
    with hub_state().session_factory() as session, session.begin():
        connector_admin.get(session, name)
        dead = sync_log.replay_matching(session, sync_log.Filters(connector=name), actor=g.console_user.actor)
    flash(_("%(n)s dead job(s) of %(name)s queued again.", n=len(dead), name=name), "success")
    return redirect(url_for("console.connector", name=name))


@console.post("/connectors/<name>/enable")
@admin_only
def enable_connector(name: str):
    with hub_state().session_factory() as session, session.begin():
        connector_admin.update(
            session, name, {"enabled": True}, actor=g.console_user.actor, settings=hub_state().settings
        )
    flash(_("Connector %(name)s enabled; its circuit breaker is closed.", name=name), "success")
    return redirect(url_for("console.connector", name=name))


@console.post("/connectors/<name>/disable")
@admin_only
def disable_connector(name: str):
    reason = " ".join(request.form.get("reason", "").split())[:500] or "disabled from the console"
    with hub_state().session_factory() as session, session.begin():
        connector_admin.disable(session, name, actor=g.console_user.actor, reason=reason)
    flash(_("Connector %(name)s disabled: its jobs wait until it is enabled again.", name=name), "success")
    return redirect(url_for("console.connector", name=name))


@console.post("/connectors/<name>/delete")
@admin_only
def delete_connector(name: str):
    if request.form.get("confirm_name", "").strip() != name:
        flash(_("Type the connector's name (%(name)s) to delete it.", name=name), "error")
        return redirect(url_for("console.connector", name=name))
    with hub_state().session_factory() as session, session.begin():
        kept = connector_admin.delete(session, name, actor=g.console_user.actor)
    flash(
        _(
            "Connector %(name)s deleted: its config and secrets are erased; its %(n)s job(s) stay in the sync log.",
            name=name,
            n=kept,
        ),
        "success",
    )
    return redirect(url_for("console.connectors"))


@console.post("/users/<int:user_id>/enable")
@admin_only
def enable_user(user_id: int):
    return _change_user(user_id, accounts.enable_user, N_("%(email)s may sign in again."))


@console.post("/users/<int:user_id>/unlock")
@admin_only
def unlock_user(user_id: int):
    return _change_user(
        user_id, accounts.unlock_user, N_("%(email)s is unlocked; their failed sign-ins are forgotten.")
    )


def _change_user(user_id: int, change, done: str):
    with hub_state().session_factory() as session, session.begin():
        user = session.get(ConsoleUser, user_id)
        if user is None:
            abort(404, f"No console user {user_id}.")
        change(session, email=user.email, actor=g.console_user.actor)
        email = user.email
    flash(_(done, email=email), "success")
    return redirect(url_for("console.users"))


@console.post("/audit/verify")
def verify_audit():
    """Open to auditors too: verifying changes nothing but the record that it was run."""
    state = hub_state()
    settings = state.settings
    export = settings.audit_checkpoint_file
    from_file = checkpoints.read_file(export) if export and export.exists() else None
    public_keys = [checkpoints.Signer.for_settings(settings).public_key]
    # Walk the chain on a read session, so a long check never holds the write lock other writers wait for.
    with state.read_session_factory() as session:
        report = checkpoints.verify(session, public_keys, from_file)
    chain = report.chain
    with state.session_factory() as session, session.begin():
        audit.append(
            session,
            actor=g.console_user.actor,
            action="audit.verified",
            object_type="audit_trail",
            object_id="chain",
            details={
                "ok": report.ok,
                "checked": chain.checked,
                "first_broken_seq": chain.first_broken_seq,
                "checkpoints": report.checkpoints,
                "truncated": bool(report.truncated),
                "recomputed": bool(report.rewritten),
                "checkpoint_rows_deleted": bool(report.rows_missing),
                "forged_checkpoints": len(report.forged),
            },
        )
    for title, findings in (
        (N_("Audit trail truncated: %(finding)s."), report.truncated),
        (N_("Audit trail recomputed: %(finding)s."), report.rewritten),
        (N_("Audit trail checkpoint rows deleted: %(finding)s."), report.rows_missing),
        (N_("Audit trail forged checkpoint: %(finding)s."), report.forged),
    ):
        for finding in findings:
            flash(_(title, finding=finding), "error")
    if not chain.ok:
        flash(
            _(
                "Audit trail BROKEN at entry %(seq)s: %(reason)s (%(checked)s entries before it verified).",
                seq=chain.first_broken_seq,
                reason=chain.reason,
                checked=chain.checked,
            ),
            "error",
        )
        return redirect(url_for("console.audit_trail", before=chain.first_broken_seq + 1))
    if report.ok:
        flash(
            _(
                "Audit trail intact: %(checked)s entries verified, %(checkpoints)s signed checkpoint(s) agree.",
                checked=chain.checked,
                checkpoints=report.checkpoints,
            ),
            "success",
        )
    return redirect(url_for("console.audit_trail"))
