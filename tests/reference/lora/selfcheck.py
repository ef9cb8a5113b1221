#!/usr/bin/python3
"""Checks lora_reference.py without the engine (ctest reference_lora_selfcheck).

- PEFT's target matching: list entries match the full name or a "." + entry suffix (so
  "q_proj" does not select "qq_proj"), a string is re.fullmatch'ed, layers_to_transform picks
  the number after the layer container;
- rank_pattern / alpha_pattern: the first key (file order) matching "(.*\\.)?(key)$" wins;
- scale = alpha / r or alpha / sqrt(r) (rsLoRA) with the module's own r and alpha;
- merging equals the unmerged update: x (W + s B A)^T == x W^T + s (x A^T) B^T;
- lora_tools.py's output read back: both tensor name variants, F16/BF16 decoded exactly;
- a zero B leaves the logits exactly those of llama_reference.py.
"""
import json
import math
import os
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "forward"))
sys.path.insert(0, HERE)
import llama_reference  # noqa: E402
import lora_reference  # noqa: E402
import lora_tools  # noqa: E402
import model_tools  # noqa: E402


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def config(**fields):
    d = {"r": 8, "lora_alpha": 16, "target_modules": ["q_proj"]}
    d.update(fields)
    return lora_reference.AdapterConfig(d)


def test_matching():
    c = config(target_modules=["q_proj", "mlp.up_proj"])
    check(c.targets("model.layers.0.self_attn.q_proj"), "suffix match")
    check(not c.targets("model.layers.0.self_attn.qq_proj"), "suffix must follow a dot")
    check(c.targets("model.layers.3.mlp.up_proj"), "dotted suffix")
    check(not c.targets("model.layers.3.mlp.down_proj"), "other module")
    c = config(target_modules=r".*\.[13]\.self_attn\.(k|v)_proj")
    check(c.targets("model.layers.1.self_attn.k_proj"), "regex")
    check(not c.targets("model.layers.2.self_attn.k_proj"), "regex layer")
    check(not c.targets("model.layers.1.self_attn.k_proj.x"), "regex is a full match")
    c = config(target_modules=["v_proj"], layers_to_transform=[0, 2])
    check(c.targets("model.layers.2.self_attn.v_proj"), "layer kept")
    check(not c.targets("model.layers.1.self_attn.v_proj"), "layer dropped")
    c = config(target_modules=["v_proj"], layers_to_transform=1)
    check(c.targets("model.layers.1.self_attn.v_proj"), "single int layer")


def test_patterns_and_scale():
    c = config(rank_pattern={"q_proj": 4, "layers.1.self_attn.q_proj": 2},
               alpha_pattern={"layers\\.1\\..*": 3})
    check(c.rank("model.layers.0.self_attn.q_proj") == 4, "rank_pattern")
    check(c.rank("model.layers.1.self_attn.q_proj") == 4, "first matching key wins")
    check(c.rank("model.layers.0.self_attn.k_proj") == 8, "default rank")
    check(c.alpha("model.layers.1.self_attn.k_proj") == 3, "alpha_pattern regex key")
    check(c.scale("model.layers.0.self_attn.q_proj") == 16 / 4, "scale alpha / r")
    c = config(use_rslora=True)
    check(abs(c.scale("model.layers.0.self_attn.q_proj") - 16 / math.sqrt(8)) < 1e-15, "rslora")


def test_merge_identity():
    rng = np.random.default_rng(1)
    w, a, b, x = (rng.standard_normal(s) for s in ((6, 5), (3, 5), (6, 3), (4, 5)))
    s = 0.75
    merged = x @ (w + s * (b @ a)).T
    unmerged = x @ w.T + s * ((x @ a.T) @ b.T)
    check(np.abs(merged - unmerged).max() < 1e-12, "merged == unmerged")


def test_round_trip_and_zero_update():
    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(tmp, "base")
        model_tools.random_model(base, "qwen3", seed=4)
        tokens = [3, 1, 4, 1, 5, 9, 2, 6]
        plain = llama_reference.forward(llama_reference.load_model(base), tokens)
        for dtype, suffix in (("f32", False), ("f16", True), ("bf16", False)):
            adapter = os.path.join(tmp, "a_" + dtype)
            lora_tools.random_adapter(adapter, base, r=4, alpha=8, seed=5, all_linear=True,
                                      rank_pattern={"down_proj": 2}, dtype=dtype,
                                      default_suffix=suffix)
            cfg = llama_reference.load_config(base)
            c = lora_reference.load_adapter_config(adapter)
            deltas = lora_reference.read_adapter(adapter, c, cfg)
            check(len(deltas) == 7 * cfg.num_layers, "all-linear selects 7 modules per layer")
            raw = model_tools.read_safetensors_raw(os.path.join(adapter, "adapter_model.safetensors"))
            name = "base_model.model.model.layers.0.mlp.down_proj.lora_A%s.weight" % (
                ".default" if suffix else "")
            check(raw[name][1] == [2, cfg.intermediate_size], "rank_pattern shape")
            model = lora_reference.apply_adapter(llama_reference.load_model(base), deltas)
            adapted = llama_reference.forward(model, tokens)
            check(np.abs(adapted - plain).max() > 0.05 * np.abs(plain).max(),
                  "the adapter changes the logits")
        # B = 0 (PEFT's initialisation): exactly the base.
        zero = os.path.join(tmp, "zero")
        lora_tools.random_adapter(zero, base, seed=6)
        path = os.path.join(zero, "adapter_model.safetensors")
        tensors = model_tools.read_safetensors_raw(path)
        for n, (dt, shape, data) in list(tensors.items()):
            if ".lora_B." in n:
                tensors[n] = (dt, shape, bytes(len(data)))
        model_tools.write_safetensors(path, tensors)
        c = lora_reference.load_adapter_config(zero)
        model = llama_reference.load_model(base)
        model = lora_reference.apply_adapter(model, lora_reference.read_adapter(zero, c, model.cfg))
        check(np.array_equal(llama_reference.forward(model, tokens), plain), "zero B is a no-op")
        # A leftover tensor the config does not select is an error.
        with open(os.path.join(zero, "adapter_config.json")) as f:
            d = json.load(f)
        d["target_modules"] = ["q_proj"]
        try:
            lora_reference.read_adapter(zero, lora_reference.AdapterConfig(d), model.cfg)
            raise AssertionError("unselected tensors accepted")
        except ValueError:
            pass


def main():
    for test in (test_matching, test_patterns_and_scale, test_merge_identity,
                 test_round_trip_and_zero_update):
        test()
        print("ok", test.__name__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
