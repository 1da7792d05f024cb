"""The seed README's ``MediaType`` values.

The seed's own code (``pyjolt`` -> ``surge``), checked by what a client sees; the shared seed
application is in ``seed_app``.
"""

from __future__ import annotations

from surge import MediaType


def test_media_types_match_the_seed() -> None:
    seed = {
        "APPLICATION_X_WWW_FORM_URLENCODED": "application/x-www-form-urlencoded",
        "MULTIPART_FORM_DATA": "multipart/form-data",
        "APPLICATION_JSON": "application/json",
        "APPLICATION_PROBLEM_JSON": "application/problem+json",
        "APPLICATION_XML": "application/xml",
        "TEXT_XML": "text/xml",
        "TEXT_PLAIN": "text/plain",
        "TEXT_HTML": "text/html",
        "APPLICATION_OCTET_STREAM": "application/octet-stream",
        "IMAGE_PNG": "image/png",
        "IMAGE_JPEG": "image/jpeg",
        "IMAGE_GIF": "image/gif",
        "APPLICATION_PDF": "application/pdf",
        "APPLICATION_X_NDJSON": "application/x-ndjson",
        "APPLICATION_CSV": "application/csv",
        "TEXT_CSV": "text/csv",
        "APPLICATION_YAML": "application/yaml",
        "TEXT_YAML": "text/yaml",
        "APPLICATION_GRAPHQL": "application/graphql",
        "NO_CONTENT": "empty",
    }
    assert {name: MediaType[name].value for name in seed} == seed
