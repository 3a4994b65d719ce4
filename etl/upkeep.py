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
    store is built whole the first time, then kept for what changed: the shifts around the
    changed days of each line, the means of the weeks and months holding those days, the totals
    of the speakers whose points changed.
    """
    with write_transaction(db):
        topic_days = shift_store.changed_topic_days(db)  # read before the shift store empties the log
        speakers = shift_store.changed_speaker_days(db)
        shifts = update_stored_shifts(db)
        if period_means.is_built(db):
            means = period_means.store_days(db, topic_days)
        else:
            means = period_means.store_topics(db, points_cache.topics(db))
        if speaker_totals.is_built(db):
            totals = speaker_totals.store_speakers(db, speakers)
        else:
            totals = speaker_totals.store_topics(db, points_cache.topics(db))
    log.info("stored results: %s; period means of %d topic(s) (%d rows), speaker totals (%d rows)",
             shifts, len(topic_days), means, totals)
    return {"shifts": shifts, "topics": sorted(topic_days), "means": means, "totals": totals}
