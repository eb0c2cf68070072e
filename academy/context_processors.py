def academy(request):  # type: ignore[no-untyped-def]
    return {}
