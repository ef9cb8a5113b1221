#include "app/models/render.h"

#include "app/models/format.h"
#include "app/models/table.h"
#include "registry/record_json.h"

namespace slipway::app::models {

using registry::Json;

namespace {

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string or_none(const std::string& text) {
  return text.empty() ? "(none)" : text;
}

// "  key: value" lines, keys padded to one width.
std::string fields(const std::vector<std::pair<std::string, std::string>>& rows,
                   const std::string& indent) {
  std::size_t width = 0;
  for (const auto& [key, value] : rows) width = std::max(width, display_width(key));
  std::string out;
  for (const auto& [key, value] : rows) {
    out += indent + key + ":";
    out.append(width - display_width(key) + 1, ' ');
    out += value + "\n";
  }
  return out;
}

std::string json_section(const std::string& title, const Json& object) {
  std::string out = title + ":";
  if (!object.is_object() || object.empty()) return out + " (none)\n";
  out += "\n";
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& [key, value] : object.items()) rows.emplace_back(key, format_value(value));
  return out + fields(rows, "  ");
}

// A side of a lineage difference: sources are shown as describe_source does.
std::string lineage_value(const std::string& key, const Json& value) {
  if (key == "source" && value.is_object()) {
    try {
      return describe_source(registry::source_from_json(value));
    } catch (const std::exception&) {
      return value.dump();
    }
  }
  return format_value(value);
}

}  // namespace

std::string render_registered(const registry::Version& version, bool created) {
  std::string details = "label " + version.label;
  if (version.source.kind == registry::SourceKind::Upstream) {
    details += ", upstream " + version.source.url;
  } else {
    const auto files = version.artifacts.size();
    details += ", " + std::to_string(files) + (files == 1 ? " file, " : " files, ") +
               format_bytes(total_size(version));
  }
  return std::string(created ? "registered " : "already registered as ") + version.ref() + " (" +
         details + ")\n";
}

std::string render_model_table(const std::vector<registry::Model>& models) {
  std::vector<TableRow> rows;
  for (const auto& model : models) {
    std::vector<std::string> aliases;
    for (const auto& [alias, version] : model.aliases) {
      aliases.push_back(alias + "=" + std::to_string(version));
    }
    rows.push_back({model.name, std::to_string(model.version_count),
                    model.latest_version == 0 ? "-" : std::to_string(model.latest_version),
                    aliases.empty() ? "-" : join(aliases, " ")});
  }
  return render_table({"NAME", "VERSIONS", "LATEST", "ALIASES"}, rows);
}

std::string render_version_table(const std::vector<registry::Version>& versions) {
  std::vector<TableRow> rows;
  for (const auto& version : versions) {
    rows.push_back({std::to_string(version.version), version.label,
                    registry::to_string(version.stage),
                    version.aliases.empty() ? "-" : join(version.aliases, ","),
                    format_time(version.created_at_ms), version.creator});
  }
  return render_table({"VERSION", "LABEL", "STAGE", "ALIASES", "CREATED", "CREATOR"}, rows);
}

std::string render_version(const registry::Version& version) {
  std::string out = version.ref() + "\n";
  out += fields(
      {
          {"label", version.label},
          {"stage", registry::to_string(version.stage)},
          {"aliases", version.aliases.empty() ? "(none)" : join(version.aliases, ", ")},
          {"created", format_time(version.created_at_ms) + " by " + version.creator},
          {"description", or_none(version.description)},
          {"source", describe_source(version.source)},
          {"content hash", or_none(version.content_hash)},
      },
      "");
  out += "lineage:\n";
  out += fields({{"parent", or_none(version.parent)},
                 {"dataset", or_none(version.dataset)},
                 {"git commit", or_none(version.git_commit)}},
                "  ");
  out += json_section("params", version.params);
  out += json_section("metrics", version.metrics);
  out += json_section("tags", version.tags);
  if (version.source.kind == registry::SourceKind::Upstream) {
    out += "artifacts: none (upstream)\n";
    return out;
  }
  const auto files = version.artifacts.size();
  out += "artifacts: " + std::to_string(files) + (files == 1 ? " file, " : " files, ") +
         format_bytes(total_size(version)) + "\n";
  std::vector<TableRow> rows;
  for (const auto& artifact : version.artifacts) {
    rows.push_back(
        {"  " + artifact.path, format_bytes(artifact.size), short_hash(artifact.sha256)});
  }
  std::string table = render_table({"  PATH", "SIZE", "SHA256"}, rows);
  out += table;
  return out;
}

std::string render_diff(const Json& diff) {
  std::string out =
      diff.value("a", std::string("a")) + " -> " + diff.value("b", std::string("b")) + "\n";
  bool any = false;
  for (const char* section : {"params", "metrics", "tags", "lineage"}) {
    if (!diff.contains(section) || !diff[section].is_object() || diff[section].empty()) continue;
    any = true;
    out += std::string(section) + ":\n";
    for (const auto& [key, change] : diff[section].items()) {
      const Json a = change.is_object() && change.contains("a") ? change["a"] : Json();
      const Json b = change.is_object() && change.contains("b") ? change["b"] : Json();
      if (std::string(section) == "lineage") {
        out += "  " + key + ": " + lineage_value(key, a) + " -> " + lineage_value(key, b) + "\n";
      } else {
        out += "  " + key + ": " + format_value(a) + " -> " + format_value(b) + "\n";
      }
    }
  }
  if (diff.contains("artifacts") && diff["artifacts"].is_object()) {
    std::string lines;
    for (const char* kind : {"added", "removed", "changed"}) {
      const Json& list = diff["artifacts"].contains(kind) ? diff["artifacts"][kind] : Json();
      if (!list.is_array() || list.empty()) continue;
      std::vector<std::string> names;
      for (const auto& name : list) names.push_back(format_value(name));
      lines += "  " + std::string(kind) + ": " + join(names, ", ") + "\n";
    }
    if (!lines.empty()) {
      any = true;
      out += "artifacts:\n" + lines;
    }
  }
  if (!any) out += "no differences\n";
  if (diff.contains("identical_content") && diff["identical_content"].is_boolean()) {
    out += diff["identical_content"].get<bool>() ? "content: identical\n" : "content: differs\n";
  }
  return out;
}

std::string event_details(const registry::Event& event) {
  std::string text;
  const std::string version = "version " + std::to_string(event.version);
  if (event.kind == "registered") {
    text = version;
  } else if (event.kind == "alias_set") {
    text = event.alias + ": " + (event.from.empty() ? "" : event.from + " -> ") + event.to;
  } else if (event.kind == "alias_removed") {
    text = event.alias + (event.from.empty() ? "" : " (was " + event.from + ")");
  } else if (event.kind == "stage") {
    text = version + ": " + (event.from.empty() ? "" : event.from + " -> ") + event.to;
  } else {
    if (event.version != 0) text = version;
    if (!event.alias.empty()) text += (text.empty() ? "" : ", ") + ("alias " + event.alias);
    if (!event.to.empty()) {
      text +=
          (text.empty() ? "" : ": ") + (event.from.empty() ? "" : event.from + " -> ") + event.to;
    }
  }
  if (event.automatic) text += " (automatic)";
  return text;
}

std::string render_history(const std::vector<registry::Event>& events) {
  std::vector<TableRow> rows;
  for (const auto& event : events) {
    rows.push_back(
        {format_time(event.at_ms), event.actor, event.kind, event_details(event), event.reason});
  }
  return render_table({"TIME", "ACTOR", "EVENT", "DETAILS", "REASON"}, rows);
}

}  // namespace slipway::app::models
