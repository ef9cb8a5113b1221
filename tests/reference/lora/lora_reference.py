#!/usr/bin/python3
"""Independent NumPy reference of a PEFT LoRA adapter applied to a Llama-family model.

Written from PEFT's documented behaviour (LoraConfig, LoraModel._create_and_replace,
check_target_module_exists, get_pattern_key, LoraLayer.update_layer / merge), not from Slipway's
C++ engine. The adapter is merged into the base weights in float64, W' = W + scale * B @ A with
scale = lora_alpha / r (use_rslora: lora_alpha / sqrt(r)), r and alpha per module after
rank_pattern / alpha_pattern, and the forward pass is tests/reference/forward/llama_reference.py.
A merged forward equals the unmerged one in exact arithmetic: x W'^T = x W^T + scale (x A^T) B^T.

Usage:
  /usr/bin/python3 lora_reference.py MODEL_DIR ADAPTER_DIR --tokens 1,2,3 --out logits.bin
      [--config-json '{"use_rslora": true}']   (patch adapter_config.json in memory)
writes float32 little-endian raw data, row-major [n_tokens, vocab_size]; --f64 writes float64.

Importable: load_adapter_config(dir), targeted_modules(config, model_cfg), read_adapter(dir,
config, model_cfg), apply_adapter(model, adapter) and forward (llama_reference.forward).
"""
import argparse
import json
import math
import os
import re
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "forward"))
import llama_reference  # noqa: E402

# The Linear modules of a decoder layer, as named in transformers' modeling files.
MODULES = [("self_attn", "q_proj"), ("self_attn", "k_proj"), ("self_attn", "v_proj"),
           ("self_attn", "o_proj"), ("mlp", "gate_proj"), ("mlp", "up_proj"), ("mlp", "down_proj")]


def module_shape(cfg, name):
    """(out_features, in_features) of a Linear module of the base."""
    H, I = cfg.hidden_size, cfg.intermediate_size
    q, kv = cfg.num_heads * cfg.head_dim, cfg.num_kv_heads * cfg.head_dim
    return {"q_proj": (q, H), "k_proj": (kv, H), "v_proj": (kv, H), "o_proj": (H, q),
            "gate_proj": (I, H), "up_proj": (I, H), "down_proj": (H, I)}[name]


# ---------------------------------------------------------------------------------------------
# adapter_config.json


class AdapterConfig:
    def __init__(self, d):
        if d.get("peft_type", "LORA") != "LORA":
            raise ValueError("peft_type %r is not LORA" % d.get("peft_type"))
        if d.get("use_dora", False):
            raise ValueError("use_dora is not supported")
        if d.get("bias", "none") != "none":
            raise ValueError("bias %r is not supported" % d.get("bias"))
        self.r = int(d.get("r", 8))
        self.lora_alpha = float(d.get("lora_alpha", 8))
        self.use_rslora = bool(d.get("use_rslora", False))
        self.target_modules = d.get("target_modules")
        self.rank_pattern = d.get("rank_pattern") or {}
        self.alpha_pattern = d.get("alpha_pattern") or {}
        layers = d.get("layers_to_transform")
        self.layers_to_transform = [layers] if isinstance(layers, int) else layers
        self.layers_pattern = d.get("layers_pattern")
        if self.target_modules is None:
            raise ValueError("target_modules is missing")

    def targets(self, key):
        """PEFT check_target_module_exists for a module's full name such as
        model.layers.0.self_attn.q_proj."""
        t = self.target_modules
        if isinstance(t, str):
            if t == "all-linear":  # every Linear but the output layer
                matched = True
            else:
                matched = re.fullmatch(t, key) is not None
        else:
            matched = key in t or any(key.endswith("." + m) for m in t)
        if not matched or self.layers_to_transform is None:
            return matched
        patterns = self.layers_pattern
        if patterns is None:
            found = re.match(r".*\.[^.]*\.(\d+)\.", key)
        else:
            patterns = [patterns] if isinstance(patterns, str) else patterns
            found = None
            for p in patterns:
                found = re.match(r".*\.{}\.(\d+)\.".format(p), key)
                if found:
                    break
        if found is None:
            return False
        return int(found.group(1)) in self.layers_to_transform

    @staticmethod
    def _pattern(pattern, key, default):
        # get_pattern_key: the first key k (in file order) with re.match(rf"(.*\.)?({k})$", key)
        for k, value in pattern.items():
            if re.match(r"(.*\.)?({})$".format(k), key):
                return value
        return default

    def rank(self, key):
        return int(self._pattern(self.rank_pattern, key, self.r))

    def alpha(self, key):
        return float(self._pattern(self.alpha_pattern, key, self.lora_alpha))

    def scale(self, key):
        r, alpha = self.rank(key), self.alpha(key)
        return alpha / math.sqrt(r) if self.use_rslora else alpha / r


def load_adapter_config(folder, patch=None):
    with open(os.path.join(folder, "adapter_config.json")) as f:
        d = json.load(f)
    if patch:
        d.update(patch)
    return AdapterConfig(d)


def targeted_modules(config, cfg):
    """[(full module name, layer)] of the base that the adapter's config selects."""
    out = []
    for i in range(cfg.num_layers):
        for parent, name in MODULES:
            key = "model.layers.%d.%s.%s" % (i, parent, name)
            if config.targets(key):
                out.append((key, name))
    return out


# ---------------------------------------------------------------------------------------------
# adapter_model.safetensors


def _decode(dtype, shape, raw):
    if dtype == "F32":
        values = np.frombuffer(raw, dtype="<f4")
    elif dtype == "F16":
        values = np.frombuffer(raw, dtype="<f2")
    elif dtype == "BF16":
        values = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << np.uint32(16)).view(np.float32)
    else:
        raise ValueError("unsupported adapter dtype %r" % dtype)
    if values.size != int(np.prod(shape, dtype=np.int64)):
        raise ValueError("tensor bytes do not match shape %r" % (shape,))
    return values.astype(np.float64).reshape(shape)


def read_tensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        tensors[name] = _decode(info["dtype"], info["shape"], data[8 + n + begin:8 + n + end])
    return tensors


def _take(tensors, module, half):
    """lora_A / lora_B of a module, saved with or without PEFT's ".default" adapter name."""
    names = ["base_model.model.%s.%s.weight" % (module, half),
             "base_model.model.%s.%s.default.weight" % (module, half)]
    present = [n for n in names if n in tensors]
    if len(present) != 1:
        raise ValueError("%s.%s: expected exactly one of %s" % (module, half, names))
    return tensors.pop(present[0])


def read_adapter(folder, config, cfg):
    """{base weight name: float64 delta = scale * B @ A} for every targeted module."""
    tensors = read_tensors(os.path.join(folder, "adapter_model.safetensors"))
    deltas = {}
    for key, name in targeted_modules(config, cfg):
        a = _take(tensors, key, "lora_A")
        b = _take(tensors, key, "lora_B")
        out_features, in_features = module_shape(cfg, name)
        r = config.rank(key)
        if a.shape != (r, in_features) or b.shape != (out_features, r):
            raise ValueError("%s: A %s / B %s, expected (%d, %d) / (%d, %d)" %
                             (key, a.shape, b.shape, r, in_features, out_features, r))
        deltas[key + ".weight"] = config.scale(key) * (b @ a)
    if tensors:
        raise ValueError("adapter tensors for no targeted module: %s" % sorted(tensors)[:4])
    return deltas


def apply_adapter(model, deltas):
    for name, delta in deltas.items():
        model.w[name] = model.get(name) + delta
    return model


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("adapter_dir")
    ap.add_argument("--tokens", required=True, help="comma-separated token ids")
    ap.add_argument("--out", required=True, help="raw float32 LE [n, vocab]")
    ap.add_argument("--f64", action="store_true", help="write raw float64 instead of float32")
    ap.add_argument("--config-json", default=None, help="JSON merged into adapter_config.json")
    args = ap.parse_args(argv)
    tokens = [int(t) for t in args.tokens.split(",") if t.strip() != ""]
    model = llama_reference.load_model(args.model_dir)
    config = load_adapter_config(args.adapter_dir,
                                 json.loads(args.config_json) if args.config_json else None)
    deltas = read_adapter(args.adapter_dir, config, model.cfg)
    apply_adapter(model, deltas)
    logits = llama_reference.forward(model, tokens)
    with open(args.out, "wb") as f:
        f.write(np.ascontiguousarray(logits.astype("<f8" if args.f64 else "<f4")).tobytes())
    print("lora reference: %s, %d modules adapted, n=%d vocab=%d max|logit|=%.6g" %
          (model.cfg.arch, len(deltas), logits.shape[0], logits.shape[1],
           float(np.abs(logits).max())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
