"""The staff ledgers (台账) the federation is inspected on: one page and one Excel export each."""
