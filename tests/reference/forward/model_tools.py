#!/usr/bin/python3
"""Helpers for the forward-pass reference tests (NumPy only, /usr/bin/python3).

  model_tools.py random OUT --arch llama|mistral|qwen2|qwen3 [--dtype f32|f16|bf16] [--seed N]
                 [--vocab V --hidden H --inter I --layers L --heads E --kv-heads K --head-dim D]
                 [--tie [--keep-lm-head]] [--attention-bias] [--config-json '{"rope_scaling": {...}}']
      Writes a random-weight model folder (config.json + model.safetensors).

  model_tools.py variant SRC DST [--config-json JSON] [--shards N]
      Copies a model folder to DST, merging JSON into config.json (a null value deletes the key)
      and, with --shards N > 1, splitting the weights into N shard files
      model-0000i-of-0000N.safetensors plus model.safetensors.index.json. Tensor bytes are copied
      verbatim (dtype preserved).
"""
import argparse
import json
import os
import shutil
import struct
import sys

import numpy as np

ARCH_NAMES = {
    "llama": "LlamaForCausalLM",
    "mistral": "MistralForCausalLM",
    "qwen2": "Qwen2ForCausalLM",
    "qwen3": "Qwen3ForCausalLM",
}


def encode(values, dtype):
    """float64 ndarray -> (safetensors dtype string, bytes). BF16 rounds to nearest even."""
    if dtype == "f32":
        return "F32", values.astype("<f4").tobytes()
    if dtype == "f16":
        return "F16", values.astype("<f2").tobytes()
    if dtype == "bf16":
        f = values.astype(np.float32).reshape(-1)
        u = f.view(np.uint32).astype(np.uint64)
        rounded = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
        return "BF16", rounded.astype("<u2").tobytes()
    raise ValueError(dtype)


def write_safetensors(path, tensors, metadata=None):
    """tensors: {name: (dtype_str, shape, bytes)} written in name order."""
    header = {}
    offset = 0
    names = sorted(tensors)
    for name in names:
        dt, shape, raw = tensors[name]
        header[name] = {"dtype": dt, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for name in names:
            f.write(tensors[name][2])


def read_safetensors_raw(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        out[name] = (info["dtype"], info["shape"], data[8 + n + b:8 + n + e])
    return out


def random_model(out, arch, dtype="f32", seed=0, vocab=97, hidden=64, inter=96, layers=2, heads=4,
                 kv_heads=2, head_dim=None, tie=False, attention_bias=False, extra_config=None,
                 keep_lm_head=False):
    rng = np.random.default_rng(seed)
    hd = head_dim if head_dim else hidden // heads
    cfg = {
        "architectures": [ARCH_NAMES[arch]],
        "model_type": arch,
        "vocab_size": vocab,
        "hidden_size": hidden,
        "intermediate_size": inter,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": kv_heads,
        "hidden_act": "silu",
        "max_position_embeddings": 4096,
        "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0,
        "tie_word_embeddings": tie,
        "torch_dtype": {"f32": "float32", "f16": "float16", "bf16": "bfloat16"}[dtype],
        "bos_token_id": 1,
        "eos_token_id": 2,
    }
    if head_dim:
        cfg["head_dim"] = head_dim
    if arch in ("llama", "qwen3"):
        cfg["attention_bias"] = attention_bias
    if arch == "mistral":
        cfg["sliding_window"] = None
    if arch in ("qwen2", "qwen3"):
        cfg["use_sliding_window"] = False
    if extra_config:
        cfg.update(extra_config)
        for k in [k for k, v in extra_config.items() if v is None]:
            del cfg[k]

    def mat(rows, cols):
        return rng.standard_normal((rows, cols)) / np.sqrt(cols)

    def norm_w(n):
        return 1.0 + 0.2 * rng.standard_normal(n)

    def bias(n):
        return 0.3 * rng.standard_normal(n)

    t = {"model.embed_tokens.weight": rng.standard_normal((vocab, hidden)),
         "model.norm.weight": norm_w(hidden)}
    if not tie or keep_lm_head:  # keep_lm_head: a tied model that also stores lm_head.weight
        t["lm_head.weight"] = mat(vocab, hidden)
    qkv_bias = arch == "qwen2" or (arch in ("llama", "qwen3") and attention_bias)
    o_bias = arch in ("llama", "qwen3") and attention_bias
    for i in range(layers):
        p = "model.layers.%d." % i
        t[p + "input_layernorm.weight"] = norm_w(hidden)
        t[p + "post_attention_layernorm.weight"] = norm_w(hidden)
        t[p + "self_attn.q_proj.weight"] = mat(heads * hd, hidden)
        t[p + "self_attn.k_proj.weight"] = mat(kv_heads * hd, hidden)
        t[p + "self_attn.v_proj.weight"] = mat(kv_heads * hd, hidden)
        t[p + "self_attn.o_proj.weight"] = mat(hidden, heads * hd)
        if qkv_bias:
            t[p + "self_attn.q_proj.bias"] = bias(heads * hd)
            t[p + "self_attn.k_proj.bias"] = bias(kv_heads * hd)
            t[p + "self_attn.v_proj.bias"] = bias(kv_heads * hd)
        if o_bias:
            t[p + "self_attn.o_proj.bias"] = bias(hidden)
        if arch == "qwen3":
            t[p + "self_attn.q_norm.weight"] = norm_w(hd)
            t[p + "self_attn.k_norm.weight"] = norm_w(hd)
        t[p + "mlp.gate_proj.weight"] = mat(inter, hidden)
        t[p + "mlp.up_proj.weight"] = mat(inter, hidden)
        t[p + "mlp.down_proj.weight"] = mat(hidden, inter)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    tensors = {}
    for name, v in t.items():
        dt, raw = encode(v, dtype)
        tensors[name] = (dt, v.shape, raw)
    write_safetensors(os.path.join(out, "model.safetensors"), tensors, {"format": "pt"})
    return cfg


def make_variant(src, dst, config_patch=None, shards=1):
    os.makedirs(dst, exist_ok=True)
    for fn in os.listdir(src):
        if fn.endswith(".safetensors") or fn == "model.safetensors.index.json" or fn == "config.json":
            continue
        s = os.path.join(src, fn)
        if os.path.isfile(s):
            shutil.copyfile(s, os.path.join(dst, fn))
    with open(os.path.join(src, "config.json")) as f:
        cfg = json.load(f)
    if config_patch:
        for k, v in config_patch.items():
            if v is None:
                cfg.pop(k, None)
            else:
                cfg[k] = v
    with open(os.path.join(dst, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    # Gather all tensors (possibly already sharded).
    index = os.path.join(src, "model.safetensors.index.json")
    if os.path.exists(os.path.join(src, "model.safetensors")):
        tensors = read_safetensors_raw(os.path.join(src, "model.safetensors"))
    else:
        with open(index) as f:
            wm = json.load(f)["weight_map"]
        tensors = {}
        for shard in sorted(set(wm.values())):
            tensors.update(read_safetensors_raw(os.path.join(src, shard)))
    for fn in ("model.safetensors", "model.safetensors.index.json"):
        if os.path.exists(os.path.join(dst, fn)):
            os.remove(os.path.join(dst, fn))
    if shards <= 1:
        write_safetensors(os.path.join(dst, "model.safetensors"), tensors, {"format": "pt"})
        return
    # Interleave tensors over shards so that every layer's tensors span several files.
    names = sorted(tensors)
    parts = [dict() for _ in range(shards)]
    for idx, name in enumerate(names):
        parts[idx % shards][name] = tensors[name]
    weight_map = {}
    total = 0
    for s, part in enumerate(parts):
        fn = "model-%05d-of-%05d.safetensors" % (s + 1, shards)
        write_safetensors(os.path.join(dst, fn), part, {"format": "pt"})
        for name, (_, _, raw) in part.items():
            weight_map[name] = fn
            total += len(raw)
    with open(os.path.join(dst, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)


def main(argv=None):
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("random")
    r.add_argument("out")
    r.add_argument("--arch", required=True, choices=sorted(ARCH_NAMES))
    r.add_argument("--dtype", default="f32", choices=["f32", "f16", "bf16"])
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--vocab", type=int, default=97)
    r.add_argument("--hidden", type=int, default=64)
    r.add_argument("--inter", type=int, default=96)
    r.add_argument("--layers", type=int, default=2)
    r.add_argument("--heads", type=int, default=4)
    r.add_argument("--kv-heads", type=int, default=2)
    r.add_argument("--head-dim", type=int, default=None)
    r.add_argument("--tie", action="store_true")
    r.add_argument("--attention-bias", action="store_true")
    r.add_argument("--keep-lm-head", action="store_true",
                   help="with --tie: also store a (different) lm_head.weight, which HF ignores")
    r.add_argument("--config-json", default=None)
    v = sub.add_parser("variant")
    v.add_argument("src")
    v.add_argument("dst")
    v.add_argument("--config-json", default=None)
    v.add_argument("--shards", type=int, default=1)
    a = ap.parse_args(argv)
    if a.cmd == "random":
        random_model(a.out, a.arch, a.dtype, a.seed, a.vocab, a.hidden, a.inter, a.layers, a.heads,
                     a.kv_heads, a.head_dim, a.tie, a.attention_bias,
                     json.loads(a.config_json) if a.config_json else None, a.keep_lm_head)
    else:
        make_variant(a.src, a.dst, json.loads(a.config_json) if a.config_json else None, a.shards)
    return 0


if __name__ == "__main__":
    sys.exit(main())
