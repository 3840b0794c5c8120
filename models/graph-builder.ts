// A small typed builder for ONNX graphs over onnx-proto: every stage graph in models/ is written with it,
// so the committed .onnx files are reproducible from TypeScript (npm run models). Node and browser safe.
import { onnx } from 'onnx-proto';

export type DType = 'float32' | 'int64' | 'bool' | 'int32';
/** A dimension: a number, or a symbolic name such as 'H'. */
export type Dim = number | string;

const ELEM: Record<DType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
  int32: onnx.TensorProto.DataType.INT32,
};

export const OPSET = 17;

type AttrValue = number | number[] | string | { float: number } | { floats: number[] } | { tensor: onnx.ITensorProto };

export interface ValueInfo {
  name: string;
  dtype: DType;
  shape: Dim[];
  doc?: string;
}

/** One tensor name in the graph under construction. */
export type T = string;

export class GraphBuilder {
  private nodes: onnx.INodeProto[] = [];
  private inits: onnx.ITensorProto[] = [];
  private inputs: ValueInfo[] = [];
  private outputs: ValueInfo[] = [];
  private counter = 0;
  private constCache = new Map<string, T>();

  constructor(readonly name: string, readonly doc: string) {}

  private fresh(hint: string): T {
    return `${hint}_${this.counter++}`;
  }

  input(name: string, dtype: DType, shape: Dim[], doc?: string): T {
    this.inputs.push({ name, dtype, shape, doc });
    return name;
  }

  output(value: T, name: string, dtype: DType, shape: Dim[], doc?: string): void {
    this.node('Identity', [value], [name]);
    this.outputs.push({ name, dtype, shape, doc });
  }

  /** Adds a node and returns its (first) output name. */
  node(op: string, inputs: T[], outputs?: string[], attrs: Record<string, AttrValue> = {}): T {
    const outs = outputs ?? [this.fresh(op.toLowerCase())];
    const attribute: onnx.IAttributeProto[] = Object.entries(attrs).map(([name, v]) => attr(name, v));
    this.nodes.push({ opType: op, input: inputs, output: outs, name: this.fresh(`n_${op}`), attribute });
    return outs[0];
  }

  /** A node with several outputs. */
  nodeMulti(op: string, inputs: T[], count: number, attrs: Record<string, AttrValue> = {}): T[] {
    const outs = Array.from({ length: count }, () => this.fresh(op.toLowerCase()));
    this.node(op, inputs, outs, attrs);
    return outs;
  }

  /** A float32 or int64 constant (scalars and small arrays), shared when repeated. */
  constF(values: number | number[], shape?: number[]): T {
    return this.constant('float32', values, shape);
  }
  constI(values: number | number[], shape?: number[]): T {
    return this.constant('int64', values, shape);
  }

  private constant(dtype: 'float32' | 'int64', values: number | number[], shape?: number[]): T {
    const arr = Array.isArray(values) ? values : [values];
    const dims = shape ?? (Array.isArray(values) ? [arr.length] : []);
    const key = `${dtype}|${dims.join('x')}|${arr.join(',')}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = this.fresh(dtype === 'float32' ? 'cf' : 'ci');
    const t: onnx.ITensorProto = { name, dims, dataType: ELEM[dtype] };
    if (dtype === 'float32') t.floatData = arr;
    else t.int64Data = arr;
    this.inits.push(t);
    this.constCache.set(key, name);
    return name;
  }

  // Arithmetic and common ops (thin wrappers that keep graph code readable).
  add(a: T, b: T): T { return this.node('Add', [a, b]); }
  sub(a: T, b: T): T { return this.node('Sub', [a, b]); }
  mul(a: T, b: T): T { return this.node('Mul', [a, b]); }
  div(a: T, b: T): T { return this.node('Div', [a, b]); }
  max(a: T, b: T): T { return this.node('Max', [a, b]); }
  min(a: T, b: T): T { return this.node('Min', [a, b]); }
  sqrt(a: T): T { return this.node('Sqrt', [a]); }
  exp(a: T): T { return this.node('Exp', [a]); }
  floor(a: T): T { return this.node('Floor', [a]); }
  neg(a: T): T { return this.node('Neg', [a]); }
  abs(a: T): T { return this.node('Abs', [a]); }
  cast(a: T, to: DType): T { return this.node('Cast', [a], undefined, { to: ELEM[to] }); }
  equal(a: T, b: T): T { return this.node('Equal', [a, b]); }
  where(c: T, a: T, b: T): T { return this.node('Where', [c, a, b]); }
  reshape(a: T, shape: T): T { return this.node('Reshape', [a, shape]); }
  shape(a: T): T { return this.node('Shape', [a]); }
  concat(xs: T[], axis: number): T { return this.node('Concat', xs, undefined, { axis }); }
  unsqueeze(a: T, axes: number[]): T { return this.node('Unsqueeze', [a, this.constI(axes)]); }
  squeeze(a: T, axes: number[]): T { return this.node('Squeeze', [a, this.constI(axes)]); }
  transpose(a: T, perm: number[]): T { return this.node('Transpose', [a], undefined, { perm }); }
  reduceSum(a: T, axes: number[], keepdims = 1): T { return this.node('ReduceSum', [a, this.constI(axes)], undefined, { keepdims }); }
  reduceMean(a: T, axes: number[], keepdims = 1): T { return this.node('ReduceMean', [a], undefined, { axes, keepdims }); }
  reduceMax(a: T, axes: number[], keepdims = 1): T { return this.node('ReduceMax', [a], undefined, { axes, keepdims }); }
  gather(data: T, indices: T, axis: number): T { return this.node('Gather', [data, indices], undefined, { axis }); }
  gatherElements(data: T, indices: T, axis: number): T { return this.node('GatherElements', [data, indices], undefined, { axis }); }
  slice(a: T, starts: number[], ends: number[], axes: number[], steps?: number[]): T {
    const ins = [a, this.constI(starts), this.constI(ends), this.constI(axes)];
    if (steps) ins.push(this.constI(steps));
    return this.node('Slice', ins);
  }
  /** Values and int64 indices of the k largest along `axis` (sorted, largest first). */
  topK(a: T, k: T, axis: number): [T, T] {
    const [v, i] = this.nodeMulti('TopK', [a, k], 2, { axis, largest: 1, sorted: 1 });
    return [v, i];
  }

  build(): Uint8Array {
    const vi = (v: ValueInfo): onnx.IValueInfoProto => ({
      name: v.name,
      docString: v.doc ?? '',
      type: {
        tensorType: {
          elemType: ELEM[v.dtype],
          shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
    const model: onnx.IModelProto = {
      irVersion: 8,
      producerName: 'relayout-graph-builder',
      producerVersion: '1',
      docString: this.doc,
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.inits,
        input: this.inputs.map(vi),
        output: this.outputs.map(vi),
      },
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }

  get inputInfo(): readonly ValueInfo[] { return this.inputs; }
  get outputInfo(): readonly ValueInfo[] { return this.outputs; }
}

function attr(name: string, v: AttrValue): onnx.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: A.INT, i: v };
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  if ('float' in v) return { name, type: A.FLOAT, f: v.float };
  if ('floats' in v) return { name, type: A.FLOATS, floats: v.floats };
  return { name, type: A.TENSOR, t: v.tensor };
}
