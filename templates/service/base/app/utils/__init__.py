"""Small helpers with no state of their own: password hashing, tokens."""
