"""ASYE registration and grant funding per NQSW: the scheme, the registration, its claims."""
