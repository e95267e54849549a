"""Tools for the people (and helpers) who write the reader's labelled data by reading articles."""
