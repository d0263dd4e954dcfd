"""Groups joined by pairs: the people that a set of confident matches makes one."""

from __future__ import annotations


class DisjointSets:
    """Union-find over string ids (path halving): ``union`` joins two ids' groups, ``find``
    names an id's group by one of its members. An id never joined is a group of its own."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def find(self, node: str) -> str:
        parent = self._parent
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(self, a: str, b: str) -> None:
        self._parent[self.find(a)] = self.find(b)
