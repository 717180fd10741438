"""Where a test server that the project's own scripts start (the S3 test server, PostgreSQL) runs:
under ctest, its fixture's state directory, named by an environment variable; for a test run
alone, a server started with the same script and stopped when the interpreter exits. A server that
cannot be had fails the test, never skips it."""
import atexit
import os
import subprocess
import tempfile


def fixture_value(variable, script, filename, what):
    """The contents of `filename` (an endpoint, a URL) in the state directory of `script`'s server."""
    state = os.environ.get(variable)
    if state:
        path = os.path.join(state, filename)
        if not os.path.exists(path):
            raise AssertionError(f"no {what}: {path} is missing (ctest starts it with its fixture first; "
                                 f"alone, unset {variable} to start one)")
    else:
        state = tempfile.mkdtemp(prefix="agora-e2e-fixture-")
        run = subprocess.run(["bash", script, "start", state], capture_output=True, text=True)
        if run.returncode != 0:
            raise AssertionError(f"cannot start the {what} with {script}:\n{run.stdout}{run.stderr}")
        atexit.register(subprocess.run, ["bash", script, "stop", state], capture_output=True)
    with open(os.path.join(state, filename)) as f:
        return f.read().strip()
