"""What every run keeps up to date after it stores documents: stored shifts and period means."""

from __future__ import annotations

import logging

from sqlite_utils import Database

from db import period_means
from db.store import write_transaction
from etl.shift_lines import update_stored_shifts

log = logging.getLogger(__name__)


def update_stored_results(db: Database) -> dict:
    """Store the shifts and weekly/monthly means of what changed since the last run, in one transaction.

    Both read the same change log, which the shift store empties: so they are brought up to
    date together or not at all, and a reader never takes a stale mean for a fresh one.
    """
    with write_transaction(db):
        built = period_means.is_built(db)
        topics = period_means.changed_topics(db) if built else period_means.all_topics(db)
        shifts = update_stored_shifts(db)
        means = period_means.store_topics(db, topics) if topics or not built else 0
    log.info("stored results: %s; period means of %d topic(s), %d row(s)", shifts, len(topics), means)
    return {"shifts": shifts, "topics": sorted(topics), "means": means}
