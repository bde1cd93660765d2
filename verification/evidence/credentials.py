"""Content Credentials (C2PA) of a stored image or video, read in the metadata worker.

A C2PA manifest store is a signed record inside the file: who signed it (an
X.509 certificate), the tool that wrote the claim, the edits made (actions),
the files it was made from (ingredients), and a hash binding the claim to the
file's bytes. ``read(handle, content_type)`` asks c2pa-python (the Content
Authenticity Initiative's Rust SDK) to read and validate it, and returns

- ``summary``: the store's state in words, for the table ("signature valid,
  signer not on a trust list", "signature does not validate: the file's bytes
  changed after it was signed", "no Content Credentials");
- ``fields``: rows for the metadata table (group "Content Credentials"), the
  ones that matter for verification flagged;
- ``record``: the same, structured, for MediaMetadata.content_credentials and the API.

The file is untrusted, so the reader never reaches the network: remote
manifests and OCSP are not fetched and no host is allowed. A signer counts as
trusted only if its chain ends in CLAIMDESK_C2PA_TRUST_ANCHORS (a PEM file the
operator chooses, e.g. the C2PA trust list); without it every signer is "not on
a trust list", which says nothing against it. A manifest that cannot be read
gives a status, never an exception.
"""

from __future__ import annotations

import json
import re
from functools import cache

import c2pa
from django.conf import settings

MAX_ACTIONS = 20
MAX_INGREDIENTS = 10
MAX_TEXT = 200
GROUP = "Content Credentials"
# Validation codes (C2PA 2.x, "Validation") that mean the bytes are not what was signed.
CHANGED_CODES = re.compile(r"(dataHash|bmffHash|boxesHash|collectionHash)\.(mismatch|malformed)|hashedURI\.mismatch")
UNTRUSTED = "signingCredential.untrusted"
# Actions that change what the picture shows, as opposed to capturing, opening or publishing it.
EDITING_ACTIONS = re.compile(
    r"c2pa\.(edited|cropped|resized|filtered|color_adjustments|drawing|orientation|transcoded|"
    r"converted|placed|removed|repackaged|redacted)"
)
AI_SOURCES = re.compile(r"trainedAlgorithmicMedia|compositeWithTrainedAlgorithmicMedia|algorithmicMedia")


@cache
def _context(trust_anchors: str) -> c2pa.Context:
    """No network, ever: the file names the remote manifest and the OCSP responder.
    One context per trust-anchor file (the setting), reused by every read."""
    config = {
        "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
        "core": {"allowed_network_hosts": []},
    }
    if trust_anchors:
        with open(trust_anchors) as handle:
            config["trust"] = {"trust_anchors": handle.read()}
    return c2pa.Context.from_dict(config)


def _text(value) -> str:
    return " ".join(str(value if value is not None else "").replace("\x00", "").split())[:MAX_TEXT]


def _field(name: str, value, flag: str = "") -> dict:
    return {"group": GROUP, "name": name, "value": _text(value), "flag": flag}


def read(handle, content_type: str) -> tuple[str, list[dict], dict]:
    """(summary, table rows, record) for the file open in ``handle`` (at its start)."""
    try:
        reader = c2pa.Reader.try_create(content_type, handle, context=_context(settings.C2PA_TRUST_ANCHORS))
        if reader is None:
            return _none("none")
        with reader:
            manifest = reader.get_active_manifest() or {}
            state = reader.get_validation_state() or ""
            results = reader.get_validation_results() or {}
            certificate = _certificate(json.loads(reader.crjson()), manifest.get("label"))
    except c2pa.C2paError.NotSupported:
        return _none("unsupported")
    except (c2pa.C2paError, ValueError, OSError) as error:
        reason = _text(str(error)) or type(error).__name__
        summary = f"present but could not be read ({reason}): treat the file as carrying no valid credentials"
        return (
            summary,
            [_field("Status", summary, "the Content Credentials are damaged")],
            {
                "status": "unreadable",
                "summary": summary,
                "reason": reason,
            },
        )
    return _describe(manifest, state, results, certificate)


def _none(why: str) -> tuple[str, list[dict], dict]:
    summary = "no Content Credentials" + (" (this format cannot carry them)" if why == "unsupported" else "")
    return summary, [_field("Status", summary)], {"status": "none", "summary": summary}


def _certificate(crjson: dict, label) -> dict:
    """The signing certificate's subject and issuer, from the crJSON view of the active manifest."""
    for manifest in crjson.get("manifests", []):
        if manifest.get("label") == label:
            return (manifest.get("signature") or {}).get("certificateInfo") or {}
    return {}


def _name(parts) -> str:
    if not isinstance(parts, dict):
        return _text(parts)
    return _text(", ".join(f"{key}={value}" for key, value in parts.items()))


def _verdict(state: str, results: dict) -> tuple[str, list[dict]]:
    """The store's state in words, and the failures that explain it."""
    active = results.get("activeManifest") or {}
    failures = [
        {"code": _text(item.get("code")), "explanation": _text(item.get("explanation"))}
        for item in (active.get("failure") or [])[:20]
    ]
    codes = {item["code"] for item in failures}
    if state == "Trusted":
        return "signature valid, signer on the trust list", failures
    if state == "Valid":
        return ("signature valid, signer not on a trust list" if UNTRUSTED in codes else "signature valid"), failures
    if any(CHANGED_CODES.search(code) for code in codes):
        return "signature does not validate: the file's bytes changed after it was signed", failures
    said = "; ".join(item["explanation"] or item["code"] for item in failures if item["code"] != UNTRUSTED)
    return f"signature does not validate: {said or 'no reason given'}", failures


def _actions(manifest: dict) -> list[dict]:
    found = []
    for assertion in manifest.get("assertions") or []:
        if not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        for action in ((assertion.get("data") or {}).get("actions") or [])[:MAX_ACTIONS]:
            agent = action.get("softwareAgent")
            found.append(
                {
                    "action": _text(action.get("action")),
                    "when": _text(action.get("when")),
                    "software": _text(agent.get("name") if isinstance(agent, dict) else agent),
                    "source_type": _text(action.get("digitalSourceType")),
                }
            )
    return found[:MAX_ACTIONS]


def _generator(manifest: dict) -> str:
    info = manifest.get("claim_generator_info") or []
    if isinstance(info, dict):
        info = [info]
    named = [" ".join(filter(None, [_text(i.get("name")), _text(i.get("version"))])) for i in info if i.get("name")]
    return _text("; ".join(named) or manifest.get("claim_generator"))


def _describe(manifest: dict, state: str, results: dict, certificate: dict) -> tuple[str, list[dict], dict]:
    summary, failures = _verdict(state, results)
    signature = manifest.get("signature_info") or {}
    actions = _actions(manifest)
    ingredients = [
        {"title": _text(i.get("title")), "format": _text(i.get("format")), "relationship": _text(i.get("relationship"))}
        for i in (manifest.get("ingredients") or [])[:MAX_INGREDIENTS]
    ]
    record = {
        "status": "read",
        "summary": summary,
        "validation_state": _text(state),
        "failures": failures,
        "signer": _name(certificate.get("subject")) or _text(signature.get("common_name")),
        "issuer": _name(certificate.get("issuer")) or _text(signature.get("issuer")),
        "certificate_serial": _text(certificate.get("serialNumber") or signature.get("cert_serial_number")),
        "signed_at": _text(signature.get("time")),
        "claim_generator": _generator(manifest),
        "title": _text(manifest.get("title")),
        "actions": actions,
        "ingredients": ingredients,
    }
    return summary, _rows(record), record


def _rows(record: dict) -> list[dict]:
    summary = record["summary"]
    changed = "does not validate" in summary
    rows = [_field("Signature", summary, "the credentials do not match the file" if changed else "")]
    for problem in record["failures"]:
        if problem["code"] != UNTRUSTED:
            rows.append(_field("Validation failure", f"{problem['code']}: {problem['explanation']}"))
    rows.append(_field("Signed by", record["signer"] or "unnamed certificate"))
    rows.append(_field("Certificate issuer", record["issuer"] or "unnamed"))
    if record["signed_at"]:
        rows.append(_field("Signed at", record["signed_at"]))
    rows.append(_field("Claim generator", record["claim_generator"] or "not named"))
    for action in record["actions"]:
        text = ", ".join(
            filter(None, [action["action"], action["software"] and f"by {action['software']}", action["when"]])
        )
        flag = ""
        if AI_SOURCES.search(action["source_type"]):
            flag = "made or changed by generative AI, the credentials say"
        elif EDITING_ACTIONS.search(action["action"]):
            flag = "edited after capture, the credentials say"
        rows.append(_field("Action", text, flag))
    for ingredient in record["ingredients"]:
        text = ", ".join(filter(None, [ingredient["title"], ingredient["format"], ingredient["relationship"]]))
        rows.append(_field("Ingredient", text, "made from another file"))
    return rows
