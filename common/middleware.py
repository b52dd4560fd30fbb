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
