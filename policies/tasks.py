"""The policies' background work: an enterprise's new matches after a change, and the beat
scan that tells the matched users not told yet and reminds enterprises before a window
closes (policies/push.py says who hears what, once each)."""

from celery import shared_task

from . import push


@shared_task(acks_late=True)
def tell_newly_matching(enterprise_id: int) -> int:
    return push.tell_newly_matching(enterprise_id)


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def policy_scan() -> dict[str, int]:
    told = push.tell_matched()
    return {
        "told": sum(len(ids) for ids in told.values()),
        "reminded": push.remind_closing(just_told=told),
    }
