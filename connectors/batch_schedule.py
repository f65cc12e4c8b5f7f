"""When a batching connector flushes: on a cron schedule (APScheduler's CronTrigger), at a job count, or both."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from apscheduler.triggers.cron import CronTrigger

from connectors.errors import ConfigError


def cron_trigger(expression: str, timezone_name: str, pointer: str) -> CronTrigger:
    """A CronTrigger from a five-field crontab expression, or ConfigError at `pointer`."""
    try:
        return CronTrigger.from_crontab(expression, timezone=timezone_name)
    except (ValueError, LookupError) as error:
        raise ConfigError(
            f"{pointer}: invalid cron expression {expression!r} or timezone {timezone_name!r}: {error}", pointer=pointer
        ) from error


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def batch_due(
    pending: int,
    oldest_pending_at: datetime | None,
    last_flush_at: datetime | None,
    now: datetime,
    *,
    trigger: CronTrigger | None,
    batch_size: int | None,
) -> bool:
    """Whether pending jobs should be flushed now; naive datetimes are taken as UTC.

    Due when `batch_size` jobs are pending, or when the cron schedule fired since the last flush (or, before the
    first flush, since the oldest pending job). With neither configured, any pending job is due.
    """
    if pending <= 0:
        return False
    if batch_size is not None and pending >= batch_size:
        return True
    if trigger is None:
        return batch_size is None
    reference = last_flush_at or oldest_pending_at or now
    # Just past the reference, so a flush made exactly at a fire time does not count that fire time again.
    next_fire = trigger.get_next_fire_time(None, _aware(reference) + timedelta(microseconds=1))
    return next_fire is not None and next_fire <= _aware(now)
