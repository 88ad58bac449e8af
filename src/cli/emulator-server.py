"""
The local AWS emulator: moto's own server application (what `moto_server` runs), served the way
Terraform needs it. Started by src/cli/emulator.ts; `python3 emulator-server.py -p PORT`.

What differs from `moto_server -H 127.0.0.1 -p PORT --ssl` (moto 5.2.1, moto/server.py), and why:

1. One request at a time inside moto. moto_server runs werkzeug's threaded development server
   (`run_simple(..., threaded=True)`), a thread per connection, while moto's backends are plain
   dicts and lists without locks (moto/moto_server/werkzeug_app.py locks only the creation of a
   service's app). Terraform sends up to -parallelism operations at once, so a create can run
   while another request iterates the same dict. Here moto's application is called under one
   lock; connections, TLS and the reading and writing of bytes stay on their threads.

2. Creates are idempotent per SDK invocation, as on AWS. moto ignores ClientToken, and the AWS
   SDKs retry an operation whose answer did not arrive (a connection error counts as retryable
   whether or not the server acted on the request: aws-sdk-go-v2 aws/retry RetryableConnectionError).
   Every attempt of one operation carries the same `amz-sdk-invocation-id` and its attempt number
   in `amz-sdk-request: attempt=N; max=M` (both sent by aws-sdk-go-v2, which the AWS provider and
   Terraform's S3 backend use, and by botocore). When an attempt after the first arrives for an
   invocation already answered with a 2xx, the emulator replays that answer instead of acting a
   second time; the replay is logged with the first attempt's status and time, so a retry is
   always visible in the emulator log. Error answers are not replayed: the attempt runs again.
"""

import argparse
import collections
import io
import os
import signal
import sys
import threading
import time

from werkzeug.serving import run_simple

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

RETRY_LOG_PREFIX = "emulator retry:"
REMEMBERED_ANSWERS = 2000


def log(line):
    sys.stderr.write(f"{RETRY_LOG_PREFIX} {line}\n")
    sys.stderr.flush()


def attempt_of(environ):
    """The attempt number in `amz-sdk-request: attempt=2; max=25`, 1 when absent."""
    for part in environ.get("HTTP_AMZ_SDK_REQUEST", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == "attempt" and value.isdigit():
            return int(value)
    return 1


def operation_of(environ, body):
    """The API operation, for the log: X-Amz-Target (JSON APIs), Action= (query APIs), else method and path."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.split(".")[-1]
    for pair in body.split(b"&"):
        if pair.startswith(b"Action="):
            return pair[len(b"Action="):].decode("utf-8", "replace")
    return f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"


class OneRequestAtATime:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        # invocation id -> (status, headers, body, summary of the attempt that produced it)
        self.answers = collections.OrderedDict()

    def __call__(self, environ, start_response):
        # Read here so the request can be logged; chunked requests (no length) are read to their end.
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read() if environ.get("wsgi.input_terminated") else environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        attempt = attempt_of(environ)
        with self.lock:
            if invocation and attempt > 1:
                operation = operation_of(environ, body)
                answered = self.answers.get(invocation)
                if answered:
                    status, headers, content, first = answered
                    log(f"{operation} attempt {attempt} (invocation {invocation}): the client retried an operation the emulator had already answered ({first}); replayed that answer instead of acting twice")
                    start_response(status, headers)
                    return [content]
                log(f"{operation} attempt {attempt} (invocation {invocation}): retried before any answer was given (an earlier attempt failed or never arrived), so it runs")
            started = time.monotonic()
            status, headers, content = self.call(environ)
            took = time.monotonic() - started
            # Remembered before the lock is released, so a retry can never run in between.
            if invocation and status.startswith("2"):
                self.answers[invocation] = (status, headers, content, f"{status.split(' ')[0]} to attempt {attempt} at {time.strftime('%H:%M:%S')}, {took:.2f} s in the emulator")
                while len(self.answers) > REMEMBERED_ANSWERS:
                    self.answers.popitem(last=False)
        start_response(status, headers)
        return [content]

    def call(self, environ):
        answer = {}
        chunks = []

        def capture(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers
            return chunks.append

        result = self.app(environ, capture)
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return answer["status"], answer["headers"], b"".join(chunks)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args()
    # As moto_server does: moto builds some URLs (queue URLs, presigned URLs) from it.
    os.environ.setdefault("MOTO_PORT", str(args.port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True  # as moto_server sets it
    # HTTPS with a throw-away certificate, as `moto_server --ssl`.
    run_simple(args.host, args.port, OneRequestAtATime(app), threaded=True, ssl_context="adhoc")


if __name__ == "__main__":
    main()
