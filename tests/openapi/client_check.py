"""The merchant API's OpenAPI document, as a client developer uses it.

1. It is valid OpenAPI 3.1 (openapi-spec-validator).
2. A widely used generator (openapi-python-client) turns it into a client.
3. That client makes real calls against the running server: list, create
   (with an Idempotency-Key, replayed), read, and a validation error.

Usage: client_check.py BASE_URL SECRET_KEY
"""
import importlib
import json
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from pathlib import Path

from openapi_spec_validator import validate

base, key = sys.argv[1], sys.argv[2]
with urllib.request.urlopen(f"{base}/api/v1/openapi.json") as answer:
    document = json.load(answer)
validate(document)
assert document["openapi"].startswith("3.1"), document["openapi"]
ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
assert len(ids) == len(set(ids)), f"repeated operationIds: {sorted(ids)}"
print(f"openapi: valid OpenAPI {document['openapi']}, {len(ids)} operations, unique ids")

work = Path(tempfile.mkdtemp(prefix="portal-client-"))
(work / "openapi.json").write_text(json.dumps(document))
(work / "config.yml").write_text("content_type_overrides:\n  application/pdf: application/octet-stream\n")
generator = Path(sys.executable).with_name("openapi-python-client")
subprocess.run(
    [str(generator), "generate", "--path", str(work / "openapi.json"), "--config", str(work / "config.yml"),
     "--meta", "none", "--output-path", str(work / "portal_client")],
    check=True, capture_output=True, text=True,
)
sys.path.insert(0, str(work))
client_module = importlib.import_module("portal_client")
customers_list = importlib.import_module("portal_client.api.customers.customers_list")
customers_create = importlib.import_module("portal_client.api.customers.customers_create")
customers_show = importlib.import_module("portal_client.api.customers.customers_show")
prices_list = importlib.import_module("portal_client.api.catalog.catalog_list_prices")
models = importlib.import_module("portal_client.models")

client = client_module.AuthenticatedClient(base_url=base, token=key)

listed = customers_list.sync_detailed(client=client)
assert listed.status_code == 200, listed
assert any(c.email == "ada@example.com" for c in listed.parsed.data), listed.parsed

email = f"generated-{uuid.uuid4().hex[:8]}@example.com"
body = models.CustomerCreate(email=email, name="Generated Client")
idempotency_key = uuid.uuid4().hex
created = customers_create.sync_detailed(client=client, body=body, idempotency_key=idempotency_key)
assert created.status_code == 201, created.content
again = customers_create.sync_detailed(client=client, body=body, idempotency_key=idempotency_key)
assert again.status_code == 201 and again.parsed.id == created.parsed.id, again.content
assert again.headers.get("idempotent-replayed") == "true"

shown = customers_show.sync_detailed(client=client, id=created.parsed.id)
assert shown.status_code == 200 and shown.parsed.email == email, shown.content

taken = customers_create.sync_detailed(client=client, body=body)
assert taken.status_code == 422, taken.content
assert isinstance(taken.parsed, models.ApiError), taken.parsed

prices = prices_list.sync_detailed(client=client)
assert prices.status_code == 200 and prices.parsed.data, prices.content
print("openapi: a generated Python client listed, created (replayed by key), read and was refused as documented")
