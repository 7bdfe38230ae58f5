"""The reliability suite: each test file proves one of coach's promises under stress."""
