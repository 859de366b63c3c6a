"""The administrative tree held per process (see hubiying.refdata): intake
places every new request on it, so it must not cost a query each time."""

from __future__ import annotations

from dataclasses import dataclass, field

from hubiying.refdata import Reference

from .models import Node


@dataclass
class Tree:
    by_code: dict[str, Node] = field(default_factory=dict)
    # compounds before communities, as an address naming both means the compound
    places: list[Node] = field(default_factory=list)
    roots: list[Node] = field(default_factory=list)

    def get(self, code: str) -> Node | None:
        return self.by_code.get(code)

    def ancestors(self, node: Node) -> list[Node]:
        """From the root down to the node itself."""
        codes = [c for c in node.path.strip("/").split("/") if c]
        return [self.by_code[c] for c in codes if c in self.by_code]

    def ancestor_of_kind(self, node: Node, kind: str) -> Node | None:
        return next((n for n in reversed(self.ancestors(node)) if n.kind == kind), None)

    def descendants(self, node: Node, kind: str) -> list[Node]:
        return [n for n in self.places if n.kind == kind and n.path.startswith(node.path)]


def _load() -> Tree:
    tree = Tree()
    for node in Node.objects.order_by("path"):
        tree.by_code[node.code] = node
        if node.parent_id is None:
            tree.roots.append(node)
        if node.kind in (Node.Kind.COMPOUND, Node.Kind.COMMUNITY):
            tree.places.append(node)
    tree.places.sort(key=lambda n: n.kind != Node.Kind.COMPOUND)
    return tree


_TREE = Reference(_load, watch=(Node,))


def tree() -> Tree:
    return _TREE.get()
