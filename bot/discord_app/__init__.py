"""The Discord bot: a discord.py client whose cogs are thin adapters over ArchivistService."""
