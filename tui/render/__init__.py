"""The text of the views that show no table, one module per view (the task detail, a service's
events, its Auto Scaling, the help): plain functions of the models, tested without an app.

Kept out of tui/screens/ (screens only): a view screen lays these out and scrolls them.
"""
