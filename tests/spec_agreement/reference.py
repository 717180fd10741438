"""The reference parsers' verdicts (verdict.js), asked of one node process for a whole list of
specs: starting node and loading webapi-parser costs seconds, far more than most verdicts."""
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def reference_verdicts(specs):
    """specs: [(kind, path)] with kind raml, raml08 or oas. Returns [(valid, first message)]."""
    lines = "".join(f"{kind}\t{os.path.abspath(path)}\n" for kind, path in specs)
    result = subprocess.run(["node", os.path.join(HERE, "verdict.js"), "--batch"], input=lines, capture_output=True,
                            text=True, timeout=3000, cwd=HERE)
    verdicts = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    if len(verdicts) != len(specs):
        raise SystemExit(f"verdict.js answered {len(verdicts)} of {len(specs)} specs: {result.stderr[-2000:]}")
    return [(v["valid"], (v["messages"] or [""])[0]) for v in verdicts]
