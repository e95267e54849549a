"""The knowledge side of Archivist: article files -> articles -> chunks -> vectors -> store -> ranked passages."""
