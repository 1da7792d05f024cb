"""A web process of the multi-process tests: POST /jobs/record/<n> for n in [start, stop)."""

from __future__ import annotations

import asyncio
import sys

import jobs_app

from surge.testing import TestClient


async def main(start: int, stop: int, hold: float) -> None:
    async with TestClient(jobs_app.Application()) as client:
        for first in range(start, stop, 25):
            batch = range(first, min(first + 25, stop))
            if hold:
                results = await asyncio.gather(*(jobs_app.record.enqueue(n, hold) for n in batch))
                assert all(job.id for job in results)
                continue
            answers = await asyncio.gather(*(client.post(f"/jobs/record/{n}") for n in batch))
            assert all(res.status_code == 202 for res in answers), [res.text for res in answers if res.status_code != 202]


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else 0.0))
