"""coach: a rule-based reflection coach in the terminal for Dutch school leaders."""

__version__ = "0.1.0"
