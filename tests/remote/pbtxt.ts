// A small parser for the protobuf text format subset that config.pbtxt files use (tests of export-triton).

export type Pb = { [key: string]: PbValue[] };
export type PbValue = string | number | Pb | PbValue[];

export function parsePbtxt(text: string): Pb {
  const tokens = text.replace(/#[^\n]*/g, '').match(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|[A-Za-z_][\w.]*|[{}[\]:,]/g) ?? [];
  let i = 0;
  const value = (): PbValue => {
    const t = tokens[i++];
    if (t === '{') return message('}');
    if (t === '[') {
      const list: PbValue[] = [];
      while (tokens[i] !== ']') {
        list.push(value());
        if (tokens[i] === ',') i++;
      }
      i++;
      return list;
    }
    if (t.startsWith('"')) return JSON.parse(t);
    return /^-?\d/.test(t) ? Number(t) : t;
  };
  const message = (end?: string): Pb => {
    const out: Pb = {};
    while (i < tokens.length && tokens[i] !== end) {
      const key = tokens[i++];
      if (tokens[i] === ':') i++;
      const v = value();
      // `key [ {..}, {..} ]` is a repeated message field; `key: [1, 2]` a repeated scalar.
      out[key] = [...(out[key] ?? []), ...(Array.isArray(v) && v.every((x) => typeof x === 'object' && !Array.isArray(x)) ? v : [v])];
    }
    i++;
    return out;
  };
  return message();
}
