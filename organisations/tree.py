"""The administrative tree and the units' names held per process (see
hubiying.refdata): intake places every new request on the tree and every queue
row names its place and unit, so neither may cost a query each time."""

from __future__ import annotations

from dataclasses import dataclass, field

from hubiying.refdata import Reference

from .models import Node, Unit


@dataclass
class Tree:
    by_code: dict[str, Node] = field(default_factory=dict)
    by_id: dict[int, Node] = field(default_factory=dict)
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

    def subtree(self, node: Node) -> list[Node]:
        """The node and every node below it."""
        return [n for n in self.by_id.values() if n.path.startswith(node.path)]

    def descendants(self, node: Node, kind: str) -> list[Node]:
        return [n for n in self.places if n.kind == kind and n.path.startswith(node.path)]


def _load() -> Tree:
    tree = Tree()
    for node in Node.objects.order_by("path"):
        tree.by_code[node.code] = node
        tree.by_id[node.pk] = node
        if node.parent_id is None:
            tree.roots.append(node)
        if node.kind in (Node.Kind.COMPOUND, Node.Kind.COMMUNITY):
            tree.places.append(node)
    tree.places.sort(key=lambda n: n.kind != Node.Kind.COMPOUND)
    return tree


_TREE = Reference(_load, watch=(Node,))


def tree() -> Tree:
    return _TREE.get()


def _load_unit_names() -> dict[int, str]:
    return dict(Unit.objects.values_list("pk", "name"))


_UNIT_NAMES = Reference(_load_unit_names, watch=(Unit,))


def unit_names() -> dict[int, str]:
    return _UNIT_NAMES.get()


def forget() -> None:
    """Read the tree and the units again on next use (a row named one added since)."""
    _TREE.clear()
    _UNIT_NAMES.clear()
