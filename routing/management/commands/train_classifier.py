"""Train the category classifier from the platform's dispatch history and swap
it in: every process serving suggestions picks the new file up by its mtime."""

from __future__ import annotations

import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from routing import classifier, training


class Command(BaseCommand):
    help = "Train the category classifier from dispatched and corrected requests."

    def add_arguments(self, parser):
        parser.add_argument("--min-examples", type=int, default=20,
                            help="Refuse to train on fewer labelled requests than this (default 20).")
        parser.add_argument("--min-per-category", type=int, default=2,
                            help="Leave out categories with fewer examples (default 2).")
        parser.add_argument("--unlabelled", type=int, default=0,
                            help="Also learn from the text of up to this many undispatched requests "
                                 "(self-training; default 0: off, it did not help with the category names).")

    def handle(self, *args, min_examples, min_per_category, unlabelled, **options):
        start = time.monotonic()
        rows = training.examples()
        counts = Counter(e.label for e in rows)
        rows = [e for e in rows if counts[e.label] >= min_per_category]
        kept = Counter(e.label for e in rows)
        if len(rows) < min_examples or len(kept) < 2:
            raise CommandError(f"{len(rows)} labelled requests in {len(kept)} categories: need at least "
                               f"{min_examples} in at least 2.")
        extra = training.unlabelled(unlabelled) if unlabelled > 0 else []
        model = classifier.fit([(e.title, e.description) for e in rows], [e.label for e in rows], unlabelled=extra,
                               seeds=training.category_names(kept),
                               meta={"trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        path = classifier.model_path()
        model.save(path)
        self.stdout.write(
            f"trained on {len(rows)} requests ({model.meta['pseudo_labelled']} of {len(extra)} undispatched ones "
            f"self-labelled), {len(kept)} categories, {len(model.vectoriser.terms)} terms, "
            f"temperature {model.temperature:.2f}; wrote {path} ({path.stat().st_size / 1e6:.1f} MB) "
            f"in {time.monotonic() - start:.1f} s"
        )
        left_out = sorted(c for c, n in counts.items() if n < min_per_category)
        if left_out:
            self.stdout.write(f"left out (fewer than {min_per_category} examples): {', '.join(left_out)}")
