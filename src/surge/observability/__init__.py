"""Operations: ``/healthz`` and ``/readyz``, request ids, Prometheus metrics, OpenTelemetry tracing.

``observability = Observability()``, listed first in ``EXTENSIONS``, with
``OBSERVABILITY = {"HEALTH": True, "REQUEST_ID": True, "METRICS": True, "TRACING": True}``.
"""

from surge.observability.config import ObservabilityConfig
from surge.observability.extension import Observability
from surge.observability.health import NotReady
from surge.observability.request_id import current_request_id, request_id_of
from surge.roles import ReadinessProbe

__all__ = [
    "NotReady",
    "Observability",
    "ObservabilityConfig",
    "ReadinessProbe",
    "current_request_id",
    "request_id_of",
]
