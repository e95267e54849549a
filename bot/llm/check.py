"""`archivist llm check`: is the configured language model reachable, how fast is it, is its answer kept?"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bot.llm.client import ChatClient, LLMConfig, LLMError
from embeddings.errors import IndexNotBuiltError


@dataclass
class CheckReport:
    """What the check found: the endpoint's models, and one composed answer's timings and fate."""

    endpoint: str
    question: str
    models: list[str] = field(default_factory=list)
    models_error: str | None = None
    index: str = ""
    answer: str = ""
    answerer: str = ""
    fallback_reason: str | None = None
    sentences_written: int = 0
    sentences_kept: int = 0
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """The endpoint answered and the answer was shown in the model's words."""
        return self.models_error is None and self.answerer == "composed"

    def payload(self) -> dict:
        return {**dataclasses.asdict(self), "ok": self.ok}


def check_endpoint(service, question: str) -> CheckReport:
    """List the models, then ask `question` with the composed answerer: of the current index, or, when
    none is built yet, of the archive directory indexed into a temporary one (the sample archive)."""
    settings = service.settings
    settings.check_answerer("composed")
    report = CheckReport(settings.llm_url, question)
    client = ChatClient(LLMConfig.of(settings, concurrency=1))
    try:
        report.models = client.models()
    except LLMError as exc:
        report.models_error = str(exc)
    with tempfile.TemporaryDirectory(prefix="archivist-llm-check-") as scratch:
        asking = _answering_service(service, Path(scratch))
        report.index = asking.store.location
        answer = asking.ask(question, answerer="composed")
    report.answer, report.answerer, report.fallback_reason = answer.text, answer.answerer, answer.fallback_reason
    report.sentences_written = answer.model_sentences
    report.sentences_kept = answer.model_sentences - len(answer.dropped)
    report.timings_ms = dict(answer.timings)
    return report


def _answering_service(service, scratch: Path):
    """The service itself when its index exists, else one over the archive directory indexed in scratch."""
    try:
        service.store.check_model(service.encoder.model_name)
        return service
    except IndexNotBuiltError:
        from bot.service import ArchivistService

        sample = ArchivistService(dataclasses.replace(service.settings, data_dir=scratch, database_url=""),
                                  encoder=service.encoder)
        sample.reindex()
        return sample
