/**
 * The bytes of the files in a generated mongod data directory, one extent at a time: each
 * extent depends only on (kind, seed, length), so workers can make any part of any file in any
 * order and the result is the same. The point is realistic compressibility for gzip, not data
 * mongod could open: collection pages are snappy-compressed BSON-like records (dense, but with
 * the redundancy snappy leaves behind), index pages are prefix-compressed sorted keys, the
 * journal is snappy-compressed log records, diagnostic.data is zlib-compressed metric deltas,
 * and mongod.log is JSON lines.
 */
import { constants, crc32, deflateRawSync, deflateSync } from 'node:zlib';

export type ContentKind = 'collection' | 'index' | 'journal' | 'ftdc' | 'log';

/** What a worker needs to make one extent of a file. */
export interface ExtentSpec {
  kind: ContentKind;
  /** Which collection schema, or which index (0 _id, 1 email, 2 customer and date). */
  variant: number;
  /** Mixed from the file's seed and the extent's index. */
  seed: number;
  length: number;
}

export function extent(spec: ExtentSpec): Buffer {
  const random = new Random(spec.seed);
  switch (spec.kind) {
    case 'collection':
      return fill(spec.length, () => collectionPage(random, spec.variant));
    case 'index':
      return fill(spec.length, () => indexPage(random, spec.variant));
    case 'journal':
      return fill(spec.length, () => journalRecord(random));
    case 'ftdc':
      return fill(spec.length, () => ftdcChunk(random));
    case 'log':
      return logLines(random, spec.length);
  }
}

/** Part of the tar stream: bytes as they are (headers, small files), an extent, or padding. */
export type Piece = { bytes: Uint8Array } | { extent: ExtentSpec } | { zeros: number };

/** A run of about 8 MiB of the tar stream, deflated on its own. */
export interface Job {
  index: number;
  pieces: Piece[];
  /** The last job ends the deflate stream; the others end on a byte boundary (a sync flush). */
  last: boolean;
}

/**
 * One job's tar bytes and their raw deflate. Segments deflated apart and concatenated are one
 * valid deflate stream, as pigz makes them: each but the last ends with a sync flush, so the next
 * starts on a byte boundary with a fresh block. Both buffers own their memory, to be transferred.
 */
export function segment(job: Job): { raw: Buffer; deflated: Buffer } {
  const length = job.pieces.reduce((sum, piece) => sum + pieceLength(piece), 0);
  const raw = Buffer.allocUnsafeSlow(length);
  let at = 0;
  for (const piece of job.pieces) {
    if ('bytes' in piece) at += Buffer.from(piece.bytes).copy(raw, at);
    else if ('extent' in piece) at += extent(piece.extent).copy(raw, at);
    else {
      raw.fill(0, at, at + piece.zeros);
      at += piece.zeros;
    }
  }
  const flush = job.last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH;
  const deflated = deflateRawSync(raw, { level: 6, finishFlush: flush });
  const owned = Buffer.allocUnsafeSlow(deflated.length);
  deflated.copy(owned);
  return { raw, deflated: owned };
}

export function pieceLength(piece: Piece): number {
  if ('bytes' in piece) return piece.bytes.length;
  if ('zeros' in piece) return piece.zeros;
  return piece.extent.length;
}

/** A seed for extent `index` of the file seeded `seed` (a 32-bit integer hash). */
export function mixSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Concatenates `make()` until `length`; the last unit is cut, like stale bytes in a free block. */
function fill(length: number, make: () => Buffer): Buffer {
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  while (at < length) at += make().copy(out, at);
  return out;
}

// ---------------------------------------------------------------------------------------------
// A small, fast, seeded PRNG (sfc32): the same seed gives the same bytes on every platform.
// ---------------------------------------------------------------------------------------------

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.next() / 4294967296) * n);
  }

  pick<T>(values: readonly T[]): T {
    return values[this.below(values.length)] as T;
  }

  /** Skewed towards small indexes, as real value frequencies are. */
  pickSkewed<T>(values: readonly T[]): T {
    const u = this.next() / 4294967296;
    return values[Math.floor(u * u * values.length)] as T;
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary of the records
// ---------------------------------------------------------------------------------------------

const words = (list: string) => list.split(' ');
const BCRYPT = Buffer.from('./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');

const FIRST = words(
  'james mary robert patricia john jennifer michael linda david elizabeth william barbara richard susan joseph jessica thomas sarah carlos karen wei yuki amara lucas sofia mateo emma noah olivia liam ava arjun',
);
const LAST = words(
  'smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores',
);
const DOMAINS = words(
  'gmail.com yahoo.com outlook.com hotmail.com icloud.com proton.me example.org acme.io fastmail.com aol.com',
);
const CITIES =
  'New York,London,Paris,Berlin,Madrid,Tokyo,Toronto,Sydney,Chicago,Austin,Seattle,Dublin,Lisbon,Amsterdam,Singapore,Mumbai,São Paulo,Mexico City,Warsaw,Stockholm'.split(
    ',',
  );
const COUNTRIES = words('US GB FR DE ES JP CA AU IE PT NL SG IN BR MX PL SE');
const STATUSES = ['delivered', 'shipped', 'pending', 'processing', 'cancelled', 'returned'];
const PAYMENT = ['card', 'paypal', 'apple_pay', 'google_pay', 'bank_transfer', 'gift_card'];
const ADJECTIVES = words(
  'classic premium organic wireless compact vintage smart eco deluxe portable ultra mini pro lite',
);
const NOUNS = words(
  'mug lamp backpack headphones keyboard notebook bottle jacket sneakers charger blender watch tent camera chair speaker wallet scarf',
);
const TAGS = words(
  'gift sale new bestseller clearance bundle limited eco imported handmade express fragile',
);
const EVENTS = words(
  'page_view add_to_cart checkout_started purchase login logout search wishlist_add review_posted coupon_applied',
);
const DEVICES = ['ios', 'android', 'web', 'desktop'];
const BROWSERS = words('Chrome/131.0 Safari/18.1 Firefox/133.0 Edge/131.0 SamsungBrowser/26.0');
const WORDS = words(
  'great quality fast shipping works as described would buy again the product is not what expected very happy with it arrived late but good value for money recommend my daughter loves this',
);

// ---------------------------------------------------------------------------------------------
// BSON-like records
// ---------------------------------------------------------------------------------------------

/** Appends BSON elements to a growing buffer; documents are length-prefixed as in BSON. */
class Bson {
  buf = Buffer.allocUnsafe(64 * 1024);
  at = 0;

  private ensure(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  private name(type: number, key: string): void {
    this.ensure(key.length * 3 + 32);
    this.buf[this.at++] = type;
    this.at += this.buf.write(key, this.at, 'utf8');
    this.buf[this.at++] = 0;
  }

  /** Opens a document (or, with `type`, an embedded one named `key`): returns where it starts. */
  open(type = 0, key = ''): number {
    if (type !== 0) this.name(type, key);
    this.ensure(4);
    const start = this.at;
    this.at += 4;
    return start;
  }

  close(start: number): void {
    this.ensure(1);
    this.buf[this.at++] = 0;
    this.buf.writeInt32LE(this.at - start, start);
  }

  objectId(key: string, seconds: number, machine: number, counter: number): void {
    this.name(0x07, key);
    this.buf.writeUInt32BE(seconds >>> 0, this.at);
    this.buf.writeUInt32BE(machine >>> 0, this.at + 4);
    this.buf[this.at + 8] = (machine >>> 24) & 0xff;
    this.buf[this.at + 9] = (counter >>> 16) & 0xff;
    this.buf[this.at + 10] = (counter >>> 8) & 0xff;
    this.buf[this.at + 11] = counter & 0xff;
    this.at += 12;
  }

  string(key: string, value: string): void {
    this.name(0x02, key);
    this.ensure(value.length * 3 + 8);
    const lengthAt = this.at;
    this.at += 4;
    const bytes = this.buf.write(value, this.at, 'utf8');
    this.at += bytes;
    this.buf[this.at++] = 0;
    this.buf.writeInt32LE(bytes + 1, lengthAt);
  }

  int32(key: string, value: number): void {
    this.name(0x10, key);
    this.buf.writeInt32LE(value | 0, this.at);
    this.at += 4;
  }

  int64(key: string, value: number): void {
    this.name(0x12, key);
    this.uint64(value);
  }

  /** A non-negative integer below 2^53 as 8 little-endian bytes, without BigInt's cost. */
  private uint64(value: number): void {
    this.buf.writeUInt32LE(value % 4294967296, this.at);
    this.buf.writeUInt32LE(Math.floor(value / 4294967296), this.at + 4);
    this.at += 8;
  }

  double(key: string, value: number): void {
    this.name(0x01, key);
    this.buf.writeDoubleLE(value, this.at);
    this.at += 8;
  }

  date(key: string, ms: number): void {
    this.name(0x09, key);
    this.uint64(ms);
  }

  /** A string of `prefix` and `length` random characters of `alphabet`, written in place. */
  token(key: string, prefix: string, random: Random, length: number, alphabet: Buffer): void {
    this.name(0x02, key);
    this.ensure(prefix.length + length + 8);
    this.buf.writeInt32LE(prefix.length + length + 1, this.at);
    this.at += 4;
    this.at += this.buf.write(prefix, this.at, 'latin1');
    for (let i = 0; i < length; i++) {
      this.buf[this.at++] = alphabet[random.next() % alphabet.length] as number;
    }
    this.buf[this.at++] = 0;
  }

  bool(key: string, value: boolean): void {
    this.name(0x08, key);
    this.buf[this.at++] = value ? 1 : 0;
  }

  binary(key: string, bytes: Buffer): void {
    this.name(0x05, key);
    this.ensure(bytes.length + 5);
    this.buf.writeInt32LE(bytes.length, this.at);
    this.buf[this.at + 4] = 0;
    this.at += 5 + bytes.copy(this.buf, this.at + 5);
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

/** storage.bson: which storage engine made the directory, and its layout options. */
export function storageBson(): Buffer {
  const doc = new Bson();
  const top = doc.open();
  const storage = doc.open(0x03, 'storage');
  doc.string('engine', 'wiredTiger');
  const options = doc.open(0x03, 'options');
  doc.bool('directoryPerDB', false);
  doc.bool('directoryForIndexes', false);
  doc.close(options);
  doc.close(storage);
  doc.close(top);
  return Buffer.from(doc.bytes());
}

/** 2026-11-01: records are dated in the month before the snapshot. */
const EPOCH_MS = Date.UTC(2026, 10, 1);
const MONTH_MS = 30 * 24 * 3600 * 1000;

/** Records of one page share a time window and an ObjectId counter run, as inserts do. */
interface RecordContext {
  random: Random;
  ms: number;
  machine: number;
  counter: number;
}

function newContext(random: Random): RecordContext {
  return {
    random,
    ms: EPOCH_MS + random.below(MONTH_MS),
    machine: random.next(),
    counter: random.below(1 << 24),
  };
}

function person(random: Random): { name: string; email: string } {
  const first = random.pickSkewed(FIRST);
  const last = random.pickSkewed(LAST);
  const suffix = random.below(4) === 0 ? String(random.below(1000)) : '';
  return {
    name: `${first[0]?.toUpperCase()}${first.slice(1)} ${last[0]?.toUpperCase()}${last.slice(1)}`,
    email: `${first}.${last}${suffix}@${random.pickSkewed(DOMAINS)}`,
  };
}

function order(doc: Bson, c: RecordContext): void {
  const r = c.random;
  const who = person(r);
  doc.int64('customerId', 100_000 + r.below(900_000));
  doc.string('customerName', who.name);
  doc.string('email', who.email);
  doc.string('status', r.pickSkewed(STATUSES));
  doc.date('createdAt', c.ms);
  doc.date('updatedAt', c.ms + r.below(3 * 24 * 3600 * 1000));
  const items = doc.open(0x04, 'items');
  const count = 1 + r.below(4);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const item = doc.open(0x03, String(i));
    const price = (199 + r.below(20_000)) / 100;
    const qty = 1 + r.below(3);
    total += price * qty;
    doc.string('sku', `SKU-${10_000 + r.below(90_000)}`);
    doc.string('name', `${r.pickSkewed(ADJECTIVES)} ${r.pickSkewed(NOUNS)}`);
    doc.int32('qty', qty);
    doc.double('price', price);
    doc.close(item);
  }
  doc.close(items);
  doc.double('total', Math.round(total * 100) / 100);
  doc.string('currency', r.below(5) === 0 ? 'EUR' : 'USD');
  const address = doc.open(0x03, 'shippingAddress');
  doc.string(
    'street',
    `${1 + r.below(9999)} ${r.pickSkewed(LAST)} ${r.pick(['St', 'Ave', 'Rd', 'Blvd'])}`,
  );
  doc.string('city', r.pickSkewed(CITIES));
  doc.string('zip', String(10_000 + r.below(90_000)));
  doc.string('country', r.pickSkewed(COUNTRIES));
  doc.close(address);
  const payment = doc.open(0x03, 'payment');
  doc.string('method', r.pickSkewed(PAYMENT));
  doc.string(
    'transactionId',
    `txn_${(c.machine % 1000).toString(36)}${(c.counter * 7919).toString(36)}`,
  );
  doc.bool('captured', r.below(10) !== 0);
  doc.close(payment);
  if (r.below(3) === 0) {
    const tags = doc.open(0x04, 'tags');
    for (let i = 0, n = 1 + r.below(3); i < n; i++) doc.string(String(i), r.pickSkewed(TAGS));
    doc.close(tags);
  }
}

function user(doc: Bson, c: RecordContext): void {
  const r = c.random;
  const who = person(r);
  doc.string('name', who.name);
  doc.string('email', who.email);
  // A bcrypt hash: 53 characters of its base-64 alphabet after the prefix.
  doc.token('passwordHash', '$2b$12$', r, 53, BCRYPT);
  doc.date('createdAt', c.ms - r.below(24 * MONTH_MS));
  doc.date('lastLoginAt', c.ms);
  doc.int32('loginCount', r.below(5000));
  doc.bool('emailVerified', r.below(5) !== 0);
  const prefs = doc.open(0x03, 'preferences');
  doc.string('language', r.pick(['en', 'en-GB', 'fr', 'de', 'es', 'ja', 'pt-BR']));
  doc.bool('newsletter', r.below(2) === 0);
  doc.string('theme', r.pick(['light', 'dark', 'system']));
  doc.close(prefs);
  const address = doc.open(0x03, 'address');
  doc.string('city', r.pickSkewed(CITIES));
  doc.string('country', r.pickSkewed(COUNTRIES));
  doc.close(address);
  if (r.below(4) === 0) {
    const words: string[] = [];
    for (let i = 0, n = 4 + r.below(16); i < n; i++) words.push(r.pickSkewed(WORDS));
    doc.string('bio', words.join(' '));
  }
}

function event(doc: Bson, c: RecordContext): void {
  const r = c.random;
  doc.string('type', r.pickSkewed(EVENTS));
  doc.int64('userId', 100_000 + r.below(900_000));
  doc.string('sessionId', `${c.machine.toString(16)}${(c.counter >> 4).toString(16)}`);
  doc.date('ts', c.ms);
  const ctx = doc.open(0x03, 'context');
  doc.string('device', r.pickSkewed(DEVICES));
  doc.string('userAgent', `Mozilla/5.0 ${r.pickSkewed(BROWSERS)}`);
  doc.string('ip', `${10 + r.below(200)}.${r.below(256)}.${r.below(256)}.${r.below(256)}`);
  doc.string('path', `/${r.pickSkewed(NOUNS)}s/${r.below(100_000)}`);
  doc.close(ctx);
  doc.int32('durationMs', r.below(30_000));
  if (r.below(3) === 0) doc.double('value', r.below(100_000) / 100);
}

const SCHEMAS = [order, user, event];

/** One record: `_id` first, then the collection's fields (the schema follows the seed). */
function record(doc: Bson, c: RecordContext, schema: number): void {
  const start = doc.open();
  doc.objectId('_id', Math.floor(c.ms / 1000), c.machine, c.counter);
  (SCHEMAS[schema % SCHEMAS.length] ?? order)(doc, c);
  doc.close(start);
  c.counter = (c.counter + 1) & 0xffffff;
  c.ms += c.random.below(2000);
}

// ---------------------------------------------------------------------------------------------
// A snappy-format block compressor: byte-aligned literals and copies, no entropy coding, which
// is why gzip still finds something in WiredTiger's pages.
// ---------------------------------------------------------------------------------------------

const HASH_BITS = 14;
const table = new Int32Array(1 << HASH_BITS);
/** Positions in `table` are stored plus `base`, raised past them after each call: no clearing. */
let base = 1;

/** Compresses `input`; a hot loop, so no closures and no Buffer methods inside it. */
export function snappy(input: Buffer): Buffer {
  const n = input.length;
  const view = new DataView(input.buffer, input.byteOffset, n);
  const out = Buffer.allocUnsafe(32 + n + Math.ceil(n / 6));
  if (base > 2 ** 30) {
    table.fill(0);
    base = 1;
  }
  let o = writeVarint(out, n);
  let pending = 0;
  let i = 0;
  let misses = 0;
  while (i + 4 <= n) {
    const word = view.getUint32(i, true);
    const h = Math.imul(word, 0x1e35a7bd) >>> (32 - HASH_BITS);
    const candidate = (table[h] as number) - base;
    table[h] = base + i;
    if (candidate >= 0 && i - candidate < 65536 && view.getUint32(candidate, true) === word) {
      let length = 4;
      while (i + length < n && input[candidate + length] === input[i + length]) length++;
      o = emitLiteral(input, pending, i, out, o);
      o = emitCopy(i - candidate, length, out, o);
      i += length;
      pending = i;
      misses = 0;
    } else {
      // Like snappy, skip faster through data that does not compress.
      i += 1 + (misses++ >> 5);
    }
  }
  o = emitLiteral(input, pending, n, out, o);
  base += n + 1;
  return out.subarray(0, o);
}

function writeVarint(out: Buffer, value: number): number {
  let o = 0;
  let v = value;
  while (v >= 0x80) {
    out[o++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[o++] = v;
  return o;
}

function emitLiteral(input: Buffer, from: number, to: number, out: Buffer, at: number): number {
  let o = at;
  for (let start = from; start < to; ) {
    const take = Math.min(to - start, 65536);
    if (take <= 60) out[o++] = (take - 1) << 2;
    else if (take <= 256) {
      out[o++] = 60 << 2;
      out[o++] = take - 1;
    } else {
      out[o++] = 61 << 2;
      out[o++] = (take - 1) & 0xff;
      out[o++] = (take - 1) >>> 8;
    }
    // Most literals are a few bytes: a loop beats a native copy's call.
    if (take < 32) for (let k = 0; k < take; k++) out[o + k] = input[start + k] as number;
    else input.copy(out, o, start, start + take);
    o += take;
    start += take;
  }
  return o;
}

function emitCopy(offset: number, length: number, out: Buffer, at: number): number {
  let o = at;
  for (let left = length; left > 0; ) {
    if (left >= 4 && left <= 11 && offset < 2048) {
      out[o++] = ((offset >>> 8) << 5) | ((left - 4) << 2) | 1;
      out[o++] = offset & 0xff;
      return o;
    }
    const take = left > 64 ? (left - 64 < 4 ? 60 : 64) : left;
    out[o++] = ((take - 1) << 2) | 2;
    out[o++] = offset & 0xff;
    out[o++] = offset >>> 8;
    left -= take;
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// WiredTiger-like pages
// ---------------------------------------------------------------------------------------------

/** WiredTiger allocates file space in 4 KiB units. */
const ALLOCATION = 4096;
/** It leaves the page and block headers (the first 64 bytes) uncompressed. */
const HEADER = 64;

/** Packs an unsigned integer the way WiredTiger's cells do: a length nibble, then big-endian. */
function packInt(out: Buffer, at: number, value: number): number {
  if (value < 0x40) {
    out[at] = 0x80 | value;
    return 1;
  }
  let bytes = 0;
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes++;
  out[at] = 0xe0 | bytes;
  for (let i = bytes, v = value; i > 0; i--, v = Math.floor(v / 256)) out[at + i] = v % 256;
  return bytes + 1;
}

/** A page image: a header, `payload` (compressed or not), zeros up to the allocation unit. */
function page(random: Random, type: number, memSize: number, entries: number, payload: Buffer) {
  const size = Math.ceil((HEADER + payload.length) / ALLOCATION) * ALLOCATION;
  const out = Buffer.alloc(size);
  out.writeBigUInt64LE(BigInt(random.next()), 0); // record number / write generation
  out.writeBigUInt64LE(BigInt(random.next()) * 4096n + BigInt(random.below(4096)), 8);
  out.writeUInt32LE(memSize, 16);
  out.writeUInt32LE(entries, 20);
  out[24] = type;
  out[25] = 0x04; // flags: compressed or not, as WiredTiger records it
  out.writeUInt32LE(HEADER + payload.length, 28); // block header: disk size
  payload.copy(out, HEADER);
  out.writeUInt32LE(crc32(out.subarray(HEADER, HEADER + payload.length)), 32); // checksum
  return out;
}

const LEAF_PAGE_MAX = 32 * 1024;
let records: Bson | undefined;

/** A row-store leaf page of a collection: cells of (RecordId, BSON), snappy-compressed. */
function collectionPage(random: Random, schema: number): Buffer {
  records ??= new Bson();
  const doc = records;
  doc.at = 0;
  const c = newContext(random);
  let recordId = 1 + random.below(50_000_000);
  let entries = 0;
  while (doc.at < LEAF_PAGE_MAX - 1024) {
    // Key cell: the RecordId; value cell: the document's length, then the document.
    doc.buf[doc.at++] = 0x05;
    doc.at += packInt(doc.buf, doc.at, recordId++);
    doc.buf[doc.at++] = 0x0c;
    const lengthAt = doc.at;
    doc.at += 3;
    const before = doc.at;
    record(doc, c, schema);
    doc.buf.writeUIntBE(doc.at - before, lengthAt, 3);
    entries += 2;
  }
  const image = doc.bytes();
  return page(random, 7, image.length, entries, snappy(image));
}

/** An index leaf page: sorted keys, each stored as (bytes shared with the previous, the rest). */
function indexPage(random: Random, index: number): Buffer {
  const keys =
    index === 0 ? idKeys(random) : index === 1 ? emailKeys(random) : customerDateKeys(random);
  // In the _id index, RecordIds follow the keys: both grow with insertion order.
  let recordId = 1 + random.below(50_000_000);
  const body = Buffer.allocUnsafe(20 * 1024);
  let at = 0;
  let previous: Buffer = EMPTY;
  let entries = 0;
  for (const key of keys) {
    if (at > 16 * 1024 - 64) break;
    let shared = 0;
    const most = Math.min(key.length, previous.length, 255);
    while (shared < most && key[shared] === previous[shared]) shared++;
    body[at++] = 0x0d; // key cell with a prefix
    body[at++] = shared;
    at += packInt(body, at, key.length - shared);
    at += key.copy(body, at, shared);
    recordId = index === 0 ? recordId + 1 : 1 + random.below(50_000_000);
    at += packInt(body, at, recordId); // value: the RecordId
    previous = key;
    entries++;
  }
  return page(random, 7, at, entries, body.subarray(0, at));
}

const EMPTY = Buffer.alloc(0);
/** About as many keys as a 16 KiB leaf page holds. */
const INDEX_KEYS = 900;

/** Keys of the _id index: ObjectIds in insertion order, so mostly the same from one to the next. */
function idKeys(random: Random): Buffer[] {
  const c = newContext(random);
  const all = Buffer.allocUnsafe(INDEX_KEYS * 14);
  const keys: Buffer[] = [];
  for (let i = 0; i < INDEX_KEYS; i++) {
    const key = all.subarray(i * 14, i * 14 + 14);
    key[0] = 0x64;
    key.writeUInt32BE(Math.floor(c.ms / 1000), 1);
    key.writeUInt32BE(c.machine, 5);
    key[9] = c.machine >>> 24;
    key.writeUIntBE(c.counter, 10, 3);
    key[13] = 0x04;
    c.counter = (c.counter + 1) & 0xffffff;
    c.ms += random.below(2000);
    keys.push(key);
  }
  return keys;
}

/** KeyString-like keys of a string index: a type byte, the string, an end byte. */
function emailKeys(random: Random): Buffer[] {
  const emails: string[] = [];
  for (let i = 0; i < INDEX_KEYS; i++) emails.push(person(random).email);
  emails.sort();
  return emails.map((email) => Buffer.from(`\x3c${email}\x00\x04`, 'latin1'));
}

/** Keys of a compound index on (customerId, createdAt): a type byte and 8 bytes each. */
function customerDateKeys(random: Random): Buffer[] {
  const base = 100_000 + random.below(900_000);
  const start = EPOCH_MS + random.below(MONTH_MS);
  const pairs: number[] = [];
  // One number per key that sorts like the pair: customer in the high part, time in the low.
  for (let i = 0; i < INDEX_KEYS; i++) pairs.push(random.below(400) * 2 ** 32 + random.next());
  pairs.sort((a, b) => a - b);
  const all = Buffer.allocUnsafe(INDEX_KEYS * 19);
  return pairs.map((pair, i) => {
    const key = all.subarray(i * 19, i * 19 + 19);
    key[0] = 0x2b;
    key.writeUInt32BE(0, 1);
    key.writeUInt32BE(base + Math.floor(pair / 2 ** 32), 5);
    key[9] = 0x78;
    const ms = start + Math.floor(((pair % 2 ** 32) / 2 ** 32) * MONTH_MS);
    key.writeUInt32BE(Math.floor(ms / 2 ** 32), 10);
    key.writeUInt32BE(ms % 2 ** 32, 14);
    key[18] = 0x04;
    return key;
  });
}

/** WiredTiger aligns log records to 128 bytes. */
const LOG_ALIGN = 128;

/** A journal record: a commit's operations (file id, RecordId, BSON), snappy-compressed. */
function journalRecord(random: Random): Buffer {
  records ??= new Bson();
  const doc = records;
  doc.at = 0;
  const c = newContext(random);
  for (let i = 0, n = 1 + random.below(12); i < n; i++) {
    doc.buf.writeUInt32LE(1 + random.below(4), doc.at); // operation type
    doc.buf.writeUInt32LE(random.below(40), doc.at + 4); // file id
    doc.at += 8;
    doc.at += packInt(doc.buf, doc.at, 1 + random.below(50_000_000));
    record(doc, c, random.below(SCHEMAS.length));
  }
  const compressed = snappy(doc.bytes());
  const size = Math.ceil((16 + compressed.length) / LOG_ALIGN) * LOG_ALIGN;
  const out = Buffer.alloc(size);
  out.writeUInt32LE(16 + compressed.length, 0);
  out.writeUInt16LE(0x01, 8); // flags: compressed
  out.writeUInt32LE(doc.at, 12);
  compressed.copy(out, 16);
  out.writeUInt32LE(crc32(out.subarray(0, 16 + compressed.length)), 4);
  return out;
}

// ---------------------------------------------------------------------------------------------
// diagnostic.data: FTDC chunks, a reference document and zlib-compressed deltas of its numbers
// ---------------------------------------------------------------------------------------------

const SECTIONS = ['serverStatus', 'replSetGetStatus', 'local.oplog.rs.stats', 'systemMetrics'];
const GROUPS = words(
  'opcounters connections network wiredTiger.cache wiredTiger.transaction metrics.document metrics.operation tcmalloc mem globalLock locks.Global cpu disks.vda',
);
const COUNTERS =
  'insert,query,update,delete,getmore,command,current,available,bytesIn,bytesOut,numRequests,bytes currently in the cache,pages read into cache,pages written from cache,transaction begins,transaction checkpoints,returned,scanned,resident,virtual,totalTime,acquireCount.r,acquireCount.w,user_ms,system_ms,io_time_ms'.split(
    ',',
  );
const METRICS = 400;
const SAMPLES = 300;

function ftdcChunk(random: Random): Buffer {
  const reference = new Bson();
  const top = reference.open();
  reference.date('start', EPOCH_MS + random.below(MONTH_MS));
  const values: number[] = [];
  for (let i = 0; i < METRICS; i++) {
    const name = `${SECTIONS[i % SECTIONS.length]}.${GROUPS[(i >> 2) % GROUPS.length]}.${COUNTERS[i % COUNTERS.length]}.${i}`;
    const value = random.below(1 << 30);
    values.push(value);
    reference.int64(name, value);
  }
  reference.close(top);
  // Deltas per metric over the samples, as varints with zero runs: most counters move slowly.
  const deltas = Buffer.allocUnsafe(METRICS * SAMPLES * 5);
  let at = 0;
  for (let m = 0; m < METRICS; m++) {
    const rate = random.below(8) < 5 ? 0 : random.below(1 << (1 + random.below(20)));
    let zeros = 0;
    for (let s = 0; s < SAMPLES; s++) {
      const delta = rate === 0 || random.below(4) === 0 ? 0 : rate + random.below(rate + 1);
      if (delta === 0) {
        zeros++;
        continue;
      }
      if (zeros > 0) {
        deltas[at++] = 0;
        at += varint(deltas, at, zeros - 1);
        zeros = 0;
      }
      at += varint(deltas, at, delta);
    }
    if (zeros > 0) {
      deltas[at++] = 0;
      at += varint(deltas, at, zeros - 1);
    }
  }
  const body = Buffer.concat([
    reference.bytes(),
    uint32(METRICS),
    uint32(SAMPLES),
    deltas.subarray(0, at),
  ]);
  const chunk = new Bson();
  const start = chunk.open();
  chunk.date('_id', EPOCH_MS + random.below(MONTH_MS));
  chunk.int32('type', 1);
  chunk.binary('data', Buffer.concat([uint32(body.length), deflateSync(body)]));
  chunk.close(start);
  return Buffer.from(chunk.bytes());
}

function uint32(value: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32LE(value);
  return out;
}

function varint(out: Buffer, at: number, value: number): number {
  let i = 0;
  for (let v = value; ; v = Math.floor(v / 128)) {
    if (v < 128) {
      out[at + i++] = v;
      return i;
    }
    out[at + i++] = (v % 128) | 0x80;
  }
}

// ---------------------------------------------------------------------------------------------
// mongod.log: structured JSON lines
// ---------------------------------------------------------------------------------------------

const LOG_LINES: ((r: Random, t: string) => string)[] = [
  (r, t) =>
    `{"t":{"$date":"${t}"},"s":"I","c":"NETWORK","id":22943,"ctx":"listener","msg":"Connection accepted","attr":{"remote":"10.${r.below(256)}.${r.below(256)}.${r.below(256)}:${1024 + r.below(60000)}","uuid":{"uuid":{"$uuid":"${uuid(r)}"}},"connectionId":${r.below(100000)},"connectionCount":${r.below(500)}}}`,
  (r, t) =>
    `{"t":{"$date":"${t}"},"s":"I","c":"NETWORK","id":22944,"ctx":"conn${r.below(100000)}","msg":"Connection ended","attr":{"remote":"10.${r.below(256)}.${r.below(256)}.${r.below(256)}:${1024 + r.below(60000)}","uuid":{"uuid":{"$uuid":"${uuid(r)}"}},"connectionId":${r.below(100000)},"connectionCount":${r.below(500)}}}`,
  (r, t) =>
    `{"t":{"$date":"${t}"},"s":"I","c":"COMMAND","id":51803,"ctx":"conn${r.below(100000)}","msg":"Slow query","attr":{"type":"command","ns":"shop.${r.pick(['orders', 'users', 'events'])}","command":{"find":"${r.pick(['orders', 'users', 'events'])}","filter":{"customerId":${100000 + r.below(900000)}},"sort":{"createdAt":-1},"limit":${r.pick([10, 20, 50, 100])},"lsid":{"id":{"$uuid":"${uuid(r)}"}},"$db":"shop"},"planSummary":"IXSCAN { customerId: 1, createdAt: -1 }","keysExamined":${r.below(5000)},"docsExamined":${r.below(5000)},"nreturned":${r.below(100)},"queryHash":"${r.next().toString(16).toUpperCase()}","reslen":${r.below(200000)},"locks":{"Global":{"acquireCount":{"r":${1 + r.below(9)}}}},"storage":{"data":{"bytesRead":${r.below(10000000)}}},"protocol":"op_msg","durationMillis":${100 + r.below(5000)}}}`,
  (r, t) =>
    `{"t":{"$date":"${t}"},"s":"I","c":"ACCESS","id":5286306,"ctx":"conn${r.below(100000)}","msg":"Successfully authenticated","attr":{"client":"10.${r.below(256)}.${r.below(256)}.${r.below(256)}:${1024 + r.below(60000)}","isSpeculative":true,"isClusterMember":false,"mechanism":"SCRAM-SHA-256","user":"app-${r.below(20)}","db":"admin","result":0,"metrics":{"conversation_duration":{"micros":${r.below(50000)},"summary":{"0":{"step":1,"step_total":2,"duration_micros":${r.below(500)}}}}}}}`,
  (r, t) =>
    `{"t":{"$date":"${t}"},"s":"I","c":"WTCHKPT","id":22430,"ctx":"Checkpointer","msg":"WiredTiger message","attr":{"message":{"ts_sec":${1790000000 + r.below(3000000)},"ts_usec":${r.below(1000000)},"thread":"${r.below(9000)}:0x7f${r.next().toString(16)}","session_name":"WT_SESSION.checkpoint","category":"WT_VERB_CHECKPOINT_PROGRESS","category_id":7,"verbose_level":"DEBUG_1","verbose_level_id":1,"msg":"saving checkpoint snapshot min: ${r.below(1e6)}, snapshot max: ${r.below(1e6)} snapshot count: 0, oldest timestamp: (${1790000000 + r.below(3000000)}, 1) , meta checkpoint timestamp: (${1790000000 + r.below(3000000)}, 1) base write gen: ${r.below(1e6)}"}}}`,
];

function uuid(r: Random): string {
  const hex = `${r.next().toString(16).padStart(8, '0')}${r.next().toString(16).padStart(8, '0')}${r.next().toString(16).padStart(8, '0')}${r.next().toString(16).padStart(8, '0')}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whole lines; the last one is padded with spaces so the extent ends on a newline. */
function logLines(random: Random, length: number): Buffer {
  const out = Buffer.alloc(length, 0x20);
  let ms = EPOCH_MS + random.below(MONTH_MS);
  let at = 0;
  for (;;) {
    ms += random.below(400);
    const line = `${random.pickSkewed(LOG_LINES)(random, new Date(ms).toISOString().replace('Z', '+00:00'))}\n`;
    if (at + Buffer.byteLength(line) > length) break;
    at += out.write(line, at, 'utf8');
  }
  if (length > 0) out[length - 1] = 0x0a;
  return out;
}
