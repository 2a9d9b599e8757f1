"""Reads for listings: lists with a constant number of queries, a task with its log."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Listing, ListingChange, ListingTask, ListingTaskLog


def listings() -> QuerySet[Listing]:
    return Listing.objects.select_related("store", "product").order_by("-id")


def listing_changes() -> QuerySet[ListingChange]:
    return ListingChange.objects.select_related("store", "listing__product", "option").order_by("-id")


def listing_tasks() -> QuerySet[ListingTask]:
    return ListingTask.objects.select_related("store", "listing__product", "user").order_by("-id")


def task_log_lines(*, task: ListingTask, after_id: int = 0, limit: int = 500) -> list[ListingTaskLog]:
    return list(ListingTaskLog.objects.filter(task=task, id__gt=after_id).order_by("id")[:limit])
