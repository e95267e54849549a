"""Compound questions: how one splits into the parts retrieval searches one by one."""

from __future__ import annotations

from embeddings.query_parts import question_parts


def test_a_simple_question_has_no_parts():
    assert question_parts("What did Alibaba's CEO say about hiring?") == []
    assert question_parts("what did alibaba's ceo say about hiring") == []


def test_two_questions_joined_by_and_are_two_parts_with_the_names_they_lack():
    parts = question_parts("How much did MasterCard raise, and how much did it hope to raise?")
    assert parts[0].startswith("How much did MasterCard raise")
    assert parts[1].startswith("how much did it hope to raise") and "MasterCard" in parts[1]


def test_a_leading_clause_that_asks_nothing_is_the_context_of_every_part():
    parts = question_parts("When MG Rover collapsed in 2005, what did SAIC buy from it, and which carmaker won "
                           "approval to revive the brand?")
    assert len(parts) == 2
    assert all("When MG Rover collapsed in 2005" in part for part in parts)
    assert parts[0].startswith("what did SAIC buy from it") and parts[1].startswith("which carmaker won approval")

