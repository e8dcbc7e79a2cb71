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


@login_required
def notification_open(request, pk):
    """Mark one notification read and go to its item."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    mark_read(request.user, notification)
    if notification.import_batch_id is not None:
        return redirect("office:import-batch", pk=notification.import_batch_id)
    if notification.item_id is None:
        return redirect("office:notifications")
    return redirect("office:item", pk=notification.item_id)
