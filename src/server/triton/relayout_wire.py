"""Frames between model.py and its Node host (the Python twin of src/server/triton-pipe.ts).

One frame: u32 LE header length | u32 LE data length | header (UTF-8 JSON) | tensor bytes.
The header's "tensors" list each tensor's name, Open Inference Protocol datatype and shape; their
bytes follow back to back, row-major and little-endian.
"""
import json
import struct

import numpy as np

# Open Inference Protocol datatype <-> NumPy dtype (little-endian).
DTYPES = {
    "BOOL": np.dtype(np.bool_),
    "UINT8": np.dtype("<u1"),
    "UINT16": np.dtype("<u2"),
    "UINT32": np.dtype("<u4"),
    "UINT64": np.dtype("<u8"),
    "INT8": np.dtype("<i1"),
    "INT16": np.dtype("<i2"),
    "INT32": np.dtype("<i4"),
    "INT64": np.dtype("<i8"),
    "FP16": np.dtype("<f2"),
    "FP32": np.dtype("<f4"),
    "FP64": np.dtype("<f8"),
}


def datatype_of(array):
    """The protocol datatype of a NumPy array; ValueError for one the protocol cannot carry here."""
    for name, dtype in DTYPES.items():
        if array.dtype.newbyteorder("<") == dtype:
            return name
    raise ValueError("tensors of dtype %s cannot be sent" % array.dtype)


def tensor_entries(tensors):
    """(name, ndarray) pairs -> their header entries (name, datatype, shape) and contiguous arrays."""
    entries, arrays = [], []
    for name, array in tensors:
        datatype = datatype_of(array)
        entries.append({"name": name, "datatype": datatype, "shape": [int(d) for d in array.shape]})
        arrays.append(np.ascontiguousarray(array, dtype=DTYPES[datatype]))
    return entries, arrays


def _frame_parts(header, tensors):
    entries, arrays = tensor_entries(tensors)
    head = json.dumps(dict(header, tensors=entries)).encode("utf-8")
    return head, arrays


def encode_frame(header, tensors=()):
    """header: a dict (its "tensors" key is filled in); tensors: (name, ndarray) pairs."""
    head, arrays = _frame_parts(header, tensors)
    data = b"".join(a.tobytes() for a in arrays)
    return struct.pack("<II", len(head), len(data)) + head + data


def _read_exactly(stream, n):
    chunks, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("the pipe closed %d bytes before the end of a frame" % left)
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def decode_frame(head, data):
    """(header dict, [(name, ndarray)]) from a frame's header and data bytes."""
    header = json.loads(head.decode("utf-8"))
    tensors, offset = [], 0
    for entry in header.pop("tensors", []):
        dtype = DTYPES[entry["datatype"]]
        count = int(np.prod(entry["shape"], dtype=np.int64))
        size = count * dtype.itemsize
        if offset + size > len(data):
            raise ValueError('frame: tensor "%s" needs %d bytes, %d left' % (entry["name"], size, len(data) - offset))
        array = np.frombuffer(data, dtype=dtype, count=count, offset=offset).reshape(entry["shape"])
        tensors.append((entry["name"], array))
        offset += size
    if offset != len(data):
        raise ValueError("frame: %d data bytes, the tensors declare %d" % (len(data), offset))
    return header, tensors


def read_frame(stream):
    """The next frame from a binary stream; EOFError when it ends."""
    head_length, data_length = struct.unpack("<II", _read_exactly(stream, 8))
    head = _read_exactly(stream, head_length)
    return decode_frame(head, _read_exactly(stream, data_length))


def write_frame(stream, header, tensors=()):
    """Writes a frame piece by piece: the tensors' memory goes to the stream without being joined first."""
    head, arrays = _frame_parts(header, tensors)
    stream.write(struct.pack("<II", len(head), sum(a.nbytes for a in arrays)))
    stream.write(head)
    for a in arrays:
        stream.write(memoryview(a).cast("B"))
    stream.flush()
