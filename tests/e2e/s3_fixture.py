"""The S3 test server for end-to-end tests: @20minutes/s3rver from tests/s3 (which checks SigV4
signatures), a fresh bucket per server, and the `agora serve` arguments and environment to use it.

Under ctest the server is the `s3` fixture's (AGORA_S3_STATE names its state directory, whose
`endpoint` file holds http://127.0.0.1:PORT). Run alone, a test starts one with the same script,
tests/s3/fixture.sh, and stops it when the interpreter exits. A server that cannot be had fails
the test, never skips it.

    from s3_fixture import S3Blobs
    blobs = S3Blobs.new()           # a new bucket on the test server
    AgoraServer(extra_args=blobs.server_args(), env=blobs.env())

Setting AGORA_E2E_BLOBS=s3 makes every AgoraServer (hence every e2e test) keep its blobs in a
fresh bucket on the test server: how the whole suite is run against S3.
"""
import atexit
import os
import subprocess
import tempfile
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "s3", "fixture.sh")
# s3rver's only credentials.
ACCESS_KEY, SECRET_KEY = "S3RVER", "S3RVER"
REGION = "us-east-1"
_endpoint = None


def endpoint():
    """http://127.0.0.1:PORT of the test server, started on first use when no fixture runs."""
    global _endpoint
    if _endpoint:
        return _endpoint
    state = os.environ.get("AGORA_S3_STATE")
    if state:
        path = os.path.join(state, "endpoint")
        if not os.path.exists(path):
            raise AssertionError(f"no S3 test server: {path} is missing (ctest runs s3.start first; "
                                 "alone, unset AGORA_S3_STATE to start one)")
    else:
        state = tempfile.mkdtemp(prefix="agora-e2e-s3rver-")
        run = subprocess.run(["bash", FIXTURE, "start", state], capture_output=True, text=True)
        if run.returncode != 0:
            raise AssertionError(f"cannot start the S3 test server:\n{run.stdout}{run.stderr}")
        atexit.register(subprocess.run, ["bash", FIXTURE, "stop", state], capture_output=True)
    with open(os.path.join(state, "endpoint")) as f:
        _endpoint = f.read().strip()
    return _endpoint


def client(secret=SECRET_KEY):
    """A botocore S3 client on the test server (python3-botocore, installed by scripts/setup.sh)."""
    import botocore.config
    import botocore.session
    return botocore.session.get_session().create_client(
        "s3", region_name=REGION, endpoint_url=endpoint(), aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=secret, config=botocore.config.Config(s3={"addressing_style": "path"}))


class S3Blobs:
    """One bucket on the test server, as `agora serve --blobs` takes it."""

    def __init__(self, bucket):
        self.bucket = bucket

    @classmethod
    def new(cls):
        bucket = "e2e-" + uuid.uuid4().hex[:20]
        client().create_bucket(Bucket=bucket)
        return cls(bucket)

    def url(self):
        return f"s3://{self.bucket}?endpoint={endpoint()}&region={REGION}"

    def server_args(self):
        return ["--blobs", self.url()]

    @staticmethod
    def env(secret=SECRET_KEY):
        return {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": secret}

    def keys(self):
        """Every object key in the bucket."""
        keys, token = [], None
        while True:
            page = client().list_objects_v2(Bucket=self.bucket, **({"ContinuationToken": token} if token else {}))
            keys += [o["Key"] for o in page.get("Contents", [])]
            token = page.get("NextContinuationToken")
            if not token:
                return keys
