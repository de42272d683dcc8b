"""The projection kinds and the network error: what the CLI parser needs, without NetworkX."""

from __future__ import annotations

KINDS = ("bipartite", "city", "cluster", "chain", "kg")


class NetworkError(ValueError):
    """An unknown projection kind, or a graph the projection cannot be built from."""
