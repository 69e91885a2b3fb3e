#!/usr/bin/python3
"""A real grpcio ext_proc client (Debian python3-grpcio) against the simulated EPP.

Reuses tests/interop/interop_protos.py (the independent protos under tests/interop/protos, compiled at start).
Usage: epp_client.py <interop-dir> <host:port> <epp-cert-pem> <health host:port> <mode>
  mode "route": a FULL_DUPLEX_STREAMED conversation (headers, body in 3 chunks without waiting, then response headers)
  mode "503":   the same request against an EPP without ready pods
Prints one JSON object with what the EPP answered; exits non-zero on any gRPC error.
"""
import json
import sys

import grpc

sys.path.insert(0, sys.argv[1])
import interop_protos  # noqa: E402

P = interop_protos.load()
ext, base, health, mode_pb = P.ext, P.base, P.health, P.mode
target, cert_file, health_target, mode = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
BODY = json.dumps({"model": "Qwen/Qwen3-0.6B", "messages": [{"role": "user", "content": "hello from grpcio"}],
                   "max_tokens": 4, "stream": False}).encode()


def hv(key, value):
    return base.HeaderValue(key=key, raw_value=value.encode())


def requests():
    headers = base.HeaderMap(headers=[hv(":authority", "gw.example"), hv(":path", "/v1/chat/completions"),
                                      hv(":method", "POST"), hv(":scheme", "https"),
                                      hv("content-type", "application/json"), hv("content-length", str(len(BODY))),
                                      hv("x-request-id", "grpcio-1")])
    fds = mode_pb.ProcessingMode.FULL_DUPLEX_STREAMED
    yield ext.ProcessingRequest(request_headers=ext.HttpHeaders(headers=headers, end_of_stream=False),
                                protocol_config=ext.ProtocolConfiguration(request_body_mode=fds, response_body_mode=fds))
    third = len(BODY) // 3 + 1
    chunks = [BODY[i:i + third] for i in range(0, len(BODY), third)]
    for i, chunk in enumerate(chunks):
        yield ext.ProcessingRequest(request_body=ext.HttpBody(body=chunk, end_of_stream=i == len(chunks) - 1))
    # Envoy sends response headers only after upstream answered; waiting for the body answers is enough here.
    while not state["body_done"] and not state["immediate"]:
        state["event"].wait(0.01)
    if not state["immediate"]:
        yield ext.ProcessingRequest(response_headers=ext.HttpHeaders(
            headers=base.HeaderMap(headers=[hv(":status", "200"), hv("content-type", "application/json")]), end_of_stream=False))


import threading  # noqa: E402

state = {"body_done": False, "immediate": False, "event": threading.Event()}
with open(cert_file, "rb") as f:
    creds = grpc.ssl_channel_credentials(root_certificates=f.read())
out = {"messages": [], "set_headers": {}, "body": "", "metadata": None, "immediate": None, "response_headers": {}}
with grpc.secure_channel(target, creds, options=[("grpc.ssl_target_name_override", "localhost")]) as channel:
    process = channel.stream_stream("/envoy.service.ext_proc.v3.ExternalProcessor/Process",
                                    request_serializer=ext.ProcessingRequest.SerializeToString,
                                    response_deserializer=ext.ProcessingResponse.FromString)
    for resp in process(requests(), timeout=10):
        kind = resp.WhichOneof("response")
        out["messages"].append(kind)
        if kind == "request_headers":
            common = resp.request_headers.response
            out["clear_route_cache"] = common.clear_route_cache
            for h in common.header_mutation.set_headers:
                out["set_headers"][h.header.key] = (h.header.raw_value or h.header.value.encode()).decode()
            if resp.HasField("dynamic_metadata"):
                lb = resp.dynamic_metadata.fields["envoy.lb"].struct_value
                out["metadata"] = lb.fields["x-gateway-destination-endpoint"].string_value
        elif kind == "request_body":
            streamed = resp.request_body.response.body_mutation.streamed_response
            out["body"] += streamed.body.decode()
            if streamed.end_of_stream:
                state["body_done"] = True
        elif kind == "response_headers":
            for h in resp.response_headers.response.header_mutation.set_headers:
                out["response_headers"][h.header.key] = (h.header.raw_value or h.header.value.encode()).decode()
        elif kind == "immediate_response":
            ir = resp.immediate_response
            out["immediate"] = {"status": ir.status.code, "body": ir.body.decode()}
            state["immediate"] = True
        state["event"].set()
    with grpc.insecure_channel(health_target) as hc:
        check = hc.unary_unary("/grpc.health.v1.Health/Check",
                               request_serializer=health.HealthCheckRequest.SerializeToString,
                               response_deserializer=health.HealthCheckResponse.FromString)
        out["health"] = health.HealthCheckResponse.ServingStatus.Name(
            check(health.HealthCheckRequest(service="readiness"), timeout=5).status)
interop_protos.cleanup(P)
print(json.dumps(out))
