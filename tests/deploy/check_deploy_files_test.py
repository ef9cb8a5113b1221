#!/usr/bin/env python3
"""Unit tests of check_deploy_files.py: each check finds the mistake it is there for."""
import copy
import json
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_deploy_files as check  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
KNOWN_TEXT = """
# comment
slipway_requests_total counter route,version,status
slipway_e2e_request_latency_seconds histogram route,version
slipway_shadow_in_flight gauge -
"""
KNOWN, _ = check.load_known_metrics(KNOWN_TEXT)


def problems_mention(problems, text):
    return any(text in problem for problem in problems)


class KnownMetricsTest(unittest.TestCase):
    def test_histograms_expand_to_their_series(self):
        self.assertEqual(KNOWN["slipway_e2e_request_latency_seconds_bucket"],
                         {"route", "version", "le"})
        self.assertEqual(KNOWN["slipway_e2e_request_latency_seconds_count"], {"route", "version"})
        self.assertEqual(KNOWN["slipway_shadow_in_flight"], set())
        self.assertNotIn("slipway_e2e_request_latency_seconds", KNOWN)

    def test_bad_lines_and_repeats_are_reported(self):
        _, problems = check.load_known_metrics(
            "slipway_a counter x\nslipway_a gauge -\nslipway_b summary -\nnot_ours gauge -\n")
        self.assertTrue(problems_mention(problems, "slipway_a is listed twice"))
        self.assertTrue(problems_mention(problems, "slipway_b summary"))
        self.assertTrue(problems_mention(problems, "not_ours"))

    def test_the_real_list_is_well_formed(self):
        known, problems = check.load_known_metrics(
            (ROOT / "tests/deploy/metric_names.txt").read_text())
        self.assertEqual(problems, [])
        self.assertIn("slipway_judge_score_bucket", known)


class ScrapeTest(unittest.TestCase):
    FAMILIES, _ = check.load_metric_families(KNOWN_TEXT)
    GOOD = """# TYPE slipway_requests_total counter
slipway_requests_total{route="a",status="200",version="1"} 3
# TYPE slipway_e2e_request_latency_seconds histogram
slipway_e2e_request_latency_seconds_count{route="a",version="1"} 1
slipway_e2e_request_latency_seconds_sum{route="a",version="1"} 0.5
slipway_e2e_request_latency_seconds_bucket{route="a",version="1",le="+Inf"} 1
"""

    def test_a_matching_scrape_passes_and_lists_what_is_absent(self):
        problems, absent = check.compare_scrape(self.GOOD, self.FAMILIES)
        self.assertEqual(problems, [])
        self.assertEqual(absent, ["slipway_shadow_in_flight"])

    def test_unlisted_family(self):
        extra = "# TYPE slipway_new gauge\nslipway_new 1\n"
        problems, _ = check.compare_scrape(self.GOOD + extra, self.FAMILIES)
        self.assertTrue(problems_mention(problems, "slipway_new (gauge) is not in"))

    def test_type_mismatch(self):
        problems, _ = check.compare_scrape("# TYPE slipway_shadow_in_flight counter\n"
                                           "slipway_shadow_in_flight 1\n", self.FAMILIES)
        self.assertTrue(problems_mention(problems, "is a counter, metric_names.txt says gauge"))

    def test_label_mismatch(self):
        problems, _ = check.compare_scrape(self.GOOD.replace('route="a",status', 'model="a",status'),
                                           self.FAMILIES)
        self.assertTrue(problems_mention(problems, "slipway_requests_total has labels"))


class ExpressionTest(unittest.TestCase):
    def test_references_skip_functions_keywords_strings_and_ranges(self):
        metrics, grouping = check.promql_references(
            'histogram_quantile(0.95, sum by (route, le) (rate(slipway_x_bucket{a="b c", d=~"e"}'
            '[5m] offset 1h))) > 2 and on (route) label_replace(up, "x", "$1", "y", "(.*)")')
        self.assertEqual(metrics, {"slipway_x_bucket": {"a", "d"}, "up": set()})
        self.assertEqual(grouping, {"route", "le"})

    def test_accepts_known_metrics_and_labels(self):
        self.assertEqual(check.check_expression(
            "t", 'sum by (route, instance) (rate(slipway_requests_total{status=~"5.."}[5m]))',
            KNOWN), [])

    def test_unknown_metric(self):
        problems = check.check_expression("t", "rate(slipway_request_total[5m])", KNOWN)
        self.assertTrue(problems_mention(problems, "slipway_request_total is not a metric"))

    def test_unknown_matcher_label(self):
        problems = check.check_expression("t", 'slipway_requests_total{model="x"}', KNOWN)
        self.assertTrue(problems_mention(problems, "has no label 'model'"))

    def test_unknown_grouping_label(self):
        problems = check.check_expression("t", "sum by (model) (slipway_requests_total)", KNOWN)
        self.assertTrue(problems_mention(problems, "groups by 'model'"))

    def test_a_selector_needs_a_metric_name(self):
        problems = check.check_expression("t", '{__name__="slipway_requests_total"}', KNOWN)
        self.assertTrue(problems_mention(problems, "without a metric name"))


def small_dashboard():
    source = {"type": "prometheus", "uid": "${datasource}"}
    return {
        "schemaVersion": 39,
        "templating": {"list": [
            {"name": "datasource", "type": "datasource", "query": "prometheus"},
            {"name": "route", "type": "query", "datasource": source,
             "query": "label_values(slipway_requests_total, route)"}]},
        "panels": [
            {"type": "row", "id": 1, "title": "r", "gridPos": {"h": 1, "w": 24, "x": 0, "y": 0}},
            {"type": "timeseries", "id": 2, "title": "p", "datasource": source,
             "gridPos": {"h": 8, "w": 12, "x": 0, "y": 1},
             "targets": [{"refId": "A", "datasource": source,
                          "expr": 'sum(rate(slipway_requests_total{route=~"$route"}'
                                  '[$__rate_interval]))'}]}]}


class DashboardTest(unittest.TestCase):
    def broken(self, change):
        dashboard = copy.deepcopy(small_dashboard())
        change(dashboard)
        return check.check_dashboard(dashboard, KNOWN)

    def test_a_good_dashboard_passes(self):
        self.assertEqual(check.check_dashboard(small_dashboard(), KNOWN), [])

    def test_old_schema(self):
        problems = self.broken(lambda d: d.update(schemaVersion=30))
        self.assertTrue(problems_mention(problems, "schemaVersion 30"))

    def test_no_datasource_variable(self):
        problems = self.broken(lambda d: d["templating"]["list"].pop(0))
        self.assertTrue(problems_mention(problems, "datasource variable"))

    def test_repeated_panel_id(self):
        problems = self.broken(lambda d: d["panels"][1].update(id=1))
        self.assertTrue(problems_mention(problems, "unique"))

    def test_panel_with_a_fixed_datasource(self):
        problems = self.broken(lambda d: d["panels"][1].update(datasource={"uid": "prom-1"}))
        self.assertTrue(problems_mention(problems, "does not use the $datasource"))

    def test_target_without_expr(self):
        problems = self.broken(lambda d: d["panels"][1]["targets"][0].pop("expr"))
        self.assertTrue(problems_mention(problems, "has no expr"))

    def test_unknown_metric_in_a_query(self):
        problems = self.broken(lambda d: d["panels"][1]["targets"][0].update(
            expr="vllm:num_requests_running"))
        self.assertTrue(problems_mention(problems, "is not a metric slipway exports"))

    def test_undefined_variable(self):
        problems = self.broken(lambda d: d["panels"][1]["targets"][0].update(
            expr='slipway_requests_total{version=~"$version"}'))
        self.assertTrue(problems_mention(problems, "undefined variable $version"))

    def test_variable_over_a_missing_label(self):
        problems = self.broken(lambda d: d["templating"]["list"][1].update(
            query="label_values(slipway_requests_total, model)"))
        self.assertTrue(problems_mention(problems, "has no label 'model'"))

    def test_panel_outside_the_grid(self):
        problems = self.broken(lambda d: d["panels"][1]["gridPos"].update(x=20))
        self.assertTrue(problems_mention(problems, "within 24 columns"))


RULES = """groups:
  - name: g
    rules:
      - alert: Good
        expr: |
          sum by (route) (rate(slipway_requests_total[5m]))
            > 1
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: "{{ $labels.route }} is busy"
          description: "{{ $labels.route }}: {{ $value }}"
          runbook_url: "docs/monitoring.md#errors"
"""


class RulesTest(unittest.TestCase):
    def test_a_good_rule_passes(self):
        self.assertEqual(check.check_rules(RULES, KNOWN), [])

    def test_block_expressions_are_read_whole(self):
        problems = check.check_rules(RULES.replace("> 1", "> slipway_nothing"), KNOWN)
        self.assertTrue(problems_mention(problems, "slipway_nothing is not a metric"))

    def test_missing_severity(self):
        problems = check.check_rules(RULES.replace("severity: warning", "team: x"), KNOWN)
        self.assertTrue(problems_mention(problems, "Good: has no severity"))

    def test_runbook_outside_the_docs(self):
        problems = check.check_rules(RULES.replace("docs/monitoring.md#errors", "https://x"),
                                     KNOWN)
        self.assertTrue(problems_mention(problems, "runbook_url must point"))

    def test_description_without_labels(self):
        problems = check.check_rules(RULES.replace('"{{ $labels.route }}: {{ $value }}"',
                                                   '"busy"'), KNOWN)
        self.assertTrue(problems_mention(problems, "the description names no $labels"))

    def test_repeated_alert_name(self):
        second = RULES.split("rules:\n", 1)[1]
        problems = check.check_rules(RULES + second, KNOWN)
        self.assertTrue(problems_mention(problems, "the alert name repeats"))

    def test_rule_test_series_must_be_real(self):
        problems = check.check_rule_tests(
            "- series: 'slipway_requests_total{route=\"a\",model=\"b\"}'\n"
            "- series: 'slipway_made_up{route=\"a\"}'\n", KNOWN)
        self.assertTrue(problems_mention(problems, "has no label 'model'"))
        self.assertTrue(problems_mention(problems, "slipway_made_up is not a metric"))


class RealFilesTest(unittest.TestCase):
    def test_dashboard_rules_and_rule_tests_pass(self):
        known, _ = check.load_known_metrics((ROOT / "tests/deploy/metric_names.txt").read_text())
        dashboard = json.loads((ROOT / "deploy/grafana/slipway-dashboard.json").read_text())
        self.assertEqual(check.check_dashboard(dashboard, known), [])
        rules = (ROOT / "deploy/prometheus/slipway-alerts.yml").read_text()
        self.assertEqual(check.check_rules(rules, known), [])
        names = {name for name, _ in check.alert_blocks(rules)}
        self.assertLessEqual({"SlipwayQualityBelowBaseline", "SlipwayDriftCritical"}, names)


if __name__ == "__main__":
    unittest.main()
