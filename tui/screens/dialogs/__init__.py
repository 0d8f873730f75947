"""Modal dialogs for mutations: each asks for input, and every plan ends in ``confirm``."""
