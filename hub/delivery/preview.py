"""`connectors preview`: render and prepare exactly what a connector would send, sending nothing."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import mappings
import scoring_engine
from connectors.errors import ConnectorError
from connectors.plugins import create_connector
from hub.delivery import connector_admin, deliver, documents
from hub.intake import scoring
from hub.intake.validation import schema_errors
from hub.storage.models import InterviewResult, SyncJob, utcnow
from scoring_engine.errors import ScoringError


class PreviewError(Exception):
    """The payload cannot be built or the target could not take it; the message says where."""


class NothingToSend(Exception):
    """The job would be skipped: nothing to send (the message says why, e.g. policy produced no goals)."""


def prepare(
    state,
    name: str,
    *,
    result_id: str | None = None,
    sample_path: str | None = None,
    sample: bool = False,
    event: str | None = None,
):
    """What the connector would send for a stored result, a sample InterviewResult file, or (`sample`) the shipped
    sample document addressed to this connector."""
    with state.read_session_factory() as session:
        connector = connector_admin.get(session, name)
        event = event or connector.events[0]
        if result_id:
            result = session.get(InterviewResult, result_id)
            if result is None:
                raise PreviewError(f"no result {result_id!r}")
            job = SyncJob(id=f"preview-{uuid.uuid4()}", event=event, created_at=utcnow())
            try:
                document = documents.build(
                    job, connector, result, default_policy=state.settings.policy, catalog=state.settings.catalog
                )
            except (documents.NotReady, mappings.PolicyError, mappings.InputError) as error:
                raise PreviewError(str(error)) from None
        elif sample:
            document = mappings.sample_document(event)
            document["connector"] = {"name": connector.name, "settings": connector.settings or {}}
        else:
            document = _sample_document(Path(str(sample_path)), connector, event, state.settings)
        session.expunge_all()
    try:
        rendered = deliver.render_document(connector, document, state.settings.catalog)
    except deliver.MAPPING_ERRORS as error:
        raise PreviewError(f"mapping {connector.mapping!r} failed: {error}") from None
    if rendered.skip_reason:
        raise NothingToSend(rendered.skip_reason)
    payloads = rendered.payloads
    try:
        live = create_connector(connector.type, connector.config, policy=state.settings.destinations)
    except ConnectorError as error:
        raise PreviewError(f"the {connector.type} connector's config is refused: {error}") from None
    try:
        job = SyncJob(id=document["job_id"], event=event, attempts=0)
        job_contexts = deliver.contexts(
            job, connector, 1, Path(state.settings.instance_path) / "cache" / "connectors", len(payloads)
        )
        return [live.prepare(payload, context) for payload, context in zip(payloads, job_contexts)]
    except ConnectorError as error:
        raise PreviewError(f"the {connector.type} connector would refuse this payload: {error}") from None
    finally:
        live.close()


def _sample_document(path: Path, connector, event: str, settings) -> dict:
    try:
        sample = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise PreviewError(f"{path}: {error}") from None
    if not isinstance(sample, dict):
        raise PreviewError(f"{path}: expected a JSON object (an InterviewResult with a 'decision')")
    decision = sample.pop("decision", None)
    errors = (
        schema_errors("interview-result", sample)
        + [
            {"pointer": "/decision" + e["pointer"], "message": e["message"]}
            for e in schema_errors("decision", decision or {})
        ]
        if decision is not None
        else schema_errors("interview-result", sample)
    )
    if errors:
        raise PreviewError(f"{path}: " + "; ".join(f"{e['pointer'] or '/'}: {e['message']}" for e in errors))
    try:
        if "scores" in sample:
            model = (
                scoring_engine.load_competency_model(sample["scores"]["model"])
                if sample["scores"].get("model")
                else None
            )
            profile = scoring_engine.profile_from_ready_scores(
                sample["scores"]["dimensions"],
                model=model,
                source=f"external:{sample['scores']['source']}",
                preferences=sample.get("preferences"),
            )
        else:
            model = scoring.choose_model(sample["answers"])
            if model is None:
                raise PreviewError(f"{path}: no shipped competency model knows all of these question ids")
            profile = scoring_engine.score_interview(sample["answers"], model, preferences=sample.get("preferences"))
    except ScoringError as error:
        raise PreviewError(f"{path}: {error.pointer or ''} {error}") from None
    profile_data = profile.to_dict()
    try:
        return documents.assemble(
            event=event,
            job_id=f"preview-{uuid.uuid4()}",
            occurred_at=utcnow().isoformat(),
            result={"id": "preview", "external_id": sample["external_id"], "job_code": sample["job_code"]},
            candidate=sample["candidate"],
            decision=decision,
            profile=profile_data,
            profile_version=1,
            preferences=sample.get("preferences") or {},
            connector_name=connector.name,
            settings=connector.settings or {},
            default_policy=settings.policy,
            catalog=settings.catalog,
        )
    except (mappings.PolicyError, mappings.InputError) as error:
        raise PreviewError(str(error)) from None
