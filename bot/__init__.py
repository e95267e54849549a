"""The Archivist application: cited answers, the Discord client and cogs, the command line, settings."""
