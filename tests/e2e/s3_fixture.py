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
import os
import uuid

from fixture_state import fixture_value

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "s3", "fixture.sh")
# s3rver's only credentials.
ACCESS_KEY, SECRET_KEY = "S3RVER", "S3RVER"
REGION = "us-east-1"
_endpoint = None


def endpoint():
    """http://127.0.0.1:PORT of the test server, started on first use when no fixture runs."""
    global _endpoint
    if not _endpoint:
        _endpoint = fixture_value("AGORA_S3_STATE", FIXTURE, "endpoint", "S3 test server")
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

    def whole_blobs(self):
        """The keys of blobs whose objects are whole: each carries the SHA-256 its upload recorded
        (x-amz-meta-sha256), as the S3 blob store checks. A process killed mid-PUT can leave the
        test server holding part of an object under its key."""
        whole = []
        for key in self.keys():
            head = client().head_object(Bucket=self.bucket, Key=key)
            if key.startswith("blobs/sha256/") and head.get("Metadata", {}).get("sha256") == key.rsplit("/", 1)[1]:
                whole.append(key)
        return whole

    def keys(self):
        """Every object key in the bucket. ListObjects (v1) with markers: s3rver fails every
        truncated ListObjectsV2 (see S3Client::List in src/storage/s3_client.cpp)."""
        keys = []
        while True:
            page = client().list_objects(Bucket=self.bucket, **({"Marker": keys[-1]} if keys else {}))
            keys += [o["Key"] for o in page.get("Contents", [])]
            if not page.get("IsTruncated"):
                return keys
