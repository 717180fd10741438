#!/usr/bin/env python3
"""Compares agora's spec verdicts with the reference parsers' on the shared corpus.

For every corpus spec (the valid ones and every broken/ entry) it runs `agora spec validate` and
the reference parser (webapi-parser for RAML, @apidevtools/swagger-parser for OAS; verdict.js, one
node process for every spec),
prints a table of both verdicts, and exits non-zero when a verdict pair differs from what
EXPECTED_DISAGREEMENTS explains. WSDL has no reference parser here; its rows show agora alone.

    tests/spec_agreement/agreement.py [--markdown]     (needs `npm ci` here and build/agora)
"""
import os
import subprocess
import sys

from reference import reference_verdicts

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
AGORA = os.environ.get("AGORA_BIN") or os.path.join(ROOT, "build", "agora")
CORPUS = os.environ.get("AGORA_CORPUS_DIR") or os.path.join(ROOT, "..", "shared", "corpus")

# (corpus path, main file or "" for a single file, reference parser)
CASES = [
    ("raml/google-drive-api", "google-drive-api.raml", "raml"),
    ("raml/alainn-cosmetics", "api.raml", "raml"),
    ("raml/instagram-1.0", "api.raml", "raml"),
    ("raml/fhir-healthcare-system-api", "healthcare-system-api.raml", "raml"),
    ("raml/marketing-cloud-api", "api.raml", "raml"),
    ("raml/world-music-api", "input.raml", "raml"),
    ("raml/appian-api.raml", "", "raml"),
    ("raml/nexmo-sms-api.raml", "", "raml"),
    ("raml/mule-agent-api-0.8.raml", "", "raml08"),
    ("raml/jira-v2-0.8", "api.raml", "raml08"),
    ("raml-fragments/oauth2-fragment.raml", "", "raml"),
    ("raml-fragments/lib-fragment.raml", "", "raml"),
    ("raml-fragments/type-fragment.raml", "", "raml"),
    ("raml-fragments/paged.trait.raml", "", "raml"),
    ("raml-fragments/example-fragment.raml", "", "raml"),
    ("oas/petstore-oas3.0.yaml", "", "oas"),
    ("oas/uspto-oas3.0.json", "", "oas"),
    ("oas/link-example-oas3.0.yaml", "", "oas"),
    ("oas/callback-example-oas3.0.json", "", "oas"),
    ("oas/webhook-example-oas3.1.json", "", "oas"),
    ("oas/petstore-expanded-swagger2.0.json", "", "oas"),
    ("oas/uber-swagger2.0.yaml", "", "oas"),
    ("oas/petstore-separate-swagger2.0", "spec/swagger.json", "oas"),
    ("oas/redocly-museum-oas3.1.yaml", "", "oas"),
    ("oas/anypoint-api-governance-multifile", "api.yaml", "oas"),
    ("oas/anypoint-access-management-oas3.0-large.yaml", "", "oas"),
    ("wsdl/cxf-CustomerService.wsdl", "", None),
    ("wsdl/cxf-hello_world_soap12.wsdl", "", None),
    ("wsdl/cxf-hello_world_RPCLit.wsdl", "", None),
    ("wsdl/osgp-tariffswitching-adhoc", "TariffSwitchingAdHocManagement.wsdl", None),
    ("wsdl/osgp-secret-management", "wsdl/SecretManagement.wsdl", None),
    ("broken/raml-missing-title.raml", "", "raml"),
    ("broken/raml-bad-yaml-indentation.raml", "", "raml"),
    ("broken/raml-missing-version-header.raml", "", "raml"),
    ("broken/raml-dangling-include", "input.raml", "raml"),
    ("broken/oas3-dangling-ref.yaml", "", "oas"),
    ("broken/oas3.1-tab-indentation.yaml", "", "oas"),
    ("broken/swagger2-truncated.json", "", "oas"),
    ("broken/swagger2-external-ref-missing-file", "spec/swagger.json", "oas"),
    ("broken/wsdl-malformed-xml-unclosed-message.wsdl", "", None),
    ("broken/wsdl-missing-imported-xsd", "TariffSwitchingAdHocManagement.wsdl", None),
]

# Verdict pairs known to differ, each with its explanation: path -> (agora valid?, reference valid?, why).
EXPECTED_DISAGREEMENTS = {
    "raml/instagram-1.0": (True, False,
                           "webapi-parser fails inside its own resolution ('Cannot merge ScopeModel: not a KeyField "
                           "nor a Scalar') when an OAuth 2.0 scheme's scopes are parameterised by securedBy; the "
                           "RAML is well-formed and every reference resolves, so agora accepts it"),
}


def agora_verdict(path, main):
    args = [AGORA, "spec", "validate", path] + (["--main", main] if main else [])
    result = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if result.returncode not in (0, 1):
        raise SystemExit(f"agora spec validate {path}: exit {result.returncode}: {result.stderr}")
    lines = result.stdout.strip().splitlines()
    return result.returncode == 0, lines[0] if result.returncode else ""


def main():
    markdown = "--markdown" in sys.argv
    if not os.path.isdir(os.path.join(HERE, "node_modules")):
        raise SystemExit("run `npm ci --ignore-scripts` in tests/spec_agreement first")
    for corpus_path, _, _ in CASES:
        if not os.path.exists(os.path.join(CORPUS, corpus_path)):
            raise SystemExit(f"corpus file missing: {os.path.join(CORPUS, corpus_path)}")
    compared_cases = [(kind, os.path.join(CORPUS, path, main)) for path, main, kind in CASES if kind]
    references = iter(reference_verdicts(compared_cases))
    rows, unexplained, agreeing, compared = [], [], 0, 0
    for corpus_path, main_file, kind in CASES:
        path = os.path.join(CORPUS, corpus_path)
        ours, our_reason = agora_verdict(path, main_file)
        theirs, their_reason = next(references) if kind else (None, "")
        if theirs is not None:
            compared += 1
            if ours == theirs:
                agreeing += 1
            elif EXPECTED_DISAGREEMENTS.get(corpus_path, (None, None))[:2] != (ours, theirs):
                unexplained.append(corpus_path)
        rows.append((corpus_path, ours, theirs, our_reason, their_reason))
    word = lambda v: "-" if v is None else ("valid" if v else "invalid")
    if markdown:
        print("| corpus file | agora | reference | agora's first problem |\n| --- | --- | --- | --- |")
        for path, ours, theirs, reason, _ in rows:
            print(f"| `{path}` | {word(ours)} | {word(theirs)} | {reason.replace('|', '/')} |")
    else:
        for path, ours, theirs, reason, their_reason in rows:
            mark = "" if theirs is None or ours == theirs else "  <-- differs"
            print(f"{path:58} agora {word(ours):8} reference {word(theirs):8}{mark}")
            if ours != theirs and theirs is not None:
                print(f"    agora: {reason}\n    reference: {their_reason}")
            if path in EXPECTED_DISAGREEMENTS:
                print(f"    explained: {EXPECTED_DISAGREEMENTS[path][2]}")
    print(f"\nagreement: {agreeing} of {compared} verdicts compared with the reference parsers")
    if unexplained:
        print("unexplained disagreements: " + ", ".join(unexplained))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
