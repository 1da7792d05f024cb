"""A body model without @consumes is documented as JSON (the spec must still serialize)."""

from openapi_spec_validator import validate
from pydantic import BaseModel

from surge import Request
from surge.controller import Controller, path, post
from surge.testing import TestClient

from surge_testkit import make_app


class Payload(BaseModel):
    name: str


@path("/things")
class Things(Controller):
    @post("/")
    async def create(self, req: Request, payload: Payload) -> dict:
        return payload.model_dump()


async def test_inferred_json_body_in_spec() -> None:
    async with TestClient(make_app(Things, DEBUG=True)) as client:
        assert (await client.post("/things", json={"name": "x"})).json() == {"name": "x"}
        res = await client.get("/openapi/specs.json")
        assert res.status_code == 200
        spec = res.json()
        validate(spec)
        body = spec["paths"]["/things"]["post"]["requestBody"]["content"]
        assert list(body) == ["application/json"]
