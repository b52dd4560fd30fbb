class ClientAddressMiddleware:
    """The client's address, once, for the audit trail, login locks and rate limits.

    Behind nginx (BEHIND_PROXY=true) it is the X-Real-IP header nginx sets;
    otherwise the connection's address. A client's own X-Forwarded-For is
    dropped either way, so nobody can write another address into the trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        real = request.META.pop("HTTP_X_REAL_IP", "")
        request.META.pop("HTTP_X_FORWARDED_FOR", None)
        if settings.BEHIND_PROXY and real:
            request.META["REMOTE_ADDR"] = real.strip()
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """A page opened with the wrong method (a bookmarked or reloaded “全部标为已读”, a link to a form's
    target) answers 405 with a Chinese page, never an empty body the browser replaces with its own
    English one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            from django.template.loader import render_to_string

            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
