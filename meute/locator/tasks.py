from celery import shared_task


@shared_task
def evaluate_labels_task() -> dict:
    """Nightly: every rule label awarded to the partners that meet it, withdrawn from the others."""
    from .labels import evaluate_all

    return {
        run.label.name: {"awarded": run.awarded, "renewed": run.renewed, "removed": run.removed}
        for run in evaluate_all()
    }
