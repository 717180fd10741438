#!/usr/bin/env python3
"""Peak memory and time of reading each resource bomb of tests/e2e/spec_bombs.py with
`agora spec validate` (the same reader, limits included, that publication runs in its worker
processes), one process per bomb, measured by GNU time. Prints a Markdown table for
docs/reliability.md.

    bench/spec_bombs.py [--scale N]     (default 4; needs build/agora, or AGORA_BIN)
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))
import spec_bombs  # noqa: E402

AGORA = os.environ.get("AGORA_BIN") or os.path.join(HERE, "..", "build", "agora")


def measure(folder, main):
    """(exit status, output, peak RSS in MiB, seconds) of one `agora spec validate`."""
    start = time.monotonic()
    result = subprocess.run(spec_bombs.peak_rss_command([AGORA, "spec", "validate", folder, "--main", main]),
                            capture_output=True, text=True)
    return result.returncode, result.stdout, spec_bombs.peak_rss_mib(result.stderr), time.monotonic() - start


def write(folder, files):
    for name, content in files.items():
        path = os.path.join(folder, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(content)
    return sum(len(c.encode()) for c in files.values())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=4)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="spec-bombs-")
    try:
        baseline = spec_bombs.Bomb("baseline (a 3-line RAML API)", "raml", "api.raml", {"api.raml": spec_bombs.RAML}, None)
        print(f"load average {os.getloadavg()[0]:.2f}; agora {AGORA}\n")
        print("| bomb | files | bytes | verdict | peak RSS | time |")
        print("| --- | --- | --- | --- | --- | --- |")
        for bomb in [baseline] + spec_bombs.bombs(args.scale):
            folder = os.path.join(work, bomb.name)
            size = write(folder, bomb.files)
            code, output, rss, seconds = measure(folder, bomb.main)
            lines = output.strip().splitlines()
            verdict = "valid" if code == 0 else (lines[0].split(": ", 1)[-1][:70] if lines else f"exit {code}")
            expected_ok = (code == 0) if bomb.problem is None else (code == 1 and bomb.problem in output)
            mark = "" if expected_ok else " (UNEXPECTED)"
            print(f"| {bomb.name} | {len(bomb.files)} | {size:,} | {verdict}{mark} | {rss:.0f} MiB | {seconds:.2f} s |")
            shutil.rmtree(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
