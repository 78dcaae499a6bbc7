"""A multipart upload across a gateway restart: `begin STATE` creates the upload and
sends its first part, `finish STATE` (after the gateway was restarted) sends the rest,
lists the parts, completes it and reads the object back. Uses the AWS_* variables."""

import hashlib
import json
import os
import sys

import boto3
from botocore.config import Config

MIB = 1024 * 1024
S3 = boto3.client(
    "s3",
    endpoint_url=os.environ["AWS_ENDPOINT_URL"],
    region_name="us-east-1",
    config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)
BUCKET = os.environ["RESTART_BUCKET"]


def part(number):
    return hashlib.sha256(b"part %d" % number).digest() * (5 * MIB // 32 + 1) if number == 1 else b"the last part"


def begin(state):
    upload_id = S3.create_multipart_upload(Bucket=BUCKET, Key="restart/object")["UploadId"]
    etag = S3.upload_part(Bucket=BUCKET, Key="restart/object", UploadId=upload_id, PartNumber=1, Body=part(1))["ETag"]
    json.dump({"upload_id": upload_id, "etags": [etag]}, open(state, "w"))


def finish(state):
    saved = json.load(open(state))
    upload_id = saved["upload_id"]
    parts = S3.list_parts(Bucket=BUCKET, Key="restart/object", UploadId=upload_id)["Parts"]
    assert [p["ETag"] for p in parts] == saved["etags"], parts
    etag = S3.upload_part(Bucket=BUCKET, Key="restart/object", UploadId=upload_id, PartNumber=2, Body=part(2))["ETag"]
    S3.complete_multipart_upload(
        Bucket=BUCKET, Key="restart/object", UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": saved["etags"][0]}, {"PartNumber": 2, "ETag": etag}]},
    )
    body = S3.get_object(Bucket=BUCKET, Key="restart/object")["Body"].read()
    assert body == part(1) + part(2), len(body)
    print("multipart upload completed across the restart")


{"begin": begin, "finish": finish}[sys.argv[1]](sys.argv[2])
