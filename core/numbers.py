"""Figures shown as a share: the one rate the dashboard, the yearly report, the petition
metrics and the ledgers' totals all use."""


def rate(part, whole) -> float | None:
    """`part` as a percentage of `whole`, rounded (not cut) to one decimal; None when there
    is nothing to divide (shown as "—", never as 0 %)."""
    return None if not whole else round(100 * part / whole, 1)
