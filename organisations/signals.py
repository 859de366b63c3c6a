"""Signals of the administrative tree, for the apps that keep copies of its
paths (appeals stores each request's place and dispatching level as paths, so
that scope queries stay one indexed prefix match)."""

from django.dispatch import Signal

# Sent inside the transaction that moves, renames the code of, or re-parents a
# node: old_path and new_path are the node's materialised paths before and after.
# Receivers update their copies in the same transaction.
node_moved = Signal()
