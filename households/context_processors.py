def household(request):
    return {
        "household": getattr(request, "household", None),
        "membership": getattr(request, "membership", None),
    }
