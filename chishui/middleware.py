"""Request checks that hold for every view, the admin included."""

from django.shortcuts import render
from django.utils.translation import gettext as _


def _has_nul(query_dict):
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists()
    )


class RefuseNulCharactersMiddleware:
    """A query string or form field with a NUL character is a 400 with a Chinese message.

    No page needs one, and PostgreSQL refuses NUL in strings: a NUL that reached a query (a
    dashboard's ``?township=%00``, the admin's search box) was a 500. Checking here once means
    no view, form or filter has to remember it. Uploaded files are not form fields and are
    checked by their own readers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return render(
                request,
                "400.html",
                {"message": _("请求中含有无效字符（NUL），请检查链接或填写的内容。")},
                status=400,
            )
        return self.get_response(request)
