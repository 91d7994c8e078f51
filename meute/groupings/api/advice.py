def register(router):
    """Register this area's viewsets."""
