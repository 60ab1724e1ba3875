#!/usr/bin/env python3
"""openapi_check.py - check the server against docs/openapi.yaml.

  openapi_check.py routes OPENAPI ROUTES      every "METHOD /path" the server prints
                                              (zhijian serve --routes) is documented, and
                                              every documented operation is served
  openapi_check.py responses OPENAPI LOG      each line "METHOD /template STATUS FILE" of LOG:
                                              the status is documented for the operation (or
                                              is one of the generic error statuses) and the
                                              body in FILE matches its schema: required
                                              fields present, types, enums, items

Prints one line per problem and exits 1 if there was any.
"""
import json
import sys

import yaml

GENERIC = {401, 403, 404, 405, 409, 413, 414, 415, 429, 501, 503}
METHODS = {"get", "post", "put", "patch", "delete"}


def resolve(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = doc
        for part in ref[2:].split("/"):
            node = node[part]
    return node


def check(doc, schema, value, where, problems):
    schema = resolve(doc, schema)
    if not schema:
        return
    if value is None:
        if not schema.get("nullable"):
            problems.append(f"{where}: null where {schema.get('type', 'a value')} is documented")
        return
    t = schema.get("type")
    ok = {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool)
        or isinstance(value, float) and value.is_integer(),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        None: True,
    }.get(t, True)
    if not ok:
        problems.append(f"{where}: {type(value).__name__} where {t} is documented")
        return
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if t == "object":
        for r in schema.get("required", []):
            if r not in value:
                problems.append(f"{where}: required field '{r}' missing")
        props = schema.get("properties", {})
        for k, v in value.items():
            if k in props:
                check(doc, props[k], v, f"{where}.{k}", problems)
            elif schema.get("additionalProperties") is False:
                problems.append(f"{where}: field '{k}' is not documented")
            elif isinstance(schema.get("additionalProperties"), dict):
                check(doc, schema["additionalProperties"], v, f"{where}.{k}", problems)
    if t == "array" and "items" in schema:
        for i, v in enumerate(value):
            check(doc, schema["items"], v, f"{where}[{i}]", problems)


def documented_routes(doc):
    out = set()
    for path, ops in doc.get("paths", {}).items():
        for m in ops:
            if m in METHODS:
                out.add(f"{m.upper()} {path}")
    return out


def main():
    mode, spec = sys.argv[1], sys.argv[2]
    with open(spec, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    problems = []
    if mode == "routes":
        with open(sys.argv[3], encoding="utf-8") as f:
            served = {line.strip() for line in f if line.strip()}
        documented = documented_routes(doc)
        for r in sorted(served - documented):
            problems.append(f"served but not in {spec}: {r}")
        for r in sorted(documented - served):
            problems.append(f"in {spec} but not served: {r}")
    else:
        with open(sys.argv[3], encoding="utf-8") as f:
            lines = [line.split() for line in f if line.strip()]
        for method, template, status, body_file in lines:
            where = f"{method} {template} -> {status}"
            op = doc["paths"].get(template, {}).get(method.lower())
            if op is None and int(status) not in GENERIC:
                problems.append(f"{where}: operation not documented")
                continue
            responses = op.get("responses", {}) if op else {}
            resp = responses.get(status)
            if resp is None:
                if int(status) in GENERIC:
                    resp = {"content": {"application/json": {"schema": {
                        "$ref": "#/components/schemas/Error"}}}}
                else:
                    problems.append(f"{where}: status not documented")
                    continue
            resp = resolve(doc, resp)
            content = resp.get("content", {})
            if "application/json" not in content:
                continue   # CSV, XLSX, or no body
            with open(body_file, "rb") as f:
                raw = f.read()
            try:
                body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                problems.append(f"{where}: body is not JSON ({e})")
                continue
            check(doc, content["application/json"].get("schema", {}), body, where, problems)
    for p in problems:
        print(p)
    print(f"openapi_check {mode}: {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
