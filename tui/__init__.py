"""ecsdeck's Textual front end: thin screens over the aws/ library."""

__version__ = "0.1.0"
