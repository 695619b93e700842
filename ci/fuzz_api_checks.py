"""durapay's own checks for Schemathesis, loaded by ci/fuzz-api beside Schemathesis's built-in ones.

Each is called with every response of the run; an AssertionError is a failure of the run.
"""

import json

import schemathesis

# A request the schema calls valid may still be refused for a rule no schema states; these are
# those rules (the document names them in prose), and nothing else may refuse one.
RULES_NO_SCHEMA_STATES = {
    400: {
        "invalid_currency",  # three letters, but no country's money today
        "amount_too_large",  # more than the configured or the merchant's maximum
        "card_number_not_allowed",  # digits that pass for a card number, in any text field
        "invalid_string",  # NUL or an unpaired surrogate, which PostgreSQL text cannot hold
    },
    422: {"idempotency_key_reused"},  # the same key with another body
}

# Refusals a schema cannot state because JSON Schema (OpenAPI 3.1) reads 177.0 as the integer 177:
# the document says in prose that an amount is written as an integer, by (status, code, param).
RULES_BY_PARAM = {(400, "invalid_type", "amount")}

# Characters with a meaning in HTML or in an HTTP header: a value holding one may come back only
# escaped (JSON's \u003c, say), never as sent.
SIGNIFICANT = set("<>&\r\n")


def _error_param(response):
    try:
        return json.loads(response.content)["error"]["param"]
    except (ValueError, KeyError, TypeError):
        return None


def _error_code(response):
    try:
        return json.loads(response.content)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


@schemathesis.check
def valid_requests_are_refused_only_by_stated_rules(ctx, response, case):
    """Replaces positive_data_acceptance: schema-valid data is accepted or refused for a stated rule."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    allowed = RULES_NO_SCHEMA_STATES.get(response.status_code)
    if response.status_code < 400 or response.status_code in (401, 404, 409, 429):
        return None
    code = _error_code(response)
    if (response.status_code, code, _error_param(response)) in RULES_BY_PARAM:
        return None
    if allowed is None or code not in allowed:
        raise AssertionError(
            f"A request the document calls valid was refused: {response.status_code} {code}"
        )
    return None


@schemathesis.check
def every_error_is_the_documented_json(ctx, response, case):
    """Every refusal, documented status or not (Jetty's own 400s and 405s), is the Error shape."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    if not content_type.startswith("application/json"):
        raise AssertionError(f"A {response.status_code} answered with Content-Type '{content_type}'")
    body = None
    try:
        body = json.loads(response.content)
    except ValueError:
        pass
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not error.get("code") or not error.get("message"):
        raise AssertionError(f"A {response.status_code} without an error code and message")
    return None


def _resolve(document, node):
    """Follows a local $ref ("#/components/...") to what it names."""
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def documented_codes(document, path, method, status):
    """The error codes the document lists for an operation's status (its examples), or None."""
    operation = document.get("paths", {}).get(path, {}).get(method.lower())
    if operation is None or str(status) not in operation.get("responses", {}):
        return None
    response = _resolve(document, operation["responses"][str(status)])
    examples = response.get("content", {}).get("application/json", {}).get("examples", {})
    return {_resolve(document, example)["value"]["error"]["code"] for example in examples.values()}


@schemathesis.check
def every_error_code_is_in_the_operations_catalogue(ctx, response, case):
    """A refusal's code is one the document lists for its operation and status."""
    if response.status_code < 400:
        return None
    codes = documented_codes(case.operation.schema.raw_schema, case.operation.path,
                             case.operation.method, response.status_code)
    if codes is None:
        return None  # an undocumented status: status_code_conformance reports it
    code = _error_code(response)
    if code not in codes:
        raise AssertionError(
            f"{case.operation.method.upper()} {case.operation.path} answered {response.status_code}"
            f" with code {code!r}, which the document does not list for it: {sorted(codes)}"
        )
    return None


def _sent_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _sent_strings(key)
            yield from _sent_strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _sent_strings(item)


@schemathesis.check
def nothing_sent_is_echoed_unescaped(ctx, response, case):
    """No value a request sent comes back as sent when it holds <, >, &, CR or LF."""
    sent = set()
    for part in (case.path_parameters, case.query, case.headers, case.cookies, case.body):
        if part is not None:
            sent.update(s for s in _sent_strings(part) if len(s) >= 2 and SIGNIFICANT & set(s))
    if not sent:
        return None
    body = response.content.decode("utf-8", "replace")
    headers = "\n".join(f"{name}: {value}" for name, values in response.headers.items() for value in values)
    for value in sent:
        if value in body:
            raise AssertionError(f"The response body echoes a sent value unescaped: {value!r}")
        if value in headers:
            raise AssertionError(f"A response header echoes a sent value unescaped: {value!r}")
    return None
