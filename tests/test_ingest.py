"""/admin ingest's safe write (embeddings.ingest and ArchivistService.ingest): names, paths, sizes, content."""

from __future__ import annotations

import os
import threading

import pytest

from bot.service import ArchivistService
from bot.settings import Settings
from embeddings.errors import IngestError, ReindexBusyError
from embeddings.ingest import IngestLimits, safe_filename, stage
from tests.fakes import HashingEncoder

GOOD_TXT = b"Harbour reopens after storm\n\n14 May 2015\n\nThe harbour reopened on Tuesday after the storm.\n"
GOOD_MD = b"---\ntitle: Bridge opens\ndate: 2020-01-02\nid: bridge\n---\nThe new bridge opened to traffic today.\n"


@pytest.fixture
def service(sample_archive, tmp_path) -> ArchivistService:
    made = ArchivistService(Settings(archive_dir=sample_archive, data_dir=tmp_path / "data", max_ingest_bytes=4096),
                            encoder=HashingEncoder())
    made.reindex()
    return made


def archive_names(service: ArchivistService) -> list[str]:
    return sorted(p.name for p in service.settings.archive_dir.iterdir())


@pytest.mark.parametrize("name, reason", [
    ("../escape.txt", "outside the archive"),
    ("..", "outside the archive"),
    ("notes/../../escape.txt", "outside the archive"),
    ("/etc/cron.d/evil.txt", "absolute path"),
    ("C:\\Windows\\evil.txt", "absolute path"),
    ("\\\\server\\share\\evil.txt", "absolute path"),
    ("sub/dir.txt", "contains a folder"),
    ("sub\\dir.txt", "contains a folder"),
    ("evil.exe", "not an article file"),
    ("article.txt.sh", "not an article file"),
    ("noextension", "not an article file"),
    (".hidden.txt", "hidden or reserved"),
    ("README.md", "hidden or reserved"),
    ("draft.txt~", "not an article file"),
    ("", "no name"),
    ("line\nbreak.txt", "control characters"),
    ("x" * 200 + ".txt", "keep it to at most 120"),
])
def test_unsafe_names_are_refused(name, reason):
    with pytest.raises(IngestError, match=reason):
        safe_filename(name)


def test_odd_characters_become_dashes_and_extensions_are_kept():
    assert safe_filename("Big news: the bridge (2020).MD") == "Big news- the bridge -2020-.MD"
    assert safe_filename("  café-report.jsonl ") == "café-report.jsonl"


def test_an_upload_is_kept_under_its_safe_name_and_indexed(service):
    outcome = service.ingest("harbour news.txt", GOOD_TXT)
    assert outcome.path == service.settings.archive_dir / "harbour news.txt"
    assert outcome.path.read_bytes() == GOOD_TXT
    assert [a.title for a in outcome.articles] == ["Harbour reopens after storm"]
    assert outcome.report.added == ["harbour news.txt"] and outcome.report.unchanged == 1
    assert service.article("harbour news.txt").title == "Harbour reopens after storm"
    assert not [p for p in service.settings.archive_dir.iterdir() if p.name.startswith(".ingest-")]


@pytest.mark.parametrize("name, data, reason", [
    ("binary.txt", b"\x00\x01\x02\xff" * 50, "binary"),
    ("empty.txt", b"", "empty"),
    ("broken.json", b"{not json", "not valid JSON"),
    ("norecords.jsonl", b'{"id": "x", "title": "No body"}\n', "no body"),
    ("large.txt", b"a" * 5000, "limit is 4,096"),
])
def test_bad_content_is_refused_and_nothing_is_left_behind(service, name, data, reason):
    before = archive_names(service)
    with pytest.raises(IngestError, match=reason):
        service.ingest(name, data)
    assert archive_names(service) == before  # no file, no staging leftovers
    assert service.stats().articles == 1


def test_an_existing_file_is_replaced_only_when_asked(service):
    service.ingest("bridge.md", GOOD_MD)
    with pytest.raises(IngestError, match="already has a file named bridge.md"):
        service.ingest("bridge.md", GOOD_MD.replace(b"today", b"yesterday"))
    assert b"today" in (service.settings.archive_dir / "bridge.md").read_bytes()
    outcome = service.ingest("bridge.md", GOOD_MD.replace(b"today", b"yesterday"), replace=True)
    assert outcome.report.updated == ["bridge"] and "yesterday" in service.article("bridge").body


def test_an_upload_may_not_take_another_files_article_id(service):
    service.ingest("bridge.md", GOOD_MD)
    with pytest.raises(IngestError, match="already belongs to bridge.md"):
        service.ingest("copy.md", GOOD_MD)
    assert not (service.settings.archive_dir / "copy.md").exists()


def test_symlinks_are_never_written_through(service, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    (service.settings.archive_dir / "link.txt").symlink_to(outside)
    with pytest.raises(IngestError, match="symbolic link"):
        service.ingest("link.txt", GOOD_TXT, replace=True)
    assert outside.read_text() == "precious"


def test_a_symlinked_archive_folder_still_accepts_files(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "archive").symlink_to(real, target_is_directory=True)
    staged = stage(tmp_path / "archive", "a.txt", GOOD_TXT)
    assert staged.commit(replace=False) == tmp_path / "archive" / "a.txt"
    assert (real / "a.txt").read_bytes() == GOOD_TXT


def test_an_archive_that_is_one_file_cannot_take_uploads(tmp_path):
    single = tmp_path / "all.jsonl"
    single.write_text("")
    with pytest.raises(IngestError, match="not a directory"):
        stage(single, "a.txt", GOOD_TXT)


def test_a_name_taken_between_staging_and_commit_is_not_overwritten(tmp_path):
    staged = stage(tmp_path, "race.txt", GOOD_TXT, limits=IngestLimits())
    (tmp_path / "race.txt").write_bytes(b"someone else's")
    with pytest.raises(IngestError, match="already has a file named race.txt"):
        staged.commit(replace=False)
    assert (tmp_path / "race.txt").read_bytes() == b"someone else's"
    assert os.listdir(tmp_path) == ["race.txt"]


def test_ingest_waits_for_no_one_while_a_reindex_runs(service):
    started, release = threading.Event(), threading.Event()

    def slow_progress(_event) -> None:
        started.set()
        release.wait(10)

    worker = threading.Thread(target=service.reindex, kwargs={"rebuild": True, "on_progress": slow_progress})
    worker.start()
    try:
        assert started.wait(10) and service.reindex_running
        with pytest.raises(ReindexBusyError, match="already running"):
            service.ingest("late.txt", GOOD_TXT)
        with pytest.raises(ReindexBusyError):
            service.reindex()
        assert not (service.settings.archive_dir / "late.txt").exists()
    finally:
        release.set()
        worker.join(10)
    assert not service.reindex_running
    assert service.ingest("late.txt", GOOD_TXT).report.added == ["late.txt"]
