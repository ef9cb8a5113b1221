#!/usr/bin/python3
"""A second, independent writer of PEFT LoRA adapters (NumPy only, /usr/bin/python3), for the
cases `slipway tiny-adapter` does not produce.

  lora_tools.py random OUT --base MODEL_DIR [--r 8] [--alpha 16] [--seed N]
      [--targets q_proj,v_proj | --target-regex REGEX | --all-linear]
      [--rank-pattern JSON] [--alpha-pattern JSON] [--rslora] [--layers 0,2]
      [--dtype f32|f16|bf16] [--default-suffix]

Writes adapter_config.json as PEFT saves it and adapter_model.safetensors with
base_model.model.<module>.lora_A[.default].weight [r, in] and lora_B [out, r] for every module
the config selects (PEFT's matching, from lora_reference.py), r per module from rank_pattern.
A ~ N(0, 1/in) and B ~ N(0, (0.7 / (scale sqrt(r)))^2), so scale * B @ A is about as large as
tiny-model's base weights and visibly changes the logits.
"""
import argparse
import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "forward"))
import llama_reference  # noqa: E402
import model_tools  # noqa: E402
import lora_reference  # noqa: E402


def random_adapter(out, base, r=8, alpha=16, seed=0, targets=None, target_regex=None,
                   all_linear=False, rank_pattern=None, alpha_pattern=None, rslora=False,
                   layers=None, dtype="f32", default_suffix=False):
    if target_regex is not None:
        target_modules = target_regex
    elif all_linear:
        target_modules = "all-linear"
    else:
        target_modules = targets or ["q_proj", "v_proj"]
    d = {
        "alpha_pattern": alpha_pattern or {},
        "auto_mapping": None,
        "base_model_name_or_path": base,
        "bias": "none",
        "fan_in_fan_out": False,
        "inference_mode": True,
        "init_lora_weights": True,
        "layers_pattern": None,
        "layers_to_transform": layers,
        "lora_alpha": alpha,
        "lora_dropout": 0.05,
        "modules_to_save": None,
        "peft_type": "LORA",
        "r": r,
        "rank_pattern": rank_pattern or {},
        "revision": None,
        "target_modules": target_modules,
        "task_type": "CAUSAL_LM",
        "use_dora": False,
        "use_rslora": rslora,
    }
    config = lora_reference.AdapterConfig(d)
    cfg = llama_reference.load_config(base)
    modules = lora_reference.targeted_modules(config, cfg)
    if not modules:
        raise ValueError("the configuration selects no module of " + base)
    rng = np.random.default_rng(seed)
    suffix = ".default.weight" if default_suffix else ".weight"
    tensors = {}
    for key, name in modules:
        out_features, in_features = lora_reference.module_shape(cfg, name)
        rank = config.rank(key)
        a = rng.standard_normal((rank, in_features)) / math.sqrt(in_features)
        b = rng.standard_normal((out_features, rank)) * (0.7 / (config.scale(key) * math.sqrt(rank)))
        for half, values in (("lora_A", a), ("lora_B", b)):
            dt, raw = model_tools.encode(values, dtype)
            tensors["base_model.model.%s.%s%s" % (key, half, suffix)] = (dt, values.shape, raw)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "adapter_config.json"), "w") as f:
        json.dump(d, f, indent=2)
    model_tools.write_safetensors(os.path.join(out, "adapter_model.safetensors"), tensors,
                                  {"format": "pt"})
    return len(modules)


def main(argv=None):
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("random")
    p.add_argument("out")
    p.add_argument("--base", required=True)
    p.add_argument("--r", type=int, default=8)
    p.add_argument("--alpha", type=float, default=16)
    p.add_argument("--seed", type=int, default=0)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--targets", default=None, help="comma-separated module names")
    group.add_argument("--target-regex", default=None)
    group.add_argument("--all-linear", action="store_true")
    p.add_argument("--rank-pattern", default=None, help="JSON object")
    p.add_argument("--alpha-pattern", default=None, help="JSON object")
    p.add_argument("--rslora", action="store_true")
    p.add_argument("--layers", default=None, help="layers_to_transform, comma-separated")
    p.add_argument("--dtype", default="f32", choices=["f32", "f16", "bf16"])
    p.add_argument("--default-suffix", action="store_true")
    a = ap.parse_args(argv)
    count = random_adapter(
        a.out, a.base, a.r, a.alpha, a.seed,
        a.targets.split(",") if a.targets else None, a.target_regex, a.all_linear,
        json.loads(a.rank_pattern) if a.rank_pattern else None,
        json.loads(a.alpha_pattern) if a.alpha_pattern else None, a.rslora,
        [int(x) for x in a.layers.split(",")] if a.layers else None, a.dtype, a.default_suffix)
    print("wrote %s (%d modules)" % (a.out, count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
