#!/usr/bin/env python3
"""Compares agora's verdicts with the reference parsers' on the labelled conformance suites.

For every case of CORPUS/conformance/expected.tsv it runs `agora spec validate` and the suite's
reference parser (swagger-parser for openapi3-examples, webapi-parser, i.e. AMF, for the RAML TCK;
verdict.js --batch, one node process per suite), and classifies each disagreement:
- the reference parser disagrees with the case's label while agora agrees: explained by the
  label (the reference's first message is printed);
- agora disagrees with the label while the reference agrees: it must be explained in EXPLAINED
  (and is listed in the README with the same reason).
A suite in GATED_SUITES fails the run on an unexplained disagreement; the others are reported
only. The ctest runs the gated suite; the RAML TCK's comparison with webapi-parser takes about
eight minutes of one core (AMF's verdict on each of 896 cases), so it is run by hand:
`conformance_agreement.py raml-tck` (tests/conformance gates agora on the TCK's labels).

    tests/spec_agreement/conformance_agreement.py [SUITE...]   (needs `npm ci` here and build/agora)
"""
import csv
import os
import subprocess
import sys

from reference import reference_verdicts

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
AGORA = os.environ.get("AGORA_BIN") or os.path.join(ROOT, "build", "agora")
CORPUS = os.environ.get("AGORA_CORPUS_DIR") or os.path.join(ROOT, "..", "shared", "corpus")
CONFORMANCE = os.path.join(CORPUS, "conformance")

REFERENCE = {"openapi3-examples": "oas", "raml-tck": "raml"}
GATED_SUITES = {"openapi3-examples"}

# Cases where agora disagrees with the label and the reference parser agrees: path -> why.
EXPLAINED = {
    "openapi3-examples/3.0/fail/gluecon/example1_from_._Improved_securityschemes.md.yaml":
        "a 3.0 document of components without paths: agora accepts it as a library of components (3.1 made "
        "that legal), as the suite's own pass/server_enum_*.yaml cases, labelled valid, expect",
    "openapi3-examples/3.0/fail/gluecon/example2_from_._Improved_securityschemes.md.yaml":
        "a 3.0 document of components without paths, accepted for the same reason",
    "openapi3-examples/3.0 --main fail/schemaProperties.yaml":
        "the invalid schema sits in another file (resources/myobject.yml); agora checks the official schema on "
        "the main document only, and follows the reference without checking the target's keywords",
}


def cases():
    with open(os.path.join(CONFORMANCE, "expected.tsv"), newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            yield row


def case_name(row):
    return row["path"] + (" --main " + row["main"] if row["main"] else "")


def agora_verdict(row):
    path = os.path.join(CONFORMANCE, row["path"])
    args = [AGORA, "spec", "validate", path] + (["--main", row["main"]] if row["main"] else [])
    result = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if result.returncode not in (0, 1):
        raise SystemExit(f"agora spec validate {path}: exit {result.returncode}: {result.stderr}")
    return result.returncode == 0, (result.stdout.splitlines() or [""])[0]


def main():
    if not os.path.isdir(os.path.join(HERE, "node_modules")):
        raise SystemExit("run `npm ci --ignore-scripts` in tests/spec_agreement first")
    suites = sys.argv[1:] or sorted(REFERENCE)
    failed = False
    for suite in suites:
        rows = [r for r in cases() if r["suite"] == suite]
        references = reference_verdicts(
            [(REFERENCE[suite], os.path.join(CONFORMANCE, r["path"], r["main"])) for r in rows])
        agreeing, by_label, explained, unexplained = 0, [], [], []
        for row, (theirs, their_reason) in zip(rows, references):
            ours, our_reason = agora_verdict(row)
            label = row["expected"] == "valid"
            name = case_name(row)
            if ours == theirs:
                agreeing += 1
            elif ours == label:
                by_label.append(f"{name}: reference says {'valid' if theirs else 'invalid'}: {their_reason}")
            elif name in EXPLAINED:
                explained.append(f"{name}: {EXPLAINED[name]}")
            else:
                unexplained.append(f"{name}: agora {'valid' if ours else 'invalid'} ({our_reason}), reference and "
                                   f"label {row['expected']}")
        print(f"{suite}: agora and the reference parser agree on {agreeing} of {len(rows)} cases")
        for title, items in (("the reference parser disagrees with the label", by_label),
                             ("explained (agora disagrees with the label)", explained),
                             ("UNEXPLAINED", unexplained)):
            if items:
                print(f"  {title}: {len(items)}")
                for item in items:
                    print(f"    {item}")
        failed = failed or (suite in GATED_SUITES and bool(unexplained))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
