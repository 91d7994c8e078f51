"""Background work of insights: the weekly health snapshot, thin around ``snapshots.take_snapshots``."""

from celery import shared_task

from .alerts import snapshot_and_alert


@shared_task
def snapshot_health_task():
    written, drops = snapshot_and_alert()
    return {"written": written, "drops": len(drops)}
