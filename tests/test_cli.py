"""The `archivist` command line, run as a user runs it: a real process, the real model, the sample archive."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(args: list[str], env_dirs: tuple[Path, Path], cwd: Path | None = None,
        extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    archive, data = env_dirs
    env = {**os.environ, "ARCHIVIST_ARCHIVE_DIR": str(archive), "ARCHIVIST_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1",
           **(extra or {})}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory, onnx_export) -> tuple[Path, Path]:
    """The sample archive, indexed once by `archivist index` for every test here (after the
    session's ONNX export, which the subprocesses then find in ARCHIVIST_CACHE_DIR)."""
    root = tmp_path_factory.mktemp("cli")
    archive = root / "articles"
    archive.mkdir()
    from tests.conftest import SAMPLE_ARCHIVE

    for path in SAMPLE_ARCHIVE.iterdir():
        (archive / path.name).write_bytes(path.read_bytes())
    (archive / "broken.jsonl").write_text('{"id": "x", "title": "No body"}\nnot json\n')
    dirs = (archive, root / "data")
    result = run(["index", "--quiet"], dirs)
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stdout and "1 file failed" in result.stdout  # two bad lines, nothing indexed
    assert "broken.jsonl:1: the record has no body" in result.stdout
    assert "broken.jsonl:2: not valid JSON" in result.stdout
    return dirs


def test_ask_answers_the_sample_question_with_its_citation(indexed):
    result = run(["ask", "What did Alibaba's CEO say about hiring?", "--json"], indexed)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["abstained"] is False
    assert "prioritise international hiring" in answer["answer"]
    [source] = answer["sources"]
    assert source["n"] == 1 and "[1]" in answer["answer"]
    assert (source["title"], source["date"]) == ("Alibaba to push global expansion, says new CEO", "2015-05-14")
    assert "hiring" in source["passage"]


def test_ask_renders_text_with_sources(indexed):
    result = run(["ask", "What did Alibaba's CEO say about hiring?"], indexed)
    assert result.returncode == 0
    assert "Sources:" in result.stdout
    assert "[1] Alibaba to push global expansion, says new CEO · 14 May 2015" in result.stdout


def test_ask_notes_sources_from_outside_the_asked_period(indexed):
    result = run(["ask", "What did Alibaba's CEO say about hiring in 2019?"], indexed)
    assert result.returncode == 0, result.stderr
    note = "Note: The question names 2019; no cited article is from then (the nearest is dated 14 May 2015)."
    assert note in " ".join(result.stdout.split())
    assert result.stdout.index("Note:") < result.stdout.index("Sources:")
    as_json = json.loads(run(["ask", "What did Alibaba's CEO say about hiring in 2019?", "--json"], indexed).stdout)
    assert as_json["caveat"] == note.removeprefix("Note: ")


def test_search_article_and_stats(indexed):
    search = json.loads(run(["search", "Alimama advertising", "--json"], indexed).stdout)
    assert search[0]["article_id"] == "alibaba-global-expansion.txt"
    article = run(["article", "alibaba-global-expansion.txt"], indexed)
    assert article.returncode == 0 and "Tags: Alibaba, Asia, China, employment, news" in article.stdout
    stats = json.loads(run(["stats", "--json"], indexed).stdout)
    backend = "" if os.environ.get("ARCHIVIST_ENCODER_BACKEND") == "torch" else "+onnx-int8"  # the suite's backend
    assert (stats["articles"], stats["model"]) == (1, "sentence-transformers/all-MiniLM-L6-v2" + backend)
    assert stats["chunks"] >= 2


def test_errors_are_one_line_with_status_1(indexed, tmp_path):
    missing = run(["article", "no-such-article"], indexed)
    assert missing.returncode == 1
    assert missing.stderr.strip().count("\n") == 0 and "no article with id" in missing.stderr
    assert "Traceback" not in missing.stderr
    empty_index = run(["ask", "anything?"], (indexed[0], tmp_path / "fresh"))
    assert empty_index.returncode == 1
    assert "build it first with `archivist index`" in empty_index.stderr


def test_usage_errors_exit_2():
    result = subprocess.run([sys.executable, "-m", "bot", "ask"], capture_output=True, text=True)
    assert result.returncode == 2 and "usage:" in result.stderr
    bad_date = subprocess.run([sys.executable, "-m", "bot", "search", "x", "--from", "someday"],
                              capture_output=True, text=True)
    assert bad_date.returncode == 2 and "not a date" in bad_date.stderr


def test_help_on_every_command():
    for command in ("index", "ask", "search", "article", "stats"):
        result = subprocess.run([sys.executable, "-m", "bot", command, "--help"], capture_output=True, text=True)
        assert result.returncode == 0 and "usage: archivist " + command in result.stdout


@pytest.mark.parametrize("command", [["run"], ["sync"], ["sync", "--guild", "123"]])
def test_discord_commands_without_a_token_say_how_to_set_it(command, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    result = subprocess.run([sys.executable, "-m", "bot", *command], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=60)  # cwd without a .env
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("archivist: error: DISCORD_TOKEN is not set; put DISCORD_TOKEN=")
    assert "in .env" in result.stderr


def test_help_on_the_discord_commands():
    for command in ("run", "sync"):
        result = subprocess.run([sys.executable, "-m", "bot", command, "--help"], capture_output=True, text=True)
        assert result.returncode == 0 and "usage: archivist " + command in result.stdout


def test_ask_json_names_the_abstention_rule(indexed):
    answered = json.loads(run(["ask", "What did Alibaba's CEO say about hiring?", "--json"], indexed).stdout)
    assert answered["abstained_by"] is None and answered["question"] == "What did Alibaba's CEO say about hiring?"
    refused = json.loads(run(["ask", "What did Xiaomi's CEO say about hiring?", "--json"], indexed).stdout)
    assert refused["abstained"] is True and refused["abstained_by"] == "unknown-name"


def test_ask_explain_shows_why_this_sentence_and_why_this_refusal(indexed):
    explained = run(["ask", "What did Alibaba's CEO say about hiring?", "--explain"], indexed).stdout
    assert "Sentences weighed" in explained
    chosen = [line for line in explained.splitlines() if line.startswith("* reader ")]
    assert chosen and "prioritise international hiring" in "\n".join(chosen)
    as_json = json.loads(run(["ask", "What did Alibaba's CEO say about hiring?", "--explain", "--json"],
                             indexed).stdout)
    considered = as_json["considered"]
    assert considered and all(0 <= c["reading"] <= 1 for c in considered if c["reading"] is not None)
    assert any(c["chosen"] for c in considered) and "similarity" in considered[0]["features"]
    # (The reader's own refusal, no-answer, is pinned at a floor of its own in tests/test_composed.py and
    # tests/test_policy.py: the fitted floor sits near the sample's unanswerable questions.)
    refused = run(["ask", "What did Xiaomi's CEO say about hiring?", "--explain"], indexed).stdout
    assert "No article mentions Xiaomi" in refused and "refused before reading any" in refused


def test_eval_takes_overrides_and_reports_refusals_by_rule(indexed, tmp_path):
    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        json.dumps({"id": "q1", "question": "What did Alibaba's CEO say about hiring?",
                    "article_ids": ["alibaba-global-expansion.txt"], "evidence": [], "kind": "quote"}) + "\n"
        + json.dumps({"id": "q2", "question": "What did Xiaomi's CEO say about hiring?", "article_ids": [],
                      "evidence": [], "kind": "unanswerable"}) + "\n")
    plain = json.loads(run(["eval", str(questions), "--json", "-"], indexed).stdout)
    assert plain["summary"]["abstentions"] == {"unknown-name": {"right": 1, "wrong": 0}}
    strict = json.loads(run(["eval", str(questions), "--json", "-", "--set", "abstain_below=0.99"], indexed).stdout)
    assert strict["summary"]["abstentions"] == {"low-similarity": {"right": 0, "wrong": 1},
                                                "unknown-name": {"right": 1, "wrong": 0}}
    unknown = run(["eval", str(questions), "--set", "no_such_knob=1"], indexed)
    assert unknown.returncode == 1 and "unknown setting 'no_such_knob=1'" in unknown.stderr


def test_output_cut_short_by_its_reader_ends_quietly(indexed):
    archive, data = indexed
    env = {**os.environ, "ARCHIVIST_ARCHIVE_DIR": str(archive), "ARCHIVIST_DATA_DIR": str(data)}
    reader = subprocess.Popen([sys.executable, "-m", "bot", "article", "alibaba-global-expansion.txt"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    reader.stdout.read(10)
    reader.stdout.close()  # what `| head -c 10` does
    stderr = reader.stderr.read().decode()
    assert reader.wait(timeout=120) in (0, 141) and "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_ask_with_the_composed_answerer_reports_how_it_went(indexed):
    from tests.llm_server import Script, ScriptedLLM, closed_port_url

    # Sentences the passage holds word for word are kept whatever the fitted floor (support.quoted_whole).
    hiring = "Zhang also explained that the company would prioritise international hiring."
    llm = ScriptedLLM(Script(text=f"{hiring} [1] Zhang also owns the Moon. [1] {hiring} [1]"))
    try:
        env = {"ARCHIVIST_LLM_URL": llm.url, "ARCHIVIST_LLM_TIMEOUT_SECONDS": "10"}
        result = run(["ask", "What did Alibaba's CEO say about hiring?", "--answerer", "composed", "--json"],
                     indexed, extra=env)
        assert result.returncode == 0, result.stderr
        answer = json.loads(result.stdout)
        assert answer["answerer"] == "composed" and answer["fallback_reason"] is None
        assert [d["sentence"] for d in answer["dropped"]] == ["Zhang also owns the Moon."]
        assert answer["sources"][0]["n"] == 1 and "prioritise international hiring" in answer["sources"][0]["passage"]
        check = run(["llm", "check"], indexed, extra=env)
        assert check.returncode == 0, check.stderr
        assert "models:       scripted-model" in check.stdout and "shown in the model's words" in check.stdout
        down = run(["llm", "check", "--json"], indexed, extra={"ARCHIVIST_LLM_URL": closed_port_url()})
        report = json.loads(down.stdout)
        assert down.returncode == 1 and "connection refused" in report["models_error"]
        assert report["answerer"] == "extractive" and "connection refused" in report["fallback_reason"]
    finally:
        llm.close()
    unset = run(["ask", "anything?", "--answerer", "composed"], indexed, extra={"ARCHIVIST_LLM_URL": ""})
    assert unset.returncode == 1 and "set ARCHIVIST_LLM_URL" in unset.stderr
