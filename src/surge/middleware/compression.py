"""Response compression: gzip, brotli and zstd, chosen by ``Accept-Encoding`` q-values.

List ``"surge.middleware.compression:CompressionMiddleware"`` in ``MIDDLEWARE`` and tune it
with ``COMPRESSION = {...}`` (see :class:`CompressionConfig`). Bodies under ``MINIMUM_SIZE``,
already-compressed media (images, video, audio, archives, fonts) and event streams go out as
they are; streamed bodies are compressed chunk by chunk, each chunk flushed so the client
gets it at once. brotli and zstd need the ``brotli`` / ``zstandard`` packages
(``pip install "surge[compression]"``).
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Callable
from types import ModuleType
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from surge.exceptions.config import ImproperlyConfigured, MissingDependency, config_problems
from surge.http.negotiation import parse_q_list
from surge.middleware.base import MiddlewareBase, Next
from surge.types import AppContext

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["CompressionConfig", "CompressionMiddleware"]

_Coding = Literal["zstd", "br", "gzip"]
_DEFAULT_ORDER: tuple[_Coding, ...] = ("zstd", "br", "gzip")
_PACKAGES: dict[str, str] = {"br": "brotli", "zstd": "zstandard"}
_SKIPPED_PREFIXES = ("image/", "video/", "audio/", "font/", "text/event-stream")
_SKIPPED_TYPES = frozenset(
    {
        "application/zip",
        "application/gzip",
        "application/x-gzip",
        "application/x-bzip2",
        "application/x-xz",
        "application/x-7z-compressed",
        "application/x-rar-compressed",
        "application/vnd.rar",
        "application/zstd",
        "application/x-brotli",
        "application/wasm-compressed",
        "application/octet-stream",
    }
)
_COMPRESSIBLE_IMAGES = frozenset({"image/svg+xml", "image/bmp", "image/x-icon", "image/vnd.microsoft.icon"})
_NO_BODY = frozenset({204, 206, 304, 416}) | frozenset(range(100, 200))
_CHOICES_MAX = 256  # distinct Accept-Encoding values remembered (browsers send a handful)


class CompressionConfig(BaseModel):
    """The ``COMPRESSION`` config section."""

    model_config = ConfigDict(extra="forbid")

    ALGORITHMS: list[_Coding] = Field(
        default_factory=lambda: list(_DEFAULT_ORDER),
        description="Codings offered, in the server's order of preference on a q-value tie",
    )
    MINIMUM_SIZE: int = Field(500, ge=0, description="Bodies smaller than this (bytes) are sent uncompressed")
    GZIP_LEVEL: int = Field(6, ge=1, le=9, description="zlib level for gzip")
    BROTLI_QUALITY: int = Field(4, ge=0, le=11, description="brotli quality (4: fast, good for dynamic content)")
    ZSTD_LEVEL: int = Field(3, ge=1, le=22, description="zstd level")
    EXCLUDED_MEDIA_TYPES: list[str] = Field(
        default_factory=list, description="More media types (or prefixes ending in '/') never compressed"
    )


class _Codec:
    """One coding: whole-body and incremental (streaming) compression."""

    __slots__ = ("name", "whole", "incremental")

    def __init__(self, name: str, whole: Callable[[bytes], bytes], incremental: Callable[[], _Incremental]) -> None:
        self.name = name
        self.whole = whole
        self.incremental = incremental


_Incremental = tuple[Callable[[bytes], bytes], Callable[[], bytes]]
"""Compress one chunk (flushed, so the client can decode it on arrival); end the stream."""


def _gzip(level: int) -> _Codec:
    def whole(data: bytes) -> bytes:
        compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
        return compressor.compress(data) + compressor.flush()

    def incremental() -> _Incremental:
        compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
        return (lambda data: compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH), compressor.flush)

    return _Codec("gzip", whole, incremental)


def _brotli(module: ModuleType, quality: int) -> _Codec:
    def incremental() -> _Incremental:
        compressor = module.Compressor(quality=quality)
        return (lambda data: compressor.process(data) + compressor.flush(), compressor.finish)

    return _Codec("br", lambda data: module.compress(data, quality=quality), incremental)


def _zstd(module: ModuleType, level: int) -> _Codec:
    compressor = module.ZstdCompressor(level=level)  # one per app: the loop's thread is its only user

    def incremental() -> _Incremental:
        stream = module.ZstdCompressor(level=level).compressobj()
        flush_block = module.COMPRESSOBJ_FLUSH_BLOCK
        return (lambda data: stream.compress(data) + stream.flush(flush_block), stream.flush)

    return _Codec("zstd", compressor.compress, incremental)


def _load_config(app: AppContext) -> CompressionConfig:
    raw = app.get_conf("COMPRESSION", None) or {}
    if isinstance(raw, BaseModel):
        raw = raw.model_dump()
    if not isinstance(raw, dict):
        raise ImproperlyConfigured(f"COMPRESSION must be a dict, got {type(raw).__name__}")
    try:
        return CompressionConfig.model_validate(raw)
    except ValidationError as exc:
        raise ImproperlyConfigured(f"Invalid configuration: {config_problems(exc, 'COMPRESSION')}") from None


def _codecs(config: CompressionConfig, explicit: bool) -> dict[str, _Codec]:
    """The codecs to offer; brotli/zstd listed explicitly but not installed fail at startup."""
    codecs: dict[str, _Codec] = {}
    for name in config.ALGORITHMS:
        if name == "gzip":
            codecs[name] = _gzip(config.GZIP_LEVEL)
            continue
        try:
            module = importlib.import_module(_PACKAGES[name])
        except ImportError:
            if explicit:
                raise MissingDependency(_PACKAGES[name], "compression") from None
            continue  # the default list offers what is installed
        codecs[name] = _brotli(module, config.BROTLI_QUALITY) if name == "br" else _zstd(module, config.ZSTD_LEVEL)
    return codecs


async def _compress_stream(source: AsyncIterable[bytes | str], codec: _Codec) -> AsyncIterator[bytes]:
    compress, end = codec.incremental()
    try:
        async for chunk in source:
            data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
            if data:
                yield compress(data)
        yield end()
    finally:
        aclose = getattr(source, "aclose", None)
        if aclose is not None:
            await aclose()


class CompressionMiddleware(MiddlewareBase):
    """Compresses response bodies the client can decode (see the module docstring)."""

    def __init__(self, app: AppContext, next_app: Next | None = None) -> None:
        super().__init__(app, next_app)
        raw = app.get_conf("COMPRESSION", None)
        config = _load_config(app)
        explicit = isinstance(raw, dict) and "ALGORITHMS" in raw
        self.config = config
        self.codecs = _codecs(config, explicit)
        self.order = [name for name in config.ALGORITHMS if name in self.codecs]
        excluded = [media.lower() for media in config.EXCLUDED_MEDIA_TYPES]
        self._skipped_prefixes = _SKIPPED_PREFIXES + tuple(m for m in excluded if m.endswith("/"))
        self._skipped_types = _SKIPPED_TYPES | {m for m in excluded if not m.endswith("/")}
        self._choices: dict[str, _Codec | None] = {}

    def choose(self, accept_encoding: str) -> _Codec | None:
        """The codec ``Accept-Encoding`` prefers (q-values, then the server's order), or None."""
        if accept_encoding in self._choices:
            return self._choices[accept_encoding]
        weights = dict(parse_q_list(accept_encoding))
        star = weights.get("*", 0.0)
        if "x-gzip" in weights:
            weights.setdefault("gzip", weights["x-gzip"])
        best: _Codec | None = None
        best_q = 0.0
        for name in self.order:
            q = weights.get(name, star)
            if q > best_q:
                best, best_q = self.codecs[name], q
        if len(self._choices) < _CHOICES_MAX:
            self._choices[accept_encoding] = best
        return best

    def compressible(self, response: Response) -> bool:
        """True for a body worth compressing: a compressible media type, no encoding yet, a body."""
        if response.status_code in _NO_BODY or not self.codecs:
            return False
        headers = {key.lower(): value for key, value in response.headers.items()}
        if "content-encoding" in headers or "no-transform" in headers.get("cache-control", ""):
            return False
        media = (headers.get("content-type") or response.media_type or "").split(";", 1)[0].strip().lower()
        if media in _COMPRESSIBLE_IMAGES:
            return True
        return bool(media) and not media.startswith(self._skipped_prefixes) and media not in self._skipped_types

    async def middleware(self, req: Request) -> Response:
        """Compress the response of the rest of the chain when the client accepts a coding."""
        response = await self.next(req)
        if response.encode():  # a response made by an inner middleware may still be pending
            await response.render()
        await response.decide_stream_type()
        if not self.compressible(response):
            return response
        stream = response.body_stream
        size = response.file_size if response.is_file else len(response.body)
        if stream is None and (size or 0) < self.config.MINIMUM_SIZE:
            return response
        _add_vary(response)
        accept = req.header(b"accept-encoding")
        codec = self.choose(accept) if accept else None
        if codec is None or req.header(b"range") is not None:  # a range is of the identity bytes
            return response
        if stream is not None:
            response.replace_body(_compress_stream(stream, codec))
        elif response.is_file:
            response.replace_body(_compress_stream(response.file_chunks(), codec))
        else:
            response.replace_body(codec.whole(response.body))
        response.headers["content-encoding"] = codec.name
        _weaken_etag(response)
        return response


def _add_vary(response: Response) -> None:
    for key, value in response.headers.items():
        if key.lower() == "vary":
            if "accept-encoding" not in value.lower():
                response.headers[key] = f"{value}, Accept-Encoding"
            return
    response.headers["vary"] = "Accept-Encoding"


def _weaken_etag(response: Response) -> None:
    """The compressed bytes differ from the identity ones: a strong ETag must not claim otherwise."""
    for key, value in response.headers.items():
        if key.lower() == "etag" and value.startswith('"'):
            response.headers[key] = "W/" + value
            return
