"""The embedder's query path: a traced forward pass that must give `encode`'s vectors."""

from __future__ import annotations

import numpy as np
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Normalize, Pooling

from assistant.embeddings import Embedder, traced_queries

QUESTIONS = [
    "What should I record when I use police protection powers?",
    "kids",
    "did the DS review the PPN from the domestic last night, and was the MASH told?",
    " ".join(["The child abuse investigation team reviewed every referral."] * 60),  # truncated
]


def test_a_question_encodes_as_a_batch_of_passages_does(embedder: Embedder) -> None:
    assert traced_queries(embedder) is not None  # the packaged model takes the fast path
    for question in QUESTIONS:
        np.testing.assert_allclose(
            embedder.encode_one(question), embedder.encode([question])[0], atol=1e-6
        )


def test_queries_encoded_together_match_each_alone(embedder: Embedder) -> None:
    fast = traced_queries(embedder)
    assert fast is not None
    together = fast(QUESTIONS)  # padded to the longest
    alone = np.vstack([embedder.encode([q]) for q in QUESTIONS])
    np.testing.assert_allclose(together, alone, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_a_model_pooled_otherwise_keeps_encode(embedder: Embedder) -> None:
    """The traced path knows only mean pooling: a first-token model is encoded as it says."""
    first_token = SentenceTransformer(
        modules=[embedder.model[0], Pooling(384, pooling_mode="cls"), Normalize()], device="cpu"
    )
    other = Embedder(embedder.model_name_or_path)
    other._model = first_token
    assert traced_queries(other) is None
    vector = other.encode_one(QUESTIONS[0])
    np.testing.assert_allclose(vector, first_token.encode([QUESTIONS[0]])[0], atol=1e-6)
    assert float(vector @ embedder.encode_one(QUESTIONS[0])) < 0.99  # not the mean-pooled one
