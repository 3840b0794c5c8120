"""Loads an exported Python-backend model the way Triton's stub does and runs requests through it.

usage: run_model.py MODEL_DIR REQUESTS RESPONSES [--cancel-after N]

MODEL_DIR is <repository>/relayout. REQUESTS holds frames (relayout_wire) of {"parameters": {...}} with
the request's input tensors; they go to one execute() call, as Triton's scheduler may batch them.
RESPONSES gets one frame per response: {"error": {"code", "message"}} or the output tensors with
{"parameters": ...}. BLS requests go to the fake pb_utils beside this file ($RELAYOUT_BLS_ENDPOINT).
$NODE_BINARY is the Node executable model.py starts.
"""
import argparse
import importlib.util
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model_dir")
    parser.add_argument("requests")
    parser.add_argument("responses")
    parser.add_argument("--cancel-after", type=int, default=None, help="requests report cancelled after N checks")
    args = parser.parse_args()

    version_dir = os.path.join(args.model_dir, "1")
    sys.path.insert(0, version_dir)  # relayout_wire, shipped beside model.py
    sys.path.insert(0, HERE)  # the fake triton_python_backend_utils (it uses relayout_wire too)
    import relayout_wire as wire
    import triton_python_backend_utils as pb_utils

    spec = importlib.util.spec_from_file_location("model", os.path.join(version_dir, "model.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.TritonPythonModel()
    config = {"name": "relayout", "backend": "python", "parameters": {"NODE": {"string_value": os.environ.get("NODE_BINARY", "node")}}}
    model.initialize({
        "model_config": json.dumps(config),
        "model_instance_kind": "CPU",
        "model_instance_device_id": "0",
        "model_repository": os.path.dirname(os.path.abspath(args.model_dir)),
        "model_version": "1",
        "model_name": "relayout",
    })

    requests = []
    with open(args.requests, "rb") as f:
        stream = io.BytesIO(f.read())
    while stream.tell() < len(stream.getbuffer()):
        header, tensors = wire.read_frame(stream)
        requests.append(pb_utils.InferenceRequest(
            inputs=[pb_utils.Tensor(name, array) for name, array in tensors],
            parameters=header.get("parameters", {}),
            cancel_after=args.cancel_after,
        ))
    responses = model.execute(requests)
    if len(responses) != len(requests):
        raise SystemExit("execute returned %d responses for %d requests" % (len(responses), len(requests)))

    host = model.host
    model.finalize()
    with open(args.responses, "wb") as out:
        for r in responses:
            if r.has_error():
                wire.write_frame(out, {"error": {"code": r.error().code(), "message": r.error().message()}})
            else:
                wire.write_frame(out, {"parameters": json.loads(r.parameters())}, [(t.name(), t.as_numpy()) for t in r.output_tensors()])
    # finalize() must leave no host process behind.
    print(json.dumps({"hostExit": host.returncode if host else None, "cancelChecks": [r.cancel_checks for r in requests]}))


if __name__ == "__main__":
    main()
