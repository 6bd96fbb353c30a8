from django.http import HttpRequest, JsonResponse


def floor(request: HttpRequest) -> JsonResponse:
    """The cheapest JSON answer Django gives through the same middleware: the yardstick."""
    return JsonResponse({"status": "ok", "items": [1, 2, 3]})
