"""An S3-speaking server for tests: moto in a thread on 127.0.0.1, fake credentials."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from unittest import mock

import boto3
from moto.server import ThreadedMotoServer

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

REGION = "us-east-1"
_FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    # Keep a developer's real ~/.aws profiles and tokens out of the tests.
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
_REAL_AWS_ENV = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3")


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str

    def client(self) -> S3Client:
        return boto3.session.Session().client("s3", endpoint_url=self.endpoint, region_name=REGION)

    def create_bucket(self, name: str) -> None:
        client = self.client()
        try:
            client.create_bucket(Bucket=name)
        finally:
            client.close()


@contextmanager
def moto_s3(bucket: str = "magicshelf-test") -> Iterator[S3Server]:
    """Run moto on a free port with fake AWS credentials in the environment and one bucket."""
    env = {name: value for name, value in os.environ.items() if name not in _REAL_AWS_ENV}
    with mock.patch.dict(os.environ, {**env, **_FAKE_AWS_ENV}, clear=True):
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            s3 = S3Server(endpoint=f"http://{host}:{port}", bucket=bucket)
            s3.create_bucket(bucket)
            yield s3
        finally:
            server.stop()
