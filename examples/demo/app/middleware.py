"""Demo middleware: adds the processing time to every response."""

import time

from surge import Request, Response
from surge.middleware import MiddlewareBase


class TimingMiddleware(MiddlewareBase):
    async def middleware(self, req: Request) -> Response:
        started = time.perf_counter()
        res = await self.next(req)
        res.headers["x-process-time-ms"] = f"{(time.perf_counter() - started) * 1000:.2f}"
        return res
