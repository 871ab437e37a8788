#!/usr/bin/env python3
"""Write a random-weight GGUF with the exact OpenPangu-Embedded-1B decoder shape.

Used only as a speed yardstick for llama.cpp (llama-bench); the weights are
random N(0, 0.02) and the vocabulary is a dummy one (tokenizer.ggml.model =
"none" plus <arch>.vocab_size), so the file cannot generate meaningful text.

Shape (OpenPangu-Embedded-1B, the VisionPangu text decoder):
  26 layers, hidden 1536, 12 query heads / 6 KV heads, head_dim 128,
  SwiGLU FFN 6144, vocab 153376, RMSNorm eps 1e-5, untied LM head,
  biases on q/k/v/o (as llama.cpp's "pangu-embedded" architecture loads them).

Requirements: numpy and llama.cpp's gguf-py on PYTHONPATH, e.g.
  PYTHONPATH=/path/to/llama.cpp/gguf-py python3 make_gguf.py out.gguf [--type bf16|f16]

Tensors are streamed to disk one at a time (peak RAM ~ one tensor in f32).
"""
from __future__ import annotations

import argparse
import sys

import numpy as np

try:
    import gguf
except ImportError:  # pragma: no cover
    sys.exit("gguf-py not found: put <llama.cpp>/gguf-py on PYTHONPATH")

N_LAYER = 26
N_EMBD = 1536
N_HEAD = 12
N_HEAD_KV = 6
HEAD_DIM = 128
N_FF = 6144
N_VOCAB = 153376
RMS_EPS = 1e-5
ROPE_THETA = 1.0e6   # speed-irrelevant; any value works
N_CTX_TRAIN = 32768
ARCH = "pangu-embedded"


def tensor_plan():
    """(name, numpy shape [rows, cols] or [n], is_matrix) in file order."""
    q = N_HEAD * HEAD_DIM
    kv = N_HEAD_KV * HEAD_DIM
    plan = [("token_embd.weight", (N_VOCAB, N_EMBD), True)]
    for i in range(N_LAYER):
        p = f"blk.{i}."
        plan += [
            (p + "attn_norm.weight", (N_EMBD,), False),
            (p + "attn_q.weight", (q, N_EMBD), True),
            (p + "attn_q.bias", (q,), False),
            (p + "attn_k.weight", (kv, N_EMBD), True),
            (p + "attn_k.bias", (kv,), False),
            (p + "attn_v.weight", (kv, N_EMBD), True),
            (p + "attn_v.bias", (kv,), False),
            (p + "attn_output.weight", (N_EMBD, q), True),
            (p + "attn_output.bias", (N_EMBD,), False),
            (p + "ffn_norm.weight", (N_EMBD,), False),
            (p + "ffn_gate.weight", (N_FF, N_EMBD), True),
            (p + "ffn_up.weight", (N_FF, N_EMBD), True),
            (p + "ffn_down.weight", (N_EMBD, N_FF), True),
        ]
    plan += [
        ("output_norm.weight", (N_EMBD,), False),
        ("output.weight", (N_VOCAB, N_EMBD), True),
    ]
    return plan


def to_bf16_bytes(x: np.ndarray) -> np.ndarray:
    """f32 -> bf16 (round to nearest even), returned as uint8 with last dim *2."""
    u = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)
    u = (u + (0x7FFF + ((u >> 16) & 1))) >> 16
    return u.astype(np.uint16).view(np.uint8).reshape(*x.shape[:-1], x.shape[-1] * 2)


def make_tensor(rng, shape, is_matrix, name):
    if not is_matrix:
        if name.endswith("norm.weight"):
            return np.ones(shape, dtype=np.float32)
        return (rng.standard_normal(shape, dtype=np.float32) * 0.02)
    return rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--type", choices=["bf16", "f16"], default="bf16",
                    help="storage type of the 2-D weights (1-D norms/biases are always f32)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    w = gguf.GGUFWriter(args.out, ARCH)
    w.add_name("openpangu-embedded-1b-random")
    w.add_file_type(gguf.LlamaFileType.MOSTLY_BF16 if args.type == "bf16" else gguf.LlamaFileType.MOSTLY_F16)
    w.add_context_length(N_CTX_TRAIN)
    w.add_embedding_length(N_EMBD)
    w.add_block_count(N_LAYER)
    w.add_feed_forward_length(N_FF)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_HEAD_KV)
    w.add_key_length(HEAD_DIM)
    w.add_value_length(HEAD_DIM)
    w.add_rope_dimension_count(HEAD_DIM)
    w.add_rope_freq_base(ROPE_THETA)
    w.add_layer_norm_rms_eps(RMS_EPS)
    w.add_vocab_size(N_VOCAB)
    # dummy vocabulary: llama.cpp creates N_VOCAB placeholder tokens from <arch>.vocab_size
    w.add_tokenizer_model("none")

    plan = tensor_plan()
    for name, shape, is_matrix in plan:
        if is_matrix:
            if args.type == "bf16":
                w.add_tensor_info(name, (shape[0], shape[1] * 2), np.dtype(np.uint8),
                                  shape[0] * shape[1] * 2, raw_dtype=gguf.GGMLQuantizationType.BF16)
            else:
                w.add_tensor_info(name, shape, np.dtype(np.float16), shape[0] * shape[1] * 2)
        else:
            w.add_tensor_info(name, shape, np.dtype(np.float32), int(np.prod(shape)) * 4)

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()
    total = 0
    for name, shape, is_matrix in plan:
        t = make_tensor(rng, shape, is_matrix, name)
        if is_matrix:
            t = to_bf16_bytes(t) if args.type == "bf16" else t.astype(np.float16)
        total += int(np.prod(shape))
        w.write_tensor_data(t)
    w.close()
    print(f"wrote {args.out}: {len(plan)} tensors, {total / 1e6:.1f} M params, weights {args.type}")


if __name__ == "__main__":
    main()
