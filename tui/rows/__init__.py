"""What each table pane shows, one module per pane: its columns, its cells and its rows (and the
lines shown beside the table, such as the service pane's summary).

Kept out of tui/screens/ (screens only): a screen reads, navigates and puts these rows in its
LiveTable; the rows are plain functions of the models, tested without an app.
"""
