"""Reports: renderings of the data model for people (terminal now; HTML and web later)."""
