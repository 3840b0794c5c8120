"""Triton Python-backend model `relayout`: the whole Relayout pipeline in one request.

Written into a model repository by `relayout export-triton`. Triton ensembles are fixed graphs, and the
pipeline needs a host loop between its stages (a number of refinement levels that depends on the edit,
graph cuts, crops), so this model runs that loop instead, through Business Logic Scripting: it starts
the Relayout engine's Node host (host/, next to this file) once per instance, hands it each request's
tensors, and runs every stage graph the host asks for as a BLS request to the stage model of the same
name in this repository. The engine itself is the same code the plugin and relayout-server run.

Config parameters (config.pbtxt): NODE, the Node.js (>= 18) executable; STAGE_PREFIX, prepended to
stage ids to form model names.
"""
import json
import os
import subprocess
import sys

import triton_python_backend_utils as pb_utils

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
import relayout_wire as wire  # noqa: E402  (next to this file)

HOST_SCRIPT = os.path.join(HERE, "host", "src", "server", "triton-host.js")
ERROR_CODES = {"invalid": "INVALID_ARG", "cancelled": "CANCELLED", "internal": "INTERNAL"}


def _triton_error(kind, message):
    code = getattr(pb_utils.TritonError, ERROR_CODES.get(kind, "INTERNAL"), None)
    try:
        return pb_utils.TritonError(message, code) if code is not None else pb_utils.TritonError(message)
    except TypeError:  # before 23.09 TritonError takes the message only
        return pb_utils.TritonError(message)


def _is_cancelled(request):
    check = getattr(request, "is_cancelled", None)  # since 23.10
    return bool(check()) if check else False


class TritonPythonModel:
    def initialize(self, args):
        config = json.loads(args["model_config"])
        params = {k: v.get("string_value", "") for k, v in config.get("parameters", {}).items()}
        self.node = params.get("NODE") or "node"
        self.prefix = params.get("STAGE_PREFIX", "")
        with open(os.path.join(HERE, "stages.json"), encoding="utf-8") as f:
            self.stage_outputs = json.load(f)
        self.host = None
        self._start_host()

    def _start_host(self):
        # stderr is inherited: the host's log lines go to Triton's log.
        self.host = subprocess.Popen([self.node, HOST_SCRIPT], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def _stop_host(self):
        if self.host is None:
            return
        try:
            self.host.stdin.close()
        except OSError:
            pass
        try:
            self.host.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.host.kill()
            self.host.wait()
        self.host = None

    def execute(self, requests):
        return [self._edit(request) for request in requests]

    def _edit(self, request):
        if self.host is None or self.host.poll() is not None:
            self._stop_host()
            self._start_host()
        raw_params = request.parameters() if hasattr(request, "parameters") else "{}"
        header = {"type": "edit", "parameters": json.loads(raw_params or "{}")}
        inputs = [(t.name(), t.as_numpy()) for t in request.inputs()]
        try:
            wire.write_frame(self.host.stdin, header, inputs)
            while True:
                reply, tensors = wire.read_frame(self.host.stdout)
                if reply["type"] == "stage":
                    self._run_stage(request, reply["stage"], tensors)
                elif reply["type"] == "done":
                    outputs = [pb_utils.Tensor(name, array) for name, array in tensors]
                    try:
                        return pb_utils.InferenceResponse(output_tensors=outputs, parameters=reply.get("parameters", {}))
                    except TypeError:  # response parameters arrived in 24.x
                        return pb_utils.InferenceResponse(output_tensors=outputs)
                elif reply["type"] == "failed":
                    error = reply.get("error", {})
                    return pb_utils.InferenceResponse(error=_triton_error(error.get("kind"), error.get("message", "failed")))
                else:
                    raise ValueError('unexpected "%s" frame from the Relayout host' % reply["type"])
        except (OSError, EOFError, ValueError) as err:
            # The host died or spoke out of turn: restart it for the next request.
            self._stop_host()
            return pb_utils.InferenceResponse(error=_triton_error("internal", "the Relayout host process failed: %s" % err))

    def _run_stage(self, request, stage, tensors):
        """Runs one stage graph through BLS and sends its outputs (or why not) back to the host."""
        if _is_cancelled(request):
            wire.write_frame(self.host.stdin, {"type": "stage-error", "error": {"kind": "cancelled", "message": "the request was cancelled"}})
            return
        names = self.stage_outputs.get(stage)
        if names is None:
            wire.write_frame(self.host.stdin, {"type": "stage-error", "error": {"kind": "internal", "message": 'no stage model "%s" in stages.json' % stage}})
            return
        kwargs = {}
        memory = getattr(pb_utils, "PreferredMemory", None)
        if memory is not None:  # since 23.04: receive outputs in CPU memory, as as_numpy() needs
            kwargs["preferred_memory"] = memory(pb_utils.TRITONSERVER_MEMORY_CPU, 0)
        bls = pb_utils.InferenceRequest(
            model_name=self.prefix + stage,
            requested_output_names=names,
            inputs=[pb_utils.Tensor(name, array) for name, array in tensors],
            **kwargs,
        )
        response = bls.exec()
        if response.has_error():
            message = 'stage model "%s": %s' % (self.prefix + stage, response.error().message())
            wire.write_frame(self.host.stdin, {"type": "stage-error", "error": {"kind": "internal", "message": message}})
            return
        outputs = [(name, pb_utils.get_output_tensor_by_name(response, name).as_numpy()) for name in names]
        wire.write_frame(self.host.stdin, {"type": "stage-result"}, outputs)

    def finalize(self):
        self._stop_host()
