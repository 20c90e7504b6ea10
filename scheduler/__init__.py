"""The scheduler: its own process (`python -m scheduler`), never inside a web worker."""
