"""Demo CPD (filled in below)."""


def load_cpd_demo() -> None:
    return None
