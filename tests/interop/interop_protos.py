"""Generates Python code from tests/interop/protos (the independent protos) into a temp dir at start-up.

Uses Debian's python3-grpc-tools (grpc_tools.protoc). The generated grpc.health.v1 module is loaded by
file path under another name: a generated top-level `grpc` directory would otherwise clash with grpcio.
"""
import importlib.util
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROTOS = os.path.join(HERE, "protos")
FILES = [
    "envoy/config/core/v3/base.proto",
    "envoy/type/v3/http_status.proto",
    "envoy/extensions/filters/http/ext_proc/v3/processing_mode.proto",
    "envoy/service/ext_proc/v3/external_processor.proto",
    "grpc/health/v1/health.proto",
]


class Protos:
    pass


def load():
    try:
        import grpc_tools
        from grpc_tools import protoc
    except ImportError as e:  # the C# fixture turns this into a failed test
        sys.exit(f"INTEROP-SETUP-ERROR python3-grpc-tools is not importable by {sys.executable}: {e}")
    out = tempfile.mkdtemp(prefix="llmd-interop-py-")
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    rc = protoc.main(["protoc", f"-I{PROTOS}", f"-I{include}", f"--python_out={out}"] + FILES)
    if rc != 0:
        sys.exit(f"INTEROP-SETUP-ERROR grpc_tools.protoc failed with exit code {rc}")
    sys.path.insert(0, out)
    p = Protos()
    from envoy.config.core.v3 import base_pb2
    from envoy.type.v3 import http_status_pb2
    from envoy.extensions.filters.http.ext_proc.v3 import processing_mode_pb2
    from envoy.service.ext_proc.v3 import external_processor_pb2
    spec = importlib.util.spec_from_file_location(
        "interop_health_pb2", os.path.join(out, "grpc", "health", "v1", "health_pb2.py"))
    health_pb2 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(health_pb2)
    p.base, p.status, p.mode, p.ext, p.health = (
        base_pb2, http_status_pb2, processing_mode_pb2, external_processor_pb2, health_pb2)
    p.out_dir = out
    return p


def cleanup(p):
    shutil.rmtree(p.out_dir, ignore_errors=True)
