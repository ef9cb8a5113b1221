#!/usr/bin/python3
"""Self-check of llama_reference.py that does not involve Slipway's engine.

Properties checked (each on random tiny models written by model_tools.py):
  - safetensors decoding of F32/F16/BF16 against hand-made bit patterns;
  - an independent scalar-loop implementation (per head, per position, explicit RoPE pairs
    (j, j + d/2)) agrees with the vectorised reference for every architecture and options;
  - causality: logits at position t do not change when later tokens change;
  - RoPE is relative: shifting every position by s leaves all logits unchanged;
  - linear rope scaling with factor f at positions p == no scaling at positions p / f;
  - llama3 rope scaling: high frequencies kept, low frequencies divided by factor, medium ones
    interpolated exactly as the smoothing formula says (hand-computed for Llama 3.1 parameters);
  - GQA: permuting KV heads together with their query groups (and o_proj columns) leaves logits
    unchanged; a GQA model equals the MHA model with duplicated K/V projections;
  - zero attention output (o_proj = 0) reduces each layer to the MLP only (hand-computed);
  - at position 0 attention returns v exactly (q/k weights do not matter);
  - Qwen3 q_norm/k_norm make the output invariant to scaling q_proj/k_proj per head;
  - tied embeddings == untied with lm_head := embed_tokens; sharded == single file.
Run: /usr/bin/python3 selfcheck.py  (exit status 0 when every check passes)
"""
import copy
import json
import math
import os
import struct
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import llama_reference as ref  # noqa: E402
import model_tools  # noqa: E402

TMP = tempfile.mkdtemp(prefix="slipway_ref_selfcheck_")
ARCHS = ["llama", "mistral", "qwen2", "qwen3"]


def make(name, arch, **kw):
    path = os.path.join(TMP, name)
    model_tools.random_model(path, arch, **kw)
    return ref.load_model(path)


def clone(model, **cfg_changes):
    m = ref.Model.__new__(ref.Model)
    m.cfg = copy.copy(model.cfg)
    for k, v in cfg_changes.items():
        setattr(m.cfg, k, v)
    m.w = {k: v.copy() for k, v in model.w.items()}
    return m


def assert_close(tc, a, b, tol=1e-10, what=""):
    err = float(np.max(np.abs(a - b)))
    scale = max(1.0, float(np.max(np.abs(b))))
    tc.assertLessEqual(err, tol * scale, "%s: max|diff| = %.3g" % (what, err))


# ---------------------------------------------------------------------------------------------
# An independent, deliberately naive implementation (scalar loops) for tiny sequences.


def naive_forward(model, tokens, positions=None):
    c = model.cfg
    W = model.w
    n = len(tokens)
    positions = list(range(n)) if positions is None else list(positions)
    D = c.head_dim
    half = D // 2
    inv_freq, _ = ref.rope_inv_freq(c)  # frequencies themselves are checked separately

    def norm(vec, w):
        ms = sum(float(x) * float(x) for x in vec) / len(vec)
        r = 1.0 / math.sqrt(ms + c.rms_norm_eps)
        return np.array([w[j] * vec[j] * r for j in range(len(vec))])

    def matvec(w, x, b=None):
        y = np.array([sum(w[r, k] * x[k] for k in range(len(x))) for r in range(w.shape[0])])
        return y + b if b is not None else y

    def rope(vec, pos):
        out = np.empty(D)
        for j in range(half):
            ang = pos * inv_freq[j]
            x1, x2 = vec[j], vec[j + half]
            out[j] = x1 * math.cos(ang) - x2 * math.sin(ang)
            out[j + half] = x2 * math.cos(ang) + x1 * math.sin(ang)
        return out

    hs = [W["model.embed_tokens.weight"][t].copy() for t in tokens]
    for li in range(c.num_layers):
        p = "model.layers.%d." % li
        g = lambda name: W.get(p + name)  # noqa: E731
        xs = [norm(h, g("input_layernorm.weight")) for h in hs]
        qs, ks, vs = [], [], []
        for t in range(n):
            q = matvec(g("self_attn.q_proj.weight"), xs[t], g("self_attn.q_proj.bias") if c.qkv_bias else None)
            k = matvec(g("self_attn.k_proj.weight"), xs[t], g("self_attn.k_proj.bias") if c.qkv_bias else None)
            v = matvec(g("self_attn.v_proj.weight"), xs[t], g("self_attn.v_proj.bias") if c.qkv_bias else None)
            qh = [q[h * D:(h + 1) * D] for h in range(c.num_heads)]
            kh = [k[h * D:(h + 1) * D] for h in range(c.num_kv_heads)]
            vh = [v[h * D:(h + 1) * D] for h in range(c.num_kv_heads)]
            if c.qk_norm:
                qh = [norm(x, g("self_attn.q_norm.weight")) for x in qh]
                kh = [norm(x, g("self_attn.k_norm.weight")) for x in kh]
            qs.append([rope(x, positions[t]) for x in qh])
            ks.append([rope(x, positions[t]) for x in kh])
            vs.append(vh)
        group = c.num_heads // c.num_kv_heads
        new_hs = []
        for t in range(n):
            cat = []
            for h in range(c.num_heads):
                kv = h // group
                keys = [s for s in range(t + 1)
                        if c.sliding_window is None or li not in c.sliding_layers or t - s < c.sliding_window]
                sc = [sum(qs[t][h][j] * ks[s][kv][j] for j in range(D)) / math.sqrt(D) for s in keys]
                m = max(sc)
                e = [math.exp(x - m) for x in sc]
                z = sum(e)
                o = np.zeros(D)
                for wgt, s in zip(e, keys):
                    o += (wgt / z) * vs[s][kv]
                cat.extend(o)
            attn = matvec(g("self_attn.o_proj.weight"), np.array(cat), g("self_attn.o_proj.bias") if c.o_bias else None)
            h1 = hs[t] + attn
            x2 = norm(h1, g("post_attention_layernorm.weight"))
            gate = matvec(g("mlp.gate_proj.weight"), x2)
            up = matvec(g("mlp.up_proj.weight"), x2)
            act = np.array([gv / (1.0 + math.exp(-gv)) * uv for gv, uv in zip(gate, up)])
            new_hs.append(h1 + matvec(g("mlp.down_proj.weight"), act))
        hs = new_hs
    head = W["model.embed_tokens.weight"] if c.tie_word_embeddings else W["lm_head.weight"]
    return np.array([matvec(head, norm(h, W["model.norm.weight"])) for h in hs])


SMALL = dict(vocab=23, hidden=16, inter=24, layers=2, heads=4, kv_heads=2)


class SafetensorsDecoding(unittest.TestCase):
    def write(self, dtype, shape, raw):
        header = json.dumps({"__metadata__": {"format": "pt"},
                             "t": {"dtype": dtype, "shape": shape, "data_offsets": [0, len(raw)]}}).encode()
        path = os.path.join(TMP, "dec_%s.safetensors" % dtype)
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(header)) + header + raw)
        return ref.read_safetensors(path)["t"]

    def test_bf16(self):
        bits = [0x3F80, 0xC000, 0x3E80, 0x0000, 0x8000, 0x4049, 0x7F80]
        t = self.write("BF16", [7], struct.pack("<7H", *bits))
        self.assertEqual(list(t[:5]), [1.0, -2.0, 0.25, 0.0, 0.0])
        self.assertEqual(t[5], 3.140625)
        self.assertTrue(np.isinf(t[6]))

    def test_f16(self):
        t = self.write("F16", [2, 2], struct.pack("<4H", 0x3C00, 0xC000, 0x3555, 0x0001))
        self.assertEqual(t.shape, (2, 2))
        self.assertEqual(t[0, 0], 1.0)
        self.assertEqual(t[0, 1], -2.0)
        self.assertEqual(t[1, 0], 1365.0 / 4096.0)  # 0x3555 = 1.0101010101b * 2^-2
        self.assertEqual(t[1, 1], 2.0 ** -24)

    def test_f32(self):
        t = self.write("F32", [3], struct.pack("<3f", 1.5, -0.125, 3e-39))
        self.assertEqual(list(t), [1.5, -0.125, float(np.float32(3e-39))])

    def test_writer_bf16_rounding(self):
        v = np.array([1.0, 1.0 + 2 ** -8, 1.0 + 3 * 2 ** -8, -3.3])
        _, raw = model_tools.encode(v, "bf16")
        self.assertEqual(struct.unpack("<4H", raw)[:3], (0x3F80, 0x3F80, 0x3F82))  # ties to even


class AgainstNaive(unittest.TestCase):
    def check(self, name, arch, tokens=(3, 17, 5, 22, 0, 9), **kw):
        opts = dict(SMALL)
        opts.update(kw)
        m = make(name, arch, **opts)
        assert_close(self, ref.forward(m, list(tokens)), naive_forward(m, list(tokens)), 1e-10, name)

    def test_llama(self):
        self.check("n_llama", "llama")

    def test_llama_bias_tied_gqa4(self):
        self.check("n_llama_b", "llama", attention_bias=True, tie=True, kv_heads=1)

    def test_mistral_mha(self):
        self.check("n_mistral", "mistral", kv_heads=4, dtype="f16")

    def test_qwen2(self):
        self.check("n_qwen2", "qwen2", dtype="bf16")

    def test_qwen3_head_dim(self):
        self.check("n_qwen3", "qwen3", head_dim=8)  # head_dim != hidden / heads

    def test_qwen3_bias(self):
        self.check("n_qwen3_b", "qwen3", attention_bias=True)

    def test_llama3_scaling(self):
        rs = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
              "original_max_position_embeddings": 16}
        self.check("n_llama3", "llama", extra_config={"rope_scaling": rs, "rope_theta": 500000.0},
                   tokens=list(range(0, 23, 2)))

    def test_mistral_sliding_window(self):
        self.check("n_sw", "mistral", extra_config={"sliding_window": 3}, tokens=list(range(1, 9)))


class Properties(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.models = {a: make("p_" + a, a, seed=7, vocab=61, hidden=48, inter=64, layers=2, heads=6, kv_heads=2)
                      for a in ARCHS}
        cls.tokens = list(np.random.default_rng(1).integers(0, 61, size=40))

    def test_causality(self):
        for a, m in self.models.items():
            base = ref.forward(m, self.tokens)
            for t in (0, 7, 25, 38):
                changed = self.tokens[:t + 1] + [(x * 7 + 3) % 61 for x in self.tokens[t + 1:]]
                out = ref.forward(m, changed)
                assert_close(self, out[:t + 1], base[:t + 1], 1e-12, "%s t=%d" % (a, t))
                self.assertGreater(np.max(np.abs(out[t + 1:] - base[t + 1:])), 1e-6)

    def test_rope_is_relative(self):
        for a, m in self.models.items():
            base = ref.forward(m, self.tokens)
            for s in (1, 100, 5000):
                out = ref.forward(m, self.tokens, positions=np.arange(len(self.tokens)) + s)
                assert_close(self, out, base, 1e-9, "%s shift %d" % (a, s))

    def test_rope_matters(self):
        m = self.models["llama"]
        base = ref.forward(m, self.tokens)
        # positions spaced twice as far apart must change the output
        out = ref.forward(m, self.tokens, positions=2 * np.arange(len(self.tokens)))
        self.assertGreater(np.max(np.abs(out - base)), 1e-4)

    def test_linear_scaling(self):
        m = self.models["qwen2"]
        scaled = clone(m, rope_scaling={"type": "linear", "factor": 4.0})
        pos = np.arange(len(self.tokens))
        assert_close(self, ref.forward(scaled, self.tokens), ref.forward(m, self.tokens, positions=pos / 4.0),
                     1e-12, "linear")
        self.assertGreater(np.max(np.abs(ref.forward(scaled, self.tokens) - ref.forward(m, self.tokens))), 1e-4)

    def test_llama3_frequencies(self):
        # Llama 3.1 parameters: theta 500000, head_dim 128, factor 8, low 1, high 4, 8192.
        cfg = clone(self.models["llama"], head_dim=128, rope_theta=500000.0,
                    rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                  "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}).cfg
        got, scale = ref.rope_inv_freq(cfg)
        self.assertEqual(scale, 1.0)
        base = 1.0 / 500000.0 ** (np.arange(0, 128, 2) / 128.0)
        hi_wl, lo_wl = 8192 / 4.0, 8192 / 1.0
        n_hi = n_lo = n_mid = 0
        for j in range(64):
            wl = 2 * math.pi / base[j]
            if wl < hi_wl:
                expect = base[j]
                n_hi += 1
            elif wl > lo_wl:
                expect = base[j] / 8.0
                n_lo += 1
            else:
                sm = (8192 / wl - 1.0) / (4.0 - 1.0)
                expect = (1 - sm) * base[j] / 8.0 + sm * base[j]
                self.assertTrue(base[j] / 8.0 <= expect <= base[j])
                n_mid += 1
            self.assertAlmostEqual(got[j] / expect, 1.0, places=13)
        self.assertTrue(n_hi > 0 and n_lo > 0 and n_mid > 0, (n_hi, n_mid, n_lo))
        # rope_type "default" and factor-1 linear are the identity
        for rs in ({"rope_type": "default"}, {"type": "linear", "factor": 1.0}, None):
            c2 = copy.copy(cfg)
            c2.rope_scaling = rs
            np.testing.assert_allclose(ref.rope_inv_freq(c2)[0], base, rtol=1e-15)

    def test_llama3_changes_logits(self):
        m = self.models["llama"]
        rs = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
              "original_max_position_embeddings": 32}
        out = ref.forward(clone(m, rope_scaling=rs), self.tokens)
        self.assertGreater(np.max(np.abs(out - ref.forward(m, self.tokens))), 1e-5)

    def permute_kv(self, m, perm):
        """Permute KV heads by perm (new kv head i = old kv head perm[i]) with their q groups."""
        c = m.cfg
        D, G = c.head_dim, c.num_heads // c.num_kv_heads
        out = clone(m)
        qperm = [perm[h // G] * G + h % G for h in range(c.num_heads)]
        rows = lambda order: np.concatenate([np.arange(o * D, (o + 1) * D) for o in order])  # noqa: E731
        for i in range(c.num_layers):
            p = "model.layers.%d.self_attn." % i
            for proj, order in (("q_proj", qperm), ("k_proj", perm), ("v_proj", perm)):
                out.w[p + proj + ".weight"] = m.w[p + proj + ".weight"][rows(order)]
                if p + proj + ".bias" in m.w:
                    out.w[p + proj + ".bias"] = m.w[p + proj + ".bias"][rows(order)]
            out.w[p + "o_proj.weight"] = m.w[p + "o_proj.weight"][:, rows(qperm)]
        return out

    def test_kv_head_permutation(self):
        for a, m in self.models.items():
            base = ref.forward(m, self.tokens)
            out = self.permute_kv(m, [1, 0])
            assert_close(self, ref.forward(out, self.tokens), base, 1e-12, a)
            # Inconsistent permutation (k/v only) must change the output: the grouping matters.
            bad = clone(m)
            D = m.cfg.head_dim
            for i in range(m.cfg.num_layers):
                p = "model.layers.%d.self_attn." % i
                for proj in ("k_proj", "v_proj"):
                    w = m.w[p + proj + ".weight"]
                    bad.w[p + proj + ".weight"] = np.concatenate([w[D:], w[:D]])
                    if p + proj + ".bias" in m.w:
                        b = m.w[p + proj + ".bias"]
                        bad.w[p + proj + ".bias"] = np.concatenate([b[D:], b[:D]])
            self.assertGreater(np.max(np.abs(ref.forward(bad, self.tokens) - base)), 1e-4, a)

    def test_gqa_equals_duplicated_mha(self):
        for a, m in self.models.items():
            c = m.cfg
            D, G = c.head_dim, c.num_heads // c.num_kv_heads
            mha = clone(m, num_kv_heads=c.num_heads)
            for i in range(c.num_layers):
                p = "model.layers.%d.self_attn." % i
                for proj in ("k_proj", "v_proj"):
                    for suffix in (".weight", ".bias"):
                        if p + proj + suffix in m.w:
                            t = m.w[p + proj + suffix]
                            blocks = [t[(h // G) * D:(h // G + 1) * D] for h in range(c.num_heads)]
                            mha.w[p + proj + suffix] = np.concatenate(blocks)
            mha._check()
            assert_close(self, ref.forward(mha, self.tokens), ref.forward(m, self.tokens), 1e-12, a)

    def test_zero_attention_is_mlp_only(self):
        for a, m in self.models.items():
            z = clone(m)
            c = m.cfg
            for i in range(c.num_layers):
                z.w["model.layers.%d.self_attn.o_proj.weight" % i][:] = 0.0
                if c.o_bias:
                    z.w["model.layers.%d.self_attn.o_proj.bias" % i][:] = 0.0
            got = ref.forward(z, self.tokens)
            # Hand-computed: h <- h + down(silu(gate(n(h))) * up(n(h))) per layer, token by token.
            W = z.w
            eps = c.rms_norm_eps
            expect = []
            for tok in self.tokens:
                h = W["model.embed_tokens.weight"][tok]
                for i in range(c.num_layers):
                    p = "model.layers.%d." % i
                    x = h / np.sqrt(np.dot(h, h) / h.size + eps) * W[p + "post_attention_layernorm.weight"]
                    gg = W[p + "mlp.gate_proj.weight"] @ x
                    u = W[p + "mlp.up_proj.weight"] @ x
                    h = h + W[p + "mlp.down_proj.weight"] @ (gg / (1 + np.exp(-gg)) * u)
                x = h / np.sqrt(np.dot(h, h) / h.size + eps) * W["model.norm.weight"]
                head = W["model.embed_tokens.weight"] if c.tie_word_embeddings else W["lm_head.weight"]
                expect.append(head @ x)
            assert_close(self, got, np.array(expect), 1e-12, a)

    def test_position0_attention_is_v(self):
        for a, m in self.models.items():
            z = clone(m)
            for i in range(m.cfg.num_layers):
                p = "model.layers.%d.self_attn." % i
                z.w[p + "q_proj.weight"] = np.random.default_rng(i).standard_normal(m.w[p + "q_proj.weight"].shape)
                z.w[p + "k_proj.weight"] *= -3.0
            assert_close(self, ref.forward(z, self.tokens[:1]), ref.forward(m, self.tokens[:1]), 1e-12, a)
            self.assertGreater(np.max(np.abs(ref.forward(z, self.tokens[:5]) - ref.forward(m, self.tokens[:5]))), 1e-6)

    def test_qwen3_qk_norm_scale_invariance(self):
        m = clone(self.models["qwen3"], rms_norm_eps=1e-300)
        base = ref.forward(m, self.tokens)
        s = clone(m)
        D = m.cfg.head_dim
        for i in range(m.cfg.num_layers):
            p = "model.layers.%d.self_attn." % i
            for h in range(m.cfg.num_heads):
                s.w[p + "q_proj.weight"][h * D:(h + 1) * D] *= 1.0 + h
            s.w[p + "k_proj.weight"] *= 0.01
        assert_close(self, ref.forward(s, self.tokens), base, 1e-11, "qwen3 qk-norm")

    def test_tied_equals_untied_copy(self):
        m = self.models["mistral"]
        tied = clone(m, tie_word_embeddings=True)
        del tied.w["lm_head.weight"]
        untied = clone(m)
        untied.w["lm_head.weight"] = m.w["model.embed_tokens.weight"].copy()
        assert_close(self, ref.forward(tied, self.tokens), ref.forward(untied, self.tokens), 0, "tied")

    def test_sharded_equals_single(self):
        for a in ("llama", "qwen3"):
            src = os.path.join(TMP, "p_" + a)
            dst = os.path.join(TMP, "p_%s_sharded" % a)
            model_tools.make_variant(src, dst, shards=3)
            self.assertFalse(os.path.exists(os.path.join(dst, "model.safetensors")))
            sharded = ref.load_model(dst)
            self.assertEqual(sorted(sharded.w), sorted(self.models[a].w))
            assert_close(self, ref.forward(sharded, self.tokens), ref.forward(self.models[a], self.tokens), 0, a)

    def test_cli_output(self):
        src = os.path.join(TMP, "p_qwen2")
        out = os.path.join(TMP, "cli.bin")
        toks = [int(t) for t in self.tokens[:10]]
        self.assertEqual(ref.main([src, "--tokens", ",".join(map(str, toks)), "--out", out]), 0)
        got = np.fromfile(out, dtype="<f4").reshape(10, 61)
        np.testing.assert_array_equal(got, ref.forward(self.models["qwen2"], toks).astype(np.float32))


if __name__ == "__main__":
    unittest.main(verbosity=2)
