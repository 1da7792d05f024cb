"""Embeddings and retrieval for :class:`~surge.ai_interface.AiInterface`: ``embed``, ``search``, RAG messages.

``embed`` runs the local model in a worker thread (``EMBEDDING_PROVIDER = "local"``) or calls
the provider's ``/embeddings`` (``"api"``), ``EMBEDDING_BATCH_SIZE`` texts at a time, so the
event loop never waits on it. ``search`` embeds a question and returns the nearest rows of a
model with a vector column; ``rag_messages`` turns those rows into chat messages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast, overload

from surge.ai_interface._local_model import DEFAULT_LOCAL_MODEL, encode, load_model
from surge.ai_interface.config import AiInterfaceConfig

if TYPE_CHECKING:
    from surge.ai_interface.database_types.vector_column import Metric
    from surge.app import Surge

__all__ = ["DEFAULT_API_EMBEDDING_MODEL", "DEFAULT_RAG_INSTRUCTIONS", "EmbeddingFeatures", "rag_messages", "vector_column"]

T = TypeVar("T")

DEFAULT_API_EMBEDDING_MODEL = "text-embedding-3-small"

DEFAULT_RAG_INSTRUCTIONS = (
    "Answer the user's question using only the numbered sources below. Cite the sources you use "
    "as [1], [2]. If the sources do not contain the answer, say that you do not know."
)


class _SessionFactory(Protocol):
    def create_session(self) -> AbstractAsyncContextManager[Any]: ...


def vector_column(model: type[Any]) -> Any:
    """The model's one ``VectorColumn`` attribute.

    Raises:
        TypeError: the model has no vector column, or more than one (pass ``column=``).
    """
    from sqlalchemy import inspect as sa_inspect  # the sql extra: only models with vectors need it

    from surge.ai_interface.database_types.vector_column import Vector

    mapper = sa_inspect(model)
    found = [attr for attr in mapper.column_attrs if isinstance(attr.columns[0].type, Vector)]
    if len(found) != 1:
        what = "no vector column" if not found else "several vector columns; pass column="
        raise TypeError(f"{model.__name__} has {what}")
    return getattr(model, found[0].key)


class EmbeddingFeatures:
    """The embedding and retrieval methods of the AI interface (a mixin: it holds no state)."""

    if TYPE_CHECKING:

        @property
        def app(self) -> Surge: ...

        @property
        def config(self) -> AiInterfaceConfig: ...

        @property
        def client(self) -> Any: ...

        async def _call(self, pending: Awaitable[T]) -> T: ...

    @property
    def embedding_model(self) -> str:
        """The embedding model in use (``EMBEDDING_MODEL`` or the provider's default)."""
        config = self.config
        if config.EMBEDDING_MODEL:
            return config.EMBEDDING_MODEL
        return DEFAULT_LOCAL_MODEL if config.EMBEDDING_PROVIDER == "local" else DEFAULT_API_EMBEDDING_MODEL

    def _local_model(self) -> Any:
        return load_model(self.embedding_model, self.config.EMBEDDING_DEVICE)

    async def load_embedding_model(self) -> None:
        """Load the local model now (in a worker thread), so the first request does not wait for it."""
        if self.config.EMBEDDING_PROVIDER == "local":
            await asyncio.to_thread(self._local_model)

    async def _embed_batch(self, batch: list[str]) -> list[list[float]]:
        config = self.config
        if config.EMBEDDING_PROVIDER == "local":
            model = await asyncio.to_thread(self._local_model)
            return await asyncio.to_thread(encode, model, batch, config.EMBEDDING_BATCH_SIZE)
        request: dict[str, Any] = {"model": self.embedding_model, "input": batch}
        if config.EMBEDDING_DIMENSIONS is not None:
            request["dimensions"] = config.EMBEDDING_DIMENSIONS
        response = await self._call(self.client.embeddings.create(**request))
        ordered = sorted(response.data, key=lambda item: item.index)
        return [[float(x) for x in item.embedding] for item in ordered]

    @overload
    async def embed(self, texts: str) -> list[float]: ...  # type: ignore[overload-overlap]

    @overload
    async def embed(self, texts: Sequence[str]) -> list[list[float]]: ...

    async def embed(self, texts: str | Sequence[str]) -> list[float] | list[list[float]]:
        """Embed one text (returns its vector) or several (returns one vector per text, in order).

        Raises:
            AiProviderUnavailable: the ``/embeddings`` API is unreachable (503).
            openai.OpenAIError: the API refused the request.
            MissingDependency: the local provider without sentence-transformers.
        """
        single = isinstance(texts, str)
        items = [texts] if isinstance(texts, str) else list(texts)
        size = self.config.EMBEDDING_BATCH_SIZE
        vectors: list[list[float]] = []
        for start in range(0, len(items), size):
            vectors.extend(await self._embed_batch(items[start : start + size]))
        return vectors[0] if single else vectors

    def _database_of(self, model: type[Any]) -> _SessionFactory:
        """The app's SQL database extension that ``model`` lives in (by its ``__db_name__``)."""
        name = getattr(model, "__db_name__", "db")
        for extension in self.app.extensions.values():
            if name in getattr(extension, "db_names", ()) and hasattr(extension, "create_session"):
                return cast(_SessionFactory, extension)
        raise LookupError(f"no SQL database of the app holds {model.__name__} (db name {name!r}); pass session=")

    async def search(
        self,
        model: type[T],
        question: str,
        k: int = 5,
        *,
        column: Any = None,
        metric: Metric = "cosine",
        session: Any = None,
    ) -> list[Any]:
        """Embed ``question`` and return the ``k`` nearest rows of ``model`` with their distance.

        ``model`` is a Surge SQL model with one ``VectorColumn`` (or pass ``column``). Without
        ``session`` a session of the model's database is opened for the query. Returns
        ``Neighbor(row, distance)`` pairs, nearest first.

        Raises:
            TypeError: the model has no (or several) vector columns.
            LookupError: no session given and no database of the app holds ``model``.
        """
        target = column if column is not None else vector_column(model)
        vector = await self.embed(question)
        if session is not None:
            return list(await model.query(session).nearest(target, vector, k=k, metric=metric))  # type: ignore[attr-defined]
        async with self._database_of(model).create_session() as opened:
            return list(await model.query(opened).nearest(target, vector, k=k, metric=metric))  # type: ignore[attr-defined]


def rag_messages(
    question: str,
    hits: Sequence[Any],
    *,
    text: str | Callable[[Any], str] = "text",
    instructions: str = DEFAULT_RAG_INSTRUCTIONS,
    history: Sequence[Mapping[str, Any]] = (),
) -> list[dict[str, Any]]:
    """Chat messages that ask the model to answer ``question`` from the search ``hits``.

    Args:
        question: the user's question.
        hits: rows or ``(row, distance)`` pairs, best first (what ``search`` returns).
        text: the attribute holding each row's text, or a function of the row.
        instructions: the system prompt put before the numbered sources.
        history: earlier messages of the conversation, put between the system and the question.
    """
    read = text if callable(text) else (lambda row: str(getattr(row, text)))
    sources = []
    for number, hit in enumerate(hits, start=1):
        row = hit[0] if isinstance(hit, tuple) else hit
        sources.append(f"[{number}] {read(row)}")
    system = instructions + "\n\nSources:\n" + ("\n".join(sources) if sources else "(none found)")
    return [{"role": "system", "content": system}, *(dict(m) for m in history), {"role": "user", "content": question}]
