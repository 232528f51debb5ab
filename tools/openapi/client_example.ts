// What an integrator writes against the types openapi-typescript generates from
// docs/openapi.json (tools/openapi/typescript_client.sh compiles it with tsc --strict). It uses
// the operations a backend service needs; a change to the description that breaks them breaks
// this file's compilation.
import type { paths, components } from './ledger-api';

type AppendBody = paths['/v1/events']['post']['requestBody']['content']['application/json'];
type Appended = paths['/v1/events']['post']['responses']['201']['content']['application/json'];
type Entry = components['schemas']['Entry'];
type ApiError = components['schemas']['Error'];
type Head = paths['/v1/head']['get']['responses']['200']['content']['application/json'];

export async function append(base: string, token: string, body: AppendBody): Promise<Appended> {
  const res = await fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201 && res.status !== 200) {
    const e = (await res.json()) as ApiError;
    throw new Error(`${res.status} ${e.error.code}: ${e.error.message}`);
  }
  const ack = (await res.json()) as Appended;
  const seq: number = ack.seq;
  const duplicate: boolean = ack.duplicate;
  void seq;
  void duplicate;
  return ack;
}

export async function entry(base: string, token: string, seq: number): Promise<Entry> {
  const res = await fetch(`${base}/v1/entries/${seq}`, { headers: { Authorization: `Bearer ${token}` } });
  const e = (await res.json()) as Entry;
  const stream: string = e.event.stream;
  void stream;
  return e;
}

export async function head(base: string, token: string): Promise<number> {
  const res = await fetch(`${base}/v1/head`, { headers: { Authorization: `Bearer ${token}` } });
  const h = (await res.json()) as Head;
  return h.size;
}
