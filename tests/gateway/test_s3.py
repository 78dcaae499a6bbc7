"""The gateway's S3 API driven by unmodified clients: boto3, aws-cli and rclone.

Run by `tests/tests/gateway.rs` against a real dev system, with these variables:
AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (a user who authorized
the gateway), REVOKED_KEY_ID/REVOKED_SECRET (a user who revoked it), EXPIRED_KEY_ID/
EXPIRED_SECRET (a user whose authorization expired), GATEWAY_REST (the REST URL).
"""

import base64
import datetime
import hashlib
import os
import subprocess
import urllib.error
import urllib.request
import uuid
from unittest import mock

import boto3
import botocore
import botocore.httpchecksum
import pytest
from botocore.config import Config

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
REST = os.environ["GATEWAY_REST"]
MIB = 1024 * 1024


def client(key=None, secret=None, **config):
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        aws_access_key_id=key or os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=secret or os.environ["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, **config),
    )


S3 = client()


def code(error):
    return error.value.response["Error"]["Code"]


def status(error):
    return error.value.response["ResponseMetadata"]["HTTPStatusCode"]


def fresh_bucket():
    name = "b-" + uuid.uuid4().hex[:12]
    S3.create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="module")
def bucket():
    return fresh_bucket()


def payload(size, seed=0):
    block = hashlib.sha256(str(seed).encode()).digest()
    return (block * (size // len(block) + 1))[:size]


def metric(name_and_labels):
    with urllib.request.urlopen(REST + "/metrics") as response:
        for line in response.read().decode().splitlines():
            if line.startswith(name_and_labels + " "):
                return int(line.split()[-1])
    return 0


# --- buckets


def test_create_list_head_and_locate_buckets():
    name = fresh_bucket()
    names = [b["Name"] for b in S3.list_buckets()["Buckets"]]
    assert name in names
    S3.head_bucket(Bucket=name)
    assert S3.get_bucket_location(Bucket=name)["LocationConstraint"] == "DE,FR,US"
    with pytest.raises(botocore.exceptions.ClientError) as error:
        S3.create_bucket(Bucket=name)
    assert code(error) == "BucketAlreadyOwnedByYou"


def test_location_constraint_and_regions_header_pick_the_regions():
    name = "loc-" + uuid.uuid4().hex[:10]
    S3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "DE,FR"})
    assert S3.get_bucket_location(Bucket=name)["LocationConstraint"] == "DE,FR"
    with pytest.raises(botocore.exceptions.ClientError) as error:
        S3.create_bucket(Bucket="loc2-" + uuid.uuid4().hex[:10], CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert code(error) == "InvalidLocationConstraint"
    put = S3.put_object(Bucket=name, Key="k", Body=b"regional")
    fid = put["ResponseMetadata"]["HTTPHeaders"]["x-deoss-fid"]
    assert fid.startswith("0x") and len(fid) == 66


def test_invalid_bucket_names_are_refused():
    for bad in ["ab", "Upper-Case", "bad_underscore", "192.168.1.1", "-edge"]:
        with pytest.raises(botocore.exceptions.ClientError) as error:
            client(parameter_validation=False).create_bucket(Bucket=bad)
        assert code(error) == "InvalidBucketName", bad


def test_missing_buckets_are_no_such_bucket():
    with pytest.raises(botocore.exceptions.ClientError) as error:
        S3.head_bucket(Bucket="no-such-bucket-here")
    assert status(error) == 404
    for call in [
        lambda: S3.list_objects_v2(Bucket="no-such-bucket-here"),
        lambda: S3.get_object(Bucket="no-such-bucket-here", Key="k"),
        lambda: S3.put_object(Bucket="no-such-bucket-here", Key="k", Body=b"x"),
        lambda: S3.delete_bucket(Bucket="no-such-bucket-here"),
    ]:
        with pytest.raises(botocore.exceptions.ClientError) as error:
            call()
        assert code(error) == "NoSuchBucket"


def test_delete_bucket_only_when_empty():
    name = fresh_bucket()
    S3.put_object(Bucket=name, Key="only", Body=b"x")
    with pytest.raises(botocore.exceptions.ClientError) as error:
        S3.delete_bucket(Bucket=name)
    assert code(error) == "BucketNotEmpty"
    S3.delete_object(Bucket=name, Key="only")
    S3.delete_bucket(Bucket=name)
    assert name not in [b["Name"] for b in S3.list_buckets()["Buckets"]]


# --- objects


def test_put_get_head_keep_bytes_type_metadata_and_md5_etag(bucket):
    body = payload(300_000, 1)
    put = S3.put_object(Bucket=bucket, Key="dir/a.bin", Body=body, ContentType="image/png", Metadata={"mtime": "1700000000", "owner": "alice"})
    assert put["ETag"] == '"%s"' % hashlib.md5(body).hexdigest()
    got = S3.get_object(Bucket=bucket, Key="dir/a.bin")
    assert got["Body"].read() == body
    assert got["ContentType"] == "image/png"
    assert got["Metadata"] == {"mtime": "1700000000", "owner": "alice"}
    assert got["ETag"] == put["ETag"]
    assert got["ResponseMetadata"]["HTTPHeaders"]["x-deoss-fid"] == put["ResponseMetadata"]["HTTPHeaders"]["x-deoss-fid"]
    head = S3.head_object(Bucket=bucket, Key="dir/a.bin")
    assert head["ContentLength"] == len(body)
    assert head["ETag"] == put["ETag"]
    assert head["Metadata"]["owner"] == "alice"


def test_put_replaces_an_object(bucket):
    S3.put_object(Bucket=bucket, Key="replaced", Body=b"first version")
    S3.put_object(Bucket=bucket, Key="replaced", Body=b"second, longer version")
    assert S3.get_object(Bucket=bucket, Key="replaced")["Body"].read() == b"second, longer version"


def test_ranged_gets_answer_206_and_bad_ranges_invalid_range(bucket):
    body = payload(200_000, 2)
    S3.put_object(Bucket=bucket, Key="ranged", Body=body)
    got = S3.get_object(Bucket=bucket, Key="ranged", Range="bytes=1000-1999")
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["ContentRange"] == "bytes 1000-1999/200000"
    assert got["Body"].read() == body[1000:2000]
    assert S3.get_object(Bucket=bucket, Key="ranged", Range="bytes=-100")["Body"].read() == body[-100:]
    assert S3.get_object(Bucket=bucket, Key="ranged", Range="bytes=199990-")["Body"].read() == body[199990:]
    with pytest.raises(botocore.exceptions.ClientError) as error:
        S3.get_object(Bucket=bucket, Key="ranged", Range="bytes=300000-300010")
    assert code(error) == "InvalidRange"
    assert status(error) == 416


def test_a_second_get_reads_nothing_from_miners(bucket):
    body = payload(1 * MIB, 4)
    S3.put_object(Bucket=bucket, Key="cached", Body=body)
    assert S3.get_object(Bucket=bucket, Key="cached")["Body"].read() == body
    fragments = metric("deoss_gateway_fragments_fetched_total")
    hits = metric("deoss_gateway_cache_hits_total")
    assert fragments > 0
    assert S3.get_object(Bucket=bucket, Key="cached")["Body"].read() == body
    assert S3.get_object(Bucket=bucket, Key="cached", Range="bytes=10-19")["Body"].read() == body[10:20]
    assert metric("deoss_gateway_fragments_fetched_total") == fragments
    assert metric("deoss_gateway_cache_hits_total") == hits + 2


def test_missing_keys_are_no_such_key(bucket):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        S3.get_object(Bucket=bucket, Key="never-put")
    assert code(error) == "NoSuchKey"
    with pytest.raises(botocore.exceptions.ClientError) as error:
        S3.head_object(Bucket=bucket, Key="never-put")
    assert status(error) == 404


def test_delete_object_and_delete_objects(bucket):
    for key in ["del/1", "del/2", "del/3"]:
        S3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    S3.delete_object(Bucket=bucket, Key="del/1")
    # Deleting a missing key succeeds, as in S3.
    S3.delete_object(Bucket=bucket, Key="del/never")
    answer = S3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "del/2"}, {"Key": "del/3"}]})
    assert sorted(d["Key"] for d in answer["Deleted"]) == ["del/2", "del/3"]
    assert S3.list_objects_v2(Bucket=bucket, Prefix="del/")["KeyCount"] == 0


def test_copy_object_keeps_or_replaces_metadata(bucket):
    S3.put_object(Bucket=bucket, Key="copy/src", Body=b"copied bytes", ContentType="text/plain", Metadata={"a": "1"})
    copied = S3.copy_object(Bucket=bucket, Key="copy/dst", CopySource={"Bucket": bucket, "Key": "copy/src"})
    assert copied["CopyObjectResult"]["ETag"] == '"%s"' % hashlib.md5(b"copied bytes").hexdigest()
    got = S3.get_object(Bucket=bucket, Key="copy/dst")
    assert (got["Body"].read(), got["ContentType"], got["Metadata"]) == (b"copied bytes", "text/plain", {"a": "1"})
    S3.copy_object(Bucket=bucket, Key="copy/dst2", CopySource={"Bucket": bucket, "Key": "copy/src"}, MetadataDirective="REPLACE", ContentType="text/csv", Metadata={"b": "2"})
    got = S3.head_object(Bucket=bucket, Key="copy/dst2")
    assert (got["ContentType"], got["Metadata"]) == ("text/csv", {"b": "2"})


def test_list_objects_v2_prefix_delimiter_tokens_start_after_and_max_keys():
    name = fresh_bucket()
    keys = ["a.txt", "photos/2024/1.jpg", "photos/2024/2.jpg", "photos/top.jpg", "z.txt"]
    for key in keys:
        S3.put_object(Bucket=name, Key=key, Body=key.encode())
    everything = S3.list_objects_v2(Bucket=name)
    assert [o["Key"] for o in everything["Contents"]] == keys
    assert everything["Contents"][0]["Size"] == len(b"a.txt")
    folded = S3.list_objects_v2(Bucket=name, Delimiter="/")
    assert [o["Key"] for o in folded["Contents"]] == ["a.txt", "z.txt"]
    assert [p["Prefix"] for p in folded["CommonPrefixes"]] == ["photos/"]
    inner = S3.list_objects_v2(Bucket=name, Prefix="photos/", Delimiter="/")
    assert [o["Key"] for o in inner["Contents"]] == ["photos/top.jpg"]
    assert [p["Prefix"] for p in inner["CommonPrefixes"]] == ["photos/2024/"]
    assert [o["Key"] for o in S3.list_objects_v2(Bucket=name, StartAfter="photos/2024/2.jpg")["Contents"]] == ["photos/top.jpg", "z.txt"]
    seen, token = [], None
    while True:
        page = S3.list_objects_v2(Bucket=name, MaxKeys=2, **({"ContinuationToken": token} if token else {}))
        seen += [o["Key"] for o in page["Contents"]]
        assert page["KeyCount"] <= 2
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert seen == keys
    # The paginator aws-cli and rclone use gives the same.
    listed = [o["Key"] for page in S3.get_paginator("list_objects_v2").paginate(Bucket=name, PaginationConfig={"PageSize": 3}) for o in page["Contents"]]
    assert listed == keys
    v1 = S3.list_objects(Bucket=name, Prefix="photos/", Marker="photos/2024/1.jpg")
    assert [o["Key"] for o in v1["Contents"]] == ["photos/2024/2.jpg", "photos/top.jpg"]
    v1_folded = S3.list_objects(Bucket=name, Delimiter="/", MaxKeys=1)
    assert v1_folded["IsTruncated"] and v1_folded["NextMarker"] == "a.txt"


# --- digests


def test_a_wrong_content_md5_is_bad_digest_and_stores_nothing(bucket):
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(botocore.exceptions.ClientError) as error:
        S3.put_object(Bucket=bucket, Key="md5/wrong", Body=b"the body", ContentMD5=wrong)
    assert code(error) == "BadDigest"
    with pytest.raises(botocore.exceptions.ClientError):
        S3.head_object(Bucket=bucket, Key="md5/wrong")
    right = base64.b64encode(hashlib.md5(b"the body").digest()).decode()
    S3.put_object(Bucket=bucket, Key="md5/right", Body=b"the body", ContentMD5=right)


def test_a_wrong_checksum_header_is_bad_digest(bucket):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        S3.put_object(Bucket=bucket, Key="crc/wrong", Body=b"checked", ChecksumCRC32="AAAAAA==")
    assert code(error) == "BadDigest"
    with pytest.raises(botocore.exceptions.ClientError) as error:
        S3.put_object(Bucket=bucket, Key="crc/wrong", Body=b"checked", ChecksumSHA256=base64.b64encode(b"\0" * 32).decode())
    assert code(error) == "BadDigest"


def test_aws_chunked_uploads_with_trailing_checksums_are_verified(bucket, tmp_path):
    before = metric('deoss_gateway_checksums_verified_total{source="trailer"}')
    body = payload(3 * MIB + 17, 3)
    path = tmp_path / "chunked.bin"
    path.write_bytes(body)
    # botocore sends trailing checksums (aws-chunked, STREAMING-UNSIGNED-PAYLOAD-TRAILER)
    # only to https endpoints; it is told this one is, and its own encoder does the rest.
    real = botocore.httpchecksum.urlparse
    as_https = lambda url: real(url.replace("http://", "https://", 1))
    with mock.patch("botocore.httpchecksum.urlparse", as_https):
        with open(path, "rb") as stream:
            S3.put_object(Bucket=bucket, Key="chunked", Body=stream, ChecksumAlgorithm="CRC32")
        with open(path, "rb") as stream:
            S3.put_object(Bucket=bucket, Key="chunked-sha", Body=stream, ChecksumAlgorithm="SHA256")
    assert S3.get_object(Bucket=bucket, Key="chunked")["Body"].read() == body
    assert S3.get_object(Bucket=bucket, Key="chunked-sha")["Body"].read() == body
    assert metric('deoss_gateway_checksums_verified_total{source="trailer"}') == before + 2


# --- signatures and authorization


def test_presigned_gets_work_and_tampered_ones_do_not(bucket):
    S3.put_object(Bucket=bucket, Key="presigned", Body=b"shared by URL")
    url = S3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "presigned"}, ExpiresIn=300)
    with urllib.request.urlopen(url) as response:
        assert response.read() == b"shared by URL"
    tampered = url.replace("presigned", "presignee", 1)
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(tampered)
    assert error.value.code == 403
    assert b"SignatureDoesNotMatch" in error.value.read()


def test_a_wrong_secret_is_signature_does_not_match():
    with pytest.raises(botocore.exceptions.ClientError) as error:
        client(secret="x" * 40).list_buckets()
    assert code(error) == "SignatureDoesNotMatch"
    with pytest.raises(botocore.exceptions.ClientError) as error:
        client(key="DOUNKNOWNUNKNOWN1234", secret="x" * 40).list_buckets()
    assert code(error) == "InvalidAccessKeyId"


def test_a_request_signed_long_ago_is_request_time_too_skewed():
    past = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(hours=1)
    with mock.patch("botocore.auth.get_current_datetime", lambda: past):
        with pytest.raises(botocore.exceptions.ClientError) as error:
            S3.list_buckets()
    assert code(error) == "RequestTimeTooSkewed"


def test_revoked_and_expired_authorizations_are_access_denied():
    revoked = client(os.environ["REVOKED_KEY_ID"], os.environ["REVOKED_SECRET"])
    with pytest.raises(botocore.exceptions.ClientError) as error:
        revoked.list_buckets()
    assert code(error) == "AccessDenied" and status(error) == 403
    assert "has not authorized this gateway" in error.value.response["Error"]["Message"]
    expired = client(os.environ["EXPIRED_KEY_ID"], os.environ["EXPIRED_SECRET"])
    with pytest.raises(botocore.exceptions.ClientError) as error:
        expired.list_buckets()
    assert code(error) == "AccessDenied"
    assert "expired" in error.value.response["Error"]["Message"]


def test_unsupported_operations_are_not_implemented(bucket):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        S3.get_bucket_policy(Bucket=bucket)
    assert code(error) == "NotImplemented"
    assert status(error) == 501


# --- multipart


def test_multipart_upload_lists_completes_with_the_multipart_etag(bucket):
    parts_data = [payload(5 * MIB, 10), payload(5 * MIB, 11), payload(123_456, 12)]
    upload = S3.create_multipart_upload(Bucket=bucket, Key="mp/object", ContentType="application/x-tar", Metadata={"k": "v"})
    upload_id = upload["UploadId"]
    listed = S3.list_multipart_uploads(Bucket=bucket)
    assert upload_id in [u["UploadId"] for u in listed.get("Uploads", [])]
    etags = []
    for number, data in enumerate(parts_data, start=1):
        etags.append(S3.upload_part(Bucket=bucket, Key="mp/object", UploadId=upload_id, PartNumber=number, Body=data)["ETag"])
    parts = S3.list_parts(Bucket=bucket, Key="mp/object", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["Size"], p["ETag"]) for p in parts] == [(n + 1, len(d), etags[n]) for n, d in enumerate(parts_data)]
    done = S3.complete_multipart_upload(
        Bucket=bucket, Key="mp/object", UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n + 1, "ETag": e} for n, e in enumerate(etags)]},
    )
    joined = b"".join(hashlib.md5(d).digest() for d in parts_data)
    assert done["ETag"] == '"%s-3"' % hashlib.md5(joined).hexdigest()
    got = S3.get_object(Bucket=bucket, Key="mp/object")
    assert got["Body"].read() == b"".join(parts_data)
    assert (got["ContentType"], got["Metadata"]) == ("application/x-tar", {"k": "v"})
    with pytest.raises(botocore.exceptions.ClientError) as error:
        S3.list_parts(Bucket=bucket, Key="mp/object", UploadId=upload_id)
    assert code(error) == "NoSuchUpload"


def test_multipart_errors(bucket):
    upload_id = S3.create_multipart_upload(Bucket=bucket, Key="mp/bad")["UploadId"]
    small = S3.upload_part(Bucket=bucket, Key="mp/bad", UploadId=upload_id, PartNumber=1, Body=b"tiny")["ETag"]
    last = S3.upload_part(Bucket=bucket, Key="mp/bad", UploadId=upload_id, PartNumber=2, Body=b"last")["ETag"]
    cases = [
        ([{"PartNumber": 1, "ETag": small}, {"PartNumber": 2, "ETag": last}], "EntityTooSmall"),
        ([{"PartNumber": 2, "ETag": last}, {"PartNumber": 1, "ETag": small}], "InvalidPartOrder"),
        ([{"PartNumber": 1, "ETag": small}, {"PartNumber": 3, "ETag": last}], "InvalidPart"),
        ([{"PartNumber": 1, "ETag": '"0123456789abcdef0123456789abcdef"'}], "InvalidPart"),
    ]
    for parts, expected in cases:
        with pytest.raises(botocore.exceptions.ClientError) as error:
            S3.complete_multipart_upload(Bucket=bucket, Key="mp/bad", UploadId=upload_id, MultipartUpload={"Parts": parts})
        assert code(error) == expected, parts
    wrong = base64.b64encode(hashlib.md5(b"x").digest()).decode()
    with pytest.raises(botocore.exceptions.ClientError) as error:
        S3.upload_part(Bucket=bucket, Key="mp/bad", UploadId=upload_id, PartNumber=3, Body=b"y", ContentMD5=wrong)
    assert code(error) == "BadDigest"
    S3.abort_multipart_upload(Bucket=bucket, Key="mp/bad", UploadId=upload_id)
    with pytest.raises(botocore.exceptions.ClientError) as error:
        S3.upload_part(Bucket=bucket, Key="mp/bad", UploadId=upload_id, PartNumber=1, Body=b"z")
    assert code(error) == "NoSuchUpload"
    with pytest.raises(botocore.exceptions.ClientError) as error:
        S3.abort_multipart_upload(Bucket=bucket, Key="mp/bad", UploadId="nonexistent")
    assert code(error) == "NoSuchUpload"


# --- aws-cli and rclone


def run(*command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_aws_cli_cp_of_21_mib_is_multipart_and_comes_back_byte_exact(bucket, tmp_path):
    body = payload(21 * MIB + 5, 20)
    source, back = tmp_path / "big.bin", tmp_path / "back.bin"
    source.write_bytes(body)
    run("aws", "s3", "cp", str(source), f"s3://{bucket}/cli/big.bin", "--only-show-errors")
    head = S3.head_object(Bucket=bucket, Key="cli/big.bin")
    assert head["ETag"].endswith('-3"'), head["ETag"]  # 8 MiB parts
    run("aws", "s3", "cp", f"s3://{bucket}/cli/big.bin", str(back), "--only-show-errors")
    assert back.read_bytes() == body
    listing = run("aws", "s3", "ls", f"s3://{bucket}/cli/")
    assert "big.bin" in listing and str(len(body)) in listing


def test_rclone_syncs_a_directory_up_and_back_byte_exact(tmp_path):
    name = fresh_bucket()
    source, back = tmp_path / "source", tmp_path / "back"
    (source / "nested" / "deeper").mkdir(parents=True)
    sizes = {"one-byte": 1, "small.txt": 1000, "nested/medium.bin": 700_000, "nested/deeper/large.bin": 9 * MIB + 3, "nested/deeper/tiny": 10}
    for seed, (path, size) in enumerate(sizes.items()):
        (source / path).write_bytes(payload(size, 100 + seed))
    env = dict(
        os.environ,
        RCLONE_CONFIG_DEOSS_TYPE="s3",
        RCLONE_CONFIG_DEOSS_PROVIDER="Other",
        RCLONE_CONFIG_DEOSS_ACCESS_KEY_ID=os.environ["AWS_ACCESS_KEY_ID"],
        RCLONE_CONFIG_DEOSS_SECRET_ACCESS_KEY=os.environ["AWS_SECRET_ACCESS_KEY"],
        RCLONE_CONFIG_DEOSS_ENDPOINT=ENDPOINT,
        RCLONE_CONFIG_DEOSS_FORCE_PATH_STYLE="true",
    )
    # rclone would load this bundle for TLS, which a plain-HTTP endpoint does not use.
    env.pop("AWS_CA_BUNDLE", None)
    run("rclone", "sync", str(source), f"deoss:{name}", env=env)
    run("rclone", "sync", f"deoss:{name}", str(back), env=env)
    for path in sizes:
        assert (back / path).read_bytes() == (source / path).read_bytes(), path
    # A second sync finds nothing to copy: sizes and checksums agree.
    out = subprocess.run(["rclone", "sync", str(source), f"deoss:{name}", "-v"], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0 and "Copied" not in out.stderr, out.stderr
    run("rclone", "check", str(source), f"deoss:{name}", env=env)
