"""The signed-in person's notifications: work arrived, due soon, overdue, updates due."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from lentera.deadlines.models import Notification
from lentera.deadlines.services import mark_read

# The list shows this many, newest first.
LIST_LENGTH = 200


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request):
    mine = Notification.objects.filter(user=request.user)
    if request.method == "POST":  # mark all read
        mark_read(request.user)
        return redirect("office:notifications")
    return render(
        request,
        "office/notifications.html",
        {"notifications": mine.select_related("item")[:LIST_LENGTH]},
    )


def is_prefetch(request) -> bool:
    """A browser fetching a page ahead of a click (prefetch, prerender): nobody sees it."""
    purpose = request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    return "prefetch" in purpose or "prerender" in purpose


@login_required
def notification_open(request, pk):
    """Go to what a notification is about; it is read when that page is seen there
    (office.views.item_detail, views_import.import_batch), not when a link is fetched."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    if notification.import_batch_id is not None:
        return redirect("office:import-batch", pk=notification.import_batch_id)
    if notification.item_id is None:
        if request.method == "POST" or not is_prefetch(request):
            mark_read(request.user, notification)  # nothing else to see: this is it
        return redirect("office:notifications")
    return redirect("office:item", pk=notification.item_id)
