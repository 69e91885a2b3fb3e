#!/usr/bin/env python3
"""Wraps a Grafana dashboard JSON file in the ConfigMap llm-d's dashboard loader makes of it, so a bundle can carry it.

llm-d's guides/recipes/observability/load-llm-d-dashboards.sh (run after install-prometheus-grafana.sh installs
kube-prometheus-stack with the Grafana dashboard sidecar on) runs, for each <name>.json (llm-d history as carried by
zetxqx/llm-d @7edda66d76ccdb55e8c1cb1d4ce0cf0a854eae3f):
    kubectl create configmap <name> --from-file=<name>.json=<file> --namespace=<ns> --dry-run=client -o yaml \
      | kubectl label -f - grafana_dashboard=1 --local --dry-run=client -o yaml | kubectl apply -f -
(The older docs/monitoring/scripts/ copy of the loader named the ConfigMap llmd-<name>.) The Grafana sidecar loads
every ConfigMap labelled grafana_dashboard. This script writes the same object: name <name>, label
grafana_dashboard: "1", one data key <name>.json holding the file unchanged. The value is written
as a YAML double-quoted (JSON) string rather than kubectl's block scalar, so the text survives byte for byte.

usage: wrap-dashboard-configmap.py NAMESPACE DASHBOARD.json TARGET.yaml
"""
import json
import os
import sys

namespace, source, target = sys.argv[1], sys.argv[2], sys.argv[3]
name = os.path.basename(source)[: -len(".json")]
text = open(source, encoding="utf-8").read()
json.loads(text)  # refuse to wrap something that is not JSON
with open(target, "w", encoding="utf-8") as out:
    out.write(f"""# Hand-made (see ../SOURCES.md) by ../../tools/wrap-dashboard-configmap.py from ../upstream/{name}.json:
# the ConfigMap llm-d's load-llm-d-dashboards.sh creates for it (kubectl create configmap --from-file + label).
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
  namespace: {namespace}
  labels:
    grafana_dashboard: "1"
data:
  {name}.json: {json.dumps(text, ensure_ascii=False)}
""")
