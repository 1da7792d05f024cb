"""The order machine as an app for a real granian server (tests/state_machine/test_under_granian.py).

Configured from the environment: SM_DATABASE_URI and SM_ENGINE_OPTIONS (JSON).
"""

from __future__ import annotations

import json
import os

from order_machines import Order, OrderMachine

from surge import BaseConfig, Surge
from surge.database.sql import SqlDatabase


def create_app() -> Surge:
    """A fresh app per worker process (granian --factory)."""
    section = {"DATABASE_URI": os.environ["SM_DATABASE_URI"], "ENGINE_OPTIONS": json.loads(os.environ["SM_ENGINE_OPTIONS"])}
    config = BaseConfig(
        DEBUG=False,
        ACCESS_LOG=False,
        SQL_DATABASE=section,
        STATE_MACHINE={"USE_AUTH": False, "MODEL": Order, "HISTORY": True},
    )
    app = Surge(configs=config)
    app.models.append(Order)
    app.add_extension(SqlDatabase())
    app.add_extension(OrderMachine())
    return app
