"""Reference SigV4 signatures from botocore, for agora's signer tests (src/storage/s3_signer_test.cpp).

Reads a JSON list of requests on stdin, each {method, url (path already encoded, no query),
query: [[name, value], ...] (raw), headers: {name: value}, payload, region, access_key, secret,
token, time (seconds since the epoch)}, and prints a JSON list of {authorization, canonical_request}.
"""
import datetime
import json
import sys

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def sign(case):
    auth = S3SigV4Auth(Credentials(case["access_key"], case["secret"], case.get("token") or None), "s3", case["region"])
    request = AWSRequest(method=case["method"], url=case["url"], headers=dict(case["headers"]),
                         params=[tuple(p) for p in case["query"]])
    stamp = datetime.datetime.fromtimestamp(case["time"], datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    request.context["timestamp"] = stamp
    request.headers["X-Amz-Date"] = stamp
    if "X-Amz-Content-SHA256" not in request.headers:
        request.headers["X-Amz-Content-SHA256"] = case["payload"]
    if case.get("token"):
        request.headers["X-Amz-Security-Token"] = case["token"]
    canonical = auth.canonical_request(request)
    signature = auth.signature(auth.string_to_sign(request, canonical), request)
    auth._inject_signature_to_request(request, signature)
    return {"authorization": request.headers["Authorization"], "canonical_request": canonical}


json.dump([sign(case) for case in json.load(sys.stdin)], sys.stdout)
