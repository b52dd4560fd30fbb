from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import services
from .models import Kind, Message


@login_required
def message_list(request):
    """The message centre: the person's own messages, unread first to the eye, newest first."""
    rows = Message.objects.visible_to(request.user).select_related("sender")
    show = request.GET.get("show", "")
    if show == "unread":
        rows = rows.unread()
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "inbox/message_list.html",
        {"page": page, "show": show, "kind": kind, "kinds": Kind.choices},
    )


@login_required
def message_open(request, pk):
    """Marks the message read and goes where the work is (GET: the link in the list is a link)."""
    try:
        message = services.mark_read(request.user, pk)
    except Message.DoesNotExist:
        raise Http404 from None
    if message.url and url_has_allowed_host_and_scheme(message.url, allowed_hosts={request.get_host()}):
        return redirect(message.url)
    return redirect("inbox:list")


@login_required
@require_POST
def mark_all_read(request):
    n = services.mark_all_read(request.user)
    flash.success(request, f"已将 {n} 条消息标为已读。" if n else "没有未读消息。")
    return redirect("inbox:list")
