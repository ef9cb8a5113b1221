#!/usr/bin/python3
"""Independent NumPy reference of the Hugging Face transformers forward pass.

Covers LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM and Qwen3ForCausalLM, written from
the transformers model definitions (modeling_llama.py, modeling_mistral.py, modeling_qwen2.py,
modeling_qwen3.py and modeling_rope_utils.py), not from Slipway's C++ engine.

All arithmetic is float64: weights are decoded exactly from F32/F16/BF16 (BF16 as uint16 << 16
viewed as float32) and then widened, so the result is the exact-arithmetic value of the model up
to float64 rounding. HF itself runs RMSNorm variance in fp32 and the rest in the weight dtype;
float64 is the better oracle for an fp32-accumulating engine.

Usage:
  /usr/bin/python3 llama_reference.py MODEL_DIR --tokens 1,2,3 --out logits.bin
writes float32 little-endian raw data, row-major [n_tokens, vocab_size] (no header); an --out
ending in .npy writes a NumPy .npy file (float32) instead. --f64 writes float64 raw instead.

Also importable: load_model(folder) -> Model, forward(model, tokens) -> float64 [n, vocab].
"""
import argparse
import json
import math
import os
import struct
import sys

import numpy as np

# ---------------------------------------------------------------------------------------------
# safetensors


def _decode(dtype, shape, raw):
    if dtype == "F32":
        a = np.frombuffer(raw, dtype="<f4")
    elif dtype == "F16":
        a = np.frombuffer(raw, dtype="<f2")
    elif dtype == "BF16":
        u = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << np.uint32(16)
        a = u.view(np.float32)
    elif dtype == "F64":
        a = np.frombuffer(raw, dtype="<f8")
    else:
        raise ValueError("unsupported safetensors dtype %r" % dtype)
    count = 1
    for d in shape:
        count *= d
    if a.size != count:
        raise ValueError("tensor byte size does not match shape %r (%s)" % (shape, dtype))
    return a.astype(np.float64).reshape(shape)


def read_safetensors(path):
    """Returns {name: float64 ndarray}, decoding the file format by hand."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError("%s: too short for a safetensors header" % path)
    (header_len,) = struct.unpack("<Q", data[:8])
    if 8 + header_len > len(data):
        raise ValueError("%s: header length beyond end of file" % path)
    header = json.loads(data[8:8 + header_len].decode("utf-8"))
    base = 8 + header_len
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        if not (0 <= begin <= end <= len(data) - base):
            raise ValueError("%s: tensor %s out of range" % (path, name))
        out[name] = _decode(info["dtype"], list(info["shape"]), data[base + begin:base + end])
    return out


def read_weights(folder):
    index = os.path.join(folder, "model.safetensors.index.json")
    single = os.path.join(folder, "model.safetensors")
    if os.path.exists(single):
        return read_safetensors(single)
    if os.path.exists(index):
        with open(index) as f:
            weight_map = json.load(f)["weight_map"]
        weights = {}
        for shard in sorted(set(weight_map.values())):
            tensors = read_safetensors(os.path.join(folder, shard))
            for name, t in tensors.items():
                if weight_map.get(name) != shard:
                    raise ValueError("%s: tensor %s not mapped to this shard" % (shard, name))
                weights[name] = t
        missing = set(weight_map) - set(weights)
        if missing:
            raise ValueError("index names tensors absent from shards: %s" % sorted(missing)[:5])
        return weights
    raise FileNotFoundError("no model.safetensors or model.safetensors.index.json in " + folder)


# ---------------------------------------------------------------------------------------------
# config


ARCHS = {
    "LlamaForCausalLM": "llama",
    "MistralForCausalLM": "mistral",
    "Qwen2ForCausalLM": "qwen2",
    "Qwen3ForCausalLM": "qwen3",
}


class Config:
    def __init__(self, d):
        archs = d.get("architectures") or []
        arch = None
        for a in archs:
            if a in ARCHS:
                arch = ARCHS[a]
        if arch is None:
            arch = d.get("model_type")
        if arch not in ("llama", "mistral", "qwen2", "qwen3"):
            raise ValueError("unsupported architecture %r / model_type %r" % (archs, d.get("model_type")))
        self.arch = arch
        self.vocab_size = int(d["vocab_size"])
        self.hidden_size = int(d["hidden_size"])
        self.intermediate_size = int(d["intermediate_size"])
        self.num_layers = int(d["num_hidden_layers"])
        self.num_heads = int(d["num_attention_heads"])
        kv = d.get("num_key_value_heads")
        self.num_kv_heads = int(kv) if kv is not None else self.num_heads
        hd = d.get("head_dim")
        self.head_dim = int(hd) if hd is not None else self.hidden_size // self.num_heads
        # Defaults as in each transformers *Config class.
        default_eps = {"llama": 1e-6, "mistral": 1e-6, "qwen2": 1e-6, "qwen3": 1e-6}[arch]
        self.rms_norm_eps = float(d.get("rms_norm_eps", default_eps))
        self.rope_theta = float(d.get("rope_theta", 10000.0))
        self.rope_scaling = d.get("rope_scaling")
        self.tie_word_embeddings = bool(d.get("tie_word_embeddings", False))
        # Which projections carry biases, per modeling file.
        attention_bias = bool(d.get("attention_bias", False))
        if arch == "qwen2":
            self.qkv_bias, self.o_bias = True, False
        elif arch == "mistral":
            self.qkv_bias, self.o_bias = False, False
        else:  # llama, qwen3: q/k/v/o all use bias=config.attention_bias
            self.qkv_bias, self.o_bias = attention_bias, attention_bias
        self.mlp_bias = bool(d.get("mlp_bias", False)) if arch == "llama" else False
        self.qk_norm = arch == "qwen3"
        if float(d.get("partial_rotary_factor", 1.0)) != 1.0:
            raise ValueError("partial_rotary_factor != 1 is not supported")
        hidden_act = d.get("hidden_act", "silu")
        if hidden_act != "silu":
            raise ValueError("unsupported hidden_act %r" % hidden_act)
        # Sliding window (only matters for sequences longer than the window).
        self.sliding_window = None
        sw = d.get("sliding_window")
        if arch == "mistral":
            self.sliding_window = int(sw) if sw is not None else None
            self.sliding_layers = set(range(self.num_layers))
        elif arch in ("qwen2", "qwen3") and d.get("use_sliding_window", False) and sw is not None:
            self.sliding_window = int(sw)
            mwl = int(d.get("max_window_layers", 28))  # transformers Qwen2/3 default
            self.sliding_layers = set(i for i in range(self.num_layers) if i >= mwl)
        else:
            self.sliding_layers = set()


def load_config(folder):
    with open(os.path.join(folder, "config.json")) as f:
        return Config(json.load(f))


# ---------------------------------------------------------------------------------------------
# RoPE (modeling_rope_utils.py)


def rope_inv_freq(cfg):
    """Returns (inv_freq [head_dim/2] float64, attention_scaling)."""
    dim = cfg.head_dim
    base = cfg.rope_theta
    inv_freq = 1.0 / (base ** (np.arange(0, dim, 2, dtype=np.int64).astype(np.float64) / dim))
    rs = cfg.rope_scaling
    if not rs:
        return inv_freq, 1.0
    rope_type = rs.get("rope_type", rs.get("type", "default"))
    if rope_type == "default":
        return inv_freq, 1.0
    if rope_type == "linear":
        # _compute_linear_scaling_rope_parameters: inv_freq /= factor (== positions / factor)
        return inv_freq / float(rs["factor"]), 1.0
    if rope_type == "llama3":
        factor = float(rs["factor"])
        low_freq_factor = float(rs["low_freq_factor"])
        high_freq_factor = float(rs["high_freq_factor"])
        old_context_len = float(rs["original_max_position_embeddings"])
        low_freq_wavelen = old_context_len / low_freq_factor
        high_freq_wavelen = old_context_len / high_freq_factor
        wavelen = 2 * math.pi / inv_freq
        inv_freq_llama = np.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
        smooth_factor = (old_context_len / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
        smoothed_inv_freq = (1 - smooth_factor) * inv_freq_llama / factor + smooth_factor * inv_freq_llama
        is_medium_freq = ~(wavelen < high_freq_wavelen) & ~(wavelen > low_freq_wavelen)
        inv_freq_llama = np.where(is_medium_freq, smoothed_inv_freq, inv_freq_llama)
        return inv_freq_llama, 1.0
    raise ValueError("unsupported rope_scaling type %r" % rope_type)


def rope_cos_sin(cfg, positions):
    inv_freq, attention_scaling = rope_inv_freq(cfg)
    freqs = np.outer(np.asarray(positions, dtype=np.float64), inv_freq)  # [n, d/2]
    emb = np.concatenate([freqs, freqs], axis=-1)  # [n, d]
    return np.cos(emb) * attention_scaling, np.sin(emb) * attention_scaling


def rotate_half(x):
    h = x.shape[-1] // 2
    return np.concatenate([-x[..., h:], x[..., :h]], axis=-1)


def apply_rope(x, cos, sin):
    """x: [heads, n, d]; cos/sin: [n, d]."""
    return x * cos[None] + rotate_half(x) * sin[None]


# ---------------------------------------------------------------------------------------------
# forward


def rms_norm(x, weight, eps):
    variance = np.mean(x * x, axis=-1, keepdims=True)
    return weight * (x / np.sqrt(variance + eps))


def silu(x):
    return x / (1.0 + np.exp(-x))


def linear(x, w, b=None):
    y = x @ w.T
    if b is not None:
        y = y + b
    return y


class Model:
    def __init__(self, cfg, weights):
        self.cfg = cfg
        self.w = weights
        self._check()

    def get(self, name):
        if name not in self.w:
            raise KeyError("missing tensor %s" % name)
        return self.w[name]

    def _check(self):
        c = self.cfg
        H, KV, D, E, I = c.hidden_size, c.num_kv_heads, c.head_dim, c.num_heads, c.intermediate_size
        shapes = {"model.embed_tokens.weight": (c.vocab_size, H), "model.norm.weight": (H,)}
        if not c.tie_word_embeddings:
            shapes["lm_head.weight"] = (c.vocab_size, H)
        for i in range(c.num_layers):
            p = "model.layers.%d." % i
            shapes[p + "input_layernorm.weight"] = (H,)
            shapes[p + "post_attention_layernorm.weight"] = (H,)
            shapes[p + "self_attn.q_proj.weight"] = (E * D, H)
            shapes[p + "self_attn.k_proj.weight"] = (KV * D, H)
            shapes[p + "self_attn.v_proj.weight"] = (KV * D, H)
            shapes[p + "self_attn.o_proj.weight"] = (H, E * D)
            if c.qkv_bias:
                shapes[p + "self_attn.q_proj.bias"] = (E * D,)
                shapes[p + "self_attn.k_proj.bias"] = (KV * D,)
                shapes[p + "self_attn.v_proj.bias"] = (KV * D,)
            if c.o_bias:
                shapes[p + "self_attn.o_proj.bias"] = (H,)
            if c.qk_norm:
                shapes[p + "self_attn.q_norm.weight"] = (D,)
                shapes[p + "self_attn.k_norm.weight"] = (D,)
            shapes[p + "mlp.gate_proj.weight"] = (I, H)
            shapes[p + "mlp.up_proj.weight"] = (I, H)
            shapes[p + "mlp.down_proj.weight"] = (H, I)
            if c.mlp_bias:
                shapes[p + "mlp.gate_proj.bias"] = (I,)
                shapes[p + "mlp.up_proj.bias"] = (I,)
                shapes[p + "mlp.down_proj.bias"] = (H,)
        for name, shape in shapes.items():
            t = self.get(name)
            if tuple(t.shape) != tuple(shape):
                raise ValueError("tensor %s has shape %s, expected %s" % (name, t.shape, shape))

    def opt(self, name, present):
        return self.get(name) if present else None


def load_model(folder):
    return Model(load_config(folder), read_weights(folder))


def attention(model, i, x, cos, sin):
    """x: [n, hidden] (already input-normed). Causal self-attention over the whole sequence."""
    c = model.cfg
    p = "model.layers.%d.self_attn." % i
    n = x.shape[0]
    E, KV, D = c.num_heads, c.num_kv_heads, c.head_dim
    q = linear(x, model.get(p + "q_proj.weight"), model.opt(p + "q_proj.bias", c.qkv_bias))
    k = linear(x, model.get(p + "k_proj.weight"), model.opt(p + "k_proj.bias", c.qkv_bias))
    v = linear(x, model.get(p + "v_proj.weight"), model.opt(p + "v_proj.bias", c.qkv_bias))
    q = q.reshape(n, E, D)
    k = k.reshape(n, KV, D)
    v = v.reshape(n, KV, D)
    if c.qk_norm:  # Qwen3: RMSNorm over head_dim of each head, before RoPE
        q = rms_norm(q, model.get(p + "q_norm.weight"), c.rms_norm_eps)
        k = rms_norm(k, model.get(p + "k_norm.weight"), c.rms_norm_eps)
    q = q.transpose(1, 0, 2)  # [E, n, D]
    k = k.transpose(1, 0, 2)  # [KV, n, D]
    v = v.transpose(1, 0, 2)
    q = apply_rope(q, cos, sin)
    k = apply_rope(k, cos, sin)
    groups = E // KV
    k = np.repeat(k, groups, axis=0)  # repeat_kv: head h uses kv head h // groups
    v = np.repeat(v, groups, axis=0)
    scores = np.einsum("hid,hjd->hij", q, k) * (D ** -0.5)
    ii = np.arange(n)[:, None]
    jj = np.arange(n)[None, :]
    allowed = jj <= ii
    if c.sliding_window is not None and i in c.sliding_layers:
        allowed = allowed & (ii - jj < c.sliding_window)
    scores = np.where(allowed[None], scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    probs = np.exp(scores)
    probs = probs / probs.sum(axis=-1, keepdims=True)
    out = np.einsum("hij,hjd->ihd", probs, v).reshape(n, E * D)
    return linear(out, model.get(p + "o_proj.weight"), model.opt(p + "o_proj.bias", c.o_bias))


def mlp(model, i, x):
    c = model.cfg
    p = "model.layers.%d.mlp." % i
    g = linear(x, model.get(p + "gate_proj.weight"), model.opt(p + "gate_proj.bias", c.mlp_bias))
    u = linear(x, model.get(p + "up_proj.weight"), model.opt(p + "up_proj.bias", c.mlp_bias))
    return linear(silu(g) * u, model.get(p + "down_proj.weight"), model.opt(p + "down_proj.bias", c.mlp_bias))


def forward(model, tokens, positions=None):
    """Logits (float64 [n, vocab]) for every position of tokens, starting at position 0."""
    c = model.cfg
    tokens = np.asarray(tokens, dtype=np.int64)
    if tokens.ndim != 1 or tokens.size == 0:
        raise ValueError("tokens must be a non-empty 1-D sequence")
    if tokens.min() < 0 or tokens.max() >= c.vocab_size:
        raise ValueError("token id out of range [0, %d)" % c.vocab_size)
    if positions is None:
        positions = np.arange(tokens.size)
    cos, sin = rope_cos_sin(c, positions)
    embed = model.get("model.embed_tokens.weight")
    h = embed[tokens]
    for i in range(c.num_layers):
        p = "model.layers.%d." % i
        residual = h
        x = rms_norm(h, model.get(p + "input_layernorm.weight"), c.rms_norm_eps)
        h = residual + attention(model, i, x, cos, sin)
        residual = h
        x = rms_norm(h, model.get(p + "post_attention_layernorm.weight"), c.rms_norm_eps)
        h = residual + mlp(model, i, x)
    h = rms_norm(h, model.get("model.norm.weight"), c.rms_norm_eps)
    head = embed if c.tie_word_embeddings else model.get("lm_head.weight")
    return h @ head.T


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("--tokens", required=True, help="comma-separated token ids")
    ap.add_argument("--out", required=True, help="raw float32 LE [n, vocab], or .npy")
    ap.add_argument("--f64", action="store_true", help="write raw float64 instead of float32")
    args = ap.parse_args(argv)
    tokens = [int(t) for t in args.tokens.split(",") if t.strip() != ""]
    model = load_model(args.model_dir)
    logits = forward(model, tokens)
    if args.out.endswith(".npy"):
        np.save(args.out, logits.astype(np.float32))
    else:
        dt = "<f8" if args.f64 else "<f4"
        with open(args.out, "wb") as f:
            f.write(np.ascontiguousarray(logits.astype(dt)).tobytes())
    print("reference: %s n=%d vocab=%d max|logit|=%.6g" % (model.cfg.arch, logits.shape[0], logits.shape[1],
                                                           float(np.abs(logits).max())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
