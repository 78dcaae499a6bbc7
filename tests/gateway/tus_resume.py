"""A tus upload with the tuspy client, interrupted and resumed across a gateway restart:
`begin FILE STATE` creates the upload (with the signed headers in TUS_SIGNED_HEADERS)
and sends three 1 MiB chunks; `finish FILE STATE`, after the restart, resumes from the
offset the gateway reports and checks the stored object through S3."""

import json
import os
import sys
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from tusclient import client as tus

REST = os.environ["GATEWAY_REST"]
MIB = 1024 * 1024


def uploader(path, **kwargs):
    headers = json.loads(os.environ.get("TUS_SIGNED_HEADERS", "{}"))
    return tus.TusClient(REST + "/v1/uploads", headers=headers).uploader(path, chunk_size=MIB, **kwargs)


def begin(path, state):
    upload = uploader(path, metadata={"bucket": os.environ["TUS_BUCKET"], "key": "tus/resumed.bin", "filetype": "application/x-resumed"})
    for _ in range(3):
        upload.upload_chunk()
    assert upload.offset == 3 * MIB, upload.offset
    json.dump({"url": upload.url}, open(state, "w"))


def finish(path, state):
    url = json.load(open(state))["url"]
    # A PATCH at the wrong offset is refused with 409.
    request = urllib.request.Request(url, data=b"x", method="PATCH", headers={"Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
    try:
        urllib.request.urlopen(request)
        raise AssertionError("a PATCH at offset 0 was accepted")
    except urllib.error.HTTPError as error:
        assert error.code == 409, error.code
    upload = uploader(path, url=url)
    assert upload.offset == 3 * MIB, f"resumed at {upload.offset}"
    upload.upload()
    s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1", config=Config(s3={"addressing_style": "path"}))
    got = s3.get_object(Bucket=os.environ["TUS_BUCKET"], Key="tus/resumed.bin")
    assert got["Body"].read() == open(path, "rb").read()
    assert got["ContentType"] == "application/x-resumed"
    # The finished upload is gone.
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="HEAD", headers={"Tus-Resumable": "1.0.0"}))
        raise AssertionError("the finished upload still answers")
    except urllib.error.HTTPError as error:
        assert error.code == 404, error.code
    print("tus upload resumed at", 3 * MIB, "and stored")


{"begin": begin, "finish": finish}[sys.argv[1]](sys.argv[2], sys.argv[3])
