"""A webhook receiver for tests/workers/webhooks.rs.

Verifies every request with the `standardwebhooks` library (the reference
implementation of the Standard Webhooks spec). A verified request is appended
to LOG as one JSON line {"id", "type", "data"} and answered 204; a request that
fails verification is logged with "bad" and answered 400.

Usage: python receiver.py PORT SECRET LOG
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

PORT, SECRET, LOG = int(sys.argv[1]), sys.argv[2], sys.argv[3]
VERIFIER = Webhook(SECRET)


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        headers = {k: v for k, v in self.headers.items()}
        try:
            payload = VERIFIER.verify(body, headers)
            line = {"id": headers.get("webhook-id") or headers.get("Webhook-Id"),
                    "type": payload["type"], "data": payload["data"]}
            status = 204
        except Exception as error:  # noqa: BLE001 - any failure is a bad request here
            line = {"bad": str(error)}
            status = 400
        with open(LOG, "a", encoding="utf-8") as log:
            log.write(json.dumps(line) + "\n")
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Receiver).serve_forever()
