"""Chinese first: a page is in Chinese unless the person chose English with the
language switch (a cookie). A browser's Accept-Language alone does not switch
it, so a borrowed or English-configured phone still shows the county's pages in
the language its staff and residents read."""


class ChineseFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
