#pragma once
// `diff A B`: what differs between two versions, field by field. Only differences appear.
//   {"a": "m/1", "b": "m/2",
//    "params":    {"learning_rate": {"a": 0.0002, "b": 0.0001}, "lora_r": {"a": 16, "b": null}},
//    "metrics":   {...same shape...},
//    "tags":      {...same shape...},
//    "artifacts": {"added": ["x"], "removed": ["y"], "changed": ["model.safetensors"]},
//    "lineage":   {"source": {"a": {...}, "b": {...}}, "git_commit": {...}, "parent": {...},
//                  "dataset": {...}},
//    "identical_content": false}
#include "registry/records.h"

namespace slipway::registry {

Json diff_versions(const Version& a, const Version& b);

}  // namespace slipway::registry
