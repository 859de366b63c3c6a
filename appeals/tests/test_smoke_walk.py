from appeals.models import Status


def test_every_state_can_be_reached(cast):
    for status in [Status.REJECTED, Status.RETURNED, Status.IN_PROGRESS, Status.REOPENED, Status.CLOSED,
                   Status.WITHDRAWN]:
        appeal = cast.appeal_in(status)
        assert appeal.events.count() >= 1
