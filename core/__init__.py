"""Infrastructure every app stands on and that knows no domain: it imports no app."""
