"""Setting the hub up from the console (admin role): add and edit connectors through a form generated from their
type's JSON Schema, test a connection, preview the exact request, and manage people (console users, API clients).

Every change goes through the same domain functions as the API and the CLI, so the same checks, pointers and audit
entries apply; auditors may open none of these pages.
"""

from __future__ import annotations

import json
from datetime import timedelta

from flask import abort, flash, g, redirect, request, url_for
from sqlalchemy import select

from hub import errors
from hub.accounts import api_clients, signing
from hub.accounts import console_users as accounts
from hub.delivery import connector_admin, preview
from hub.delivery.outbox import EVENTS
from hub.storage.models import ApiClient, ConsoleUser, InterviewResult, utcnow
from hub.storage.statuses import ResultStatus
from hub.web.console import console, i18n, schema_form
from hub.web.console.auth import admin_only, hub_state
from hub.web.console.i18n import gettext as _
from hub.web.console.rendering import render

TOP_FIELDS = ("name", "mapping", "events", "job_codes", "retry_schedule", "max_concurrency", "rate_per_second")


def _types() -> dict[str, dict]:
    return {item["type"]: item for item in connector_admin.types_view()}


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.replace("\n", ",").split(",") if part.strip()]


def _spec_from_form(type_info: dict, stored_view: dict | None) -> tuple[dict, list[dict]]:
    """The connector fields a submitted form describes, and the problems found before any domain check."""
    form = request.form
    problems: list[dict] = []
    spec: dict = {}
    if stored_view is None:
        spec["name"] = form.get("name", "").strip()
        spec["type"] = type_info["type"]
    spec["mapping"] = form.get("mapping", "").strip()
    spec["events"] = [event for event in EVENTS if form.get(f"event.{event}")]
    codes = _split(form.get("job_codes", ""))
    spec["job_codes"] = codes or None
    retry = _split(form.get("retry_schedule", ""))
    if retry:
        try:
            spec["retry_schedule"] = [int(step) for step in retry]
        except ValueError:
            problems.append({"pointer": "/retry_schedule", "message": "whole seconds separated by commas, e.g. 5,300"})
    else:
        spec["retry_schedule"] = None
    for key, kind in (("max_concurrency", int), ("rate_per_second", float)):
        raw = form.get(key, "").strip()
        if raw:
            try:
                spec[key] = kind(raw)
            except ValueError:
                problems.append({"pointer": f"/{key}", "message": f"not a number: {raw[:40]!r}"})
        elif key == "rate_per_second":
            spec[key] = None
    raw_settings = form.get("settings", "").strip()
    try:
        spec["settings"] = json.loads(raw_settings) if raw_settings else {}
    except ValueError:
        problems.append({"pointer": "/settings", "message": 'not JSON: write an object, e.g. {"policy": "default"}'})
    schema = type_info["config_schema"]
    try:
        config = schema_form.read(schema, form)
    except schema_form.FormProblems as unreadable:
        problems.extend(unreadable.errors)
        config = unreadable.config
    spec["config"] = schema_form.keep_secrets(schema, config, stored_view["config"]) if stored_view else config
    return spec, problems


def _form_page(type_info: dict, *, values: dict, stored_view: dict | None, problems: list[dict], status: int = 200):
    placed, unplaced = schema_form.errors_by_field(problems)
    known = {"/" + key for key in TOP_FIELDS} | {"/settings", "/type"}
    config_fields = schema_form.fields(type_info["config_schema"], values.get("config"))
    config_pointers = _pointers(config_fields)
    for pointer in list(placed):
        inside = pointer.startswith("/config") and _nearest(pointer[len("/config") :], config_pointers) is not None
        if not (pointer in known or pointer.split("/")[:2] == ["", "events"] or inside):
            unplaced += [{"pointer": pointer, "message": message} for message in placed.pop(pointer)]
    for pointer in list(placed):
        if pointer.startswith("/config"):
            nearest = _nearest(pointer[len("/config") :], config_pointers)
            if nearest is not None and nearest != pointer[len("/config") :]:
                placed.setdefault("/config" + nearest, []).extend(placed.pop(pointer))
    return render(
        "connector_form.html",
        status=status,
        type_info=type_info,
        editing=stored_view is not None,
        values=values,
        config_fields=config_fields,
        mappings=connector_admin.mappings_for(type_info["type"], hub_state().settings),
        events=EVENTS,
        problems=placed,
        unplaced=unplaced,
        problem_count=len(problems),
    )


def _pointers(items: list[schema_form.Field]) -> set[str]:
    found = set()
    for item in items:
        found.add(item.pointer)
        found |= _pointers(item.children)
    return found


def _nearest(pointer: str, known: set[str]) -> str | None:
    """The field a problem at `pointer` (inside the config) belongs to: itself or its nearest ancestor."""
    while pointer:
        if pointer in known:
            return pointer
        pointer = pointer.rsplit("/", 1)[0]
    return None


def _values(spec: dict) -> dict:
    """What the form shows again after a refused submission (secrets never)."""
    return {
        **spec,
        "job_codes": ", ".join(spec.get("job_codes") or []),
        "retry_schedule": ", ".join(str(s) for s in spec.get("retry_schedule") or []),
        "settings": json.dumps(spec["settings"], ensure_ascii=False) if spec.get("settings") else "",
    }


@console.get("/connectors/new")
@admin_only
def new_connector():
    types = _types()
    chosen = request.args.get("type")
    if chosen not in types:
        return render("connector_types.html", types=list(types.values()), active_page="connectors")
    values = {"events": ["candidate.hired"], "max_concurrency": 4, "config": {}}
    return _form_page(types[chosen], values=values, stored_view=None, problems=[])


@console.post("/connectors/new")
@admin_only
def add_connector():
    types = _types()
    chosen = request.form.get("type", "")
    if chosen not in types:
        abort(400, f"Choose a connector type: {', '.join(types)}.")
    spec, problems = _spec_from_form(types[chosen], None)
    if not problems:
        try:
            with hub_state().session_factory() as session, session.begin():
                connector_admin.add(session, spec, actor=g.console_user.actor, settings=hub_state().settings)
        except errors.ConnectorExists as exists:
            problems = [{"pointer": "/name", "message": str(exists.detail)}]
        except errors.InvalidInput as refused:
            problems = refused.errors or [{"pointer": "", "message": str(refused.detail)}]
    if problems:
        return _form_page(types[chosen], values=_values(spec), stored_view=None, problems=problems, status=422)
    flash(
        _("Connector %(name)s added. Test its connection, then preview what it would send.", name=spec["name"]),
        "success",
    )
    return redirect(url_for("console.connector", name=spec["name"]))


@console.get("/connectors/<name>/edit")
@admin_only
def edit_connector(name: str):
    view = connector_admin.view(connector_admin.get(hub_state().session(), name))
    return _form_page(_types()[view["type"]], values=_values(view), stored_view=view, problems=[])


@console.post("/connectors/<name>/edit")
@admin_only
def update_connector(name: str):
    view = connector_admin.view(connector_admin.get(hub_state().session(), name))
    type_info = _types()[view["type"]]
    spec, problems = _spec_from_form(type_info, view)
    if not problems:
        try:
            with hub_state().session_factory() as session, session.begin():
                connector_admin.update(
                    session,
                    name,
                    spec,
                    actor=g.console_user.actor,
                    settings=hub_state().settings,
                    replace_config=True,
                )
        except errors.InvalidInput as refused:
            problems = refused.errors or [{"pointer": "", "message": str(refused.detail)}]
    if problems:
        values = _values({**view, **spec, "config": {**spec["config"]}})
        return _form_page(type_info, values=values, stored_view=view, problems=problems, status=422)
    flash(_("Connector %(name)s saved.", name=name), "success")
    return redirect(url_for("console.connector", name=name))


@console.post("/connectors/<name>/check")
@admin_only
def check_connector(name: str):
    state = hub_state()
    connector = connector_admin.get(state.session(), name)
    outcome = connector_admin.check(connector, state.settings)
    flash(
        _("Test connection: OK: %(message)s", message=outcome.message)
        if outcome.ok
        else _("Test connection: failed: %(message)s", message=outcome.message),
        "success" if outcome.ok else "error",
    )
    return redirect(url_for("console.connector", name=name))


@console.get("/connectors/<name>/preview")
@admin_only
def preview_connector(name: str):
    state = hub_state()
    session = state.session()
    view = connector_admin.view(connector_admin.get(session, name))
    event = request.args.get("event") or view["events"][0]
    if event not in EVENTS:
        abort(400, f"event must be one of {', '.join(EVENTS)}.")
    result_id = request.args.get("result") or None
    recent = session.scalars(
        select(InterviewResult.id)
        .where(InterviewResult.status == ResultStatus.SCORED)
        .order_by(InterviewResult.created_at.desc())
        .limit(20)
    ).all()
    requests_, problem, skipped = [], None, None
    try:
        requests_ = preview.prepare(state, name, result_id=result_id, sample=result_id is None, event=event)
    except preview.PreviewError as error:
        problem = str(error)
    except preview.NothingToSend as nothing:
        skipped = str(nothing)
    return render(
        "connector_preview.html",
        connector=view,
        event=event,
        events=EVENTS,
        result_id=result_id,
        recent=recent,
        requests=requests_,
        problem=problem,
        skipped=skipped,
        active_page="connectors",
    )


# --- people ---------------------------------------------------------------------------------------------


@console.post("/users/new")
@admin_only
def create_user():
    email, role = request.form.get("email", ""), request.form.get("role", "")
    try:
        with hub_state().session_factory() as session, session.begin():
            accounts.create_user(
                session, email=email, role=role, password=request.form.get("password", ""), actor=g.console_user.actor
            )
    except (accounts.InvalidAccount, accounts.AccountExists) as refused:
        flash(_("Not added: %(why)s.", why=refused), "error")
        return redirect(url_for("console.users"))
    flash(
        _(
            "%(email)s added as %(role)s; they sign in with the password you set.",
            email=accounts.normalise_email(email),
            role=role,
        ),
        "success",
    )
    return redirect(url_for("console.users"))


def _user_or_404(session, user_id: int):
    user = session.get(ConsoleUser, user_id)
    if user is None:
        abort(404, f"No console user {user_id}.")
    return user


@console.post("/users/<int:user_id>/disable")
@admin_only
def disable_user(user_id: int):
    if user_id == g.console_user.id:
        flash(_("You cannot disable yourself; ask another admin."), "error")
        return redirect(url_for("console.users"))
    with hub_state().session_factory() as session, session.begin():
        user = _user_or_404(session, user_id)
        accounts.disable_user(session, email=user.email, actor=g.console_user.actor)
        email = user.email
    flash(_("%(email)s can no longer sign in; their open sessions end at their next request.", email=email), "success")
    return redirect(url_for("console.users"))


@console.post("/users/<int:user_id>/role")
@admin_only
def change_role(user_id: int):
    role = request.form.get("role", "")
    try:
        with hub_state().session_factory() as session, session.begin():
            user = _user_or_404(session, user_id)
            accounts.change_role(session, email=user.email, role=role, actor=g.console_user.actor)
            email = user.email
    except accounts.InvalidAccount as refused:
        flash(_("Role not changed: %(why)s.", why=refused), "error")
        return redirect(url_for("console.users"))
    flash(_("%(email)s is now %(role)s.", email=email, role=role), "success")
    return redirect(url_for("console.users"))


def _client_rows() -> list[dict]:
    """Every API client, with whether its key has expired."""
    now = utcnow()
    found = hub_state().session().scalars(select(ApiClient).order_by(ApiClient.name)).all()
    return [
        {"client": c, "expired": c.expires_at is not None and c.expires_at.replace(tzinfo=now.tzinfo) <= now}
        for c in found
    ]


@console.get("/clients")
@admin_only
def clients():
    return render(
        "clients.html",
        clients=_client_rows(),
        roles=api_clients.ROLES,
        signing_modes=signing.MODES,
        new_key=None,
    )


@console.post("/clients/new")
@admin_only
def create_client():
    name, role = " ".join(request.form.get("name", "").split()), request.form.get("role", "")
    raw_days = request.form.get("expires_in_days", "").strip()
    signing_mode = request.form.get("signing", "").strip()
    problem = None
    expires_at = None
    if not name or len(name) > 100:
        problem = "a name of 1 to 100 characters, e.g. miniprogram-prod"
    elif signing_mode and signing_mode not in signing.MODES:
        problem = f"signed requests: one of {', '.join(signing.MODES)}, or empty for none"
    elif raw_days:
        if not raw_days.isdigit() or not 1 <= int(raw_days) <= 3650:
            problem = "expires in: whole days from 1 to 3650, or empty for no expiry"
        else:
            expires_at = utcnow() + timedelta(days=int(raw_days))
    new_key = None
    secret = None
    if problem is None:
        try:
            with hub_state().session_factory() as session, session.begin():
                _client, new_key = api_clients.create_client(
                    session, name=name, role=role, actor=g.console_user.actor, expires_at=expires_at
                )
                if signing_mode:  # in the same transaction: a client is never created half set up
                    _client, secret = signing.set_mode(
                        session, name=name, mode=signing_mode, actor=g.console_user.actor
                    )
        except (ValueError, api_clients.ClientExists) as refused:
            problem = str(refused)
    if problem:
        flash(_("Not created: %(why)s.", why=problem), "error")
        return redirect(url_for("console.clients"))
    # The key (and signing secret) is shown on this one answer and never again (the key is stored hashed); the
    # page is not cached.
    response = render(
        "clients.html",
        clients=_client_rows(),
        roles=api_clients.ROLES,
        signing_modes=signing.MODES,
        new_key={"name": name, "role": role, "key": new_key, "signing": signing_mode, "secret": secret},
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@console.post("/clients/<int:client_id>/signing")
@admin_only
def client_signing(client_id: int):
    """Require signed requests, allow them, or turn signing off; a new secret is shown once when one is made."""
    mode = request.form.get("mode", "")
    if mode not in (*signing.MODES, "off"):
        flash(_("Not changed: %(why)s.", why="signed requests: required, optional or off"), "error")
        return redirect(url_for("console.clients"))
    secret = None
    with hub_state().session_factory() as session, session.begin():
        client = session.get(ApiClient, client_id)
        if client is None:
            abort(404, f"No API client {client_id}.")
        name = client.name
        if client.revoked_at is not None:
            flash(_("Not changed: %(why)s.", why="the client is revoked"), "error")
            return redirect(url_for("console.clients"))
        if mode == "off":
            signing.turn_off(session, name=name, actor=g.console_user.actor)
        else:
            _client, secret = signing.set_mode(session, name=name, mode=mode, actor=g.console_user.actor)
    if mode == "off":
        flash(_("%(name)s no longer signs its requests: its key alone is checked.", name=name), "success")
    elif mode == "required":
        flash(_("%(name)s must now sign every request; unsigned ones are refused.", name=name), "success")
    else:
        flash(
            _("%(name)s may sign its requests: signed ones are checked, unsigned ones still pass.", name=name),
            "success",
        )
    if secret is None:
        return redirect(url_for("console.clients"))
    response = render(
        "clients.html",
        clients=_client_rows(),
        roles=api_clients.ROLES,
        signing_modes=signing.MODES,
        new_key=None,
        new_secret={"name": name, "secret": secret},
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@console.post("/clients/<int:client_id>/revoke")
@admin_only
def revoke_client(client_id: int):
    with hub_state().session_factory() as session, session.begin():
        client = session.get(ApiClient, client_id)
        if client is None:
            abort(404, f"No API client {client_id}.")
        api_clients.revoke_client(session, name=client.name, actor=g.console_user.actor)
        name = client.name
    flash(_("API client %(name)s revoked: its key is refused from now on.", name=name), "success")
    return redirect(url_for("console.clients"))


# --- each person's language and time zone (any role) ------------------------------------------------------


@console.get("/settings")
def settings_page():
    with hub_state().session_factory() as session:
        user = session.get(ConsoleUser, g.console_user.id)
        chosen = {"language": user.language or "", "time_zone": user.time_zone or ""}
    return render(
        "settings.html", chosen=chosen, languages=i18n.LANGUAGES, time_zones=i18n.time_zones(), active_page="settings"
    )


@console.post("/settings")
def save_settings():
    language = request.form.get("language", "")
    zone = request.form.get("time_zone", "").strip()
    if language and language not in i18n.LANGUAGES:
        abort(400, _("Choose a language from the list."))
    if zone and i18n.valid_time_zone(zone) is None:
        flash(_("Not saved: %(zone)s is not a time zone (e.g. Asia/Shanghai).", zone=zone[:64]), "error")
        return redirect(url_for("console.settings_page"))
    with hub_state().session_factory() as session, session.begin():
        user = session.get(ConsoleUser, g.console_user.id)
        user.language, user.time_zone = language or None, zone or None
    g.console_language = i18n.choose_language(language or None)
    flash(_("Settings saved."), "success")
    return redirect(url_for("console.settings_page"))
