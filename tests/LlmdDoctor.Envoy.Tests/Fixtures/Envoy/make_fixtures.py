#!/usr/bin/env python3
"""Synthesizes the Envoy scenario fixtures (bundle layout, design.md section 9).

Shapes follow reference/domain-facts.md: the base ext_proc filter Istio installs for InferencePool gateways
(section 1.2), the per-route ExtProcPerRoute override (1.3), route naming (1.4) and the admin config_dump
JSON (section 8: proto field names, defaults omitted, enums as names). Run it from this directory; the tests
read the files it writes, not this script.
"""
import hashlib, json, os, shutil

HERE = os.path.dirname(os.path.abspath(__file__))
EXT_PROC = "envoy.filters.http.ext_proc"
PER_ROUTE = "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute"


def shadow(pool, ns):
    h = hashlib.sha256(pool.encode()).hexdigest()[:8]
    return f"outbound|54321||{pool}-ip-{h}.{ns}.svc.cluster.local"


def epp_cluster(svc, ns, port=9002):
    return f"outbound|{port}||{svc}.{ns}.svc.cluster.local"


def bootstrap(pod, ns, istio, envoy, camel=False):
    major, minor, patch = envoy
    version = {"major_number": major, "minor_number": minor}
    if patch:
        version["patch"] = patch
    build = {"version": version, "metadata": {"build.type": "RELEASE", "revision.sha": "0" * 40,
                                              "revision.status": "Clean", "ssl.version": "BoringSSL"}}
    node = {"id": f"router~10.128.0.10~{pod}.{ns}~{ns}.svc.cluster.local", "cluster": pod.rsplit("-", 2)[0] + "." + ns,
            "metadata": {"ISTIO_VERSION": istio, "NAMESPACE": ns, "CLUSTER_ID": "Kubernetes"},
            "user_agent_name": "envoy", "user_agent_build_version": build}
    if camel:
        node["userAgentBuildVersion"] = {"version": {"majorNumber": major, "minorNumber": minor, "patch": patch}}
        del node["user_agent_build_version"]
    return {"@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump",
            "bootstrap": {"node": node, "admin": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": 15000}}}},
            "last_updated": "2025-11-20T10:00:00.000Z"}


def base_ext_proc():
    # istio pilot/pkg/xds/filters/filters.go InferencePoolExtProc, as rendered in a config_dump.
    return {"name": EXT_PROC, "typed_config": {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor",
        "grpc_service": {"envoy_grpc": {"cluster_name": "dummy"}, "timeout": "10s"},
        "failure_mode_allow": True,
        "processing_mode": {"request_header_mode": "SKIP", "response_header_mode": "SKIP"},
        "message_timeout": "1000s",
        "metadata_options": {"forwarding_namespaces": {"untyped": ["envoy.lb"]},
                             "receiving_namespaces": {"untyped": ["envoy.lb"]}}}}


def listeners(with_ext_proc=True):
    filters = [{"name": "istio.metadata_exchange", "typed_config": {"@type": "type.googleapis.com/udpa.type.v1.TypedStruct",
                                                                   "type_url": "type.googleapis.com/io.istio.http.peer_metadata.Config", "value": {}}}]
    if with_ext_proc:
        filters.append(base_ext_proc())
    filters.append({"name": "envoy.filters.http.router", "typed_config": {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}})
    hcm = {"@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
           "stat_prefix": "outbound_0.0.0.0_80",
           "rds": {"config_source": {"ads": {}, "initial_fetch_timeout": "0s", "resource_api_version": "V3"}, "route_config_name": "http.80"},
           "http_filters": filters, "use_remote_address": True, "normalize_path": True}
    listener = {"@type": "type.googleapis.com/envoy.config.listener.v3.Listener", "name": "0.0.0.0_80",
                "address": {"socket_address": {"address": "0.0.0.0", "port_value": 80}},
                "filter_chains": [{"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": hcm}]}],
                "traffic_direction": "OUTBOUND"}
    return {"@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump", "version_info": "2025-11-20T10:00:00Z/12",
            "dynamic_listeners": [{"name": "0.0.0.0_80", "active_state": {"version_info": "2025-11-20T10:00:00Z/12",
                                                                            "listener": listener, "last_updated": "2025-11-20T10:00:00.000Z"}}]}


def clusters(names):
    return {"@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump", "version_info": "2025-11-20T10:00:00Z/12",
            "static_clusters": [{"cluster": {"@type": "type.googleapis.com/envoy.config.cluster.v3.Cluster", "name": "prometheus_stats",
                                             "type": "STATIC"}, "last_updated": "2025-11-20T10:00:00.000Z"}],
            "dynamic_active_clusters": [{"version_info": "2025-11-20T10:00:00Z/12", "cluster": {
                "@type": "type.googleapis.com/envoy.config.cluster.v3.Cluster", "name": n, "type": "EDS",
                "connect_timeout": "10s"}, "last_updated": "2025-11-20T10:00:00.000Z"} for n in names]}


def per_route(body, cluster, trailers=False, fma=None):
    mode = {"request_header_mode": "SEND", "response_header_mode": "SEND", "request_body_mode": body, "response_body_mode": body}
    if trailers:
        mode["request_trailer_mode"] = "SEND"
        mode["response_trailer_mode"] = "SEND"
    overrides = {"processing_mode": mode, "grpc_service": {"envoy_grpc": {"cluster_name": cluster}}}
    if fma is not None:
        overrides["failure_mode_allow"] = fma
    return {"@type": PER_ROUTE, "overrides": overrides}


# The listener each fixture HTTPRoute attaches to. Istio >= 1.26 merges a listener's HTTPRoutes into one generated
# VirtualService named <gwns>~<gw>-istio-autogenerated-k8s-gateway-<listener>~<host> (istio
# pilot/pkg/config/kube/gateway/route_collections.go mergeHTTPRoutes, pkg/config/gateway/kube/gatewayapi.go
# InternalGatewayName @1.27.0); routes carry it as metadata.filter_metadata.istio.config.
ROUTE_LISTENER = {
    "qwen3-0-6b-kserve-route": ("openshift-ingress", "openshift-ai-inference", "http"),
    "maas-model-route": ("openshift-ingress", "maas-gateway", "http"),
    "model-a-route": ("llm-d", "inference-gateway", "http"),
    "model-b-route": ("llm-d", "inference-gateway", "http"),
}


def route(name, prefix, cluster, ext=None, ns="default", httproute="r"):
    gw_ns, gw, listener = ROUTE_LISTENER.get(httproute, ("default", "gateway", "http"))
    r = {"name": name, "match": {"prefix": prefix, "case_sensitive": True},
         "route": {"cluster": cluster, "timeout": "0s", "retry_policy": {"retry_on": "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes", "num_retries": 2}, "max_grpc_timeout": "0s"},
         "metadata": {"filter_metadata": {"istio": {"config": f"/apis/networking.istio.io/v1/namespaces/{ns}/virtual-service/{gw_ns}~{gw}-istio-autogenerated-k8s-gateway-{listener}~*"}}},
         "decorator": {"operation": f"{cluster.split('||')[-1]}:80/*"}}
    if ext is not None:
        r["typed_per_filter_config"] = {EXT_PROC: ext}
    return r


def routes_dump(route_list):
    return {"@type": "type.googleapis.com/envoy.admin.v3.RoutesConfigDump",
            "dynamic_route_configs": [{"version_info": "2025-11-20T10:00:00Z/12", "route_config": {
                "@type": "type.googleapis.com/envoy.config.route.v3.RouteConfiguration", "name": "http.80",
                "virtual_hosts": [{"name": "*:80", "domains": ["*"], "routes": route_list, "include_request_attempt_count": True}],
                "validate_clusters": False, "ignore_port_in_host_matching": True},
                "last_updated": "2025-11-20T10:00:00.000Z"}]}


def dump(pod, ns, istio, envoy, route_list, cluster_names, extra=None, camel=False, with_listeners=True):
    configs = [bootstrap(pod, ns, istio, envoy, camel), clusters(cluster_names)]
    if with_listeners:
        configs.append(listeners())
    configs += [{"@type": "type.googleapis.com/envoy.admin.v3.ScopedRoutesConfigDump"}, routes_dump(route_list),
                {"@type": "type.googleapis.com/envoy.admin.v3.SecretsConfigDump", "dynamic_active_secrets": [{"name": "default"}]}]
    if extra:
        configs += extra
    return {"configs": configs}


def kserve_routes(ns, httproute, pool, epp, body, trailers=False, fma=None):
    """KServe's three rules: 0 /v1/completions and 1 /v1/chat/completions to the pool, 2 the catch-all Service."""
    prefix = f"/{ns}/qwen3-0-6b"
    ext = per_route(body, epp, trailers, fma)
    return [
        route(f"{ns}.{httproute}.1", f"{prefix}/v1/chat/completions", shadow(pool, ns), ext, ns, httproute),
        route(f"{ns}.{httproute}.0", f"{prefix}/v1/completions", shadow(pool, ns), ext, ns, httproute),
        route(f"{ns}.{httproute}.2", prefix, f"outbound|8000||qwen3-0-6b-kserve-workload-svc.{ns}.svc.cluster.local", None, ns, httproute),
    ]


def gateway(ns, name, cls="openshift-ai-inference"):
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": name, "namespace": ns},
            "spec": {"gatewayClassName": cls, "listeners": [{"name": "http", "port": 80, "protocol": "HTTP", "allowedRoutes": {"namespaces": {"from": "All"}}}]},
            "status": {"addresses": [{"type": "IPAddress", "value": f"{name}.example.com"}],
                       "conditions": [{"type": "Accepted", "status": "True"}, {"type": "Programmed", "status": "True"}]}}


def gateway_pod(ns, gw, pod):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": pod, "namespace": ns,
            "labels": {"gateway.networking.k8s.io/gateway-name": gw, "istio.io/gateway-name": gw, "app": gw}},
            "spec": {"containers": [{"name": "istio-proxy", "image": "istio/proxyv2"}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}


def httproute(ns, name, gw_ns, gw, pool, pool_group, accepted=True, rules=3):
    prefix = f"/{ns}/qwen3-0-6b"
    pool_ref = {"group": pool_group, "kind": "InferencePool", "name": pool, "weight": 100}
    all_rules = [
        {"matches": [{"path": {"type": "PathPrefix", "value": f"{prefix}/v1/completions"}}], "backendRefs": [pool_ref]},
        {"matches": [{"path": {"type": "PathPrefix", "value": f"{prefix}/v1/chat/completions"}}], "backendRefs": [pool_ref]},
        {"matches": [{"path": {"type": "PathPrefix", "value": prefix}}],
         "backendRefs": [{"kind": "Service", "name": "qwen3-0-6b-kserve-workload-svc", "port": 8000}]},
    ][:rules]
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": name, "namespace": ns},
            "spec": {"parentRefs": [{"name": gw, "namespace": gw_ns}], "rules": all_rules},
            "status": {"parents": [{"parentRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": gw, "namespace": gw_ns},
                                    "controllerName": "istio.io/gateway-controller",
                                    "conditions": [{"type": "Accepted", "status": "True" if accepted else "False"},
                                                   {"type": "ResolvedRefs", "status": "True"}]}]}}


def pool_v1alpha2(ns, name, epp, failure):
    return {"apiVersion": "inference.networking.x-k8s.io/v1alpha2", "kind": "InferencePool", "metadata": {"name": name, "namespace": ns},
            "spec": {"selector": {"app": name}, "targetPortNumber": 8000,
                     "extensionRef": {"name": epp, "portNumber": 9002, "failureMode": failure}}}


def pool_v1(ns, name, epp, failure):
    return {"apiVersion": "inference.networking.k8s.io/v1", "kind": "InferencePool", "metadata": {"name": name, "namespace": ns},
            "spec": {"selector": {"matchLabels": {"app": name}}, "targetPorts": [{"number": 8000}],
                     "endpointPickerRef": {"name": epp, "port": {"number": 9002}, "failureMode": failure}}}


def service(ns, name, port):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
            "spec": {"selector": {"app": name}, "ports": [{"name": "p", "port": port}]}}


def write(scenario, objects, dumps, files=None):
    root = os.path.join(HERE, scenario)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    with open(os.path.join(root, "cluster.json"), "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": objects}, f, indent=1)
        f.write("\n")
    for (ns, pod), content in dumps.items():
        d = os.path.join(root, "envoy", ns, pod)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "config_dump.json"), "w") as f:
            if isinstance(content, str):
                f.write(content)
            else:
                json.dump(content, f, indent=1)
                f.write("\n")
    for rel, text in (files or {}).items():
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)


def seed_objects(with_fix, fix_routes=(1, 0)):
    ns, ing = "my-first-model", "openshift-ingress"
    pool, epp = "qwen3-0-6b-inference-pool", "qwen3-0-6b-epp-service"
    objs = [gateway(ing, "openshift-ai-inference"), gateway(ing, "maas-gateway"),
            gateway_pod(ing, "openshift-ai-inference", OAI_POD), gateway_pod(ing, "maas-gateway", MAAS_POD),
            httproute(ns, "qwen3-0-6b-kserve-route", ing, "openshift-ai-inference", pool, "inference.networking.x-k8s.io"),
            httproute(ns, "maas-model-route", ing, "maas-gateway", pool, "inference.networking.x-k8s.io"),
            pool_v1alpha2(ns, pool, epp, "FailOpen"), service(ns, epp, 9002), service(ns, "qwen3-0-6b-kserve-workload-svc", 8000)]
    return objs


OAI_POD = "openshift-ai-inference-openshift-ai-inference-7d9f8b6c5-x2x4p"
MAAS_POD = "maas-gateway-openshift-ai-inference-5f6d7c8b9-k9z7q"
SEED_NS, ING = "my-first-model", "openshift-ingress"
SEED_POOL, SEED_EPP = "qwen3-0-6b-inference-pool", "qwen3-0-6b-epp-service"
SEED_EPP_CLUSTER = epp_cluster(SEED_EPP, SEED_NS)
SEED_CLUSTERS = [shadow(SEED_POOL, SEED_NS), SEED_EPP_CLUSTER, f"outbound|8000||qwen3-0-6b-kserve-workload-svc.{SEED_NS}.svc.cluster.local", "BlackHoleCluster"]
OSSM = ("1.26.2-redhat", (1, 34, 1))


def seed_dump(pod, httproute, body_by_rule):
    routes = kserve_routes(SEED_NS, httproute, SEED_POOL, SEED_EPP_CLUSTER, "FULL_DUPLEX_STREAMED")
    for r in routes:
        rule = int(r["name"].rsplit(".", 1)[1])
        if rule in body_by_rule:
            r["typed_per_filter_config"][EXT_PROC] = per_route(body_by_rule[rule], SEED_EPP_CLUSTER)
    return dump(pod, ING, OSSM[0], OSSM[1], routes, SEED_CLUSTERS)


FIX_YAML = """# manifests/08-envoyfilter-fix-extproc-body.yaml of the public write-up (nirjhar17/llm-d-observability-openshift)
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: fix-extproc-body-mode
  namespace: openshift-ingress
spec:
  workloadSelector:
    labels:
      gateway.networking.k8s.io/gateway-name: openshift-ai-inference
  configPatches:
%s"""
FIX_PATCH = """  - applyTo: HTTP_ROUTE
    match:
      context: GATEWAY
      routeConfiguration:
        vhost:
          route:
            name: %s
    patch:
      operation: MERGE
      value:
        typed_per_filter_config:
          envoy.filters.http.ext_proc:
            "@type": type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute
            overrides:
              processing_mode:
                request_header_mode: SEND
                response_header_mode: SEND
                request_body_mode: BUFFERED
                response_body_mode: BUFFERED
              grpc_service:
                envoy_grpc:
                  cluster_name: "outbound|9002||qwen3-0-6b-epp-service.my-first-model.svc.cluster.local"
              failure_mode_allow: true
"""


def stats(cluster, connect_fail, verify_fail, total):
    p = f"cluster.{cluster}."
    return "\n".join([
        "server.live: 1",
        "this line is garbage",
        f"{p}upstream_cx_total: {total}",
        f"{p}upstream_cx_connect_fail: {connect_fail}",
        f"{p}ssl.fail_verify_error: {verify_fail}",
        f"{p}ssl.connection_error: 0",
        f"{p}upstream_rq_time: P0(nan,0) P25(nan,0) P50(nan,0) P75(nan,0) P90(nan,0) P95(nan,0) P99(nan,0) P99.5(nan,0) P99.9(nan,0) P100(nan,0)",
        f"cluster.outbound|8000||qwen3-0-6b-kserve-workload-svc.my-first-model.svc.cluster.local.upstream_cx_total: 40",
        "http.outbound_0.0.0.0_80.ext_proc.streams_failed: 7",
        ":: no name",
        "",
    ])


def clusters_text(cluster, connect_fail, flags):
    return "\n".join([
        f"{cluster}::observability_name::{cluster}",
        f"{cluster}::default_priority::max_connections::4294967295",
        f"{cluster}::added_via_api::true",
        f"{cluster}::10.128.2.15:9002::cx_active::0",
        f"{cluster}::10.128.2.15:9002::cx_connect_fail::{connect_fail}",
        f"{cluster}::10.128.2.15:9002::cx_total::{connect_fail}",
        f"{cluster}::10.128.2.15:9002::health_flags::{flags}",
        f"{cluster}::[fd00::15]:9002::cx_connect_fail::0",
        f"{cluster}::[fd00::15]:9002::health_flags::healthy",
        "garbage without separators",
        "",
    ])


def main():
    # 1. OSSM 1.26.2 (Envoy 1.34): the write-up's EnvoyFilter covers openshift-ai-inference, not maas-gateway.
    write("ossm-1.26.2-workaround", seed_objects(True), {
        (ING, OAI_POD): seed_dump(OAI_POD, "qwen3-0-6b-kserve-route", {0: "BUFFERED", 1: "BUFFERED"}),
        (ING, MAAS_POD): seed_dump(MAAS_POD, "maas-model-route", {}),
    }, {
        "envoyfilters.yaml": FIX_YAML % "".join(FIX_PATCH % f"my-first-model.qwen3-0-6b-kserve-route.{i}" for i in (1, 0)),
        f"envoy/{ING}/{MAAS_POD}/stats.txt": stats(SEED_EPP_CLUSTER, 12, 12, 12),
        f"envoy/{ING}/{MAAS_POD}/clusters.txt": clusters_text(SEED_EPP_CLUSTER, 12, "healthy"),
        f"envoy/{ING}/{OAI_POD}/stats.txt": stats(SEED_EPP_CLUSTER, 0, 0, 30),
        f"envoy/{ING}/{OAI_POD}/clusters.txt": clusters_text(SEED_EPP_CLUSTER, 0, "healthy"),
        f"envoy/{ING}/{OAI_POD}/server_info.json": json.dumps({"version": "3f5a1d2c/1.34.1/Clean/RELEASE/BoringSSL", "state": "LIVE"}) + "\n",
    })

    # 2. OSSM 1.26.2 without any workaround: both gateways stream full-duplex with fail-open.
    write("ossm-1.26.2-no-workaround", seed_objects(False), {
        (ING, OAI_POD): seed_dump(OAI_POD, "qwen3-0-6b-kserve-route", {}),
        (ING, MAAS_POD): seed_dump(MAAS_POD, "maas-model-route", {}),
    })

    # 3. A stale route name: the EnvoyFilter still patches a renamed route; rule 0 is left full-duplex.
    write("stale-route-name", seed_objects(True)[:1] + seed_objects(True)[2:3] + seed_objects(True)[4:5] + seed_objects(True)[6:], {
        (ING, OAI_POD): seed_dump(OAI_POD, "qwen3-0-6b-kserve-route", {1: "BUFFERED"}),
    }, {
        "envoyfilters.yaml": FIX_YAML % "".join(FIX_PATCH % n for n in ("my-first-model.qwen3-0-6b-kserve-route.1", "my-first-model.qwen3-old-route.1")),
    })

    # 4. Upstream Istio 1.27 (Envoy 1.35): the per-route failure_mode_allow exists and is honoured.
    ns, gw, gw_pod = "llm-d", "inference-gateway", "inference-gateway-istio-6b9c7d8f5-abcde"
    a_epp, b_epp = epp_cluster("model-a-epp", ns), epp_cluster("model-b-epp", ns)
    routes_127 = (kserve_routes(ns, "model-a-route", "model-a-pool", a_epp, "FULL_DUPLEX_STREAMED", fma=False)
                  + kserve_routes(ns, "model-b-route", "model-b-pool", b_epp, "FULL_DUPLEX_STREAMED", fma=True))
    write("istio-1.27-per-route-fail-mode", [
        gateway(ns, gw, "istio"), gateway_pod(ns, gw, gw_pod),
        httproute(ns, "model-a-route", ns, gw, "model-a-pool", "inference.networking.x-k8s.io"),
        httproute(ns, "model-b-route", ns, gw, "model-b-pool", "inference.networking.x-k8s.io"),
        pool_v1alpha2(ns, "model-a-pool", "model-a-epp", "FailClose"), pool_v1alpha2(ns, "model-b-pool", "model-b-epp", "FailOpen"),
        service(ns, "model-a-epp", 9002), service(ns, "model-b-epp", 9002), service(ns, "qwen3-0-6b-kserve-workload-svc", 8000),
    ], {(ns, gw_pod): dump(gw_pod, ns, "1.27.1", (1, 35, 3), routes_127, [a_epp, b_epp, shadow("model-a-pool", ns), shadow("model-b-pool", ns)])})

    # 5. Istio 1.28 (Envoy 1.36): trailer modes SEND, FailClose: healthy, nothing to report.
    routes_128 = kserve_routes(ns, "model-a-route", "model-a-pool", a_epp, "FULL_DUPLEX_STREAMED", trailers=True, fma=False)
    objects_128 = [
        gateway(ns, gw, "istio"), gateway_pod(ns, gw, gw_pod),
        httproute(ns, "model-a-route", ns, gw, "model-a-pool", "inference.networking.k8s.io"),
        pool_v1(ns, "model-a-pool", "model-a-epp", "FailClose"), service(ns, "model-a-epp", 9002),
        service(ns, "qwen3-0-6b-kserve-workload-svc", 8000),
    ]
    write("istio-1.28-healthy", objects_128, {(ns, gw_pod): dump(gw_pod, ns, "1.28.0", (1, 36, 2), routes_128, [a_epp, shadow("model-a-pool", ns)])}, {
        f"envoy/{ns}/{gw_pod}/stats.txt": stats(a_epp, 0, 0, 25),
        f"envoy/{ns}/{gw_pod}/clusters.txt": clusters_text(a_epp, 0, "healthy"),
    })

    # 6. Istio 1.28 with an accepted rule that the gateway has not programmed (route .2 missing).
    write("route-not-programmed", objects_128, {(ns, gw_pod): dump(gw_pod, ns, "1.28.0", (1, 36, 2), routes_128[:2], [a_epp])})

    # 7. A truncated dump: the gateway must not read as healthy.
    full = json.dumps(seed_dump(MAAS_POD, "maas-model-route", {}), indent=1)
    write("truncated", seed_objects(False), {
        (ING, OAI_POD): seed_dump(OAI_POD, "qwen3-0-6b-kserve-route", {0: "BUFFERED", 1: "BUFFERED"}),
        (ING, MAAS_POD): full[: len(full) * 2 // 3],
    })

    # 8. A future Envoy: unknown @types and fields everywhere, camelCase bootstrap, a route-only dump section.
    future = dump("future-gw-abc", "llm-d", "1.31.0", (1, 39, 0),
                  kserve_routes("llm-d", "model-a-route", "model-a-pool", a_epp, "FULL_DUPLEX_STREAMED", trailers=True, fma=False),
                  [a_epp], camel=True,
                  extra=[{"@type": "type.googleapis.com/envoy.admin.v3.FutureConfigDump", "configs": [{"routes": [1, 2, {"x": None}]}]},
                         {"@type": "type.googleapis.com/envoy.admin.v4.RoutesConfigDump", "dynamic_route_configs": "not what v3 had"}])
    future["configs"][4]["dynamic_route_configs"][0]["route_config"]["virtual_hosts"][0]["routes"][0]["brand_new_field"] = {"nested": [1, {"deep": True}]}
    future["configs"][4]["dynamic_route_configs"][0]["route_config"]["virtual_hosts"][0]["routes"][0]["typed_per_filter_config"]["envoy.filters.http.future"] = {"@type": "type.googleapis.com/envoy.future.v9.PerRoute", "x": 1}
    future["configs"][4]["dynamic_route_configs"][0]["future_state"] = {"a": [{"b": "c"}]}
    future["future_top_level"] = {"ignored": True}
    os.makedirs(os.path.join(HERE, "parser"), exist_ok=True)
    with open(os.path.join(HERE, "parser", "future-envoy.json"), "w") as f:
        json.dump(future, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
