"""Plays planned stories through appeals.intake and appeals.services while
`django.utils.timezone.now` is patched to a Clock set to each step's moment."""

from __future__ import annotations

import secrets
from datetime import datetime

from appeals import intake, residents, services
from appeals.models import Appeal
from open311.models import FiledRequest
from organisations.access import scopes_of

from .build import Demo
from .stories import Step, Story


class Clock:
    """Stands in for django.utils.timezone.now while the stories play."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class Player:
    def __init__(self, demo: Demo, clock: Clock):
        self.demo, self.clock = demo, clock

    def play(self, story: Story) -> Appeal:
        self.clock.at = story.times[0]
        if story.quick:
            result, content = story.quick_reply
            appeal = intake.quick_resolve(story.data, actor=story.author, channel=story.channel, result=result,
                                          content=content)
        else:
            appeal, _created = intake.create_appeal(story.data, actor=story.author, channel=story.channel)
            if story.channel == Appeal.Channel.OPEN311:
                FiledRequest.objects.create(appeal=appeal, client=self.demo.api_client, token=secrets.token_urlsafe(18))
        for step, at in zip(story.steps, story.times[1:], strict=True):
            self.clock.at = at
            appeal = self.perform(story, appeal, step)
        story.appeal = appeal
        if appeal.status != story.final:
            raise RuntimeError(f"demo story {story.kind} ended in {appeal.status}, not {story.final}")
        return appeal

    def dispatcher_for(self, appeal: Appeal):
        for name in ("dispatcher", "dispatcher_ya", "dispatcher_county"):
            user = self.demo.users[name]
            if scopes_of(user).path_covered("dispatcher", appeal.owner_path):
                return user
        raise RuntimeError(f"no demo dispatcher covers {appeal.owner_path}")

    def perform(self, story: Story, appeal: Appeal, step: Step) -> Appeal:
        a, args = step.action, step.args
        dispatcher = self.dispatcher_for(appeal)
        handler = self.demo.handler_of.get(appeal.unit_id)
        supervisor = self.demo.users["supervisor" if story.community.area == "htb" else "supervisor_cj"]
        if a == "register":
            return services.register(appeal, actor=dispatcher)
        if a == "reject":
            return services.reject(appeal, actor=dispatcher, reason=args["reason"])
        if a == "dispatch":
            return services.dispatch(appeal, actor=dispatcher, unit=args["unit"].pk,
                                     co_units=[u.pk for u in args["co_units"]])
        if a == "sign":
            return services.sign_for(appeal, actor=handler)
        if a == "return":
            return services.return_to_dispatcher(appeal, actor=handler, reason=args["reason"])
        if a == "start":
            return services.start(appeal, actor=handler)
        if a == "note":
            return services.add_note(appeal, actor=handler, content=args["content"])
        if a == "request_ext":
            return services.request_extension(appeal, actor=handler, days=args["days"], reason=args["reason"])
        if a == "approve_ext":
            return services.approve_extension(appeal, actor=dispatcher, approve=args["approve"], note=args["note"])
        if a == "urge":
            return services.urge(appeal, actor=supervisor, content=args["content"])
        if a == "supervise":
            return services.supervise(appeal, actor=supervisor, content=args["content"])
        if a == "reply":
            return services.reply(appeal, actor=handler, result=args["result"], content=args["content"])
        if a == "co_reply":
            co_handler = self.demo.handler_of[args["unit"].pk]
            services.co_sign(appeal, actor=co_handler)
            return services.co_reply(appeal, actor=co_handler, content=args["content"])
        if a == "evaluate":
            if args["by"] == "tracking":
                return services.evaluate(appeal, token=residents.token_for(appeal), rating=args["rating"],
                                         comment=args["comment"])
            if args["by"] == "resident":
                return services.evaluate(appeal, actor=story.resident, rating=args["rating"],
                                         comment=args["comment"])
            return services.callback(appeal, actor=dispatcher, rating=args["rating"], comment=args["comment"])
        if a == "reopen":
            return services.reopen(appeal, actor=dispatcher, reason=args["reason"])
        if a == "close":
            return services.close(appeal, actor=dispatcher, note=args["note"])
        if a == "auto_close":
            services.close_expired_evaluations()  # the timer, run just after the window ended
            appeal.refresh_from_db()
            return appeal
        if a == "merge":
            return services.merge(appeal, actor=dispatcher, into=story.target.appeal.pk)
        if a == "withdraw":
            return services.withdraw(appeal, actor=story.resident, reason=args["reason"])
        raise ValueError(a)
