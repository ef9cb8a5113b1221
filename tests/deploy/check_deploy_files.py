#!/usr/bin/env python3
"""Checks the monitoring files in deploy/ against what slipway exports.

- The Grafana dashboard: its structure (schema version, a Prometheus datasource variable that
  every panel and query uses, unique panel ids, every query has an expression).
- The Prometheus alerting rules: every alert has a severity, a summary and a description that
  name the series ($labels), and a runbook_url into docs/monitoring.md.
- The dashboard's queries, the rules' expressions and the rules' unit-test series use only the
  metrics and labels listed in tests/deploy/metric_names.txt (plus the labels Prometheus adds
  to every target, and `up`).
- With --promtool, promtool parses every dashboard query (it checks the rules file itself in its
  own test).

Only the standard library: the rules file is read line by line (it keeps one key a line and
block scalars for long expressions). Exits 1 with one line per problem.
"""
import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET_LABELS = {"job", "instance"}  # added by Prometheus to every scraped series
PROMETHEUS_SERIES = {"up": set()}  # written by Prometheus itself, not by slipway
METRIC_TYPES = {"counter", "gauge", "histogram"}
PROMQL_KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
                   "group_left", "group_right", "inf", "nan", "atan2", "start", "end"}
GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
SELECTOR = re.compile(r"([A-Za-z_:][\w:]*)?\s*\{([^}]*)\}")
MATCHER = re.compile(r"([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)\s*(\"(?:[^\"\\]|\\.)*\"|'[^']*')")
STRING = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'")
IDENTIFIER = re.compile(r"(?<![\w.:$])([A-Za-z_:][\w:]*)\b(?!\s*\()")
GRAFANA_RANGES = re.compile(r"\$(?:__rate_interval|__interval|__range)\b|\$\{(?:__rate_interval|"
                            r"__interval|__range)\}")
GRAFANA_VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)")
RUNBOOK = re.compile(r"^docs/monitoring\.md#[a-z0-9-]+$")


def load_metric_families(text):
    """metric_names.txt -> ({family: (type, label names)}, problems)."""
    families, problems = {}, []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) != 3 or fields[1] not in METRIC_TYPES or \
                not re.fullmatch(r"slipway_[a-z0-9_]+", fields[0]):
            problems.append(f"metric_names.txt:{number}: expected 'slipway_name "
                            f"counter|gauge|histogram label,label|-', got '{line}'")
            continue
        name, kind, labels = fields
        if name in families:
            problems.append(f"metric_names.txt:{number}: {name} is listed twice")
        families[name] = (kind, set() if labels == "-" else set(labels.split(",")))
    if not families:
        problems.append("metric_names.txt lists no metrics")
    return families, problems


def family_series(name, kind, labels):
    """{series name: label names} of a family: a histogram's _bucket (with le), _sum, _count."""
    if kind != "histogram":
        return {name: set(labels)}
    return {name + "_bucket": labels | {"le"}, name + "_sum": set(labels),
            name + "_count": set(labels)}


def load_known_metrics(text):
    """metric_names.txt -> ({series name: label names}, problems)."""
    families, problems = load_metric_families(text)
    known = {}
    for name, (kind, labels) in families.items():
        for series, series_labels in family_series(name, kind, labels).items():
            if series in known:
                problems.append(f"metric_names.txt: {series} is listed twice")
            known[series] = series_labels
    return known, problems


def compare_scrape(text, families):
    """A real /metrics body against the list: every family it has is listed with its type and
    labels. Families of parts that were not configured may be absent."""
    problems, seen = [], set()
    types = dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.MULTILINE))
    for name, kind in types.items():
        if name not in families:
            problems.append(f"scrape: {name} ({kind}) is not in metric_names.txt")
        elif families[name][0] != kind:
            problems.append(f"scrape: {name} is a {kind}, metric_names.txt says "
                            f"{families[name][0]}")
    known = {series: (family, labels) for family, (kind, family_labels) in families.items()
             for series, labels in family_series(family, kind, family_labels).items()}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s", line)
        if not match or line.startswith("#") or not match.group(1).startswith("slipway_"):
            continue
        name, body = match.group(1), match.group(2) or ""
        if name not in known:
            if not any(name == f + suffix for f in types for suffix in ("", "_bucket", "_sum",
                                                                         "_count")):
                problems.append(f"scrape: sample {name} belongs to no listed family")
            continue
        family, labels = known[name]
        seen.add(family)
        found = {m.group(1) for m in MATCHER.finditer(body)}
        if found != labels:
            problems.append(f"scrape: {name} has labels {sorted(found)}, metric_names.txt says "
                            f"{sorted(labels)}")
    return sorted(set(problems)), sorted(set(families) - seen)


def promql_references(expr):
    """The metric names an expression reads, each with the label names its selector matches
    on, and the label names of its grouping clauses (by, without, on, ignoring, group_*)."""
    selectors = []

    def keep_name(match):
        name, body = match.group(1), match.group(2)
        selectors.append((name, {m.group(1) for m in MATCHER.finditer(body)}))
        return f" {name} " if name else " __nameless_selector__ "

    text = SELECTOR.sub(keep_name, expr)
    text = STRING.sub('""', text)
    grouping = set()
    for match in GROUPING.finditer(text):
        grouping |= {label.strip() for label in match.group(2).split(",") if label.strip()}
    text = GROUPING.sub(" ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    matchers = {}
    for name, labels in selectors:
        matchers.setdefault(name, set()).update(labels)
    metrics = {}
    for match in IDENTIFIER.finditer(text):
        name = match.group(1)
        if name.lower() in PROMQL_KEYWORDS:
            continue
        metrics.setdefault(name, set()).update(matchers.get(name, set()))
    return metrics, grouping


def check_expression(where, expr, known):
    problems = []
    metrics, grouping = promql_references(expr)
    if not metrics:
        problems.append(f"{where}: reads no metric: {expr}")
    available = set(TARGET_LABELS)
    for name, labels in metrics.items():
        if name == "__nameless_selector__":
            problems.append(f"{where}: a selector without a metric name: {expr}")
            continue
        exported = known.get(name, PROMETHEUS_SERIES.get(name))
        if exported is None:
            problems.append(f"{where}: {name} is not a metric slipway exports "
                            f"(tests/deploy/metric_names.txt)")
            continue
        available |= exported
        for label in sorted(labels - exported - TARGET_LABELS):
            problems.append(f"{where}: {name} has no label '{label}'")
    for label in sorted(grouping - available):
        problems.append(f"{where}: groups by '{label}', which none of its metrics has")
    return problems


def dashboard_panels(dashboard):
    """Every panel, rows' collapsed panels included."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def datasource_uses(datasource, variable):
    return isinstance(datasource, dict) and datasource.get("uid") in (f"${{{variable}}}",
                                                                       f"${variable}")


def dashboard_queries(dashboard):
    """(where, expr) of every panel query."""
    for panel in dashboard_panels(dashboard):
        for target in panel.get("targets", []) or []:
            yield f"panel {panel.get('id')} '{panel.get('title')}' {target.get('refId')}", \
                target.get("expr", "")


def check_dashboard(dashboard, known):
    problems = []
    if not isinstance(dashboard.get("schemaVersion"), int) or dashboard["schemaVersion"] < 38:
        problems.append(f"dashboard: schemaVersion {dashboard.get('schemaVersion')} is below 38")
    variables = dashboard.get("templating", {}).get("list", [])
    variable_names = {v.get("name") for v in variables}
    sources = [v for v in variables if v.get("type") == "datasource"]
    if len(sources) != 1 or sources[0].get("query") != "prometheus":
        problems.append("dashboard: needs exactly one datasource variable of type prometheus")
        return problems
    source = sources[0]["name"]
    for variable in variables:
        if variable.get("type") != "query":
            continue
        where = f"variable {variable.get('name')}"
        if not datasource_uses(variable.get("datasource"), source):
            problems.append(f"{where}: does not use the ${source} datasource variable")
        query = variable.get("query")
        query = query.get("query") if isinstance(query, dict) else query
        match = re.fullmatch(r"label_values\(\s*([A-Za-z_:][\w:]*)\s*,\s*(\w+)\s*\)", query or "")
        if not match:
            problems.append(f"{where}: expected label_values(metric, label), got '{query}'")
        elif match.group(2) not in known.get(match.group(1), set()):
            problems.append(f"{where}: {match.group(1)} has no label '{match.group(2)}'")
    ids = set()
    panels = list(dashboard_panels(dashboard))
    if not panels:
        problems.append("dashboard: has no panels")
    for panel in panels:
        where = f"panel {panel.get('id')} '{panel.get('title')}'"
        if not isinstance(panel.get("id"), int) or panel["id"] in ids:
            problems.append(f"{where}: panel ids must be unique integers")
        ids.add(panel.get("id"))
        grid = panel.get("gridPos", {})
        if not all(isinstance(grid.get(k), int) for k in "hwxy") or grid["x"] + grid["w"] > 24:
            problems.append(f"{where}: gridPos must have integer h, w, x, y within 24 columns")
        if panel.get("repeat") and panel["repeat"] not in variable_names:
            problems.append(f"{where}: repeats over unknown variable '{panel['repeat']}'")
        if panel.get("type") == "row":
            continue
        if not datasource_uses(panel.get("datasource"), source):
            problems.append(f"{where}: does not use the ${source} datasource variable")
        targets = panel.get("targets") or []
        if not targets:
            problems.append(f"{where}: has no queries")
        ref_ids = [t.get("refId") for t in targets]
        if len(set(ref_ids)) != len(ref_ids):
            problems.append(f"{where}: refIds repeat")
        for target in targets:
            if not datasource_uses(target.get("datasource"), source):
                problems.append(f"{where} {target.get('refId')}: does not use the ${source} "
                                f"datasource variable")
    for where, expr in dashboard_queries(dashboard):
        if not isinstance(expr, str) or not expr.strip():
            problems.append(f"{where}: has no expr")
            continue
        for match in GRAFANA_VARIABLE.finditer(GRAFANA_RANGES.sub("", expr)):
            name = match.group(1) or match.group(2)
            if name not in variable_names:
                problems.append(f"{where}: uses undefined variable ${name}")
        problems += check_expression(where, grafana_to_promql(expr), known)
    return problems


def grafana_to_promql(expr):
    """Grafana's variables replaced by values PromQL accepts (ranges, then regex text)."""
    return GRAFANA_VARIABLE.sub("x", GRAFANA_RANGES.sub("5m", expr))


def block_value(lines, index):
    """The value of the `key: value` at lines[index]: inline (quotes removed) or a block
    scalar (| or >) made of the more indented lines that follow."""
    line = lines[index]
    indent = len(line) - len(line.lstrip())
    value = line.split(":", 1)[1].strip()
    if value[:1] in ("|", ">"):
        body = []
        for following in lines[index + 1:]:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            body.append(following.strip())
        return " ".join(part for part in body if part)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value


def alert_blocks(text):
    """{alert name: its lines}, in file order; names seen twice are reported by the caller."""
    blocks, names = [], []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = re.match(r"\s*- alert:\s*(\S+)", line)
        if match:
            names.append(match.group(1))
            blocks.append([line])
        elif blocks and not re.match(r"\s*- (name|record):", line):
            blocks[-1].append(line)
        elif blocks:
            blocks.append([])  # a new group or a recording rule ends the alert
            names.append(None)
    return [(name, block) for name, block in zip(names, blocks) if name]


def check_rules(text, known):
    problems, seen = [], set()
    blocks = alert_blocks(text)
    if not blocks:
        problems.append("rules: no alerts found")
    for name, lines in blocks:
        where = f"rules: {name}"
        if name in seen:
            problems.append(f"{where}: the alert name repeats")
        seen.add(name)
        values = {}
        for index, line in enumerate(lines):
            key = re.match(r"\s*(expr|severity|summary|description|runbook_url):", line)
            if key:
                values[key.group(1)] = block_value(lines, index)
        for key in ("expr", "severity", "summary", "description", "runbook_url"):
            if not values.get(key):
                problems.append(f"{where}: has no {key}")
        if values.get("runbook_url") and not RUNBOOK.match(values["runbook_url"]):
            problems.append(f"{where}: runbook_url must point to docs/monitoring.md#anchor")
        for key in ("summary", "description"):
            if values.get(key) and "$labels" not in values[key]:
                problems.append(f"{where}: the {key} names no $labels")
        if values.get("expr"):
            problems += check_expression(where, values["expr"], known)
    return problems


def check_rule_tests(text, known):
    """The rules' unit tests feed series slipway really exports, so they test real names."""
    problems = []
    series = re.findall(r"series:\s*'([A-Za-z_:][\w:]*)\{([^}]*)\}'", text)
    if not series:
        problems.append("rule tests: no input series found")
    for name, body in series:
        exported = known.get(name, PROMETHEUS_SERIES.get(name))
        if exported is None:
            problems.append(f"rule tests: {name} is not a metric slipway exports")
            continue
        for label in sorted({m.group(1) for m in MATCHER.finditer(body)} - exported -
                            TARGET_LABELS):
            problems.append(f"rule tests: {name} has no label '{label}'")
    return problems


def check_with_promtool(promtool, dashboard):
    """promtool parses every dashboard query, given as recording rules."""
    rules = [{"record": f"dashboard_query_{i}", "expr": grafana_to_promql(expr)}
             for i, (_, expr) in enumerate(dashboard_queries(dashboard))]
    with tempfile.NamedTemporaryFile("w", suffix=".yml") as file:
        json.dump({"groups": [{"name": "dashboard", "rules": rules}]}, file)  # JSON is YAML
        file.flush()
        result = subprocess.run([promtool, "check", "rules", file.name], capture_output=True,
                                text=True)
    if result.returncode != 0:
        return [f"promtool rejects a dashboard query: {result.stdout.strip()} "
                f"{result.stderr.strip()}"]
    return []


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    parser.add_argument("--promtool", help="also parse the dashboard's queries with promtool")
    parser.add_argument("--scrape", type=Path,
                        help="only compare metric_names.txt with this /metrics body; families "
                             "absent from it are listed, not failed")
    args = parser.parse_args()
    root = args.root
    names = (root / "tests/deploy/metric_names.txt").read_text()
    if args.scrape:
        families, problems = load_metric_families(names)
        scrape_problems, absent = compare_scrape(args.scrape.read_text(), families)
        for problem in problems + scrape_problems:
            print(problem)
        print(f"{len(families) - len(absent)} listed families scraped; absent: "
              f"{', '.join(absent) or 'none'}")
        return 1 if problems or scrape_problems else 0
    known, problems = load_known_metrics(names)
    try:
        dashboard = json.loads((root / "deploy/grafana/slipway-dashboard.json").read_text())
    except json.JSONDecodeError as error:
        print(f"deploy/grafana/slipway-dashboard.json is not JSON: {error}")
        return 1
    rules = (root / "deploy/prometheus/slipway-alerts.yml").read_text()
    problems += check_dashboard(dashboard, known)
    problems += check_rules(rules, known)
    problems += check_rule_tests((root / "tests/deploy/slipway-alerts.test.yml").read_text(),
                                 known)
    if args.promtool:
        problems += check_with_promtool(args.promtool, dashboard)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"ok: {sum(1 for _ in dashboard_queries(dashboard))} dashboard queries and "
          f"{len(alert_blocks(rules))} alerts use only the {len(known)} known series")
    return 0


if __name__ == "__main__":
    sys.exit(main())
