"""The export's Celery task: takes the export's id, calls the service. Safe to run twice (the
service claims the export first); acknowledged late, so a worker that dies mid-build leaves it
for another."""

from celery import shared_task


@shared_task(ignore_result=True, acks_late=True)
def portfolio_export_build(export_id: str) -> None:
    from .services import portfolio_export_run

    portfolio_export_run(export_id=export_id)
