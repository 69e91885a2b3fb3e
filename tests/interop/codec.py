#!/usr/bin/python3
"""Cross-encoding peer: decodes/encodes protobuf messages with the Python runtime and the independent protos.

stdin, one request per line:   decode <message full name> <base64 bytes>
                               encode <message full name> <JSON (proto3 JSON mapping)>
stdout, one answer per line:   OK <JSON (proto field names, enums as numbers)>  |  OK <base64 bytes>  |  ERR <reason>
"""
import base64
import sys

import interop_protos
from google.protobuf import json_format, symbol_database


def main():
    p = interop_protos.load()
    db = symbol_database.Default()
    types = {
        "grpc.health.v1.HealthCheckResponse": p.health.HealthCheckResponse,
        "grpc.health.v1.HealthCheckRequest": p.health.HealthCheckRequest,
    }
    try:
        for line in sys.stdin:
            line = line.rstrip("\n")
            if not line:
                continue
            op, name, payload = line.split(" ", 2)
            try:
                cls = types.get(name) or db.GetSymbol(name)
                if op == "decode":
                    msg = cls.FromString(base64.b64decode(payload))
                    text = json_format.MessageToJson(
                        msg, preserving_proto_field_name=True, use_integers_for_enums=True, indent=None)
                    print("OK " + text, flush=True)
                elif op == "encode":
                    msg = json_format.Parse(payload, cls())
                    print("OK " + base64.b64encode(msg.SerializeToString()).decode(), flush=True)
                else:
                    print("ERR unknown op " + op, flush=True)
            except Exception as e:  # report, keep serving the batch
                print(f"ERR {type(e).__name__}: {e}".replace("\n", " "), flush=True)
    finally:
        interop_protos.cleanup(p)


if __name__ == "__main__":
    main()
