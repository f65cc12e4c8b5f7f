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


@console.post("/jobs/<job_id>/replay")
@admin_only
def replay_job(job_id: str):
    try:
        with hub_state().session_factory() as session, session.begin():
            sync_log.replay_one(session, job_id, actor=g.console_user.actor)
    except errors.NotFound:
        abort(404, f"No sync job {job_id!r}.")
    except errors.Conflict as refused:
        flash(f"Not replayed: {refused.detail}.", "error")
        return redirect(url_for("console.job", job_id=job_id))
    flash(f"Job {job_id} queued again from the start of its retry schedule.", "success")
    return redirect(url_for("console.job", job_id=job_id))


@console.post("/connectors/<name>/replay-dead")
@admin_only
def replay_connector(name: str):
    with hub_state().session_factory() as session, session.begin():
        connector_admin.get(session, name)
        dead = sync_log.replay_matching(session, sync_log.Filters(connector=name), actor=g.console_user.actor)
    flash(f"{len(dead)} dead job(s) of {name} queued again.", "success")
    return redirect(url_for("console.connector", name=name))


@console.post("/connectors/<name>/enable")
@admin_only
def enable_connector(name: str):
    with hub_state().session_factory() as session, session.begin():
        connector_admin.update(
            session, name, {"enabled": True}, actor=g.console_user.actor, settings=hub_state().settings
        )
    flash(f"Connector {name} enabled; its circuit breaker is closed.", "success")
    return redirect(url_for("console.connector", name=name))


@console.post("/connectors/<name>/disable")
@admin_only
def disable_connector(name: str):
    reason = " ".join(request.form.get("reason", "").split())[:500] or "disabled from the console"
    with hub_state().session_factory() as session, session.begin():
        connector_admin.disable(session, name, actor=g.console_user.actor, reason=reason)
    flash(f"Connector {name} disabled: its jobs wait until it is enabled again.", "success")
    return redirect(url_for("console.connector", name=name))


@console.post("/connectors/<name>/delete")
@admin_only
def delete_connector(name: str):
    if request.form.get("confirm_name", "").strip() != name:
        flash(f"Type the connector's name ({name}) to delete it.", "error")
        return redirect(url_for("console.connector", name=name))
    with hub_state().session_factory() as session, session.begin():
        kept = connector_admin.delete(session, name, actor=g.console_user.actor)
    flash(
        f"Connector {name} deleted: its config and secrets are erased; its {kept} job(s) stay in the sync log.",
        "success",
    )
    return redirect(url_for("console.connectors"))


@console.post("/users/<int:user_id>/enable")
@admin_only
def enable_user(user_id: int):
    return _change_user(user_id, accounts.enable_user, "{} may sign in again.")


@console.post("/users/<int:user_id>/unlock")
@admin_only
def unlock_user(user_id: int):
    return _change_user(user_id, accounts.unlock_user, "{} is unlocked; their failed sign-ins are forgotten.")


def _change_user(user_id: int, change, done: str):
    with hub_state().session_factory() as session, session.begin():
        user = session.get(ConsoleUser, user_id)
        if user is None:
            abort(404, f"No console user {user_id}.")
        change(session, email=user.email, actor=g.console_user.actor)
        email = user.email
    flash(done.format(email), "success")
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
        ("truncated", report.truncated),
        ("recomputed", report.rewritten),
        ("checkpoint rows deleted", report.rows_missing),
        ("forged checkpoint", report.forged),
    ):
        for finding in findings:
            flash(f"Audit trail {title}: {finding}.", "error")
    if not chain.ok:
        flash(
            f"Audit trail BROKEN at entry {chain.first_broken_seq}: {chain.reason} "
            f"({chain.checked} entries before it verified).",
            "error",
        )
        return redirect(url_for("console.audit_trail", before=chain.first_broken_seq + 1))
    if report.ok:
        flash(
            f"Audit trail intact: {chain.checked} entries verified, {report.checkpoints} signed checkpoint(s) agree.",
            "success",
        )
    return redirect(url_for("console.audit_trail"))
