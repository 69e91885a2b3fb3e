#!/usr/bin/python3
"""Interop peer for llm-d doctor's gRPC client: a real grpcio server (Debian python3-grpcio).

Serves, on 127.0.0.1 with free ports:
  * envoy.service.ext_proc.v3.ExternalProcessor/Process behaving like GIE's EPP
    (pkg/epp/handlers/server.go @v1.0.0, see domain-facts.md §3.1), over h2c and, with --tls-cert/--tls-key, TLS;
  * grpc.health.v1.Health/Check like the EPP's health server (cmd/epp/runner/health.go);
  * a plain HTTP/1.1 server (http.server) as the "not a gRPC peer".
Prints "READY h2c=<port> tls=<port|0> http1=<port>" and runs until stdin closes.

Per-call behaviour is chosen with request metadata x-interop-mode (default: --mode):
  epp              FULL_DUPLEX_STREAMED EPP: wait for the whole body, then headers response + streamed body
  epp-buffered     pre-v0.4 non-streaming EPP: one answer per message; endpoint on the body response
  immediate-503    ImmediateResponse 503 "inference gateway: ServiceUnavailable - ..."
  abort-midstream  headers response, then abort INTERNAL with a message that needs percent-encoding
  trailers-only    abort before any message with x-interop-code (default UNIMPLEMENTED)
  never-answer     read everything, answer nothing
  big-message      headers response carrying a 2 MiB header value
"""
import argparse
import http.server
import socket
import json
import sys
import threading
import time
from concurrent import futures

import grpc

import interop_protos

P = interop_protos.load()
ext, base, health = P.ext, P.base, P.health

DEST = "x-gateway-destination-endpoint"
ABORT_MESSAGE = "scheduler crashed: 100% of pods gone \u2014 r\u00e9essayez"


def header(key, value):
    return base.HeaderValueOption(header=base.HeaderValue(key=key, raw_value=value.encode()))


def header_value(h):
    return h.raw_value.decode() if h.raw_value else h.value


class ExtProc:
    def __init__(self, args):
        self.args = args

    def process(self, request_iterator, context):
        md = dict(context.invocation_metadata())
        mode = md.get("x-interop-mode", self.args.mode)
        endpoint = md.get("x-interop-endpoint", self.args.endpoint)
        if mode == "trailers-only":  # before any header is sent, so grpcio answers trailers-only
            code = getattr(grpc.StatusCode, md.get("x-interop-code", "UNIMPLEMENTED"))
            context.abort(code, f"ext_proc refused: {code.name.lower()}")
        context.send_initial_metadata((("x-interop-echo", md.get("x-interop-echo", "")),))
        context.set_trailing_metadata((("x-interop-trailer", "done"),))
        headers, body = {}, b""
        for req in request_iterator:
            kind = req.WhichOneof("request")
            if mode == "never-answer":
                continue
            if kind == "request_headers":
                headers = {h.key: header_value(h) for h in req.request_headers.headers.headers}
                if mode == "epp-buffered":
                    yield ext.ProcessingResponse(request_headers=ext.HeadersResponse(response=ext.CommonResponse()))
                    continue
                if req.request_headers.end_of_stream:  # GET: pick right away (GIE picks a random pod)
                    yield self.headers_response(endpoint, headers, b"")
                continue
            if kind == "request_body":
                body += req.request_body.body
                if not req.request_body.end_of_stream:
                    continue
                yield from self.on_body(mode, endpoint, headers, body, context)
                continue
            if kind == "response_headers":
                yield ext.ProcessingResponse(response_headers=ext.HeadersResponse(response=ext.CommonResponse(
                    header_mutation=ext.HeaderMutation(set_headers=[header("x-went-into-resp-headers", "true")]))))
                continue
            # request/response trailers and response bodies: GIE ignores them ("currently unused").
        if mode == "never-answer":
            while context.is_active():
                time.sleep(0.05)

    def on_body(self, mode, endpoint, headers, body, context):
        if mode == "immediate-503":
            yield immediate(503, "ServiceUnavailable", "failed to find candidate pods for serving the request")
            return
        try:
            remarshalled = json.dumps(json.loads(body), separators=(",", ":"), sort_keys=True).encode()
        except ValueError:
            yield immediate(400, "BadRequest", "Error unmarshaling request body")
            return
        if mode == "big-message":
            yield ext.ProcessingResponse(request_headers=ext.HeadersResponse(response=ext.CommonResponse(
                header_mutation=ext.HeaderMutation(set_headers=[header("x-big", "x" * (2 * 1024 * 1024))]))))
            return
        if mode == "epp-buffered":
            resp = self.headers_response(endpoint, headers, remarshalled)
            common = resp.request_headers.response
            common.body_mutation.body = remarshalled
            yield ext.ProcessingResponse(request_body=ext.BodyResponse(response=common),
                                         dynamic_metadata=resp.dynamic_metadata)
            return
        yield self.headers_response(endpoint, headers, remarshalled)
        if mode == "abort-midstream":
            context.abort(grpc.StatusCode.INTERNAL, ABORT_MESSAGE)
        chunk = self.args.chunk
        pieces = [remarshalled[i:i + chunk] for i in range(0, len(remarshalled), chunk)] or [b""]
        for i, piece in enumerate(pieces):
            yield ext.ProcessingResponse(request_body=ext.BodyResponse(response=ext.CommonResponse(
                body_mutation=ext.BodyMutation(streamed_response=ext.StreamedBodyResponse(
                    body=piece, end_of_stream=(i == len(pieces) - 1))))))

    @staticmethod
    def headers_response(endpoint, headers, body):
        sets = [header(DEST, endpoint)]
        if body:
            sets.append(header("Content-Length", str(len(body))))
        sets += [header(k, v) for k, v in headers.items() if not k.startswith(":") and k.lower() != "content-length"]
        resp = ext.ProcessingResponse(request_headers=ext.HeadersResponse(response=ext.CommonResponse(
            clear_route_cache=True, header_mutation=ext.HeaderMutation(set_headers=sets))))
        resp.dynamic_metadata.update({"envoy.lb": {DEST: endpoint}})
        return resp


def immediate(code, name, message):
    # GIE pkg/epp/util/error/error.go: "inference gateway: <Code> - <Msg>"
    return ext.ProcessingResponse(immediate_response=ext.ImmediateResponse(
        status=P.status.HttpStatus(code=code), body=f"inference gateway: {name} - {message}".encode()))


class Health:
    SERVING = {"", "liveness", "readiness", "envoy.service.ext_proc.v3.ExternalProcessor"}

    def check(self, request, context):
        if request.service in self.SERVING:
            return health.HealthCheckResponse(status=health.HealthCheckResponse.SERVING)
        if request.service == "not-serving":
            return health.HealthCheckResponse(status=health.HealthCheckResponse.NOT_SERVING)
        context.abort(grpc.StatusCode.NOT_FOUND, "unknown service")


class Http1Only(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self):
        body = b"not a gRPC server\n"
        self.send_response(404)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PRI = _answer

    def finish(self):
        # Close the way real HTTP/1.1 servers do (nginx's lingering_close): stop writing, then read and drop what the
        # client still sends. Python's http.server closes at once; an h2c client's preface, SETTINGS and HEADERS are
        # then unread, the kernel answers with a RST instead of a FIN, and the RST discards the 505 already sent
        # before the client reads it, so the client sometimes sees only "connection reset" (a flaky test).
        super().finish()
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(2)
            while self.connection.recv(65536):
                pass
        except OSError:
            pass

    def log_message(self, *args):
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="epp")
    ap.add_argument("--endpoint", default="10.0.0.7:8000")
    ap.add_argument("--chunk", type=int, default=64)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    args = ap.parse_args()

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=32), options=[
        ("grpc.max_send_message_length", 16 * 1024 * 1024),
        ("grpc.so_reuseport", 0),
    ])
    proc = ExtProc(args)
    server.add_generic_rpc_handlers((
        grpc.method_handlers_generic_handler("envoy.service.ext_proc.v3.ExternalProcessor", {
            "Process": grpc.stream_stream_rpc_method_handler(
                proc.process,
                request_deserializer=ext.ProcessingRequest.FromString,
                response_serializer=ext.ProcessingResponse.SerializeToString),
        }),
        grpc.method_handlers_generic_handler("grpc.health.v1.Health", {
            "Check": grpc.unary_unary_rpc_method_handler(
                Health().check,
                request_deserializer=health.HealthCheckRequest.FromString,
                response_serializer=health.HealthCheckResponse.SerializeToString),
        }),
    ))
    h2c = server.add_insecure_port("127.0.0.1:0")
    tls = 0
    if args.tls_cert:
        with open(args.tls_key, "rb") as k, open(args.tls_cert, "rb") as c:
            tls = server.add_secure_port("127.0.0.1:0", grpc.ssl_server_credentials([(k.read(), c.read())]))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Http1Only)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    server.start()
    print(f"READY h2c={h2c} tls={tls} http1={httpd.server_address[1]}", flush=True)
    try:
        sys.stdin.read()  # until the test process closes our stdin (or dies)
    finally:
        server.stop(0)
        httpd.shutdown()
        interop_protos.cleanup(P)


if __name__ == "__main__":
    main()
