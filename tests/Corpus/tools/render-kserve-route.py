#!/usr/bin/env python3
"""Renders KServe's LLMInferenceServiceConfig router-route template into the HTTPRoute the controller would
create for one LLMInferenceService, the way pkg/controller/v1alpha2/llmisvc/router.go names it
(kmeta.ChildName(name, "-kserve-route")). Only the template expressions these templates use are supported.
Usage: render-kserve-route.py TEMPLATE NAMESPACE NAME MODEL GATEWAY_NS GATEWAY [CREATED]  > httproute.yaml"""
import sys, yaml

template, ns, name, model, gw_ns, gw = sys.argv[1:7]
created = sys.argv[7] if len(sys.argv) > 7 else None
text = open(template).read()
values = {
    "{{ .GlobalConfig.IngressGatewayName }}": gw,
    "{{ .GlobalConfig.IngressGatewayNamespace }}": gw_ns,
    "{{ .GlobalConfig.ModelBasedRoutingHeaderName }}": "X-Gateway-Model-Name",  # DefaultModelBasedRoutingHeaderName
    "{{ ChildName .ObjectMeta.Name `-inference-pool` }}": name + "-inference-pool",
    "{{ ChildName .ObjectMeta.Name `-kserve-workload-svc` }}": name + "-kserve-workload-svc",
    "{{ .ObjectMeta.Namespace }}": ns,
    "{{ .ObjectMeta.Name }}": name,
    "{{ .Spec.Model.Name }}": model,
}
for k, v in values.items():
    text = text.replace(k, v)
if "{{" in text:
    sys.exit("unrendered template expression left: " + text[text.index("{{"):][:80])
config = yaml.safe_load(text)
meta = {"name": name + "-kserve-route", "namespace": ns,
        "labels": {"app.kubernetes.io/component": "llminferenceservice-router", "app.kubernetes.io/name": name}}
if created:
    meta["creationTimestamp"] = created
route = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": meta,
         "spec": config["spec"]["router"]["route"]["http"]["spec"]}
print(yaml.safe_dump(route, sort_keys=False), end="")
