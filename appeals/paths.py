"""Requests keep copies of the tree's paths (`node_path`, `owner_path`) so that
"in this subtree" is one indexed prefix match at millions of rows. When the
admin moves a node or changes its code, the copies follow in the same
transaction (organisations.signals.node_moved), and a request whose
dispatching level is no longer above its place goes to the town it is in now,
with an internal timeline event saying so. The version of every request
touched moves on, so that an action read before the move retries."""

from __future__ import annotations

from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.models import Node
from organisations.tree import tree

from .models import Appeal, AppealEvent
from .workflow import record_events


def _moved(field: str, old_path: str, new_path: str) -> dict:
    return {field: Concat(Value(new_path), Substr(field, len(old_path) + 1)), "version": F("version") + 1}


def follow_the_tree(sender, node: Node, old_path: str, new_path: str, **kwargs) -> None:
    Appeal.objects.filter(node_path__startswith=old_path).update(**_moved("node_path", old_path, new_path))
    Appeal.objects.filter(owner_path__startswith=old_path).update(**_moved("owner_path", old_path, new_path))
    strays = (Appeal.objects.filter(node_path__startswith=new_path)
              .exclude(node_path__startswith=F("owner_path")))
    places = tree()  # read again: the node's own save cleared it
    now = timezone.now()
    events = []
    for node_id, escalated in set(strays.values_list("node_id", "escalated")):
        place = places.by_id[node_id]
        owner = places.ancestor_of_kind(place, Node.Kind.TOWN) or places.ancestors(place)[0]
        if escalated and owner.parent_id:
            owner = places.by_id[owner.parent_id]
        these = strays.filter(node_id=node_id, escalated=escalated)
        for appeal_id, status, old_owner in these.values_list("pk", "status", "owner_node__name"):
            events.append(AppealEvent(
                appeal_id=appeal_id, action="reassign", from_status=status, to_status=status, at=now,
                public=False, data={"owner_node": owner.code},
                note=_("%(old)s no longer covers this place: now dispatched from %(new)s.")
                % {"old": old_owner, "new": owner.name},
            ))
        these.update(owner_node=owner, owner_path=owner.path, version=F("version") + 1)
    record_events(events)
