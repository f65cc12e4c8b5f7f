"""The record of processing activities (GDPR Art. 30, PIPL Art. 54-55 records) and a DPIA/PIPIA draft, generated
from the hub's configuration: which connectors send which fields where (with a cross-border flag each), what data
the hub keeps, encrypted how, for how long, and which notices candidates see.

Drafts: the employer (the controller) completes them, names itself, its legal bases and its assessor. The hub
describes its mechanisms; it does not claim that any of them is sufficient."""

from __future__ import annotations

import ipaddress
import re
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.rights import notices
from hub.storage.models import Connector, utcnow

# The canonical document's parts a mapping may read (mappings/document.py); a template naming one sends it.
DOCUMENT_ROOTS = ("candidate", "employee", "result", "profile", "plan", "attendance")
_FIELD = re.compile(r"\b(" + "|".join(DOCUMENT_ROOTS) + r")((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
_PICK = re.compile(r"\b(" + "|".join(DOCUMENT_ROOTS) + r")\s*\|\s*pick\(([^)]*)\)")
_WHOLE = re.compile(r"\{\{\s*(" + "|".join(DOCUMENT_ROOTS) + r")\s*(?:\||\}\})")
_DESTINATION_KEYS = ("base_url", "endpoint", "wsdl", "url", "host", "folder", "path")
# Country-code top-level domains that say where a host is (a guess: a .com may be anywhere).
_TLD_COUNTRY = {"cn": "CN", "hk": "HK", "sg": "SG", "jp": "JP", "de": "DE", "fr": "FR", "uk": "GB", "eu": "EU",
                "us": "US", "nl": "NL", "ie": "IE", "au": "AU", "in": "IN"}  # fmt: skip
_EU = {"DE", "FR", "NL", "IE", "EU"}

DATA_TYPES: list[dict[str, Any]] = [
    {
        "type": "candidate identity",
        "fields": ["name", "phone", "email", "id_number"],
        "table": "candidates.pii",
        "protection": "AES-256-GCM, key ring HUB_ENCRYPTION_KEYS",
    },
    {
        "type": "interview answers and consent",
        "fields": ["answers (text, transcripts, code)", "preferences", "consent", "ready scores"],
        "table": "interview_results.payload",
        "protection": "AES-256-GCM",
    },
    {
        "type": "capability profiles",
        "fields": ["dimension scores", "evidence quotes", "suggestions"],
        "table": "profiles.data",
        "protection": "AES-256-GCM",
    },
    {
        "type": "resumes",
        "fields": ["file", "file name", "extracted fields"],
        "table": "resumes",
        "protection": "AES-256-GCM",
    },
    {
        "type": "hire decisions",
        "fields": ["hired", "decided by", "employee ids", "start date", "note (encrypted)"],
        "table": "decisions",
        "protection": "note encrypted; the rest plain",
    },
    {
        "type": "human reviews",
        "fields": ["reviewer", "reason", "engine value", "reviewer's value"],
        "table": "reviews.data",
        "protection": "AES-256-GCM",
    },
    {
        "type": "outcomes",
        "fields": ["performance ratings", "attendance summaries"],
        "table": "outcomes.record",
        "protection": "AES-256-GCM",
    },
    {
        "type": "delivery attempts",
        "fields": ["payloads sent", "start of the target's reply"],
        "table": "delivery_attempts",
        "protection": "AES-256-GCM",
    },
    {
        "type": "consent records",
        "fields": ["notice id, version, language, jurisdiction", "scopes", "automated-decision opt-out"],
        "table": "consent_records",
        "protection": "plain (no personal data); kept after erasure as evidence",
    },
    {
        "type": "audit trail",
        "fields": ["who (client or user id), what, when, ids"],
        "table": "audit_entries",
        "protection": "hash-chained, signed checkpoints; holds no personal data",
    },
]


def _retention(kind: str, days: int | None) -> str:
    if kind in ("consent records", "audit trail"):
        return "kept (no personal data): the evidence of what was done"
    if kind == "hire decisions":
        base = "erased with the candidate (who decided and the note); the fact of the decision stays"
    elif kind == "outcomes":
        base = "erased with the candidate"
    else:
        base = "erased with the candidate (erasure request, or retention)"
    limit = (
        f"; candidates not hired are erased {days} days after their latest interview (hris-hub candidates retention)"
        if days
        else "; no retention limit configured (set HUB_RETENTION_DAYS and schedule hris-hub candidates retention)"
    )
    return base + limit


def fields_sent(settings: Settings, mapping: str) -> list[str]:
    """The canonical-document fields a mapping's templates read (so the connector sends them), or [] if unreadable."""
    try:
        text = settings.catalog.path_of(mapping, "mapping").read_text(encoding="utf-8")
    except (LookupError, OSError):
        return []
    lines = [line.split("#", 1)[0] for line in text.splitlines()]
    text = "\n".join(
        line for line in lines if not line.strip().startswith(("events:", "name:", "description:", "schema:"))
    )
    found = {root + rest for root, rest in _FIELD.findall(text)}
    for root, names in _PICK.findall(text):  # {{ candidate | pick('external_id', 'name') }}
        found |= {f"{root}.{name}" for name in re.findall(r"['\"]([A-Za-z_][A-Za-z0-9_]*)['\"]", names)}
    for root in _WHOLE.findall(text):  # {{ plan | default(none) }}: the whole part
        if not any(field.startswith(root + ".") for field in found):
            found.add(f"{root} (all of it)")
    return sorted(found - {"candidate.hired", "result.scored"})


def destination(config: dict) -> str | None:
    for key in _DESTINATION_KEYS:
        value = (config or {}).get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _host(where: str | None) -> str | None:
    if not where:
        return None
    if "://" in where:
        return urlsplit(where).hostname
    return None  # a local folder or file


def country_of(where: str | None, home: str) -> tuple[str | None, str]:
    """(country, how it was found) for a destination: local and private addresses are home; a ccTLD names one."""
    if not where:
        return None, "no destination configured"
    host = _host(where)
    if host is None:
        return home, "a local folder or file"
    try:
        address = ipaddress.ip_address(host)
        if address.is_private or address.is_loopback or address.is_link_local:
            return home, "a private or loopback address"
        return None, "a public IP address (set settings.destination_country)"
    except ValueError:
        pass
    if host == "localhost":
        return home, "localhost"
    tld = host.rsplit(".", 1)[-1].lower()
    if tld in _TLD_COUNTRY:
        return _TLD_COUNTRY[tld], f"the host's country domain .{tld}"
    return None, f"not derivable from {host} (set settings.destination_country or settings.cross_border)"


def _same_region(a: str, b: str) -> bool:
    return a == b or (a in _EU and b in _EU)


def recipients(session: Session, settings: Settings, home: str) -> list[dict]:
    out = []
    connectors = session.scalars(select(Connector).where(Connector.deleted_at.is_(None)).order_by(Connector.name))
    for connector in connectors:
        config = connector.config or {}
        own = connector.settings or {}
        where = destination(config)
        if isinstance(own.get("cross_border"), bool):
            cross, basis = own["cross_border"], "connector setting cross_border"
            country = own.get("destination_country")
        elif isinstance(own.get("destination_country"), str):
            country, basis = own["destination_country"].upper(), "connector setting destination_country"
            cross = not _same_region(country, home)
        else:
            country, basis = country_of(where, home)
            cross = None if country is None else not _same_region(country, home)
        host = _host(where)
        out.append(
            {
                "connector": connector.name,
                "type": connector.type,
                "enabled": connector.enabled,
                "events": list(connector.events or []),
                "job_codes": connector.job_codes,
                "mapping": connector.mapping,
                "destination": host or (where if where and "://" not in where else None),
                "destination_country": country,
                "cross_border": cross,
                "cross_border_basis": basis,
                "fields_sent": fields_sent(settings, connector.mapping),
                "consent_needed": "transfer_to_hr_systems",
            }
        )
    return out


def record_of_processing(session: Session, settings: Settings, *, home: str, retention_days: int | None) -> dict:
    """The record of processing activities as one JSON-able document."""
    try:
        version = metadata.version("hris-hub")
    except metadata.PackageNotFoundError:
        version = "unknown"
    to = recipients(session, settings, home)
    return {
        "kind": "record of processing activities (draft)",
        "generated_at": utcnow().isoformat(),
        "system": f"hris-hub {version}",
        "controller": "(the employer: name, address, contact, representative)",
        "home_jurisdiction": home,
        "purposes": [
            "assess interview answers against a job's competencies (advisory scores with quoted evidence)",
            "read resumes and match them to jobs (advisory)",
            "deliver hires' goals and attendance rules to HR systems",
            "link later performance and attendance outcomes to hires to check the scores' validity",
        ],
        "data_subjects": ["job candidates", "hired employees (outcomes)", "reviewers and decision makers (names)"],
        "data_types": [{**item, "retention": _retention(item["type"], retention_days)} for item in DATA_TYPES],
        "recipients": to,
        "cross_border_transfers": [r["connector"] for r in to if r["cross_border"]],
        "cross_border_unknown": [r["connector"] for r in to if r["cross_border"] is None],
        "automated_decisions": {
            "scoring": "advisory; a person decides every hire (decisions record who)",
            "opt_out": "consent.automated_decision_opt_out: nothing is scored, a person reviews and may assess",
            "explanation": "GET /api/v1/results/{id}/explanation (zh, en; no weights, nothing about emotion)",
            "human_review": "POST /api/v1/results/{id}/reviews: confirm or override, kept beside the engine's output",
        },
        "notices": [n.summary() for n in notices.catalog(settings.notices_dir)],
        "security": [
            "personal data encrypted at rest (AES-256-GCM), keys rotated with hris-hub keys rotate",
            "API keys hashed, roles ingest/admin/auditor/outcomes; console users with lockout",
            "hash-chained audit trail with signed checkpoints, no personal data in it",
            "connectors limited to allowed destinations (HUB_ALLOWED_DESTINATIONS)",
        ],
        "rights": {
            "access": "GET /api/v1/candidates/{external_id}/export (JSON, HTML); hris-hub candidates export",
            "erasure": "DELETE /api/v1/candidates/{external_id}; hris-hub candidates erase",
            "explanation": "GET /api/v1/results/{id}/explanation",
            "human_review": "consent.automated_decision_opt_out",
        },
    }


def dpia(record: dict) -> dict:
    """A DPIA / PIPIA draft (GDPR Art. 35, PIPL Art. 55-56) from the record: risks, the hub's mechanisms, and the
    questions only the employer can answer."""
    transfers = record["cross_border_transfers"]
    unknown = record["cross_border_unknown"]
    return {
        "kind": "DPIA / PIPIA draft",
        "generated_at": record["generated_at"],
        "system": record["system"],
        "processing": record["purposes"],
        "necessity": "(the employer: why automated assessment is needed and proportionate for these jobs)",
        "risks": [
            {
                "risk": "scores differ by sex, race/ethnicity or other protected traits",
                "mechanisms": "bias audit (impact ratios) from voluntary self-identified data, kept apart from scoring",
                "employer": "an independent auditor (NYC LL144), publishing the summary, acting on flags",
            },
            {
                "risk": "a decision made solely by automated means",
                "mechanisms": "scores are advisory; opt-out path with no scoring; human review log",
                "employer": "recruiters trained to review; a process for contested results",
            },
            {
                "risk": "candidates do not understand how they were assessed",
                "mechanisms": "versioned notices per language and jurisdiction; explanation in zh and en",
                "employer": "the notices' final text, shown before the interview; answering questions",
            },
            {
                "risk": "personal data disclosed or kept too long",
                "mechanisms": "encryption at rest, erasure, retention limit, access export, audit trail",
                "employer": "the retention period, backups' lifetime, access control of the hosts",
            },
            {
                "risk": "personal data leaves the jurisdiction",
                "mechanisms": "per-connector cross-border flag in this record; transfer needs consent scope "
                "transfer_to_hr_systems",
                "employer": "the legal basis of each transfer (PIPL Art. 38-39 standard contract, certification or "
                "security assessment; GDPR Chapter V)"
                + (f"; transfers found: {', '.join(transfers)}" if transfers else "")
                + (f"; undetermined: {', '.join(unknown)}" if unknown else ""),
            },
        ],
        "recipients": record["recipients"],
        "data_types": record["data_types"],
        "open_questions": [
            "Who is the controller, and who the assessor of this DPIA/PIPIA?",
            "What legal basis covers each purpose?",
            "Which retention period applies to candidates not hired, and to hires?",
            "Has the separate consent PIPL Art. 39 asks for cross-border transfers been obtained?",
            "When is this assessment reviewed again (PIPL Art. 56 asks to keep it at least three years)?",
        ],
    }


def _cell(value) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "–"
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown(document: dict) -> str:
    """Either document as Markdown, for the employer to complete."""
    lines = [f"# {document['kind'][0].upper()}{document['kind'][1:]}", "", f"Generated {document['generated_at']} by "
             f"{document['system']}. A draft: the employer completes and owns it.", ""]  # fmt: skip
    if "controller" in document:
        lines += ["## Controller", "", document["controller"], "", "## Purposes", ""]
        lines += [f"- {p}" for p in document["purposes"]] + [""]
        lines += ["## Data subjects", ""] + [f"- {s}" for s in document["data_subjects"]] + [""]
    else:
        lines += ["## Processing", ""] + [f"- {p}" for p in document["processing"]] + [""]
        lines += ["## Necessity and proportionality", "", document["necessity"], "", "## Risks", ""]
        lines += ["| Risk | What the hub does | What remains the employer's |", "|---|---|---|"]
        lines += [
            f"| {_cell(r['risk'])} | {_cell(r['mechanisms'])} | {_cell(r['employer'])} |" for r in document["risks"]
        ]
        lines += [""]
    lines += ["## Data kept, protection and retention", "", "| Data | Fields | Where | Protection | Retention |",
              "|---|---|---|---|---|"]  # fmt: skip
    lines += [
        f"| {_cell(d['type'])} | {_cell(d['fields'])} | {_cell(d['table'])} | {_cell(d['protection'])} | "
        f"{_cell(d['retention'])} |"
        for d in document["data_types"]
    ]
    lines += ["", "## Recipients (connectors)", ""]
    if document["recipients"]:
        lines += ["| Connector | Type | Enabled | Events | Destination | Country | Cross-border | Basis | Fields sent |",
                  "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
        lines += [
            f"| {_cell(r['connector'])} | {_cell(r['type'])} | {_cell(r['enabled'])} | {_cell(r['events'])} | "
            f"{_cell(r['destination'])} | {_cell(r['destination_country'])} | {_cell(r['cross_border'])} | "
            f"{_cell(r['cross_border_basis'])} | {_cell(r['fields_sent'])} |"
            for r in document["recipients"]
        ]
    else:
        lines += ["No connector is configured: nothing leaves the hub."]
    if "automated_decisions" in document:
        lines += ["", "## Automated decisions and candidates' rights", ""]
        lines += [f"- {k.replace('_', ' ')}: {v}" for k, v in document["automated_decisions"].items()]
        lines += [f"- {k.replace('_', ' ')}: {v}" for k, v in document["rights"].items()]
        lines += [
            "",
            "## Notices",
            "",
            "| Id | Version | Language | Jurisdiction | Title | Source |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {n['id']} | {n['version']} | {n['language']} | {n['jurisdiction']} | {_cell(n['title'])} | {n['source']} |"
            for n in document["notices"]
        ]
        lines += ["", "## Security measures", ""] + [f"- {s}" for s in document["security"]]
    if "open_questions" in document:
        lines += ["", "## Open questions for the employer", ""] + [f"- {q}" for q in document["open_questions"]]
    return "\n".join(lines) + "\n"
