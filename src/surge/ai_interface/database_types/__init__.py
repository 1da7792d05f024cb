"""Database column types for embeddings (PyJolt's ``pyjolt.ai_interface.database_types``)."""

from surge.ai_interface.database_types.vector_column import Vector

__all__ = ["Vector"]
