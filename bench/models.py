from django.db import models


class CommitRow(models.Model):
    """One row per POST to the commit-ceiling view."""

    payload = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        db_table = "bench_commitrow"

    def __str__(self) -> str:
        return f"row {self.pk}"
