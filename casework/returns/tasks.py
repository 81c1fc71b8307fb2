"""Background work: an uploaded return is imported by the task worker, not in the web request."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(run_id: int) -> str:
    from casework.returns.services import perform_import

    return perform_import(run_id)
