"""What every run keeps up to date after it stores documents: stored shifts, period means and
the all-time speaker totals alignment reads."""

from __future__ import annotations

import logging

from sqlite_utils import Database

from db import period_means, points_cache, shift_store, speaker_totals
from db.store import write_transaction
from etl.shift_lines import update_stored_shifts

log = logging.getLogger(__name__)


def update_stored_results(db: Database) -> dict:
    """Store the shifts, weekly/monthly means and speaker totals of what changed since the last run,
    in one transaction.

    All three follow the same change log, which the shift store empties: so they are brought up
    to date together or not at all, and a reader never takes a stale total for a fresh one. Each
    store is built whole the first time, then kept for the changed topics.
    """
    with write_transaction(db):
        changed = shift_store.changed_topics(db)  # read before the shift store empties the log
        means_topics = changed if period_means.is_built(db) else points_cache.topics(db)
        totals_topics = changed if speaker_totals.is_built(db) else points_cache.topics(db)
        shifts = update_stored_shifts(db)
        means = period_means.store_topics(db, means_topics)
        totals = speaker_totals.store_topics(db, totals_topics)
    log.info("stored results: %s; period means of %d topic(s) (%d rows), speaker totals of %d (%d rows)",
             shifts, len(means_topics), means, len(totals_topics), totals)
    return {"shifts": shifts, "topics": sorted(means_topics), "means": means, "totals": totals}
