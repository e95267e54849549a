"""Training the reader: labelled data written by reading the archive, and the code that fits the model."""
