"""A fake of Triton's `triton_python_backend_utils` for tests, shaped like the documented API.

Only what a Python-backend model with BLS touches: Tensor, InferenceRequest (incoming requests and BLS
requests), InferenceResponse, TritonError, TritonModelException, PreferredMemory, the memory constants,
get_input_tensor_by_name and get_output_tensor_by_name. A BLS request's exec() sends a real Open Inference
Protocol request (binary tensor extension) to the server at $RELAYOUT_BLS_ENDPOINT, which serves the stage
models (relayout-server, as Triton serves them from the exported repository).
"""
import json
import os
import urllib.error
import urllib.request

import numpy as np

import relayout_wire

TRITONSERVER_MEMORY_CPU = 0
TRITONSERVER_MEMORY_GPU = 2


class TritonModelException(Exception):
    pass


class TritonError:
    UNKNOWN = 0
    INTERNAL = 1
    NOT_FOUND = 2
    INVALID_ARG = 3
    UNAVAILABLE = 4
    UNSUPPORTED = 5
    ALREADY_EXISTS = 6
    CANCELLED = 7

    def __init__(self, message, code=INTERNAL):
        self._message = message
        self._code = code

    def message(self):
        return self._message

    def code(self):
        return self._code


class PreferredMemory:
    def __init__(self, preferred_memory_type, preferred_device_id=0):
        self.preferred_memory_type = preferred_memory_type
        self.preferred_device_id = preferred_device_id


class Tensor:
    def __init__(self, name, array):
        if not isinstance(array, np.ndarray):
            raise TritonModelException("Tensor %s: expected a numpy array" % name)
        self._name = name
        self._array = array

    def name(self):
        return self._name

    def as_numpy(self):
        return self._array

    def is_cpu(self):
        return True


class InferenceResponse:
    def __init__(self, output_tensors=None, error=None, parameters=None):
        self._outputs = list(output_tensors or [])
        self._error = error
        self._parameters = dict(parameters or {})

    def output_tensors(self):
        return self._outputs

    def has_error(self):
        return self._error is not None

    def error(self):
        return self._error

    def parameters(self):
        return json.dumps(self._parameters)


class InferenceRequest:
    """An incoming request (inputs, parameters, cancellation) or a BLS request (model_name, exec)."""

    def __init__(self, model_name="", requested_output_names=(), inputs=(), parameters=None,
                 request_id="", correlation_id=0, model_version=-1, flags=0, timeout=0, preferred_memory=None,
                 cancel_after=None):
        self._model_name = model_name
        self._requested = list(requested_output_names)
        self._inputs = list(inputs)
        self._parameters = dict(parameters or {})
        self._cancel_after = cancel_after  # test hook: is_cancelled() turns true after this many calls
        self.cancel_checks = 0

    def inputs(self):
        return self._inputs

    def parameters(self):
        return json.dumps(self._parameters)

    def is_cancelled(self):
        self.cancel_checks += 1
        return self._cancel_after is not None and self.cancel_checks > self._cancel_after

    def exec(self):
        endpoint = os.environ["RELAYOUT_BLS_ENDPOINT"].rstrip("/")
        entries, arrays = relayout_wire.tensor_entries([(t.name(), t.as_numpy()) for t in self._inputs])
        for entry, array in zip(entries, arrays):
            entry["parameters"] = {"binary_data_size": array.nbytes}
        header = {"inputs": entries, "outputs": [{"name": n, "parameters": {"binary_data": True}} for n in self._requested]}
        data = b"".join(a.tobytes() for a in arrays)
        head = json.dumps(header).encode("utf-8")
        req = urllib.request.Request(
            "%s/v2/models/%s/infer" % (endpoint, self._model_name),
            data=head + data,
            method="POST",
            headers={"Content-Type": "application/octet-stream", "Inference-Header-Content-Length": str(len(head))},
        )
        try:
            with urllib.request.urlopen(req, timeout=120) as res:
                body = res.read()
                length = res.headers.get("Inference-Header-Content-Length")
        except urllib.error.HTTPError as err:
            detail = err.read().decode("utf-8", "replace")
            try:
                detail = json.loads(detail).get("error", detail)
            except ValueError:
                pass
            return InferenceResponse(error=TritonError("HTTP %d: %s" % (err.code, detail)))
        length = int(length) if length is not None else len(body)
        answer = json.loads(body[:length].decode("utf-8"))
        binary, offset, outputs = body[length:], 0, []
        for out in answer.get("outputs", []):
            dtype = relayout_wire.DTYPES[out["datatype"]]
            size = out.get("parameters", {}).get("binary_data_size")
            if size is None:
                array = np.asarray(out["data"], dtype=dtype).reshape(out["shape"])
            else:
                array = np.frombuffer(binary, dtype=dtype, count=size // dtype.itemsize, offset=offset).reshape(out["shape"])
                offset += size
            outputs.append(Tensor(out["name"], array))
        return InferenceResponse(output_tensors=outputs)


def get_input_tensor_by_name(request, name):
    return next((t for t in request.inputs() if t.name() == name), None)


def get_output_tensor_by_name(response, name):
    return next((t for t in response.output_tensors() if t.name() == name), None)
