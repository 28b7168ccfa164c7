#!/usr/bin/env python3
"""Checks deploy/'s monitoring files against what the daemons export.

Usage: tools/check_deploy.py NEWSFLOW_BINARY

Runs the whole pipeline once (`newsflow run` on the bundled samples, HTTP
servers on free ports), scrapes the three daemons' /metrics, and checks that
  - deploy/prometheus/*.yml and deploy/k8s/*.yaml parse as YAML, the alert
    rules have the fields Prometheus requires, and the Grafana dashboard
    parses as JSON;
  - every newsflow_* metric an alert rule or a dashboard panel names is one
    the daemons serve, or a counter a daemon serves once it has counted
    something (`<prefix>_<name>_total` with "<name>" counted in that
    daemon's sources).
Exit status 1 with a list of the problems otherwise.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
METRIC = re.compile(r"\bnewsflow_[a-z0-9_]+")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape_names(binary):
    ports = {"store": free_port(), "ingest": free_port(), "enrich": free_port()}
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(ROOT, "deploy/config/embedded.yaml")) as f:
            config = yaml.safe_load(f)
        config["data_dir"] = tmp
        config["ingest"]["drop_dir"] = os.path.join(tmp, "drop")
        config["store"]["http"] = {"port": ports["store"]}
        config["ingest"]["api"] = {"port": ports["ingest"]}
        config["enrich"]["http"] = {"port": ports["enrich"]}
        path = os.path.join(tmp, "run.yaml")
        with open(path, "w") as f:
            yaml.safe_dump(config, f)
        proc = subprocess.Popen([binary, "--config", path, "run", "--quiet", "--exit-when-idle", "30"],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        names = set()
        try:
            deadline = time.time() + 60
            stored = 0
            while time.time() < deadline and stored == 0:
                time.sleep(0.5)
                try:
                    body = urllib.request.urlopen(f"http://127.0.0.1:{ports['store']}/metrics", timeout=2).read()
                    m = re.search(rb"^newsflow_store_committed_total (\d+)", body, re.M)
                    stored = int(m.group(1)) if m else 0
                except OSError:
                    pass
            for daemon, port in ports.items():
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
                for line in body.splitlines():
                    if line and not line.startswith("#"):
                        names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    return names


def counted_names():
    """newsflow_<daemon>_<name>_total for every counters_.Add("<name>") in a daemon's sources."""
    names = set()
    for daemon in ("ingest", "enrich", "store"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, "services", daemon)):
            for name in files:
                if name.endswith(".cc"):
                    with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                        for m in re.finditer(r'\.Add\("([a-z0-9_]+)"', f.read()):
                            names.add(f"newsflow_{daemon}_{m.group(1)}_total")
    return names


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems = []
    exprs = []  # (where, expression)
    rules_path = os.path.join(ROOT, "deploy/prometheus/newsflow-alerts.yml")
    with open(rules_path) as f:
        rules = yaml.safe_load(f)
    for group in rules.get("groups", []):
        for rule in group.get("rules", []):
            name = rule.get("alert") or rule.get("record")
            for key in ("alert", "expr"):
                if key not in rule:
                    problems.append(f"alert rule {name}: no {key}")
            if "for" in rule and not re.fullmatch(r"\d+[smhd]", str(rule["for"])):
                problems.append(f"alert rule {name}: bad duration {rule['for']}")
            exprs.append((f"alert {name}", str(rule.get("expr", ""))))
    for directory in ("deploy/prometheus", "deploy/k8s"):
        for name in sorted(os.listdir(os.path.join(ROOT, directory))):
            if name.endswith((".yml", ".yaml")):
                with open(os.path.join(ROOT, directory, name)) as f:
                    try:
                        list(yaml.safe_load_all(f))
                    except yaml.YAMLError as e:
                        problems.append(f"{directory}/{name}: {e}")
    with open(os.path.join(ROOT, "deploy/grafana/newsflow-dashboard.json")) as f:
        dashboard = json.load(f)
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            exprs.append((f"panel {panel['title']!r}", target["expr"]))

    served = scrape_names(sys.argv[1])
    if not any(n.startswith("newsflow_store_") for n in served):
        problems.append("scrape: the store served no metrics")
    known = served | counted_names()
    for where, expr in exprs:
        for metric in METRIC.findall(expr):
            if metric not in known:
                problems.append(f"{where}: {metric} is not a metric the daemons export")
    for p in problems:
        print(f"check_deploy: {p}", file=sys.stderr)
    print(f"check_deploy: {len(exprs)} expressions, {len(served)} metrics served, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
