"""The community micro-fund (社区微基金): one fund per community, a double-entry
ledger underneath, and the proposals its committee approves.

- `Entry` is one posting: a donation, an expenditure, an advance (money lent
  to the fund, 垫支), its repayment, or the reversal of an earlier entry. Its
  `Line`s move money between the fund's accounts and always add up to zero;
  the cash line is the entry's effect on the balance (`amount`, signed).
- Posted entries and their lines are never edited or deleted: the model, its
  query sets and (in the database) triggers refuse it. A mistake is corrected
  by a reversal, an entry that points at the one it undoes.
- `Fund.balance` is the cash account's total, kept with every posting on the
  locked fund row and checked by the database never to go below zero;
  `reconcile` recomputes it from the lines. Spending more than the fund holds
  needs an approved advance first.
- An expenditure or an advance is first a `Proposal`, which a member of the
  fund's committee (not its proposer) approves — posting it — or turns down.

Amounts are exact decimals of yuan with two places, never floats."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Node

CENT = Decimal("0.01")
MAX_DIGITS = 14  # up to 999,999,999,999.99 yuan


def money(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=MAX_DIGITS, decimal_places=2, **kwargs)


class Immutable(Exception):
    """A posted entry or line was asked to change."""


class Fund(models.Model):
    node = models.OneToOneField(Node, on_delete=models.PROTECT, related_name="fund", verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=100)
    opened_on = models.DateField(_("opened on"))
    committee = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="fund_committees", verbose_name=_("committee"),
        help_text=_("Who approves expenditures and advances (never their own proposals)."),
    )
    balance = money(verbose_name=_("balance"), default=Decimal("0.00"), editable=False)
    entries_posted = models.PositiveIntegerField(default=0, editable=False)  # numbers the entries: 1, 2, …

    class Meta:
        verbose_name = _("micro-fund")
        verbose_name_plural = _("micro-funds")
        ordering = ["node__path"]
        constraints = [models.CheckConstraint(condition=models.Q(balance__gte=0), name="fund_balance_not_negative")]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """What the fund pays for (邻里广场, 楼道修缮…), with what asked for it."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="projects", verbose_name=_("fund"))
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    budget = money(verbose_name=_("budget"), null=True, blank=True, validators=[MinValueValidator(CENT)])
    appeal = models.ForeignKey("appeals.Appeal", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="fund_projects", verbose_name=_("request that asked for it"))
    topic = models.ForeignKey("deliberation.Topic", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="fund_projects", verbose_name=_("topic that asked for it"))
    closed = models.BooleanField(_("closed"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["closed", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Account(models.TextChoices):
    CASH = "cash", _("Cash")  # what the fund holds: the balance
    DONATIONS = "donations", _("Donations")  # income
    SPENDING = "spending", _("Spending")  # expense
    ADVANCES = "advances", _("Advances owed")  # what the fund owes its lenders


class DonorKind(models.TextChoices):
    PERSON = "person", _("Person")
    SHOP = "shop", _("Shop")
    COMPANY = "company", _("Company or organisation")


class PostedQuerySet(models.QuerySet):
    """Posted rows (entries, lines): no update, no delete."""

    def update(self, **kwargs):
        raise Immutable("posted entries are never edited")

    def delete(self):
        raise Immutable("posted entries are never deleted")


class Entry(models.Model):
    class Kind(models.TextChoices):
        DONATION = "donation", _("Donation")
        EXPENDITURE = "expenditure", _("Expenditure")
        ADVANCE = "advance", _("Advance")
        REPAYMENT = "repayment", _("Repayment of an advance")
        REVERSAL = "reversal", _("Reversal")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries", verbose_name=_("fund"))
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    posted_at = models.DateTimeField(_("posted at"))
    on = models.DateField(_("date"))  # when the money came or went
    amount = money(verbose_name=_("amount"))  # the effect on the balance: + in, − out
    purpose = models.CharField(_("purpose"), max_length=200)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT, related_name="entries",
                                verbose_name=_("project"))
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by", verbose_name=_("reverses"))
    # A donation: who gave it (their name is public unless they asked to stay anonymous) and its receipt.
    donor_name = models.CharField(_("donor"), max_length=100, blank=True)
    donor_kind = models.CharField(_("donor kind"), max_length=8, choices=DonorKind.choices, blank=True)
    anonymous = models.BooleanField(_("anonymous to the public"), default=False)
    receipt_no = models.CharField(_("receipt number"), max_length=30, blank=True)
    # An expenditure, an advance or a repayment: who was paid or lent it, and the approval.
    counterparty = models.CharField(_("paid to / lent by"), max_length=100, blank=True)
    proposal = models.OneToOneField("Proposal", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="entry", verbose_name=_("proposal"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("posted by"))

    objects = PostedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["fund", "number"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="fund_entry_number_unique"),
            models.UniqueConstraint(fields=["fund", "receipt_no"], condition=~models.Q(receipt_no=""),
                                    name="fund_receipt_no_unique"),
            models.CheckConstraint(condition=~models.Q(amount=0), name="fund_entry_amount_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.fund} #{self.number} {self.get_kind_display()} {self.amount}"

    @property
    def public_donor(self) -> str:
        if self.kind != self.Kind.DONATION:
            return ""
        return "匿名" if self.anonymous or not self.donor_name else self.donor_name

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Immutable("posted entries are never edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Immutable("posted entries are never deleted")


class Line(models.Model):
    """One side of an entry: an amount (debit +, credit −) on one of the fund's accounts."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="lines")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="lines")
    account = models.CharField(max_length=10, choices=Account.choices)
    amount = money()

    objects = PostedQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["fund", "account"])]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.account} {self.amount}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Immutable("posted lines are never edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Immutable("posted lines are never deleted")


class Proposal(models.Model):
    """An expenditure, an advance or a repayment waiting for the committee."""

    class Kind(models.TextChoices):
        EXPENDITURE = "expenditure", _("Expenditure")
        ADVANCE = "advance", _("Advance")
        REPAYMENT = "repayment", _("Repayment of an advance")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for approval")
        APPROVED = "approved", _("Approved and posted")
        REJECTED = "rejected", _("Turned down")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("fund"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.EXPENDITURE)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PROPOSED)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="proposals", verbose_name=_("project"))
    amount = money(verbose_name=_("amount"), validators=[MinValueValidator(CENT)])
    on = models.DateField(_("date"))
    purpose = models.CharField(_("purpose"), max_length=200)
    counterparty = models.CharField(_("paid to / lent by"), max_length=100)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} · {self.purpose}"


def evidence_path(instance, filename: str) -> str:
    return f"fund/{instance.proposal.fund_id}/{instance.token}.jpg"


class Evidence(models.Model):
    """A photo of an invoice, a receipt or the work done, attached to a proposal (re-encoded
    as JPEG like every photo: no metadata); once the proposal is decided, it stays."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="evidence")
    image = models.FileField(upload_to=evidence_path, max_length=200)
    token = models.CharField(max_length=32, unique=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.token
