#!/usr/bin/env python3
"""Writes the KServe controller objects as KServe before opendatahub-io/kserve 8cb87c406 (#1299) created them: only
the monitors that rename every series to kserve_$1, none of the "-default" monitors that keep vLLM's own names.
Reads kserve-3cf0a0416-llmisvc-monitors/bundle/controller-objects.handmade.yaml, keeps every document except the
PodMonitor/ServiceMonitor whose name ends in "-default", and replaces the header comment.

usage: drop-kserve-default-monitors.py SOURCE TARGET
"""
import re
import sys

HEADER = """# Hand-made (see ../SOURCES.md) by ../../tools/drop-kserve-default-monitors.py: the objects of
# ../../kserve-3cf0a0416-llmisvc-monitors/bundle/controller-objects.handmade.yaml as KServe created them from
# opendatahub-io/kserve 1be7777b3 (#1164) until 8cb87c406 (#1299): the same Services, pods and Secret, and only the
# two monitors that rename every series to kserve_$1 (no "-default" monitors yet).
"""

source, target = sys.argv[1], sys.argv[2]
text = open(source, encoding="utf-8").read()
docs = [d for d in text.split("\n---\n")]
body = docs[0].split("\n")
docs[0] = "\n".join(line for line in body if not line.startswith("#"))
kept = [d for d in docs if not re.search(r"^kind: (PodMonitor|ServiceMonitor)\n(.*\n)*?  name: \S+-default$", d, re.M)]
with open(target, "w", encoding="utf-8") as out:
    out.write(HEADER + "\n---\n".join(kept))
