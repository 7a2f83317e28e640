"""Benchmarks of the portal (see README.md); not part of the application."""
