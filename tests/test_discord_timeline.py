"""/timeline through the command tree, and its page buttons after the bot restarts."""

from __future__ import annotations

import re

import discord
import pytest

from tests.discord_fakes import all_kwargs, interaction, invoke, running_bot

pytestmark = [pytest.mark.asyncio, pytest.mark.corpus]


def page_buttons(view: discord.ui.View) -> list[discord.ui.Button]:
    return [child.item for child in view.children]


async def test_a_long_timeline_pages_with_buttons_that_outlive_the_bot(corpus_service, tmp_path):
    async with running_bot(corpus_service, tmp_path) as bot:
        asked = interaction(bot)
        await invoke(bot, asked, "timeline", topic="Microsoft")
        assert asked.events == ["defer", "followup.send"]
        [sent] = all_kwargs(asked.followup.send)
        first = sent["embed"]
        pages = int(re.fullmatch(r"Page 1 of (\d+)", first.footer.text)[1])
        assert pages >= 2 and len(first.fields) == 8  # the archive has dozens of Microsoft stories
        earlier, later = page_buttons(sent["view"])
        assert earlier.disabled and not later.disabled and later.custom_id.endswith(":1")
        first_entries = {f.value for f in first.fields}

    # A new process: the button's custom id alone must be enough to show page 2.
    async with running_bot(corpus_service, tmp_path) as bot:
        # Filled when the cogs loaded; load_extension imports its own copy of the class, so match by name.
        registered = bot._connection._view_store._dynamic_items
        [(pattern, factory)] = [(p, item) for p, item in registered.items() if item.__name__ == "TimelinePageButton"]
        match = pattern.fullmatch(later.custom_id)
        assert match is not None
        clicked = interaction(bot)
        button = await factory.from_custom_id(clicked, later, match)
        await button.callback(clicked)
        assert clicked.events == ["defer", "edit_original_response"]
        edited = clicked.edit_original_response.await_args.kwargs
        assert edited["embed"].footer.text == f"Page 2 of {pages}"
        assert not first_entries & {f.value for f in edited["embed"].fields}  # the next eight, not the first again
        back, onward = page_buttons(edited["view"])
        assert back.custom_id.endswith(":0") and not back.disabled
        assert onward.disabled == (pages == 2)

        unknown = interaction(bot)
        stale = await factory.from_custom_id(
            unknown, later, pattern.fullmatch("archivist:tl:000000000000:1"))
        await stale.callback(unknown)
        assert unknown.events == ["send_message"]
        assert unknown.response.send_message.await_args.kwargs["ephemeral"]
