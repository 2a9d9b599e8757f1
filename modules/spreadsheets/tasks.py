"""django-q2 entry points for big uploads: load, call the service, report."""

from .services import import_job_run


def import_job_task(job_id: int, phase: str) -> str:
    job = import_job_run(job_id=job_id, phase=phase)
    if job is None:
        return f"import job {job_id} no longer exists"
    return f"{job.get_status_display()}: {job.rows_done}/{job.total_rows} rows"
